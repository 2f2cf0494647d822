"""The journey map as data, editable by head office. Not customer data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from insidetrack.network.models import Department


class TranslatedNameMixin(models.Model):
    """Names head office edits in several languages; falls back to English when a translation is missing."""

    name = models.CharField(_("name (English)"), max_length=120)
    name_de = models.CharField(_("name (German)"), max_length=120, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name


class Journey(models.Model):
    """A brand's customer journey; one is the default that new dealers follow."""

    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="journeys")
    name = models.CharField(_("name"), max_length=120)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")
        constraints = [models.UniqueConstraint(fields=["brand"], condition=models.Q(is_default=True),
                                               name="one_default_journey_per_brand")]

    def __str__(self) -> str:
        return self.name


class Stage(TranslatedNameMixin):
    """A phase of the journey (choosing, buying, taking delivery, owning)."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="stages")
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["journey", "position"]
        constraints = [models.UniqueConstraint(fields=["journey", "code"], name="stage_code_unique")]


class Touchpoint(TranslatedNameMixin):
    """A moment the customer meets the brand, owned by one department, with what the customer needs from it."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="touchpoints")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="touchpoints")
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"))
    department = models.CharField(_("owning department"), max_length=20, choices=Department.choices)
    rational_needs = models.TextField(_("rational needs"), blank=True)
    emotional_needs = models.TextField(_("emotional needs"), blank=True)
    is_surveyed = models.BooleanField(_("surveyed"), default=True,
                                      help_text=_("Whether an event at this touchpoint can trigger a survey."))

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["journey", "position"]
        constraints = [models.UniqueConstraint(fields=["journey", "code"], name="touchpoint_code_unique")]


class Theme(TranslatedNameMixin):
    """A subject feedback can be about (waiting time, staff attitude, ...): a case's root cause and a verbatim's theme.

    Themes belong to the brand's taxonomy, which head office edits. A theme linked to no touchpoint applies to all
    of them (staff attitude can go wrong anywhere).
    """

    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="themes")
    code = models.SlugField(_("code"), max_length=40)
    touchpoints = models.ManyToManyField(Touchpoint, blank=True, related_name="themes",
                                         help_text=_("Where this theme can be a root cause; none means everywhere."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "code"], name="theme_code_unique_per_brand")]

"""The brand's retail network. Not customer data: every signed-in member may read dealer names."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Brand(models.Model):
    """The car brand running the programme (one per installation; the name comes from configuration)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    dealers_see_scores = models.BooleanField(
        _("dealers see scores"), default=False,
        help_text=_("Off (the default): dealers see verbatims, the action to take and the deadline, never a 0-10 "
                    "score or an NPS figure, so there is no number to chase."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    """A sales region managed by a region manager; the level escalations go to before head office."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="regions")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "code"], name="region_code_unique_per_brand")]

    def __str__(self) -> str:
        return self.name


class Department(models.TextChoices):
    """Departments that own touchpoints and receive feedback; a fixed set so reports compare across dealers."""

    SALES = "sales", _("Sales")
    FINANCE = "finance", _("Finance")
    LEGAL = "legal", _("Legal")
    SERVICE = "service", _("Service")
    AFTERSALES = "aftersales", _("Aftersales")
    EVENTS = "events", _("Events")


def default_opening_hours() -> dict[str, list[list[str]]]:
    """Monday to Friday 08:30-18:00, Saturday 09:00-16:00, closed on Sunday."""
    weekday = [["08:30", "18:00"]]
    return {"mon": weekday, "tue": weekday, "wed": weekday, "thu": weekday, "fri": weekday,
            "sat": [["09:00", "16:00"]], "sun": []}


class Dealer(models.Model):
    """A retailer: owns its customers' feedback and answers for it within the 24-hour promise."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="dealers")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="dealers")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=160)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code"))
    language = models.CharField(_("language"), max_length=8, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/London")
    opening_hours = models.JSONField(
        _("opening hours"), default=default_opening_hours,
        help_text=_('Per weekday ("mon".."sun") a list of ["HH:MM", "HH:MM"] intervals in local time.'),
    )
    email_domain = models.CharField(
        _("e-mail domain"), max_length=120, blank=True,
        help_text=_("The dealer's own e-mail domain; a customer contact on it is a sign of contact substitution."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "code"], name="dealer_code_unique_per_brand")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

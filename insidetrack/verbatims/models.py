"""What the text analysis concluded about each verbatim, the labels head office taught it, and the models it trained.

The analysis is derived data: it can be thrown away and recomputed from the verbatims and the current model at any
time (``insidetrack verbatims analyse``). Labels are not: they are a person's judgement, kept with who made it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insidetrack.core.scoping import Scope, ScopedModel

VERBATIM_SCOPE = Scope(brand="brand_id", region="dealer__region_id", dealer="dealer_id",
                       customer="response__customer_id")


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class VerbatimAnalysis(ScopedModel):
    """The analysis of one response's verbatim: language, sentiment of the words, themes and flags.

    Brand, dealer, touchpoint and time are copied from the response (which never changes after submission) so that
    theme statistics group one table, as the rollups do for scores.
    """

    scope = VERBATIM_SCOPE

    response = models.OneToOneField("surveys.Response", on_delete=models.CASCADE, primary_key=True,
                                    related_name="analysis")
    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="+")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.CASCADE, related_name="+")
    touchpoint = models.ForeignKey("journeys.Touchpoint", on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    language = models.CharField(_("language"), max_length=8)
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices, blank=True,
                                 help_text=_("Of the words themselves, whatever the score; empty for an empty text."))
    sentiment_score = models.FloatField(_("sentiment score"), default=0.0,
                                        help_text=_("From -1 (surely negative) to 1 (surely positive)."))
    theme_fit = models.FloatField(_("theme fit"), default=0.0,
                                  help_text=_("How well the text fits its best theme; low means a possible new theme."))
    themes = models.ManyToManyField("journeys.Theme", through="VerbatimTheme", related_name="+")
    is_incentive = models.BooleanField(_("incentive or coaching language"), default=False)
    is_safety = models.BooleanField(_("safety or legal issue"), default=False)
    flag_phrases = models.JSONField(_("flagged phrases"), default=dict, blank=True,
                                    help_text=_('The words that raised a flag: {"incentive": [...], "safety": [...]}.'))
    trained_model = models.ForeignKey("TrainedModel", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    analysed_at = models.DateTimeField(_("analysed at"))
    # Filled on PostgreSQL only (with the text's own language's dictionary); the portable fallback searches the text.
    search_document = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("verbatim analysis")
        verbose_name_plural = _("verbatim analyses")
        indexes = [
            models.Index(fields=["brand", "submitted_at"], name="verbatim_brand_time"),
            models.Index(fields=["dealer", "submitted_at"], name="verbatim_dealer_time"),
            models.Index(fields=["brand", "theme_fit"], name="verbatim_theme_fit"),
        ]

    def __str__(self) -> str:
        return f"analysis of response {self.response_id}"


class VerbatimTheme(models.Model):
    """A theme the analysis found in a verbatim, with the model's probability."""

    analysis = models.ForeignKey(VerbatimAnalysis, on_delete=models.CASCADE, related_name="theme_links")
    theme = models.ForeignKey("journeys.Theme", on_delete=models.CASCADE, related_name="verbatim_links")
    probability = models.FloatField(_("probability"))

    class Meta:
        verbose_name = _("verbatim theme")
        verbose_name_plural = _("verbatim themes")
        constraints = [models.UniqueConstraint(fields=["analysis", "theme"], name="verbatim_theme_once")]
        indexes = [models.Index(fields=["theme", "analysis"], name="verbatim_theme_by_theme")]

    def __str__(self) -> str:
        return f"{self.theme_id} in {self.analysis_id} ({self.probability:.2f})"


class VerbatimLabel(ScopedModel):
    """A person's reading of a verbatim (its themes and sentiment), which the next model learns from.

    Relabelling writes a new row and retires the previous one, so the history of who taught what is kept.
    """

    scope = VERBATIM_SCOPE

    response = models.ForeignKey("surveys.Response", on_delete=models.CASCADE, related_name="verbatim_labels")
    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="+")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.CASCADE, related_name="+")
    themes = models.ManyToManyField("journeys.Theme", blank=True, related_name="+")
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices)
    labelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("labelled by"))
    labelled_by_name = models.CharField(_("labelled by (name)"), max_length=150, blank=True,
                                        help_text=_("Kept when the account is deleted."))
    labelled_at = models.DateTimeField(_("labelled at"))
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("verbatim label")
        verbose_name_plural = _("verbatim labels")
        ordering = ["-labelled_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["response"], condition=Q(is_current=True),
                                               name="one_current_label_per_response")]
        indexes = [models.Index(fields=["brand", "is_current"], name="verbatim_label_current")]

    def __str__(self) -> str:
        return f"label of response {self.response_id} by {self.labelled_by_name}"


class TrainedModel(models.Model):
    """A theme and sentiment model trained for a brand, kept so that every analysis says which model made it.

    The newest one is active; older ones stay for comparison of their cross-validated figures.
    """

    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("trained at"))
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("trained by"))
    trained_by_name = models.CharField(_("trained by (name)"), max_length=150, blank=True)
    payload = models.BinaryField(_("model"))
    theme_codes = models.JSONField(_("theme codes"), default=list)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    seed_examples = models.PositiveIntegerField(_("shipped examples"), default=0)
    labelled_examples = models.PositiveIntegerField(_("labelled examples"), default=0)
    score_examples = models.PositiveIntegerField(_("examples labelled by their score"), default=0)
    training_seconds = models.FloatField(_("training time (s)"), default=0.0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("trained model")
        verbose_name_plural = _("trained models")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["brand"], condition=Q(is_active=True),
                                               name="one_active_model_per_brand")]

    def __str__(self) -> str:
        return f"model {self.pk} of {self.created_at:%Y-%m-%d %H:%M}"

"""Ground truth the demo generator records, so integrity features can be measured against what was planted."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scheme(models.TextChoices):
    SCORE_BEGGING = "score_begging", _("Score begging (asking customers for a 10)")
    QUARTER_END_PUSH = "quarter_end_push", _("Quarter-end push (selected happy customers pushed online)")
    FREEBIES = "freebies", _("Freebies for a 10")
    TABLET = "tablet", _("Surveys filled in on a dealer tablet")
    CONTACT_SUBSTITUTION = "contact_substitution", _("Customer contacts replaced by staff addresses")


class PlantedScheme(models.Model):
    """A gaming behaviour the generator gave a dealer over a period."""

    dealer = models.ForeignKey("network.Dealer", on_delete=models.CASCADE, related_name="planted_schemes")
    scheme = models.CharField(max_length=32, choices=Scheme.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    intensity = models.FloatField(help_text=_("Share of the dealer's eligible responses affected."))
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = _("planted gaming scheme")
        verbose_name_plural = _("planted gaming schemes")

    def __str__(self) -> str:
        return f"{self.dealer.code}: {self.get_scheme_display()}"


class PlantedResponse(models.Model):
    """A response the generator produced by gaming (answer-level ground truth)."""

    response = models.OneToOneField("surveys.Response", on_delete=models.CASCADE, related_name="planted")
    scheme = models.ForeignKey(PlantedScheme, on_delete=models.CASCADE, related_name="responses")

    class Meta:
        verbose_name = _("planted response")
        verbose_name_plural = _("planted responses")

    def __str__(self) -> str:
        return f"response {self.response_id} (scheme {self.scheme_id})"


class PlantedProblem(models.Model):
    """A product problem the generator made customers start writing about: ground truth for emerging themes."""

    description = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    dealer_codes = models.JSONField(default=list, help_text=_("The dealers whose customers were affected."))

    class Meta:
        verbose_name = _("planted emerging problem")
        verbose_name_plural = _("planted emerging problems")

    def __str__(self) -> str:
        return self.description


class PlantedProblemResponse(models.Model):
    """A response whose verbatim the generator wrote about the planted problem (answer-level ground truth)."""

    response = models.OneToOneField("surveys.Response", on_delete=models.CASCADE, related_name="planted_problem")
    problem = models.ForeignKey(PlantedProblem, on_delete=models.CASCADE, related_name="responses")

    class Meta:
        verbose_name = _("response about a planted problem")
        verbose_name_plural = _("responses about a planted problem")

    def __str__(self) -> str:
        return f"response {self.response_id} (problem {self.problem_id})"

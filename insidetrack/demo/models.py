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

"""Rollups: counts of journey-survey answers per day, dealer, touchpoint, vehicle model, channel and score.

Dashboards read these instead of raw responses (see ``rollups.py`` for how they are kept up to date and rebuilt).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insidetrack.core.scoping import Scope, ScopedModel

# The rollup tables are derived from responses, whose own foreign keys already guarantee brand, dealer and
# touchpoint exist: checking them again on every counted row made a rebuild about a third slower. Deleting through
# the ORM still cascades (and a rebuild puts any stray row right).
DERIVED = {"on_delete": models.CASCADE, "related_name": "+", "db_index": False, "db_constraint": False}


class ResponseRollup(ScopedModel):
    """How many final journey-survey answers gave ``score`` in one cell: day x dealer x touchpoint x model x channel.

    ``day`` is the date of the response's ``submitted_at`` in UTC (not the brand's or the dealer's local date), so a
    cell never depends on a time-zone setting. Only journey surveys count (follow-up answers would count a case's
    unhappy customer twice), and an answer counts once its score is final: when the survey is completed, or 30
    minutes after a score the owner never completed. The rows name no customer, but a dealer still sees only its own.
    """

    scope = Scope(brand="brand_id", region="dealer__region_id", dealer="dealer_id", customer=None)

    brand = models.ForeignKey("network.Brand", **DERIVED)
    day = models.DateField(_("day (UTC)"))
    dealer = models.ForeignKey("network.Dealer", **DERIVED)
    touchpoint = models.ForeignKey("journeys.Touchpoint", **DERIVED)
    vehicle_model = models.CharField(_("vehicle model"), max_length=60, blank=True)
    channel = models.CharField(_("channel"), max_length=10)
    score = models.PositiveSmallIntegerField(_("score"))
    count = models.PositiveIntegerField(_("answers"))

    class Meta:
        verbose_name = _("response rollup")
        verbose_name_plural = _("response rollups")
        constraints = [
            models.UniqueConstraint(fields=["day", "dealer", "touchpoint", "vehicle_model", "channel", "score"],
                                    name="response_rollup_one_row_per_cell"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=10), name="response_rollup_score_0_10"),
        ]
        indexes = [
            models.Index(fields=["brand", "day"], name="rollup_brand_day"),
            models.Index(fields=["dealer", "day"], name="rollup_dealer_day"),
            models.Index(fields=["touchpoint", "day"], name="rollup_touchpoint_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} · {self.dealer_id} · {self.touchpoint_id} · {self.score}: {self.count}"


class RolledUpResponse(models.Model):
    """Bookkeeping of the rollups, never shown: which response is counted, and in exactly which cell.

    The row is the claim (inserted with ``ON CONFLICT DO NOTHING``, so a response is counted once however many
    workers try) and the receipt: when the response changes later (a score counted as abandoned, then changed and
    completed) or disappears, exactly what was added is subtracted. The response is a plain key without a database
    constraint, so deleting a response leaves the receipt for the sweep to subtract.
    """

    response = models.OneToOneField("surveys.Response", on_delete=models.DO_NOTHING, db_constraint=False,
                                     primary_key=True, related_name="+")
    brand = models.ForeignKey("network.Brand", **DERIVED)
    day = models.DateField(_("day (UTC)"), db_index=True)
    dealer = models.ForeignKey("network.Dealer", **DERIVED)
    touchpoint = models.ForeignKey("journeys.Touchpoint", **DERIVED)
    vehicle_model = models.CharField(_("vehicle model"), max_length=60, blank=True)
    channel = models.CharField(_("channel"), max_length=10)
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("rolled-up response")
        verbose_name_plural = _("rolled-up responses")

    def __str__(self) -> str:
        return f"{self.response_id} → {self.day} · {self.score}"

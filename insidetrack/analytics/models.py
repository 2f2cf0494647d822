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


class MonthlyRollup(ScopedModel):
    """NPS counts per calendar month (UTC) x dealer x touchpoint x model x channel: what the dashboards read.

    The day x score grain of :class:`ResponseRollup` barely compresses at a real brand's density (a dealer's model
    and touchpoint see a handful of answers a day), so a dashboard summing it would read almost as many rows as raw
    responses. Months are the periods head office reports in (months, quarters, years), and three band counts are all
    an NPS and its interval need. Kept up to date by the same statements as the daily cells (``rollups.py``), so the
    two never disagree.
    """

    scope = Scope(brand="brand_id", region="dealer__region_id", dealer="dealer_id", customer=None)

    brand = models.ForeignKey("network.Brand", **DERIVED)
    month = models.DateField(_("month (UTC), its first day"))
    dealer = models.ForeignKey("network.Dealer", **DERIVED)
    touchpoint = models.ForeignKey("journeys.Touchpoint", **DERIVED)
    vehicle_model = models.CharField(_("vehicle model"), max_length=60, blank=True)
    channel = models.CharField(_("channel"), max_length=10)
    detractors = models.PositiveIntegerField(_("detractors (0-6)"), default=0)
    passives = models.PositiveIntegerField(_("passives (7-8)"), default=0)
    promoters = models.PositiveIntegerField(_("promoters (9-10)"), default=0)

    class Meta:
        verbose_name = _("monthly rollup")
        verbose_name_plural = _("monthly rollups")
        constraints = [
            models.UniqueConstraint(fields=["month", "dealer", "touchpoint", "vehicle_model", "channel"],
                                    name="monthly_rollup_one_row_per_cell"),
        ]
        indexes = [
            models.Index(fields=["brand", "month"], name="monthly_brand_month"),
            models.Index(fields=["dealer", "month"], name="monthly_dealer_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.dealer_id} · {self.touchpoint_id}: {self.detractors}/{self.passives}/" \
               f"{self.promoters}"


class _MonthlyBands(ScopedModel):
    """Three band counts of one month at one dealer, for the coarser monthly tables below."""

    scope = Scope(brand="brand_id", region="dealer__region_id", dealer="dealer_id", customer=None)

    brand = models.ForeignKey("network.Brand", **DERIVED)
    month = models.DateField(_("month (UTC), its first day"))
    dealer = models.ForeignKey("network.Dealer", **DERIVED)
    detractors = models.PositiveIntegerField(_("detractors (0-6)"), default=0)
    passives = models.PositiveIntegerField(_("passives (7-8)"), default=0)
    promoters = models.PositiveIntegerField(_("promoters (9-10)"), default=0)

    class Meta:
        abstract = True


class MonthlyTouchpointRollup(_MonthlyBands):
    """:class:`MonthlyRollup` without model and channel: what a view by touchpoint or stage sums.

    A long, lightly filtered view over the full monthly grain reads nearly every cell (10 million answers fill about
    half a million); the same view over month x dealer x one dimension reads a few tens of thousands. The dashboard
    picks the smallest table holding every dimension a view filters or groups on (``dashboard._table_for``).
    """

    touchpoint = models.ForeignKey("journeys.Touchpoint", **DERIVED)

    class Meta:
        verbose_name = _("monthly rollup by touchpoint")
        verbose_name_plural = _("monthly rollups by touchpoint")
        constraints = [models.UniqueConstraint(fields=["month", "dealer", "touchpoint"],
                                               name="monthly_touchpoint_one_row_per_cell")]
        indexes = [models.Index(fields=["brand", "month"], name="monthly_tp_brand_month")]


class MonthlyModelRollup(_MonthlyBands):
    """:class:`MonthlyRollup` without touchpoint and channel: what a view by vehicle model sums."""

    vehicle_model = models.CharField(_("vehicle model"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("monthly rollup by model")
        verbose_name_plural = _("monthly rollups by model")
        constraints = [models.UniqueConstraint(fields=["month", "dealer", "vehicle_model"],
                                               name="monthly_model_one_row_per_cell")]
        indexes = [models.Index(fields=["brand", "month"], name="monthly_model_brand_month")]


class MonthlyChannelRollup(_MonthlyBands):
    """:class:`MonthlyRollup` without touchpoint and model: the smallest table, read by every view that needs
    neither (totals, trends, regions, dealers, the funnel)."""

    channel = models.CharField(_("channel"), max_length=10)

    class Meta:
        verbose_name = _("monthly rollup by channel")
        verbose_name_plural = _("monthly rollups by channel")
        constraints = [models.UniqueConstraint(fields=["month", "dealer", "channel"],
                                               name="monthly_channel_one_row_per_cell")]
        indexes = [models.Index(fields=["brand", "month"], name="monthly_channel_brand_month")]


class BenchmarkKind(models.TextChoices):
    BRAND = "brand", _("Another brand")
    INDUSTRY = "industry", _("Industry")
    INTERNAL = "internal", _("Our own target")


class ExternalBenchmark(ScopedModel):
    """An NPS published outside the platform (another brand, an industry study) that head office compares with.

    A published NPS comes with whatever its source gave: sometimes promoter and detractor shares and a sample size
    (then its interval is computed exactly as ours), sometimes only the NPS and a sample size (then the widest
    interval that NPS allows is used), sometimes a bare figure (then it is compared as a fixed target, and only our
    own uncertainty counts). The comparison logic lives in ``benchmarks.py``.
    """

    scope = Scope(brand="brand_id", region=None, dealer=None, customer=None)

    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="benchmarks")
    name = models.CharField(_("name"), max_length=120, help_text=_("Whose NPS, e.g. 'Premium segment, UK'."))
    kind = models.CharField(_("kind"), max_length=10, choices=BenchmarkKind.choices, default=BenchmarkKind.BRAND)
    source = models.CharField(_("source"), max_length=200, blank=True,
                              help_text=_("Where the figure was published, so others can check it."))
    touchpoint = models.ForeignKey("journeys.Touchpoint", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", help_text=_("Leave empty for a whole-journey figure."))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    nps = models.DecimalField(_("NPS"), max_digits=5, decimal_places=1)
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    promoter_share = models.DecimalField(_("promoters (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    detractor_share = models.DecimalField(_("detractors (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    entered_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("external benchmark")
        verbose_name_plural = _("external benchmarks")
        constraints = [
            models.CheckConstraint(condition=Q(nps__gte=-100, nps__lte=100), name="benchmark_nps_in_range"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="benchmark_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.nps}"


class ScorecardDelivery(models.Model):
    """One person's weekly scorecard e-mail for one ISO week: the claim that it is theirs to send, and the receipt.

    The row is inserted before the e-mail goes out, with ``INSERT ... ON CONFLICT DO NOTHING`` and the claiming
    sweep's token, so of two sweeps running at once exactly one owns it (see ``scorecard_mail.py``). ``sent_at``
    stays empty when sending was interrupted after the claim: that person misses the week rather than getting it
    twice.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("ISO week (its Monday)"))
    claim = models.UUIDField(_("claimed by sweep"))
    claimed_at = models.DateTimeField(_("claimed at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scorecard delivery")
        verbose_name_plural = _("scorecard deliveries")
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="scorecard_delivery_once_a_week")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.week}"


class ReportSnapshot(models.Model):
    """An expensive analysis (moments of truth, journeys as they happen) computed once a day per viewer scope.

    The head-office analysis takes several seconds (the bootstrap refits every model hundreds of times); a cache
    keyed on the latest answer was invalidated by every new answer in a live network, and a per-process cache is
    cold in every web process. A row per scope and day is shared by all processes, warmed by the daily sweep, and
    holds only aggregates (never a customer's row), so it needs no scoping beyond the key the selectors build from
    the viewer.
    """

    key = models.CharField(max_length=200, unique=True)
    computed_at = models.DateTimeField()
    payload = models.BinaryField()

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")

    def __str__(self) -> str:
        return self.key

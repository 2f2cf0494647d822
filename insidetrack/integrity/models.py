"""What the gaming detectors concluded per dealer and quarter, the alerts head office reviews, and their audit trail.

Head office only: the scope names no region, dealer or customer path, so everyone else sees nothing (dealers must
never learn which detectors fired, or how to stay under them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insidetrack.core.scoping import Scope, ScopedModel

from .policies.review import AlertStatus

HEAD_OFFICE_ONLY = Scope(brand="brand_id")


class IntegrityScan(ScopedModel):
    """One run of the detectors over a brand: when, over what, how long, and what it opened (the scan's own log)."""

    scope = HEAD_OFFICE_ONLY

    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    first_period = models.CharField(_("first quarter"), max_length=7, blank=True)
    last_period = models.CharField(_("last quarter"), max_length=7, blank=True)
    responses = models.PositiveIntegerField(_("responses"), default=0)
    dealer_periods = models.PositiveIntegerField(_("dealer-quarters tested"), default=0)
    alerts_opened = models.PositiveIntegerField(_("alerts opened"), default=0)
    seconds = models.FloatField(_("seconds"), default=0.0)
    thresholds = models.JSONField(_("thresholds"), default=dict, blank=True)

    class Meta:
        verbose_name = _("integrity scan")
        verbose_name_plural = _("integrity scans")
        indexes = [models.Index(fields=["brand", "started_at"])]

    def __str__(self) -> str:
        return f"{self.brand} {self.started_at:%Y-%m-%d %H:%M}"


class RiskAssessment(ScopedModel):
    """The combined gaming risk of one dealer in one quarter, as the latest scan computed it.

    Recomputed by every scan (a late response or a re-analysed verbatim changes the evidence); an alert keeps its
    own copy of the risk it was opened with, so the review reads what the reviewer saw.
    """

    scope = HEAD_OFFICE_ONLY

    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="+")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.CASCADE, related_name="risk_assessments")
    period = models.CharField(_("quarter"), max_length=7, help_text=_("For example 2026Q3."))
    period_start = models.DateField(_("quarter starts"))
    responses = models.PositiveIntegerField(_("responses"))
    risk = models.FloatField(_("risk"), help_text=_("Combined evidence of gaming; the alert threshold is fixed."))
    is_alert = models.BooleanField(_("above the alert threshold"), default=False)
    signals = models.JSONField(_("signals"), default=list, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    ruled_out = models.JSONField(_("innocent explanations ruled out"), default=list, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"))

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        constraints = [models.UniqueConstraint(fields=["dealer", "period"], name="risk_once_per_dealer_period")]
        indexes = [models.Index(fields=["brand", "period", "risk"])]

    def __str__(self) -> str:
        return f"{self.dealer} {self.period}: {self.risk:.2f}"


class Alert(ScopedModel):
    """A dealer-quarter above the threshold, waiting for (or having had) a person's judgement."""

    scope = HEAD_OFFICE_ONLY

    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="+")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.CASCADE, related_name="integrity_alerts")
    period = models.CharField(_("quarter"), max_length=7)
    period_start = models.DateField(_("quarter starts"))
    status = models.CharField(_("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    opened_at = models.DateTimeField(_("opened at"))
    risk_at_opening = models.FloatField(_("risk when opened"))
    signals_at_opening = models.JSONField(_("signals when opened"), default=list, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("integrity alert")
        verbose_name_plural = _("integrity alerts")
        constraints = [models.UniqueConstraint(fields=["dealer", "period"], name="alert_once_per_dealer_period")]
        indexes = [models.Index(fields=["brand", "status", "opened_at"])]

    def __str__(self) -> str:
        return f"{self.dealer} {self.period} ({self.get_status_display()})"


class AlertEventKind(models.TextChoices):
    OPENED = "opened", _("Alert opened")
    WATCH = "watch", _("Put on watch")
    DISMISSED = "dismissed", _("Dismissed")
    CONFIRMED = "confirmed", _("Gaming confirmed")
    REOPENED = "reopened", _("Reopened")
    NOTE = "note", _("Note")
    RECONTACT = "recontact", _("Re-contact sample drawn")
    RECONTACT_ANSWER = "recontact_answer", _("Re-contact answer recorded")
    EXCLUDED = "excluded", _("Responses excluded from figures")
    RESTORED = "restored", _("Responses restored to figures")


class AlertEvent(ScopedModel):
    """The audit trail: every review step, who took it and why, written in the same transaction as the step."""

    scope = Scope(brand="alert__brand_id")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"))
    kind = models.CharField(_("what"), max_length=20, choices=AlertEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    actor_name = models.CharField(_("who"), max_length=160, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("alert event")
        verbose_name_plural = _("alert events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["alert", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


class ResponseExclusion(ScopedModel):
    """Why a response is left out of reported figures: the confirmed alert, who decided, when; lifted, not deleted."""

    scope = Scope(brand="alert__brand_id")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="exclusions")
    response = models.ForeignKey("surveys.Response", on_delete=models.CASCADE, related_name="exclusions")
    excluded_at = models.DateTimeField(_("excluded at"))
    excluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = _("response exclusion")
        verbose_name_plural = _("response exclusions")
        constraints = [models.UniqueConstraint(fields=["response"], condition=models.Q(lifted_at__isnull=True),
                                               name="one_standing_exclusion_per_response")]


class Recontact(ScopedModel):
    """Head office's own call to a random sample of the dealer's customers of the quarter, to compare with what the
    survey recorded: the one piece of evidence that does not come from data the dealer could have shaped."""

    scope = Scope(brand="alert__brand_id")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recontacts")
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    size = models.PositiveSmallIntegerField(_("customers drawn"))

    class Meta:
        verbose_name = _("re-contact sample")
        verbose_name_plural = _("re-contact samples")


class RecontactOutcome(models.TextChoices):
    PENDING = "pending", _("Not called yet")
    ANSWERED = "answered", _("Answered")
    NOT_REACHED = "not_reached", _("Not reached")
    DECLINED = "declined", _("Declined to answer")


class RecontactItem(ScopedModel):
    """One customer of the sample: the original answer, and what they told head office."""

    scope = Scope(brand="recontact__alert__brand_id")

    recontact = models.ForeignKey(Recontact, on_delete=models.CASCADE, related_name="items")
    response = models.ForeignKey("surveys.Response", on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=RecontactOutcome.choices,
                               default=RecontactOutcome.PENDING)
    score = models.PositiveSmallIntegerField(_("score given to head office"), null=True, blank=True)
    asked_for_score = models.BooleanField(_("was asked for a particular score"), null=True, blank=True)
    offered_something = models.BooleanField(_("was offered something for the score"), null=True, blank=True)
    answered_themselves = models.BooleanField(_("answered the survey themselves"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("re-contacted customer")
        verbose_name_plural = _("re-contacted customers")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=models.Q(score__isnull=True) | models.Q(score__lte=10),
                                              name="recontact_score_0_10")]

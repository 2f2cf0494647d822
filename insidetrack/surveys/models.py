"""Operational events, survey invitations and responses: all customer data, all scoped."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insidetrack.core.scoping import Scope, ScopedManager, ScopedModel, ScopedQuerySet

DEALER_SCOPE = Scope(brand="brand_id", region="dealer__region_id", dealer="dealer_id", customer="customer_id")


class EventKind(models.TextChoices):
    """What a dealer system reports; each kind maps to a journey touchpoint."""

    ENQUIRY = "enquiry", _("Enquiry received")
    TEST_DRIVE = "test_drive", _("Test drive")
    DEPOSIT_TAKEN = "deposit_taken", _("Deposit taken")
    EXPERIENCE_ATTENDED = "experience_attended", _("Experience event attended")
    FINANCE_SIGNED = "finance_signed", _("Finance and paperwork completed")
    HANDOVER = "handover", _("Handover")
    SERVICE_COMPLETED = "service_completed", _("Service completed")
    OWNERSHIP_ANNIVERSARY = "ownership_anniversary", _("Ownership anniversary")
    REPURCHASE = "repurchase", _("Repurchase")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Source(models.TextChoices):
    API = "api", _("API")
    IMPORT = "import", _("Import")
    PORTAL = "portal", _("Owner portal")
    DEMO = "demo", _("Demo generator")
    SURVEY = "survey", _("Survey page")


class OperationalEvent(ScopedModel):
    """Something that happened to a customer at a touchpoint, as reported by a dealer system; may trigger a survey."""

    scope = DEALER_SCOPE

    brand = models.ForeignKey("network.Brand", on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.PROTECT, related_name="events")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="events")
    vehicle = models.ForeignKey("customers.Vehicle", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="events")
    touchpoint = models.ForeignKey("journeys.Touchpoint", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.API)
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=120, null=True, blank=True,
        help_text=_("Chosen by the sender; a retried batch with the same keys creates nothing twice."),
    )
    external_reference = models.CharField(_("reference in the dealer system"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("operational event")
        verbose_name_plural = _("operational events")
        constraints = [
            models.UniqueConstraint(fields=["dealer", "idempotency_key"], condition=Q(idempotency_key__isnull=False),
                                    name="event_idempotency_key_unique_per_dealer"),
        ]
        indexes = [models.Index(fields=["dealer", "occurred_at"]), models.Index(fields=["customer", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occurred_at:%Y-%m-%d}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SKIPPED = "skipped", _("Not sent")
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired")


class Purpose(models.TextChoices):
    """Why a survey was sent: a journey survey measures a touchpoint; a follow-up checks that a case was put right.

    Follow-up answers never count in touchpoint NPS (they would double-count the unhappy customers), and they never
    open new work: the case they verify reacts to them instead.
    """

    SURVEY = "survey", _("Journey survey")
    FOLLOW_UP = "follow_up", _("Case follow-up")


class DeliveryStatus(models.TextChoices):
    UNKNOWN = "", _("Unknown")
    DELIVERED = "delivered", _("Delivered")
    BOUNCED = "bounced", _("Bounced")
    INVALID = "invalid", _("Invalid address")


class Invitation(ScopedModel):
    """A survey sent (or deliberately not sent) after an event; every skip records why."""

    scope = DEALER_SCOPE

    brand = models.ForeignKey("network.Brand", on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.PROTECT, related_name="invitations")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="invitations")
    event = models.OneToOneField(OperationalEvent, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="invitation")
    touchpoint = models.ForeignKey("journeys.Touchpoint", on_delete=models.PROTECT, related_name="invitations")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    language = models.CharField(_("language"), max_length=8, default="en")
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.SURVEY,
                               db_default=Purpose.SURVEY)
    status = models.CharField(_("status"), max_length=10, choices=InvitationStatus.choices,
                              default=InvitationStatus.PENDING)
    skip_reason = models.CharField(_("reason not sent"), max_length=64, blank=True)
    delivery_status = models.CharField(_("delivery"), max_length=10, choices=DeliveryStatus.choices, blank=True)
    contact_hash = models.CharField(
        max_length=64, blank=True,
        help_text=_("Keyed hash of the address the invitation went to: shared addresses are an integrity signal."),
    )
    scheduled_for = models.DateTimeField(_("to be sent at"))
    sent_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    token_nonce = models.CharField(
        max_length=32, blank=True, db_default="",
        help_text=_("Random part of the signed survey link: a link is valid only with the nonce stored here."),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            models.Index(fields=["dealer", "sent_at"]),
            models.Index(fields=["customer", "sent_at"]),
            models.Index(fields=["status", "scheduled_for"]),
        ]

    def __str__(self) -> str:
        return f"{self.touchpoint} · {self.customer_id} · {self.get_status_display()}"


class ResponseQuerySet(ScopedQuerySet):
    def reported(self) -> ResponseQuerySet:
        """The responses that count in reported figures: journey surveys not excluded by head office.

        Follow-up answers and re-contacts measure the closed loop and the integrity review, not the dealer; a response
        head office excluded after confirming that the dealer gamed it counts nowhere (it stays visible, marked).
        """
        return self.filter(purpose=Purpose.SURVEY, excluded_at__isnull=True)


class Response(ScopedModel):
    """An answer: the 0-10 recommendation score and the verbatim, with what integrity analysis needs to know.

    Dealer, touchpoint and vehicle model are copied from the invitation so that analytics and rollups never join
    back through customer records (and erasing a customer leaves the counts intact).
    """

    scope = DEALER_SCOPE
    objects = ScopedManager.from_queryset(ResponseQuerySet)()

    brand = models.ForeignKey("network.Brand", on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.PROTECT, related_name="responses")
    customer = models.ForeignKey("customers.Customer", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="responses")
    invitation = models.OneToOneField(Invitation, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="response")
    touchpoint = models.ForeignKey("journeys.Touchpoint", on_delete=models.PROTECT, related_name="responses")
    vehicle_model = models.CharField(_("vehicle model"), max_length=60, blank=True)
    score = models.PositiveSmallIntegerField(_("score"))
    verbatim = models.TextField(_("verbatim"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SURVEY)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.SURVEY,
                               db_default=Purpose.SURVEY)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    network_fingerprint = models.CharField(_("network fingerprint (hashed)"), max_length=64, blank=True)
    device_fingerprint = models.CharField(_("device fingerprint (hashed)"), max_length=64, blank=True)
    answers = models.JSONField(
        _("answers to touchpoint questions"), default=dict, blank=True, db_default={},
        help_text=_("Question code to answer, for the up to two questions head office configured."),
    )
    #: Set only by the integrity review when head office confirms gaming (its audit trail is there); rollups and
    #: every reported figure leave the response out while it is set.
    excluded_at = models.DateTimeField(_("excluded from reported figures at"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [models.CheckConstraint(condition=Q(score__gte=0, score__lte=10), name="response_score_0_10")]
        indexes = [
            models.Index(fields=["dealer", "submitted_at"]),
            models.Index(fields=["touchpoint", "submitted_at"]),
            models.Index(fields=["submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.score} · {self.touchpoint} · {self.submitted_at:%Y-%m-%d}"

    @property
    def category(self) -> str:
        """Promoter (9-10), passive (7-8) or detractor (0-6)."""
        if self.score >= 9:
            return "promoter"
        return "passive" if self.score >= 7 else "detractor"


class SurveyRule(models.Model):
    """Which event triggers which survey, when, how, and for how long the link works. Editable by head office."""

    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="survey_rules")
    touchpoint = models.ForeignKey("journeys.Touchpoint", on_delete=models.CASCADE, related_name="survey_rules")
    event_kind = models.CharField(_("triggering event"), max_length=32, choices=EventKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    delay_hours = models.PositiveIntegerField(_("delay (hours)"), default=0,
                                              help_text=_("How long after the event the invitation goes out."))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL,
                               help_text=_("Preferred channel; the other is used when that contact is missing."))
    expiry_days = models.PositiveIntegerField(_("link valid for (days)"), default=14)
    reminder_after_days = models.PositiveIntegerField(_("remind non-responders after (days)"), null=True, blank=True,
                                                      default=4, help_text=_("Empty: no reminder."))
    questions = models.JSONField(
        _("touchpoint questions"), default=list, blank=True,
        help_text=_('Up to two, e.g. [{"code": "explained", "kind": "yes_no", "text": {"en": "...", "de": "...", '
                    '"fr": "..."}}]; kinds: yes_no, scale_1_5.'),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("survey rule")
        verbose_name_plural = _("survey rules")
        constraints = [models.UniqueConstraint(fields=["brand", "event_kind"], name="one_rule_per_event_kind")]

    def __str__(self) -> str:
        return f"{self.get_event_kind_display()} → {self.touchpoint}"


class ContactPolicy(models.Model):
    """Brand-wide limits that keep owners from being over-surveyed."""

    brand = models.OneToOneField("network.Brand", on_delete=models.CASCADE, related_name="contact_policy")
    min_days_between_surveys = models.PositiveIntegerField(
        _("minimum days between two surveys to one customer"), default=30,
    )

    class Meta:
        verbose_name = _("contact policy")
        verbose_name_plural = _("contact policies")

    def __str__(self) -> str:
        return f"{self.brand}: {self.min_days_between_surveys} days"


class InvitationEventKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SKIPPED = "skipped", _("Not sent")
    SENT = "sent", _("Sent")
    REMINDED = "reminded", _("Reminder sent")
    OPENED = "opened", _("Opened")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired")
    DELIVERED = "delivered", _("Delivered")
    BOUNCED = "bounced", _("Bounced")


class InvitationEvent(ScopedModel):
    """One row per change of an invitation, written in the same transaction as the change: its audit trail."""

    scope = Scope(brand="invitation__brand_id", region="invitation__dealer__region_id",
                  dealer="invitation__dealer_id", customer="invitation__customer_id")

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(_("what happened"), max_length=12, choices=InvitationEventKind.choices)
    at = models.DateTimeField(_("when"))
    detail = models.CharField(_("detail"), max_length=64, blank=True,
                              help_text=_("The skip reason, or the channel a message went out on."))

    class Meta:
        verbose_name = _("invitation event")
        verbose_name_plural = _("invitation events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["invitation", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"

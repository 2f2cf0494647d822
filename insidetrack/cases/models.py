"""Closed-loop work: cases with their deadlines, their event log and their goodwill; playbooks and the brand policy.

Deadlines are columns computed by ``policies.deadlines_for`` when a case opens or reopens; "overdue" is computed
when read. The sweep claims due rows with conditional updates and writes a ``CaseEvent`` per change in the same
transaction, so the event log is the audit trail.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from insidetrack.core.scoping import Scope, ScopedModel
from insidetrack.network.models import Department

from .policies import CaseKind, CaseStatus, EmpowermentLimits, ScoreBand


class CasePolicy(models.Model):
    """The brand's service promise and empowerment limits; head office edits it (one per brand)."""

    brand = models.OneToOneField("network.Brand", on_delete=models.CASCADE, related_name="case_policy")
    respond_within_hours = models.PositiveIntegerField(_("respond within (hours)"), default=24)
    resolve_within_hours = models.PositiveIntegerField(_("resolve a case within (hours)"), default=120)
    count_opening_hours_only = models.BooleanField(
        _("count only the dealer's opening hours"), default=False,
        help_text=_("On: deadlines run in each dealer's time zone during its opening hours only."),
    )
    reminder_hours_before = models.PositiveIntegerField(_("remind this many hours before a deadline"), default=4)
    head_office_after_hours = models.PositiveIntegerField(
        _("escalate to head office this many hours after the region"), default=24,
    )
    follow_up_after_days = models.PositiveIntegerField(_("follow-up survey this many days after resolution"),
                                                       default=3)
    follow_up_valid_days = models.PositiveIntegerField(_("follow-up link valid for (days)"), default=14)
    currency = models.CharField(_("reporting currency"), max_length=3, default="EUR")
    goodwill_limit_dealer_staff = models.DecimalField(_("goodwill limit: dealer staff"), max_digits=10,
                                                      decimal_places=2, default=Decimal("250"))
    goodwill_limit_dealer_principal = models.DecimalField(_("goodwill limit: dealer principal"), max_digits=10,
                                                          decimal_places=2, default=Decimal("1000"))
    goodwill_limit_region_manager = models.DecimalField(_("goodwill limit: region manager"), max_digits=10,
                                                        decimal_places=2, default=Decimal("5000"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("closed-loop policy")
        verbose_name_plural = _("closed-loop policies")

    def __str__(self) -> str:
        return str(self.brand)

    @property
    def limits(self) -> EmpowermentLimits:
        return EmpowermentLimits(dealer_staff=self.goodwill_limit_dealer_staff,
                                 dealer_principal=self.goodwill_limit_dealer_principal,
                                 region_manager=self.goodwill_limit_region_manager)


class Playbook(models.Model):
    """What to do for a score band at a touchpoint (or at any touchpoint), and how fast; head office edits them."""

    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="playbooks")
    band = models.CharField(_("score band"), max_length=10, choices=ScoreBand.choices)
    touchpoint = models.ForeignKey("journeys.Touchpoint", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="playbooks", help_text=_("Empty: every touchpoint without its own."))
    title = models.CharField(_("action (English)"), max_length=120)
    title_de = models.CharField(_("action (German)"), max_length=120, blank=True)
    title_fr = models.CharField(_("action (French)"), max_length=120, blank=True)
    instructions = models.TextField(_("instructions (English)"), blank=True)
    instructions_de = models.TextField(_("instructions (German)"), blank=True)
    instructions_fr = models.TextField(_("instructions (French)"), blank=True)
    respond_within_hours = models.PositiveIntegerField(_("respond within (hours)"), null=True, blank=True,
                                                       help_text=_("Empty: the brand's closed-loop policy."))
    resolve_within_hours = models.PositiveIntegerField(_("resolve within (hours)"), null=True, blank=True,
                                                       help_text=_("Cases only. Empty: the brand's policy."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        constraints = [
            models.UniqueConstraint(fields=["brand", "band", "touchpoint"], name="playbook_unique_per_touchpoint"),
            models.UniqueConstraint(fields=["brand", "band"], condition=Q(touchpoint__isnull=True),
                                    name="playbook_one_default_per_band"),
        ]

    def __str__(self) -> str:
        return f"{self.get_band_display()} · {self.touchpoint or _('any touchpoint')}"

    def title_in(self, language: str) -> str:
        return getattr(self, f"title_{language[:2]}", "") or self.title

    def instructions_in(self, language: str) -> str:
        return getattr(self, f"instructions_{language[:2]}", "") or self.instructions


class CaseSource(models.TextChoices):
    SURVEY = "survey", _("Survey response")
    OWNER = "owner", _("Raised by the owner")
    STAFF = "staff", _("Opened by staff")
    CONNECTED_CAR = "connected_car", _("Connected car")


CASE_SCOPE = Scope(brand="brand_id", region="dealer__region_id", dealer="dealer_id", customer="customer_id")


class Case(ScopedModel):
    """Work a dealer owes a customer: a thank-you call, an acknowledgement, or a case to put something right.

    One timestamp per state (the first time it was reached; ``reopened_at`` the latest), deadlines as columns, and
    escalation as a level (0 dealer, 1 region, 2 head office) with the time of each step.
    """

    scope = CASE_SCOPE

    brand = models.ForeignKey("network.Brand", on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.PROTECT, related_name="cases")
    customer = models.ForeignKey("customers.Customer", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="cases")
    response = models.OneToOneField("surveys.Response", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="case")
    touchpoint = models.ForeignKey("journeys.Touchpoint", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases")
    vehicle = models.ForeignKey("customers.Vehicle", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="cases", help_text=_("The car the case is about, when there is one."))
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.NEW)
    source = models.CharField(_("source"), max_length=16, choices=CaseSource.choices, default=CaseSource.SURVEY)
    playbook = models.ForeignKey(Playbook, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases")
    subject = models.CharField(_("subject"), max_length=200, blank=True,
                               help_text=_("For cases not opened from a survey: what the customer raised."))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="assigned_cases")

    opened_at = models.DateTimeField(_("opened at"))
    respond_by = models.DateTimeField(_("respond by"))
    first_respond_by = models.DateTimeField(
        _("first respond-by"), null=True, blank=True,
        help_text=_("The deadline the case opened with; a reopen moves respond-by, but not the promise measured."),
    )
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    in_progress_at = models.DateTimeField(_("in progress since"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    respond_reminded_at = models.DateTimeField(null=True, blank=True)
    resolve_reminded_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0,
                                                        help_text=_("0 dealer, 1 region, 2 head office"))
    escalated_to_region_at = models.DateTimeField(_("escalated to the region at"), null=True, blank=True)
    escalated_to_head_office_at = models.DateTimeField(_("escalated to head office at"), null=True, blank=True)

    root_cause = models.ForeignKey("journeys.Theme", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases", verbose_name=_("root cause"))
    suggested_root_cause = models.ForeignKey(
        "journeys.Theme", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("suggested root cause"),
        help_text=_("What the verbatim analysis read as the problem; the dealer confirms or corrects it."))
    urgent_at = models.DateTimeField(_("flagged urgent at"), null=True, blank=True)
    urgent_reason = models.CharField(_("why urgent"), max_length=200, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    follow_up_at = models.DateTimeField(_("follow-up at"), null=True, blank=True)
    follow_up_invitation = models.OneToOneField("surveys.Invitation", on_delete=models.SET_NULL, null=True,
                                                blank=True, related_name="follow_up_case")
    follow_up_score = models.PositiveSmallIntegerField(_("follow-up score"), null=True, blank=True)
    follow_up_answered_at = models.DateTimeField(_("follow-up answered at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The inbox: a dealer's open work by deadline.
            models.Index(fields=["dealer", "status", "respond_by"], name="case_inbox"),
            # The sweep's ranges, each limited to the rows the step can ever claim.
            models.Index(fields=["respond_by"], name="case_awaiting_contact",
                         condition=Q(status__in=["new", "reopened"])),
            models.Index(fields=["resolve_by"], name="case_awaiting_resolution",
                         condition=Q(kind="recovery", status__in=["new", "contacted", "in_progress", "reopened"])),
            models.Index(fields=["escalated_to_region_at"], name="case_escalated_to_region",
                         condition=Q(escalation_level=1)),
            models.Index(fields=["dealer", "opened_at"], name="case_dealer_opened"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} · {self.get_status_display()}"


class CaseEventKind(models.TextChoices):
    CREATED = "created", _("Case opened")
    STATUS = "status", _("Status changed")
    CALL = "call", _("Call logged")
    NOTE = "note", _("Note")
    ROOT_CAUSE = "root_cause", _("Root cause set")
    ROOT_CAUSE_SUGGESTED = "root_cause_suggested", _("Root cause suggested by the verbatim analysis")
    URGENT = "urgent", _("Flagged urgent")
    RESOLUTION = "resolution", _("Resolution recorded")
    ASSIGNED = "assigned", _("Assigned")
    GOODWILL_REQUESTED = "goodwill_requested", _("Goodwill requested")
    GOODWILL_APPROVED = "goodwill_approved", _("Goodwill approved")
    GOODWILL_REJECTED = "goodwill_rejected", _("Goodwill declined")
    REMINDER = "reminder", _("Reminder sent")
    ESCALATED = "escalated", _("Escalated")
    FOLLOW_UP_SCHEDULED = "follow_up_scheduled", _("Follow-up survey scheduled")
    FOLLOW_UP_ANSWERED = "follow_up_answered", _("Follow-up survey answered")
    FOLLOW_UP_CANCELLED = "follow_up_cancelled", _("Follow-up survey cancelled")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Spoke to the customer")
    VOICEMAIL = "voicemail", _("Left a voicemail")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    CALL_BACK = "call_back", _("Asked to call back later")


class CaseEvent(ScopedModel):
    """One row per change of a case (who, when, what), written in the same transaction as the change."""

    scope = Scope(brand="case__brand_id", region="case__dealer__region_id", dealer="case__dealer_id",
                  customer="case__customer_id")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"))
    kind = models.CharField(_("what"), max_length=24, choices=CaseEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    actor_name = models.CharField(_("who"), max_length=160, blank=True,
                                  help_text=_("Kept as written so the log still reads when the account is gone."))
    from_status = models.CharField(max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=CaseStatus.choices, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


class GoodwillStatus(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Waiting for a manager")
    REJECTED = "rejected", _("Declined")


class Goodwill(ScopedModel):
    """A gesture to put things right (a free valet, a loan car, a refund) with its cost: the Lexus lesson, recorded."""

    scope = Scope(brand="case__brand_id", region="case__dealer__region_id", dealer="case__dealer_id",
                  customer="case__customer_id")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goodwill")
    description = models.CharField(_("gesture"), max_length=200)
    amount = models.DecimalField(_("cost"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(_("status"), max_length=10, choices=GoodwillStatus.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("goodwill gesture")
        verbose_name_plural = _("goodwill gestures")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="goodwill_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.description} · {self.amount} {self.currency}"


# --------------------------------------------------------------------------------------------------------------------
# Issues raised by the owner: what they asked, the photos they sent, and the conversation with the dealer


class IssueUrgency(models.TextChoices):
    """How soon the owner needs the dealer; the last one flags the case urgent (the car is not safe to use)."""

    CAN_WAIT = "can_wait", _("It can wait for my next service")
    SOON = "soon", _("Soon, please")
    UNSAFE = "unsafe", _("I can't use the car safely")


class IssuePhotoStorage(FileSystemStorage):
    """The file system under ``MEDIA_ROOT``, or the data dir's media folder when none is set (the embedded default).

    Resolved when used, not when imported, so a changed ``MEDIA_ROOT`` (a test's temporary folder) is followed.
    """

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.MEDIA_ROOT) or str(settings.DATA_DIR / "media")


def _issue_photo_storage():
    """Django's default storage; when that is the file system, the same with the data dir's media folder as its
    fallback. A callable, so a deployment that points ``STORAGES["default"]`` at object storage gets the photos there.
    """
    if isinstance(default_storage, FileSystemStorage):
        return IssuePhotoStorage()
    return default_storage


class CaseMessage(ScopedModel):
    """One message between the owner and the dealer about a case; never an internal note (those are CaseEvents).

    ``read_at`` is when the other side first read it (the owner's issue page, the dealer's reply).
    """

    scope = Scope(brand="case__brand_id", region="case__dealer__region_id", dealer="case__dealer_id",
                  customer="case__customer_id")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    author_name = models.CharField(_("who"), max_length=160, blank=True,
                                   help_text=_("Kept as written so the thread still reads when the account is gone."))
    from_owner = models.BooleanField(_("from the owner"))
    text = models.TextField(_("message"))
    at = models.DateTimeField(_("sent at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message with the owner")
        verbose_name_plural = _("messages with the owner")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"#{self.case_id} · {self.at:%Y-%m-%d %H:%M}"

    @property
    def from_dealer(self) -> bool:
        return not self.from_owner


class CasePhoto(ScopedModel):
    """A photo the owner sent with an issue, re-encoded without its metadata (no location), served only through the
    scoped photo view. Erasure deletes the file and keeps the row, so the count of photos stays."""

    scope = Scope(brand="case__brand_id", region="case__dealer__region_id", dealer="case__dealer_id",
                  customer="case__customer_id")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), storage=_issue_photo_storage, upload_to="issues/", max_length=200,
                            blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"))
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("issue photo")
        verbose_name_plural = _("issue photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"#{self.case_id} · {self.original_name or self.pk}"

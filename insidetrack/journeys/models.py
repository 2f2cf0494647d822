"""The journey map as data, editable by head office. Not customer data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from insidetrack.core.scoping import Scope, ScopedModel
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


# --------------------------------------------------------------------------------------------------------------------
# Experience events: track days, centre anniversaries, summer drive-outs. Customer data, so scoped.


class ExperienceEventKind(models.TextChoices):
    EXPERIENCE_DAY = "experience_day", _("Driving experience day")
    TRACK_DAY = "track_day", _("Track day")
    ANNIVERSARY = "anniversary", _("Centre anniversary")
    DRIVE_OUT = "drive_out", _("Drive-out")


class ExperienceEventStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ExperienceEvent(ScopedModel):
    """An experience a dealer hosts for its customers, with a fixed number of seats.

    Dealers see the events they host; there is no customer path, so an owner sees an event only through their own
    invitation to it.
    """

    scope = Scope(brand="brand_id", region="dealer__region_id", dealer="dealer_id")

    brand = models.ForeignKey("network.Brand", on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.PROTECT, related_name="experience_events",
                               verbose_name=_("hosting dealer"))
    kind = models.CharField(_("kind"), max_length=20, choices=ExperienceEventKind.choices,
                            default=ExperienceEventKind.EXPERIENCE_DAY)
    title = models.CharField(_("title"), max_length=160)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, help_text=_("Where guests go: a circuit, a centre, a meeting "
                                                                     "point."))
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("How many guests can come."))
    status = models.CharField(_("status"), max_length=10, choices=ExperienceEventStatus.choices,
                              default=ExperienceEventStatus.PLANNED)
    invites_depositors = models.BooleanField(
        _("invite new depositors"), default=True,
        help_text=_("Customers who leave a deposit with this dealer are invited automatically while seats are free."),
    )
    created_at = models.DateTimeField(_("created at"))
    surveys_requested_at = models.DateTimeField(_("surveys requested at"), null=True, blank=True)

    class Meta:
        verbose_name = _("experience event")
        verbose_name_plural = _("experience events")
        ordering = ["-starts_at"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="experience_event_ends_after_start")]
        indexes = [models.Index(fields=["dealer", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} · {self.starts_at:%Y-%m-%d}"


class RsvpStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WAITLISTED = "waitlisted", _("Waiting list")


class InvitedBy(models.TextChoices):
    RULE = "rule", _("Rule: new depositor")
    HAND = "hand", _("By hand")


class EventInvitation(ScopedModel):
    """One customer asked to one event, with their answer and whether they came.

    ``token_nonce`` is the secret half of the signed RSVP links in the e-mail; it is cleared once the customer answers,
    so each e-mail's links work once.
    """

    scope = Scope(brand="event__brand_id", region="event__dealer__region_id", dealer="event__dealer_id",
                  customer="customer_id")

    event = models.ForeignKey(ExperienceEvent, on_delete=models.CASCADE, related_name="invitations")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="event_invitations")
    invited_by = models.CharField(_("invited by"), max_length=10, choices=InvitedBy.choices, default=InvitedBy.HAND)
    trigger_reference = models.CharField(
        _("trigger"), max_length=40, blank=True,
        help_text=_("What made the rule invite the customer (the deposit event), so the rule never invites twice."),
    )
    status = models.CharField(_("answer"), max_length=12, choices=RsvpStatus.choices, default=RsvpStatus.INVITED)
    invited_at = models.DateTimeField(_("invited at"))
    sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    cancellation_sent_at = models.DateTimeField(_("cancellation e-mail sent at"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved up from the waiting list at"), null=True, blank=True)
    promotion_sent_at = models.DateTimeField(_("seat e-mail sent at"), null=True, blank=True)
    token_nonce = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("event invitation")
        verbose_name_plural = _("event invitations")
        ordering = ["customer__last_name", "customer__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "customer"], name="one_invitation_per_event_and_customer"),
            models.UniqueConstraint(fields=["trigger_reference"], condition=~models.Q(trigger_reference=""),
                                    name="event_invitation_trigger_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.customer_id} · {self.get_status_display()}"

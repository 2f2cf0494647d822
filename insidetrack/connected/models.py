"""The connected car: data providers and their tokens, vehicle events, head office's rules, and owner notifications."""

from __future__ import annotations

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from insidetrack.core.scoping import Scope, ScopedModel

from .policies import CONDITION_KIND, AlertDelivery, Condition, EventKind, Severity, TipDelivery

TOKEN_PREFIX = "ct_"


class DataProvider(models.Model):
    """A telematics service that sends a brand's vehicle events; it authenticates with its own bearer token.

    Only the SHA-256 of the token is stored (as for dealers' API tokens); head office sees the raw token once.
    """

    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="data_providers")
    name = models.CharField(_("name"), max_length=120, help_text=_("Which service sends the data, e.g. 'Telematics'."))
    prefix = models.CharField(_("prefix"), max_length=12, help_text=_("First characters, to recognise a token."))
    token_hash = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data provider")
        verbose_name_plural = _("data providers")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        """A new raw token; its ``ct_`` prefix tells it apart from a dealer's ``it_`` token at a glance."""
        return TOKEN_PREFIX + secrets.token_urlsafe(32)


class TelemetryEvent(ScopedModel):
    """One reading a provider sent about a vehicle, stored once per provider and provider event id.

    The brand, dealer and customer are copied from the vehicle's owner when it arrives, so scoping needs no join and
    the reading stays with the owner it was about. ``evaluated_at`` is claimed once, so each event is evaluated once.
    """

    scope = Scope(brand="brand_id", region="dealer__region_id", dealer="dealer_id", customer="customer_id")

    provider = models.ForeignKey(DataProvider, on_delete=models.PROTECT, related_name="events")
    provider_event_id = models.CharField(_("provider's event id"), max_length=100)
    brand = models.ForeignKey("network.Brand", on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="telemetry_events")
    vehicle = models.ForeignKey("customers.Vehicle", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="telemetry_events")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"))
    payload = models.JSONField(_("reading"), default=dict, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("telemetry event")
        verbose_name_plural = _("telemetry events")
        constraints = [models.UniqueConstraint(fields=["provider", "provider_event_id"],
                                               name="one_event_per_provider_event_id")]
        indexes = [models.Index(fields=["vehicle", "kind", "-occurred_at"]),
                   models.Index(fields=["received_at"], condition=models.Q(evaluated_at__isnull=True),
                                name="telemetry_awaiting_rules")]

    def __str__(self) -> str:
        return f"{self.kind} {self.provider_event_id}"


class NotificationKind(models.TextChoices):
    ALERT = "alert", _("Alert")
    TIP = "tip", _("Driving tip")


class Rule(models.Model):
    """Head office's rule: a condition on one kind of reading, and what it produces for the owner and the dealer.

    Texts are per language with ``{placeholders}`` for the reading (``{value}``, ``{code}``, ``{days}``, ``{km}``,
    ``{wheel}``, ``{model}``, ``{registration}``, ``{threshold}``), as the playbooks keep their texts.
    """

    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="connected_rules")
    name = models.CharField(_("name"), max_length=120)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=8, decimal_places=1, null=True, blank=True,
                                    help_text=_("The number the condition compares with (not for fault codes)."))
    severity = models.CharField(_("lowest severity"), max_length=10, choices=Severity.choices, blank=True,
                                help_text=_("For fault codes: this severity or worse trips the rule."))
    kind = models.CharField(_("produces"), max_length=8, choices=NotificationKind.choices,
                            default=NotificationKind.ALERT)
    notifies_owner = models.BooleanField(_("tells the owner"), default=True)
    opens_case = models.BooleanField(_("opens a proactive case for the dealer"), default=False)
    is_safety = models.BooleanField(
        _("safety-relevant"), default=False,
        help_text=_("E-mailed at once even to owners who chose a digest; a case it opens is urgent."))
    cooldown_days = models.PositiveSmallIntegerField(
        _("cooldown (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("The same alert for the same car is not repeated within this many days."))
    title = models.CharField(_("title (English)"), max_length=120)
    title_de = models.CharField(_("title (German)"), max_length=120, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=120, blank=True)
    message = models.TextField(_("message (English)"))
    message_de = models.TextField(_("message (German)"), blank=True)
    message_fr = models.TextField(_("message (French)"), blank=True)
    is_active = models.BooleanField(_("on"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("connected-car rule")
        verbose_name_plural = _("connected-car rules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def event_kind(self) -> str:
        return CONDITION_KIND[self.condition]

    def title_in(self, language: str | None = None) -> str:
        """The title in a language, English when it has no translation."""
        language = (language or get_language() or "en")[:2]
        return getattr(self, f"title_{language}", "") or self.title if language != "en" else self.title

    def message_in(self, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        return getattr(self, f"message_{language}", "") or self.message if language != "en" else self.message


class NotificationPreference(ScopedModel):
    """How often an owner wants to hear from their car; a missing row means the defaults."""

    scope = Scope(brand="customer__brand_id", region="customer__dealer__region_id", dealer="customer__dealer_id",
                  customer="customer_id")

    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE,
                                    related_name="notification_preference")
    alerts = models.CharField(_("alerts about my car"), max_length=8, choices=AlertDelivery.choices,
                              default=AlertDelivery.DAILY)
    tips = models.CharField(_("driving tips"), max_length=8, choices=TipDelivery.choices, default=TipDelivery.WEEKLY)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.alerts}/{self.tips}"


class Notification(ScopedModel):
    """What an owner is told about their car, written in their language when it is raised.

    ``email_due_at`` is the timer (``None``: portal only); the digest sweep claims due rows by setting
    ``emailed_at`` with a conditional update, so an e-mail is never sent twice.
    """

    scope = Scope(brand="brand_id", region="dealer__region_id", dealer="dealer_id", customer="customer_id")

    brand = models.ForeignKey("network.Brand", on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="car_notifications")
    vehicle = models.ForeignKey("customers.Vehicle", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    rule = models.ForeignKey(Rule, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications")
    event = models.ForeignKey(TelemetryEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=NotificationKind.choices)
    is_safety = models.BooleanField(_("safety-relevant"), default=False)
    language = models.CharField(_("language"), max_length=8, default="en")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_due_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("owner notification")
        verbose_name_plural = _("owner notifications")
        indexes = [models.Index(fields=["customer", "-created_at"]),
                   models.Index(fields=["email_due_at"], condition=models.Q(emailed_at__isnull=True,
                                                                            email_due_at__isnull=False),
                                name="notification_email_due")]

    def __str__(self) -> str:
        return self.title


class RuleMatch(ScopedModel):
    """The audit of an evaluation: which rule an event tripped and what came of it (told, held back, case)."""

    scope = Scope(brand="event__brand_id", region="event__dealer__region_id", dealer="event__dealer_id",
                  customer="event__customer_id")

    class Outcome(models.TextChoices):
        NOTIFIED = "notified", _("Owner told")
        COOLING_DOWN = "cooling_down", _("Held back: the same alert was sent recently")
        TIPS_OFF = "tips_off", _("Held back: the owner does not want tips")
        SAME_READING = "same_reading", _("Held back: a more serious alert about the same reading was sent")
        CASE_ONLY = "case_only", _("Dealer only")

    event = models.ForeignKey(TelemetryEvent, on_delete=models.CASCADE, related_name="matches")
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="matches")
    vehicle = models.ForeignKey("customers.Vehicle", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    at = models.DateTimeField()
    outcome = models.CharField(max_length=14, choices=Outcome.choices)
    notification = models.ForeignKey(Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("rule match")
        verbose_name_plural = _("rule matches")
        indexes = [models.Index(fields=["rule", "vehicle"])]

    def __str__(self) -> str:
        return f"{self.rule_id} on {self.event_id}: {self.outcome}"

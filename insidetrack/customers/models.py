"""Customer data. Every model here is scoped: read it only through ``visible_to(actor)``.

Personal data has an owner (the dealer that looks after the customer, under the brand as controller) and a purpose
(customer care and feedback, recorded per consent flag).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from insidetrack.core.scoping import Scope, ScopedModel


class Household(models.TextChoices):
    SINGLE = "single", _("Single")
    COUPLE = "couple", _("Couple")
    FAMILY = "family", _("Family with children")
    UNKNOWN = "", _("Unknown")


class HandoverPreference(models.TextChoices):
    """How the customer wants to take delivery: the Lexus lesson is that this differs person to person."""

    QUICK = "quick", _("Drive straight off")
    CEREMONY = "ceremony", _("Ceremony with family, photos and refreshments")
    HOME = "home", _("Delivered at home or work")
    UNKNOWN = "", _("Not asked yet")


class Powertrain(models.TextChoices):
    """The usual powertrains; a dealer system may send another word, which is kept and shown as it came."""

    PETROL = "petrol", _("Petrol")
    DIESEL = "diesel", _("Diesel")
    HYBRID = "hybrid", _("Hybrid")
    PLUG_IN_HYBRID = "plug_in_hybrid", _("Plug-in hybrid")
    ELECTRIC = "electric", _("Electric")


class DealType(models.TextChoices):
    """Fleet and staff deals are never surveyed: their scores measure a purchasing department, not an owner."""

    RETAIL = "retail", _("Retail")
    FLEET = "fleet", _("Fleet")
    STAFF = "staff", _("Staff")


class Customer(ScopedModel):
    """A person the brand has a relationship with, looked after by one dealer."""

    scope = Scope(brand="brand_id", region="dealer__region_id", dealer="dealer_id", customer="pk")

    brand = models.ForeignKey("network.Brand", on_delete=models.PROTECT, related_name="customers")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.PROTECT, related_name="customers",
                               help_text=_("The dealer that looks after this customer and owns their feedback."))
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email_bounced_at = models.DateTimeField(_("e-mail bounced at"), null=True, blank=True,
                                            help_text=_("Set when a message bounced; nobody is surveyed there again."))
    phone_invalid_at = models.DateTimeField(_("phone found invalid at"), null=True, blank=True)
    contact_updated_at = models.DateTimeField(
        _("contact details last changed"), null=True, blank=True,
        help_text=_("An edit just before a survey invitation is an integrity signal."),
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    deal_type = models.CharField(_("deal type"), max_length=10, choices=DealType.choices, default=DealType.RETAIL)
    consent_surveys = models.BooleanField(_("consents to feedback surveys"), default=True)
    consent_marketing = models.BooleanField(_("consents to marketing"), default=False)
    consent_connected_car = models.BooleanField(_("consents to connected-car data"), default=False)
    consent_updated_at = models.DateTimeField(null=True, blank=True)
    household = models.CharField(_("household"), max_length=10, choices=Household.choices, blank=True)
    usage = models.JSONField(
        _("usage"), default=list, blank=True,
        help_text=_('How the car is used, e.g. ["family", "weekend", "track", "commute", "business"].'),
    )
    interests = models.JSONField(_("interests"), default=list, blank=True)
    handover_preference = models.CharField(_("handover preference"), max_length=10,
                                           choices=HandoverPreference.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("customer since"))
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["dealer", "last_name"]), models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Vehicle(ScopedModel):
    """A car, identified by its VIN; visible through the customer who currently owns it."""

    scope = Scope(brand="current_owner__brand_id", region="current_owner__dealer__region_id",
                  dealer="current_owner__dealer_id", customer="current_owner_id")

    vin = models.CharField(_("VIN"), max_length=17, unique=True)
    model = models.CharField(_("model"), max_length=60)
    model_year = models.PositiveSmallIntegerField(_("model year"))
    powertrain = models.CharField(_("powertrain"), max_length=20, blank=True, choices=Powertrain.choices)
    registration = models.CharField(_("registration"), max_length=20, blank=True)
    current_owner = models.ForeignKey(
        "Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="vehicles",
        help_text=_("Kept in step with the open ownership so scoping needs no join through history."),
    )

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")

    def __str__(self) -> str:
        return f"{self.model} {self.model_year} ({self.vin})"


class Ownership(ScopedModel):
    """Who owned which vehicle when, and which dealer sold it; history is kept when a car changes hands."""

    scope = Scope(brand="customer__brand_id", region="customer__dealer__region_id", dealer="customer__dealer_id",
                  customer="customer_id")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="ownerships")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="ownerships")
    selling_dealer = models.ForeignKey("network.Dealer", on_delete=models.PROTECT, related_name="sales")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    is_new = models.BooleanField(_("bought new"), default=True)

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        constraints = [
            models.UniqueConstraint(fields=["vehicle"], condition=models.Q(ended_on__isnull=True),
                                    name="one_open_ownership_per_vehicle"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} — {self.vehicle}"


class ReferralStatus(models.TextChoices):
    """How far the referred friend got: a lead (enquired), a test drive, a sale (bought), or lost; the moves are
    ``policies.REFERRAL_TRANSITIONS``. The codes and labels of the first two predate the stages in between, so
    reports and rows written before stay as they were."""

    ENQUIRED = "enquired", _("Enquired")
    TEST_DRIVE = "test_drive", _("Test drive")
    BOUGHT = "bought", _("Bought")
    LOST = "lost", _("Lost")


class ReferralSource(models.TextChoices):
    """Who told us about the referral: dealer staff, the owner in the portal, a batch import or the demo generator."""

    DEALER = "dealer", _("Recorded by staff")
    PORTAL = "portal", _("Owner portal")
    IMPORT = "import", _("Import")
    DEMO = "demo", _("Demo generator")


class Referral(ScopedModel):
    """An owner brought a friend who enquired (and perhaps bought): advocacy, as opposed to loyalty (coming back).

    The referral belongs to the dealer that looks after the referrer, so it is scoped exactly like that customer:
    dealer staff see their dealer's referrals, an owner sees the ones they made. The friend is a name and a contact
    until they become a customer; then ``referred_customer`` links to them. Each state keeps its own timestamp
    (``enquired_at``, ``bought_at``), so the row is its own history.
    """

    scope = Scope(brand="brand_id", region="dealer__region_id", dealer="dealer_id", customer="referrer_id")

    brand = models.ForeignKey("network.Brand", on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey(
        "network.Dealer", on_delete=models.PROTECT, related_name="referrals",
        help_text=_("The dealer that looks after the referrer when the referral was recorded."),
    )
    referrer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="referrals_made",
                                 verbose_name=_("referred by"))
    referred_name = models.CharField(_("friend's name"), max_length=160)
    referred_email = models.EmailField(_("friend's e-mail"), blank=True)
    referred_phone = models.CharField(_("friend's phone"), max_length=32, blank=True)
    referred_customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="referred_by",
        verbose_name=_("friend as a customer"), help_text=_("Set once the friend is a customer of the brand."),
    )
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices,
                              default=ReferralStatus.ENQUIRED)
    enquired_at = models.DateTimeField(_("enquired at"))
    bought_at = models.DateTimeField(_("bought at"), null=True, blank=True)
    friend_consents = models.BooleanField(
        _("friend agreed to be contacted"), default=False,
        help_text=_("The referrer says the friend agreed that the dealer contacts them about a car."))
    test_drive_at = models.DateTimeField(_("test drive at"), null=True, blank=True)
    lost_at = models.DateTimeField(_("lost at"), null=True, blank=True)
    status_changed_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+", verbose_name=_("status last changed by"))
    source = models.CharField(_("source"), max_length=10, choices=ReferralSource.choices,
                              default=ReferralSource.DEALER)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(status=ReferralStatus.BOUGHT, bought_at__isnull=False)
                           | (~models.Q(status=ReferralStatus.BOUGHT) & models.Q(bought_at__isnull=True))),
                name="referral_bought_at_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["referrer", "enquired_at"]), models.Index(fields=["dealer", "enquired_at"])]

    def __str__(self) -> str:
        return f"{self.referrer} → {self.referred_name}"


class HandoverPlan(ScopedModel):
    """How one car is handed over to its owner, generated from their preferences (``policies.handover_checklist``).

    One plan per ownership: the preferences it was generated from are copied in, so a later change of the
    customer's mind shows as a difference instead of silently rewriting a plan the dealer is working through.
    """

    scope = Scope(brand="ownership__customer__brand_id", region="ownership__customer__dealer__region_id",
                  dealer="ownership__customer__dealer_id", customer="ownership__customer_id")

    ownership = models.OneToOneField(Ownership, on_delete=models.CASCADE, related_name="handover_plan")
    handover_preference = models.CharField(_("handover preference"), max_length=10,
                                           choices=HandoverPreference.choices, blank=True)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("generated by"))

    class Meta:
        verbose_name = _("handover plan")
        verbose_name_plural = _("handover plans")

    def __str__(self) -> str:
        return f"{self.ownership}"


class HandoverChecklistItem(ScopedModel):
    """One thing to prepare or do at a handover; ticking it records who and when, so the list is its own audit."""

    scope = Scope(brand="plan__ownership__customer__brand_id", region="plan__ownership__customer__dealer__region_id",
                  dealer="plan__ownership__customer__dealer_id", customer="plan__ownership__customer_id")

    plan = models.ForeignKey(HandoverPlan, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("item"), max_length=40, help_text=_("A key of policies.CHECKLIST_ITEMS."))
    position = models.PositiveSmallIntegerField(_("position"))
    ticked_at = models.DateTimeField(_("ticked at"), null=True, blank=True)
    ticked_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("ticked by"))

    class Meta:
        verbose_name = _("handover checklist item")
        verbose_name_plural = _("handover checklist items")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="handover_item_unique_per_plan")]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        from .policies import checklist_item_label

        return checklist_item_label(self.code)

    @property
    def is_ticked(self) -> bool:
        return self.ticked_at is not None


class CheckInKind(models.TextChoices):
    """When after the handover the dealer calls: settling in, first impressions of living with it, a year on."""

    WEEK_1 = "week_1", _("One week after handover")
    MONTH_3 = "month_3", _("Three months after handover")
    MONTH_12 = "month_12", _("Twelve months after handover")


class CheckInOutcome(models.TextChoices):
    REACHED = "reached", _("Spoke to the owner")
    NOT_REACHED = "not_reached", _("Could not reach the owner")
    DECLINED = "declined", _("Owner did not want a call")


class CheckIn(ScopedModel):
    """An ownership check-in: a timer kept as data (``due_on`` from ``policies.checkin_schedule``), done once.

    "Due" and "overdue" are computed at read time from ``due_on``; recording it sets ``done_at`` with an atomic claim.
    """

    scope = Scope(brand="ownership__customer__brand_id", region="ownership__customer__dealer__region_id",
                  dealer="ownership__customer__dealer_id", customer="ownership__customer_id")

    ownership = models.ForeignKey(Ownership, on_delete=models.CASCADE, related_name="checkins")
    kind = models.CharField(_("check-in"), max_length=10, choices=CheckInKind.choices)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("done by"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=CheckInOutcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    scheduled_at = models.DateTimeField(_("scheduled at"))

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(fields=["ownership", "kind"], name="checkin_unique_per_ownership"),
            models.CheckConstraint(condition=models.Q(done_at__isnull=True, outcome="")
                                   | models.Q(done_at__isnull=False) & ~models.Q(outcome=""),
                                   name="checkin_outcome_when_done"),
        ]
        indexes = [models.Index(fields=["due_on", "done_at"])]

    def __str__(self) -> str:
        return f"{self.ownership} · {self.kind}"

"""Writes of customer data: referrals (an owner brought a friend who enquired, and perhaps bought), handover plans
and their checklists, and the ownership check-ins after a handover.

Every write looks the customers it touches up through ``Customer.objects.visible_to(actor)``, so a dealer can record
a referral only for its own customers and learns nothing about anyone else's (a customer it may not see is "not
found", never "forbidden"). Input is checked before anything is written; each failure is a typed error naming the
field at fault, so a form or an API client can put the message next to it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed

from . import policies
from .models import (
    CheckIn,
    CheckInOutcome,
    Customer,
    HandoverChecklistItem,
    HandoverPlan,
    HandoverPreference,
    Household,
    Ownership,
    Referral,
    ReferralSource,
    ReferralStatus,
)

REFERRED_NAME_MAX_LENGTH = 160
REFERRED_PHONE_MAX_LENGTH = 32
NOTE_MAX_LENGTH = 2000
# Clocks of dealer systems and browsers drift a little; a timestamp this far ahead is still taken as "now".
CLOCK_TOLERANCE = timedelta(minutes=5)
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")

# Which sources each kind of actor may claim: an owner only speaks through the portal, staff record what a friend told
# them (or load a batch), and only the platform itself writes the demo's rows.
_SOURCES_FOR_STAFF = frozenset({ReferralSource.DEALER, ReferralSource.IMPORT})
_SOURCES_FOR_OWNER = frozenset({ReferralSource.PORTAL})


def _allowed_sources(actor: Actor) -> frozenset[str]:
    if actor.is_system:
        return frozenset(ReferralSource.values)
    if actor.is_staff_role:
        return _SOURCES_FOR_STAFF
    if actor.is_owner:
        return _SOURCES_FOR_OWNER
    return frozenset()


def _clean_text(value: str | None) -> str:
    return " ".join((value or "").split())


def _check_moment(value: datetime, *, now: datetime, field: str) -> datetime:
    if timezone.is_naive(value):
        raise ValidationFailed(_("Give a date and time with its time zone."), field=field)
    if value > now + CLOCK_TOLERANCE:
        raise ValidationFailed(_("This cannot be in the future."), field=field)
    return value


def _visible_customer(actor: Actor, pk: int | None, *, field: str) -> Customer:
    """A customer the actor may see and who has not been erased, or NotFound naming the field."""
    customer = None
    if pk is not None:
        customer = (Customer.objects.visible_to(actor).select_related("dealer")
                    .filter(pk=pk, erased_at__isnull=True).first())
    if customer is None:
        raise NotFound(_("No such customer among the ones you look after."), field=field)
    return customer


def referral_record(
    *, actor: Actor, referrer_pk: int, referred_name: str, referred_email: str = "", referred_phone: str = "",
    referred_customer_pk: int | None = None, enquired_at: datetime | None = None, source: str | None = None,
    note: str = "", friend_consents: bool = False, now: datetime | None = None,
) -> Referral:
    """Record that the customer ``referrer_pk`` brought a friend who enquired (a lead for the dealer).

    The friend needs a name and a way to reach them (e-mail or phone), or a link to their customer record when they
    are a customer already. The referral belongs to the referrer's dealer. Staff record for customers they may see;
    an owner (through the portal) only for themselves. Recording the same friend twice for the same referrer is a
    conflict, so a form submitted twice does not count one friend as two.
    """
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to record a referral."))
    allowed = _allowed_sources(actor)
    if source is None:
        source = ReferralSource.PORTAL if actor.is_owner else ReferralSource.DEALER
    if source not in allowed:
        raise ValidationFailed(_("This source is not available to you."), field="source")
    now = now or clock.now()
    name = _clean_text(referred_name)
    email = (referred_email or "").strip().lower()
    phone = _clean_text(referred_phone)
    note = (note or "").strip()
    if not name:
        raise ValidationFailed(_("Give the friend's name."), field="referred_name")
    if len(name) > REFERRED_NAME_MAX_LENGTH:
        raise ValidationFailed(_("Please keep the name under 160 characters."), field="referred_name")
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationFailed(_("This is not an e-mail address."), field="referred_email") from exc
    if phone and (len(phone) > REFERRED_PHONE_MAX_LENGTH or not _PHONE.match(phone)
                  or sum(c.isdigit() for c in phone) < 6):
        raise ValidationFailed(_("This is not a phone number."), field="referred_phone")
    if not (email or phone or referred_customer_pk):
        raise ValidationFailed(_("Give the friend's e-mail or phone, so the dealer can reach them."),
                               field="referred_email")
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationFailed(_("Please keep the note under 2,000 characters."), field="note")
    enquired_at = _check_moment(enquired_at or now, now=now, field="enquired_at")

    referrer = _visible_customer(actor, referrer_pk, field="referrer")
    friend = None
    if referred_customer_pk is not None:
        friend = _visible_customer(actor, referred_customer_pk, field="referred_customer")
        if friend.pk == referrer.pk:
            raise ValidationFailed(_("A customer cannot refer themselves."), field="referred_customer")

    same_friend = Q(referred_customer=friend) if friend else Q(pk__in=[])
    if email:
        same_friend |= Q(referred_email__iexact=email)
    if phone:
        same_friend |= Q(referred_phone=phone)
    with transaction.atomic():
        # Locking the referrer serialises two submissions of the same form, so the duplicate check below holds.
        Customer.objects.select_for_update().filter(pk=referrer.pk).first()
        if Referral.objects.filter(same_friend, referrer=referrer).exists():
            raise Conflict(_("This friend is already recorded as referred by this customer."), code="duplicate",
                           field="referred_email" if email else "referred_phone" if phone else "referred_customer")
        return Referral.objects.create(
            brand_id=referrer.brand_id, dealer_id=referrer.dealer_id, referrer=referrer, referred_name=name,
            referred_email=email, referred_phone=phone, referred_customer=friend, status=ReferralStatus.ENQUIRED,
            enquired_at=enquired_at, source=source, recorded_by_id=actor.user_id, recorded_at=now, note=note,
            friend_consents=friend_consents,
        )


def referral_mark_bought(
    *, actor: Actor, referral_pk: int, bought_at: datetime | None = None, referred_customer_pk: int | None = None,
    now: datetime | None = None,
) -> Referral:
    """The referred friend bought: move the referral from enquired to bought, once.

    Only staff (and the platform) confirm a purchase: it is the dealer's sale, not the owner's word. The move is an
    atomic claim on the enquired row, so two people confirming at once change it once; the second is told it is done.
    """
    if not (actor.is_system or actor.is_staff_role):
        raise PermissionDenied(_("Only the brand's and dealers' staff confirm a purchase."))
    now = now or clock.now()
    referral = Referral.objects.filter(pk=referral_pk).visible_to(actor).first()
    if referral is None:
        raise NotFound(_("No such referral among the ones you look after."), field="referral")
    bought_at = _check_moment(bought_at or now, now=now, field="bought_at")
    if bought_at < referral.enquired_at:
        raise ValidationFailed(_("The purchase cannot come before the enquiry."), field="bought_at")
    changes: dict[str, object] = {"status": ReferralStatus.BOUGHT, "bought_at": bought_at}
    if referred_customer_pk is not None:
        friend = _visible_customer(actor, referred_customer_pk, field="referred_customer")
        if friend.pk == referral.referrer_id:
            raise ValidationFailed(_("A customer cannot refer themselves."), field="referred_customer")
        changes["referred_customer"] = friend
    if not policies.referral_can_move(referral.status, ReferralStatus.BOUGHT):
        raise InvalidTransition(_("This referral is already marked as bought.") if referral.status ==
                                ReferralStatus.BOUGHT else _("A lost referral must be reopened first."),
                                field="status")
    changes["status_changed_by_id"] = actor.user_id
    claimed = Referral.objects.filter(pk=referral.pk, status=referral.status).update(**changes)
    if not claimed:
        raise InvalidTransition(_("This referral is already marked as bought."), field="status")
    referral.refresh_from_db()
    return referral


def referral_move(
    *, actor: Actor, referral_pk: int, status: str, at: datetime | None = None, now: datetime | None = None,
) -> Referral:
    """Move a referral along ``policies.REFERRAL_TRANSITIONS`` (lead → test drive → sale, or lost; a lost lead may
    reopen). Each state keeps its own timestamp. A move the table does not allow is an ``InvalidTransition``; two
    people moving the same lead at once change it once (an atomic claim on the status it had)."""
    if not (actor.is_system or actor.is_staff_role):
        raise PermissionDenied(_("Only the brand's and dealers' staff move a referral on."))
    if status not in ReferralStatus.values:
        raise ValidationFailed(_("Unknown referral status."), field="status")
    if status == ReferralStatus.BOUGHT:
        return referral_mark_bought(actor=actor, referral_pk=referral_pk, bought_at=at, now=now)
    now = now or clock.now()
    referral = Referral.objects.filter(pk=referral_pk).visible_to(actor).first()
    if referral is None:
        raise NotFound(_("No such referral among the ones you look after."), field="referral")
    if not policies.referral_can_move(referral.status, status):
        raise InvalidTransition(
            _("A referral cannot go from %(current)s to %(target)s.")
            % {"current": ReferralStatus(referral.status).label, "target": ReferralStatus(status).label},
            field="status")
    at = _check_moment(at or now, now=now, field="at")
    if at < referral.enquired_at:
        raise ValidationFailed(_("This cannot come before the enquiry."), field="at")
    changes: dict[str, object] = {"status": status, "status_changed_by_id": actor.user_id}
    if status == ReferralStatus.ENQUIRED:  # reopened: the loss no longer stands
        changes["lost_at"] = None
    else:
        changes[policies.REFERRAL_STATE_FIELD[status]] = at
    claimed = Referral.objects.filter(pk=referral.pk, status=referral.status).update(**changes)
    if not claimed:
        raise InvalidTransition(_("Someone else changed this referral just now; reload the page."), field="status")
    referral.refresh_from_db()
    return referral


# --------------------------------------------------------------------------------------------------------------------
# Handover plans and check-ins: the dealer's own work, so only the dealer's people (and the platform) write them.


def _require_dealer(actor: Actor) -> None:
    if not (actor.is_system or actor.is_dealer):
        raise PermissionDenied(_("Only the dealer's team does this."))


def _visible_ownership(actor: Actor, pk: int) -> Ownership:
    ownership = (Ownership.objects.visible_to(actor).select_related("customer", "vehicle")
                 .filter(pk=pk, customer__erased_at__isnull=True).first())
    if ownership is None:
        raise NotFound(_("No such car among the customers you look after."), field="ownership")
    return ownership


def handover_plan_generate(*, actor: Actor, ownership_pk: int, now: datetime | None = None) -> HandoverPlan:
    """Generate (or bring up to date) the handover plan of an ownership from the customer's preferences.

    Running it again keeps every tick: items the new preferences still call for stay as they were, new ones are
    added, and items no longer called for are dropped only if nobody ticked them (a ticked item is work done).
    """
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    _require_dealer(actor)
    now = now or clock.now()
    ownership = _visible_ownership(actor, ownership_pk)
    customer, vehicle = ownership.customer, ownership.vehicle
    codes = policies.handover_checklist(
        preference=customer.handover_preference, household=customer.household, usage=customer.usage or [],
        interests=customer.interests or [], powertrain=vehicle.powertrain)
    with transaction.atomic():
        plan, created = HandoverPlan.objects.select_for_update().get_or_create(
            ownership=ownership, defaults={"handover_preference": customer.handover_preference,
                                           "generated_at": now, "generated_by_id": actor.user_id})
        if not created:
            HandoverPlan.objects.filter(pk=plan.pk).update(
                handover_preference=customer.handover_preference, generated_at=now, generated_by_id=actor.user_id)
            plan.refresh_from_db()
        existing = {item.code: item for item in plan.items.all()}
        HandoverChecklistItem.objects.filter(plan=plan, ticked_at__isnull=True).exclude(code__in=codes).delete()
        for position, code in enumerate(codes):
            if code in existing:
                if existing[code].position != position:
                    HandoverChecklistItem.objects.filter(pk=existing[code].pk).update(position=position)
            else:
                HandoverChecklistItem.objects.create(plan=plan, code=code, position=position)
        # Ticked items the preferences no longer call for stay, after the rest.
        for offset, item in enumerate(i for c, i in existing.items() if c not in codes and i.ticked_at):
            HandoverChecklistItem.objects.filter(pk=item.pk).update(position=len(codes) + offset)
    return plan


def handover_item_tick(*, actor: Actor, item_pk: int, ticked: bool = True,
                       now: datetime | None = None) -> HandoverChecklistItem:
    """Tick (or untick) one checklist item, recording who and when. Ticking a ticked item keeps the first tick, so
    two people at the handover do not overwrite each other."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    _require_dealer(actor)
    now = now or clock.now()
    item = HandoverChecklistItem.objects.filter(pk=item_pk).visible_to(actor).first()
    if item is None:
        raise NotFound(_("No such checklist item among the customers you look after."), field="item")
    if ticked:
        HandoverChecklistItem.objects.filter(pk=item.pk, ticked_at__isnull=True).update(
            ticked_at=now, ticked_by_id=actor.user_id)
    else:
        HandoverChecklistItem.objects.filter(pk=item.pk).update(ticked_at=None, ticked_by=None)
    item.refresh_from_db()
    return item


CHECKIN_NOTE_MAX_LENGTH = 2000
# The sweep looks this far back for handovers without check-ins (the last check-in's date plus its grace).
CHECKIN_LOOKBACK = policies.CHECKIN_OFFSETS["month_12"] + policies.CHECKIN_GRACE
CHECKIN_SWEEP_BATCH = 2_000


def checkins_schedule(*, ownership_pks: list[int] | None = None, today: date | None = None,
                      limit: int = CHECKIN_SWEEP_BATCH) -> int:
    """Schedule the check-ins of handovers that have none yet; returns how many were created.

    Idempotent: an ownership with any check-in is skipped, and the unique (ownership, kind) constraint makes a
    concurrent run create nothing twice. Used by the every-minute sweep and by the demo generator.
    """
    today = today or clock.now().date()
    now = clock.now()
    ownerships = (Ownership.objects.filter(ended_on__isnull=True, customer__erased_at__isnull=True,
                                           started_on__gte=today - CHECKIN_LOOKBACK, started_on__lte=today)
                  .exclude(checkins__isnull=False))
    if ownership_pks is not None:
        ownerships = ownerships.filter(pk__in=ownership_pks)
    rows = [CheckIn(ownership_id=pk, kind=kind, due_on=due_on, scheduled_at=now)
            for pk, started_on in ownerships.order_by("pk").values_list("pk", "started_on")[:limit]
            for kind, due_on in policies.checkin_schedule(handover_on=started_on, today=today)]
    before = CheckIn.objects.count() if rows else 0
    if not rows:
        return 0
    with transaction.atomic():
        CheckIn.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1_000)
    return CheckIn.objects.count() - before


def checkin_record(*, actor: Actor, checkin_pk: int, outcome: str, note: str = "",
                   now: datetime | None = None) -> CheckIn:
    """Record a check-in call: its outcome and what was said. Once: a second record is a conflict, so the first
    call's note is never overwritten."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    _require_dealer(actor)
    now = now or clock.now()
    if outcome not in CheckInOutcome.values:
        raise ValidationFailed(_("Choose how the call went."), field="outcome")
    note = (note or "").strip()
    if len(note) > CHECKIN_NOTE_MAX_LENGTH:
        raise ValidationFailed(_("Please keep the note under 2,000 characters."), field="note")
    checkin = CheckIn.objects.filter(pk=checkin_pk).visible_to(actor).first()
    if checkin is None:
        raise NotFound(_("No such check-in among the customers you look after."), field="checkin")
    claimed = CheckIn.objects.filter(pk=checkin.pk, done_at__isnull=True).update(
        done_at=now, done_by_id=actor.user_id, outcome=outcome, note=note)
    if not claimed:
        raise Conflict(_("This check-in is already recorded."), code="already_done", field="checkin")
    checkin.refresh_from_db()
    return checkin


# --------------------------------------------------------------------------------------------------------------------
# The owner's own preferences and consents (portal: /my/preferences/)

PREFERENCE_LANGUAGES = ("en", "de", "fr")
USAGE_CHOICES = (("family", _("Family")), ("weekend", _("Weekends")), ("track", _("Track days")),
                 ("commute", _("Commuting")), ("business", _("Business")))
INTEREST_MAX_LENGTH = 40
INTERESTS_MAX = 10


def customer_preferences_update(*, actor: Actor, customer_pk: int, language: str, consent_surveys: bool,
                                consent_marketing: bool, consent_connected_car: bool, household: str,
                                usage: list[str], interests: list[str], handover_preference: str,
                                now: datetime | None = None) -> Customer:
    """An owner sets their own language, consents and what the dealer should know about them.

    Only the owner may change these (a dealer records what it is told elsewhere); ``consent_updated_at`` moves only
    when a consent changed, so it keeps saying when the person last decided. The owner's sign-in account follows the
    language, so e-mails and pages switch with it. Every input is checked before anything is written.
    """
    from insidetrack.accounts.models import User
    from insidetrack.core.roles import Role

    now = now or clock.now()
    if not actor.is_owner:
        raise PermissionDenied(_("Only the owner can change their own preferences."))
    customer = Customer.objects.filter(pk=customer_pk).visible_to(actor).first()
    if customer is None:
        raise NotFound(_("No such customer."), field="customer")
    if language not in PREFERENCE_LANGUAGES:
        raise ValidationFailed(_("Choose English, German or French."), field="language")
    if household not in {value for value, _label in Household.choices}:
        raise ValidationFailed(_("Choose your household from the list."), field="household")
    if handover_preference not in {value for value, _label in HandoverPreference.choices}:
        raise ValidationFailed(_("Choose how you like to take delivery from the list."), field="handover_preference")
    known_usage = [value for value, _label in USAGE_CHOICES]
    if any(value not in known_usage for value in usage):
        raise ValidationFailed(_("Choose how you use your car from the list."), field="usage")
    cleaned_interests = list(dict.fromkeys(i.strip().lower() for i in interests if i and i.strip()))
    if len(cleaned_interests) > INTERESTS_MAX or any(len(i) > INTEREST_MAX_LENGTH for i in cleaned_interests):
        raise ValidationFailed(_("List up to 10 interests of at most 40 characters each."), field="interests")
    consents = (bool(consent_surveys), bool(consent_marketing), bool(consent_connected_car))
    consent_changed = consents != (customer.consent_surveys, customer.consent_marketing,
                                   customer.consent_connected_car)
    with transaction.atomic():
        customer.language = language
        customer.consent_surveys, customer.consent_marketing, customer.consent_connected_car = consents
        if consent_changed:
            customer.consent_updated_at = now
        customer.household = household
        customer.usage = [value for value in known_usage if value in usage]
        customer.interests = cleaned_interests
        customer.handover_preference = handover_preference
        customer.save(update_fields=["language", "consent_surveys", "consent_marketing", "consent_connected_car",
                                     "consent_updated_at", "household", "usage", "interests",
                                     "handover_preference"])
        User.objects.filter(memberships__role=Role.OWNER, memberships__customer_id=customer.pk).update(
            preferred_language=language)
    return customer

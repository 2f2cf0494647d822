"""Writes of customer data: referrals (an owner brought a friend who enquired, and perhaps bought).

Every write looks the customers it touches up through ``Customer.objects.visible_to(actor)``, so a dealer can record
a referral only for its own customers and learns nothing about anyone else's (a customer it may not see is "not
found", never "forbidden"). Input is checked before anything is written; each failure is a typed error naming the
field at fault, so a form or an API client can put the message next to it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed

from .models import Customer, Referral, ReferralSource, ReferralStatus

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
    note: str = "", now: datetime | None = None,
) -> Referral:
    """Record that the customer ``referrer_pk`` brought a friend who enquired.

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
    claimed = Referral.objects.filter(pk=referral.pk, status=ReferralStatus.ENQUIRED).update(**changes)
    if not claimed:
        raise InvalidTransition(_("This referral is already marked as bought."), field="status")
    referral.refresh_from_db()
    return referral

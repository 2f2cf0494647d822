"""What the customers app holds about a person, for the owner's export and erasure (see core.personal_data).

Erasure blanks the profile (names, contacts, preferences, notes) but keeps the Customer row as an anonymous shell:
responses, cases and invitations point to it, so per-customer figures (repurchase, paths, response rates) keep
counting the same people. The car the person still owns loses its registration and its VIN is replaced by a
pseudonym, so the linkage to a real car is gone; a car they sold is the next owner's and keeps its VIN.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from insidetrack.core.personal_data import Section, register

from .models import CheckIn, Customer, HandoverChecklistItem, HandoverPlan, Ownership, Referral, Vehicle


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _blank(queryset: QuerySet, **values: Any) -> int:
    """Set the values on rows that do not hold them yet, so a second erasure changes (and counts) nothing."""
    return queryset.exclude(**values).update(**values)


def pseudonymous_vin(vin: str) -> str:
    """A 17-character stand-in for a VIN: keyed, so the real VIN cannot be recovered or guessed from it."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"erased-vin:{vin}".encode(), hashlib.sha256).hexdigest()
    return ("X" + digest[:16]).upper()


def _profile(customer: Customer) -> dict[str, Any]:
    return {
        "first_name": customer.first_name, "last_name": customer.last_name, "email": customer.email,
        "phone": customer.phone, "language": customer.language, "dealer": customer.dealer.name,
        "customer_since": _when(customer.created_at), "deal_type": customer.deal_type,
        "consents": {"surveys": customer.consent_surveys, "marketing": customer.consent_marketing,
                     "connected_car": customer.consent_connected_car,
                     "last_changed": _when(customer.consent_updated_at)},
        "household": customer.household, "usage": list(customer.usage or []),
        "interests": list(customer.interests or []), "handover_preference": customer.handover_preference,
        "notes": customer.notes,
        "email_bounced_at": _when(customer.email_bounced_at), "phone_invalid_at": _when(customer.phone_invalid_at),
        "contact_updated_at": _when(customer.contact_updated_at),
    }


def export_profile(customer_pk: int) -> dict[str, Any]:
    customer = Customer.objects.select_related("dealer").get(pk=customer_pk)
    return _profile(customer)


def erase_profile(customer_pk: int, now: datetime) -> int:
    """Names, contacts, preferences and notes go; the row, its dealer, dates and deal type stay for the figures.

    Consents turn off, so nothing (surveys, marketing, connected-car processing) is sent to the shell afterwards.
    """
    return _blank(Customer.objects.filter(pk=customer_pk), first_name="", last_name="", email="", phone="",
                  notes="", usage=[], interests=[], household="", handover_preference="",
                  consent_surveys=False, consent_marketing=False, consent_connected_car=False)


def export_vehicles(customer_pk: int) -> list[dict[str, Any]]:
    ownerships = (Ownership.objects.filter(customer_id=customer_pk)
                  .select_related("vehicle", "selling_dealer").order_by("started_on", "pk"))
    rows = []
    for ownership in ownerships:
        vehicle = ownership.vehicle
        plan = HandoverPlan.objects.filter(ownership=ownership).first()
        rows.append({
            "vin": vehicle.vin, "model": vehicle.model, "model_year": vehicle.model_year,
            "powertrain": vehicle.powertrain, "registration": vehicle.registration,
            "owned_from": _when(ownership.started_on), "owned_until": _when(ownership.ended_on),
            "bought_new": ownership.is_new, "selling_dealer": ownership.selling_dealer.name,
            "handover_plan": None if plan is None else {
                "handover_preference": plan.handover_preference, "generated_at": _when(plan.generated_at),
                "checklist": [{"item": str(item.label), "done_at": _when(item.ticked_at)}
                              for item in HandoverChecklistItem.objects.filter(plan=plan)],
            },
            "check_ins": [{"kind": checkin.kind, "due_on": _when(checkin.due_on), "done_at": _when(checkin.done_at),
                           "outcome": checkin.outcome, "note": checkin.note}
                          for checkin in CheckIn.objects.filter(ownership=ownership).order_by("due_on", "pk")],
        })
    return rows


def erase_vehicles(customer_pk: int, now: datetime) -> int:
    """The cars still owned lose registration and real VIN; check-in notes and copied preferences are blanked."""
    changed = 0
    for vehicle in Vehicle.objects.filter(current_owner_id=customer_pk):
        vehicle.vin, vehicle.registration, vehicle.current_owner = pseudonymous_vin(vehicle.vin), "", None
        vehicle.save(update_fields=["vin", "registration", "current_owner"])
        changed += 1
    changed += _blank(CheckIn.objects.filter(ownership__customer_id=customer_pk), note="")
    changed += _blank(HandoverPlan.objects.filter(ownership__customer_id=customer_pk), handover_preference="")
    return changed


def export_referrals(customer_pk: int) -> dict[str, Any]:
    made = Referral.objects.filter(referrer_id=customer_pk).select_related("dealer").order_by("enquired_at", "pk")
    received = Referral.objects.filter(referred_customer_id=customer_pk).order_by("enquired_at", "pk")
    return {
        "made": [{"friend_name": r.referred_name, "friend_email": r.referred_email, "friend_phone": r.referred_phone,
                  "friend_agreed_to_contact": r.friend_consents, "status": r.status, "dealer": r.dealer.name,
                  "enquired_at": _when(r.enquired_at), "bought_at": _when(r.bought_at), "note": r.note}
                 for r in made],
        "as_the_friend": [{"name_given": r.referred_name, "email_given": r.referred_email,
                           "phone_given": r.referred_phone, "status": r.status, "enquired_at": _when(r.enquired_at)}
                          for r in received],
    }


def erase_referrals(customer_pk: int, now: datetime) -> int:
    """The friend's name and contacts go (in the referrals this person made), and this person's own name and
    contacts in a referral where a friend named them; statuses and dates stay for the advocacy figures."""
    friend = dict(referred_name="", referred_email="", referred_phone="", note="")
    return _blank(Referral.objects.filter(Q(referrer_id=customer_pk) | Q(referred_customer_id=customer_pk)), **friend)


register(Section(key="profile", title=_("Profile, contact details and preferences"),
                 purpose=_("To look after you as a customer of your dealer: contact you, respect your consents "
                           "and prepare your car the way you like."),
                 export=export_profile, erase=erase_profile, order=10))
register(Section(key="vehicles", title=_("Vehicles, handovers and check-ins"),
                 purpose=_("To know which cars are yours, hand them over as you asked and call you after the "
                           "handover."),
                 export=export_vehicles, erase=erase_vehicles, order=20))
register(Section(key="referrals", title=_("Referrals"),
                 purpose=_("To follow up the friends you recommended us to (with their agreement), and to credit "
                           "you for it."),
                 export=export_referrals, erase=erase_referrals, order=30))

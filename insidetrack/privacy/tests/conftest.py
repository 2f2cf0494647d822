"""A customer with a full history to erase: answers with verbatims, a case with notes and goodwill, referrals both
ways, an experience event, a handover plan with a check-in note, a re-contact note, and answering fingerprints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.utils import timezone

NAME_FIRST = "Zebulon"
NAME_LAST = "Quarrington"
EMAIL = "zebulon.quarrington@erase-me.example"
PHONE = "+447700900999"
VERBATIM_WORDS = "saxophonist mechanic Quillfeather"
FRIEND_NAME = "Ottoline Brackenbury"
FRIEND_EMAIL = "ottoline@friend-of-zebulon.example"
NEEDLES = (NAME_FIRST, NAME_LAST, EMAIL, PHONE, "Quillfeather", "saxophonist", "Brackenbury", "friend-of-zebulon",
           "REG-ZQ-1", "WZX00000000000001", "zq-device-hash", "zq-network-hash", "Peppercorn", "Marzipan",
           "Tangerine")


@dataclass
class Erasable:
    customer: object
    friend_customer: object
    responses: list
    case: object


@pytest.fixture
def erasable(world) -> Erasable:
    """Customer Z at dealer A (the world's owner is customer A; Z is a second customer of dealer A)."""
    from insidetrack.cases.models import CaseEvent, Goodwill
    from insidetrack.cases.services import cases_open_for_responses
    from insidetrack.customers.models import CheckIn, HandoverPlan, Ownership, Referral
    from insidetrack.customers.tests.factories import CustomerFactory, VehicleFactory
    from insidetrack.integrity.models import Alert, Recontact, RecontactItem
    from insidetrack.journeys.models import EventInvitation, ExperienceEvent, Theme
    from insidetrack.surveys.tests.factories import ResponseFactory
    from insidetrack.verbatims.models import VerbatimAnalysis, VerbatimTheme

    now = timezone.now()
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand, first_name=NAME_FIRST, last_name=NAME_LAST,
                               email=EMAIL, phone=PHONE, notes="Likes Peppercorn sauce", interests=["Marzipan"],
                               usage=["family"], household="family", handover_preference="ceremony")
    vehicle = VehicleFactory(current_owner=customer, vin="WZX00000000000001", registration="REG-ZQ-1")
    ownership = Ownership.objects.create(customer=customer, vehicle=vehicle, selling_dealer=world.dealer_a,
                                         started_on=dt.date(2025, 3, 1))
    HandoverPlan.objects.create(ownership=ownership, handover_preference="ceremony", generated_at=now)
    CheckIn.objects.create(ownership=ownership, kind="week_1", due_on=dt.date(2025, 3, 8), scheduled_at=now,
                           done_at=now, outcome="reached", note="Zebulon loves the Tangerine paint")
    responses = []
    for score, days in ((3, 40), (10, 20), (6, 5)):
        responses.append(ResponseFactory(
            invitation__event__customer=customer, invitation__event__external_reference=f"DMS-{NAME_LAST}-{days}",
            score=score,
            verbatim=f"The {VERBATIM_WORDS} was {'great' if score > 8 else 'late'}, ask Zebulon",
            submitted_at=now - dt.timedelta(days=days), network_fingerprint="zq-network-hash",
            device_fingerprint="zq-device-hash", invitation__contact_hash="zq-contact"))
    theme = Theme.objects.filter(brand=world.brand).first()
    for response in responses:
        analysis = VerbatimAnalysis.objects.create(
            response=response, brand_id=response.brand_id, dealer_id=response.dealer_id,
            touchpoint_id=response.touchpoint_id, submitted_at=response.submitted_at, language="en",
            sentiment="negative" if response.score < 7 else "positive", analysed_at=now,
            is_safety=response.score == 3, flag_phrases={"safety": ["Quillfeather brakes"]})
        VerbatimTheme.objects.create(analysis=analysis, theme=theme, probability=0.8)
    if connection.vendor == "postgresql":  # the full-text document built from each verbatim, as analysis does
        from insidetrack.verbatims.services import _update_search_documents

        _update_search_documents([r.pk for r in responses])
    cases = cases_open_for_responses(response_pks=[r.pk for r in responses])
    case = next(c for c in cases if c.response_id == responses[0].pk)
    case.subject, case.resolution, case.urgent_reason = "Zebulon's car", "Quillfeather replaced", "Quillfeather"
    case.save()
    CaseEvent.objects.create(case=case, at=now, kind="call", actor_name="Staff Member",
                             detail="Spoke to Zebulon Quarrington on +447700900999", data={"outcome": "reached"})
    CaseEvent.objects.create(case=case, at=now, kind="urgent", actor_name="Inside Track", detail="Quillfeather",
                             data={"phrases": ["Quillfeather"]})
    Goodwill.objects.create(case=case, description="Valet for Zebulon", amount=120, status="approved",
                            requested_at=now, decision_note="Zebulon is a loyal customer")
    friend_customer = CustomerFactory(dealer=world.dealer_b, brand=world.brand, first_name="Friendly")
    Referral.objects.create(brand=world.brand, dealer=world.dealer_a, referrer=customer, referred_name=FRIEND_NAME,
                            referred_email=FRIEND_EMAIL, enquired_at=now, recorded_at=now,
                            referred_customer=friend_customer, note="Ottoline Brackenbury wants a Tangerine car")
    Referral.objects.create(brand=world.brand, dealer=world.dealer_b, referrer=friend_customer,
                            referred_name=f"{NAME_FIRST} {NAME_LAST}", referred_email=EMAIL, referred_phone=PHONE,
                            referred_customer=customer, enquired_at=now, recorded_at=now, status="bought",
                            bought_at=now)
    event = ExperienceEvent.objects.create(brand=world.brand, dealer=world.dealer_a, title="Track day",
                                           starts_at=now + dt.timedelta(days=10),
                                           ends_at=now + dt.timedelta(days=10, hours=4), place="Circuit", capacity=10,
                                           created_at=now)
    EventInvitation.objects.create(event=event, customer=customer, status="accepted", invited_at=now,
                                   responded_at=now, token_nonce="zq-nonce")
    alert = Alert.objects.create(brand=world.brand, dealer=world.dealer_a, period="2026Q1",
                                 period_start=dt.date(2026, 1, 1), risk_at_opening=3.0, opened_at=now)
    recontact = Recontact.objects.create(alert=alert, drawn_at=now, size=1)
    RecontactItem.objects.create(recontact=recontact, response=responses[1], outcome="answered", score=6,
                                 asked_for_score=True, note="Zebulon said the dealer asked for a 10", recorded_at=now)
    return Erasable(customer=customer, friend_customer=friend_customer, responses=responses, case=case)

"""Survey rules and contact rules: the pure policy, the default set-up, and scheduling with every skip reason."""

from __future__ import annotations

import datetime as dt

import pytest

from insidetrack.customers.tests.factories import CustomerFactory
from insidetrack.surveys import defaults
from insidetrack.surveys.models import ContactPolicy, Invitation, SurveyRule
from insidetrack.surveys.policies import (
    CustomerFacts,
    RuleFacts,
    Scheduled,
    Skipped,
    SkipReason,
    check_before_sending,
    decide_invitation,
    touchpoint_code_for,
)
from insidetrack.surveys.services import invitations_schedule, survey_setup
from insidetrack.surveys.tests.factories import OperationalEventFactory

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
RULE = RuleFacts(is_active=True, delay_hours=72, channel="email", expiry_days=14)
CUSTOMER = CustomerFacts(consent_surveys=True, deal_type="retail", has_email=True, email_bounced=False,
                         has_phone=True, phone_invalid=False)


def decide(rule=RULE, customer=CUSTOMER, occurred_at=NOW, contact_times=(), min_days=30):
    return decide_invitation(rule=rule, customer=customer, occurred_at=occurred_at, now=NOW,
                             contact_times=contact_times, min_days_between=min_days)


def facts(**changes) -> CustomerFacts:
    values = {f: getattr(CUSTOMER, f) for f in CustomerFacts.__dataclass_fields__}
    return CustomerFacts(**{**values, **changes})


# --- the pure policy ------------------------------------------------------------------------------------------------

def test_a_retail_customer_with_consent_is_scheduled_after_the_delay():
    assert decide() == Scheduled(send_at=NOW + dt.timedelta(hours=72), channel="email",
                                 expires_at=NOW + dt.timedelta(hours=72, days=14))


def test_a_late_report_is_sent_now_not_in_the_past():
    occurred = NOW - dt.timedelta(days=5)
    assert decide(occurred_at=occurred) == Scheduled(send_at=NOW, channel="email", expires_at=NOW + dt.timedelta(14))


@pytest.mark.parametrize(("rule", "customer", "occurred_at", "contacts", "reason"), [
    (None, CUSTOMER, NOW, (), SkipReason.NO_RULE),
    (RuleFacts(False, 0, "email", 14), CUSTOMER, NOW, (), SkipReason.NO_RULE),
    (RULE, facts(consent_surveys=False), NOW, (), SkipReason.NO_CONSENT),
    (RULE, facts(deal_type="fleet"), NOW, (), SkipReason.FLEET_OR_STAFF),
    (RULE, facts(deal_type="staff"), NOW, (), SkipReason.FLEET_OR_STAFF),
    # 72 h delay + 14 days expiry: at exactly 17 days the window has closed.
    (RULE, CUSTOMER, NOW - dt.timedelta(days=17), (), SkipReason.EVENT_TOO_OLD),
    (RULE, facts(email_bounced=True, phone_invalid=True), NOW, (), SkipReason.BOUNCED),
    (RULE, facts(email_bounced=True, has_phone=False), NOW, (), SkipReason.BOUNCED),
    (RULE, facts(has_email=False, has_phone=False), NOW, (), SkipReason.NO_CONTACT),
    (RULE, CUSTOMER, NOW, (NOW - dt.timedelta(days=26),), SkipReason.CONTACTED_RECENTLY),
    # A survey already scheduled for next month counts too: it falls within 30 days of this one.
    (RULE, CUSTOMER, NOW, (NOW + dt.timedelta(days=20),), SkipReason.CONTACTED_RECENTLY),
])
def test_every_skip_reason(rule, customer, occurred_at, contacts, reason):
    assert decide(rule=rule, customer=customer, occurred_at=occurred_at, contact_times=contacts) == Skipped(reason)


def test_reasons_are_checked_firmest_first():
    everything_wrong = facts(consent_surveys=False, deal_type="fleet", has_email=False, has_phone=False)
    assert decide(customer=everything_wrong) == Skipped(SkipReason.NO_CONSENT)
    assert decide(customer=facts(deal_type="staff", has_email=False, has_phone=False)) == Skipped(
        SkipReason.FLEET_OR_STAFF)


def test_contact_just_outside_the_window_is_allowed():
    # Sent 27 days + 72 h delay = 30 days before this send time: exactly the minimum gap.
    result = decide(contact_times=(NOW - dt.timedelta(days=27),), min_days=29)
    assert isinstance(result, Scheduled)
    assert decide(rule=RuleFacts(True, 0, "email", 14), contact_times=(NOW - dt.timedelta(days=30),)) == Scheduled(
        send_at=NOW, channel="email", expires_at=NOW + dt.timedelta(days=14))


def test_the_other_channel_is_used_when_the_preferred_one_is_dead():
    assert decide(customer=facts(email_bounced=True)).channel == "sms"
    assert decide(customer=facts(has_email=False)).channel == "sms"
    sms_rule = RuleFacts(True, 0, "sms", 14)
    assert decide(rule=sms_rule).channel == "sms"
    assert decide(rule=sms_rule, customer=facts(phone_invalid=True)).channel == "email"


def test_check_before_sending_sees_withdrawn_consent_and_new_bounces():
    assert check_before_sending(customer=CUSTOMER, preferred="email") == "email"
    assert check_before_sending(customer=facts(consent_surveys=False), preferred="email") == SkipReason.NO_CONSENT
    assert check_before_sending(customer=facts(email_bounced=True, has_phone=False),
                                preferred="email") == SkipReason.BOUNCED


def test_first_service_is_its_own_touchpoint():
    assert touchpoint_code_for(kind="service_completed", rule_touchpoint_code="service_visit",
                               has_previous_service=False) == "first_service"
    assert touchpoint_code_for(kind="service_completed", rule_touchpoint_code="service_visit",
                               has_previous_service=True) == "service_visit"
    assert touchpoint_code_for(kind="handover", rule_touchpoint_code="handover",
                               has_previous_service=False) == "handover"


# --- the default set-up ---------------------------------------------------------------------------------------------

def test_survey_setup_creates_the_defaults_once_and_keeps_edits(world):
    survey_setup(brand=world.brand)
    rules = {r.event_kind: (r.touchpoint.code, r.delay_hours, len(r.questions))
             for r in SurveyRule.objects.filter(brand=world.brand).select_related("touchpoint")}
    assert rules == {
        "test_drive": ("test_drive", 0, 0), "deposit_taken": ("deposit", 0, 0),
        "experience_attended": ("experience_event", 0, 0), "finance_signed": ("finance_paperwork", 0, 0),
        "handover": ("handover", 72, 2), "service_completed": ("service_visit", 0, 2),
        "ownership_anniversary": ("ownership_checkin", 0, 0), "repurchase": ("repurchase", 0, 0),
    }
    handover = SurveyRule.objects.get(brand=world.brand, event_kind="handover")
    assert handover.questions[0]["text"]["de"] == "Wurden Ihnen die Funktionen Ihres Fahrzeugs erklärt?"
    assert set(handover.questions[1]["text"]) == {"en", "de", "fr"}
    assert ContactPolicy.objects.get(brand=world.brand).min_days_between_surveys == 30
    SurveyRule.objects.filter(pk=handover.pk).update(delay_hours=24)
    survey_setup(brand=world.brand)
    assert SurveyRule.objects.filter(brand=world.brand).count() == 8
    assert SurveyRule.objects.get(pk=handover.pk).delay_hours == 24
    assert ContactPolicy.objects.filter(brand=world.brand).count() == 1


# --- scheduling writes one Invitation per event ---------------------------------------------------------------------

@pytest.fixture
def surveyed(world):
    survey_setup(brand=world.brand)
    # The world's customers answered a survey just now; start from customers nobody has contacted.
    return world


def event_for(world, customer=None, *, kind="handover", occurred_at=NOW, **customer_fields):
    customer = customer or CustomerFactory(dealer=world.dealer_a, brand=world.brand, **customer_fields)
    rule = SurveyRule.objects.get(brand=world.brand, event_kind=kind) if kind != "enquiry" else None
    touchpoint = rule.touchpoint if rule else None
    extra = {"touchpoint": touchpoint} if touchpoint else {}
    return OperationalEventFactory(customer=customer, kind=kind, occurred_at=occurred_at, **extra)


@pytest.mark.parametrize(("customer_fields", "reason"), [
    ({"consent_surveys": False}, "no_consent"),
    ({"deal_type": "fleet"}, "fleet_or_staff"),
    ({"deal_type": "staff"}, "fleet_or_staff"),
    ({"email_bounced_at": NOW, "phone": ""}, "bounced"),
    ({"email": "", "phone": ""}, "no_contact"),
])
def test_skipped_invitations_record_their_reason(surveyed, customer_fields, reason):
    event = event_for(surveyed, **customer_fields)
    [invitation] = invitations_schedule(events=[event], now=NOW)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.skip_reason, invitation.event_id) == ("skipped", reason, event.pk)
    assert invitation.scheduled_for == NOW and invitation.sent_at is None


def test_inactive_rule_and_unsurveyed_kind_are_no_rule(surveyed):
    SurveyRule.objects.filter(brand=surveyed.brand, event_kind="handover").update(is_active=False)
    [handover] = invitations_schedule(events=[event_for(surveyed)], now=NOW)
    [enquiry] = invitations_schedule(events=[event_for(surveyed, kind="enquiry")], now=NOW)
    assert (handover.status, handover.skip_reason) == ("skipped", "no_rule")
    assert (enquiry.status, enquiry.skip_reason) == ("skipped", "no_rule")


def test_old_event_is_not_surveyed(surveyed):
    [invitation] = invitations_schedule(events=[event_for(surveyed, occurred_at=NOW - dt.timedelta(days=18))],
                                        now=NOW)
    assert (invitation.status, invitation.skip_reason) == ("skipped", "event_too_old")


def test_scheduled_invitation_has_send_time_channel_and_expiry(surveyed):
    event = event_for(surveyed, language="de")
    [invitation] = invitations_schedule(events=[event], now=NOW)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.channel, invitation.language, invitation.skip_reason) == (
        "pending", "email", "de", "")
    assert invitation.scheduled_for == NOW + dt.timedelta(hours=72)
    assert invitation.expires_at == NOW + dt.timedelta(hours=72, days=14)
    assert invitation.touchpoint.code == "handover" and invitation.dealer_id == surveyed.dealer_a.pk


def test_scheduling_twice_returns_the_same_invitation(surveyed):
    event = event_for(surveyed)
    first = invitations_schedule(events=[event], now=NOW)
    second = invitations_schedule(events=[event], now=NOW + dt.timedelta(hours=1))
    assert [i.pk for i in first] == [i.pk for i in second]
    assert Invitation.objects.filter(event=event).count() == 1


def test_second_event_for_one_customer_in_one_batch_is_contacted_recently(surveyed):
    customer = CustomerFactory(dealer=surveyed.dealer_a, brand=surveyed.brand)
    events = [event_for(surveyed, customer, kind="test_drive"), event_for(surveyed, customer, kind="deposit_taken")]
    first, second = invitations_schedule(events=events, now=NOW)
    assert (first.status, first.scheduled_for) == ("pending", NOW)
    assert (second.status, second.skip_reason) == ("skipped", "contacted_recently")


def test_contact_policy_counts_across_touchpoints_and_uses_the_brand_setting(surveyed):
    customer = CustomerFactory(dealer=surveyed.dealer_a, brand=surveyed.brand)
    invitations_schedule(events=[event_for(surveyed, customer, kind="test_drive",
                                           occurred_at=NOW - dt.timedelta(days=10))],
                         now=NOW - dt.timedelta(days=10))
    [blocked] = invitations_schedule(events=[event_for(surveyed, customer, kind="deposit_taken")], now=NOW)
    assert (blocked.status, blocked.skip_reason) == ("skipped", "contacted_recently")
    ContactPolicy.objects.filter(brand=surveyed.brand).update(min_days_between_surveys=7)
    [allowed] = invitations_schedule(events=[event_for(surveyed, customer, kind="finance_signed")], now=NOW)
    assert (allowed.status, allowed.scheduled_for) == ("pending", NOW)


def test_skipped_invitations_do_not_count_as_contact(surveyed):
    customer = CustomerFactory(dealer=surveyed.dealer_a, brand=surveyed.brand)
    SurveyRule.objects.filter(brand=surveyed.brand, event_kind="test_drive").update(is_active=False)
    events = [event_for(surveyed, customer, kind="test_drive"), event_for(surveyed, customer, kind="deposit_taken")]
    skipped, scheduled = invitations_schedule(events=events, now=NOW)
    assert (skipped.skip_reason, scheduled.status) == ("no_rule", "pending")


def test_defaults_map_every_event_kind_to_a_touchpoint():
    from insidetrack.surveys.models import EventKind

    assert set(defaults.EVENT_TOUCHPOINTS) == set(EventKind.values)


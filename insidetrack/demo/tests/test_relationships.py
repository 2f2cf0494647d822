"""The demo's relationship content: handover plans from each customer's preferences, partly ticked; check-ins done,
due and overdue; referrals in every stage, each consistent with the transition table."""

from __future__ import annotations

import datetime as dt

import pytest

from insidetrack.customers import policies
from insidetrack.customers.models import CheckIn, HandoverPlan, Referral, ReferralSource, ReferralStatus
from insidetrack.demo.generator.relationships import PLAN_WINDOW_DAYS, relationships_generate

from .conftest import DEMO_END, DemoWorld

pytestmark = pytest.mark.django_db


# The survey world's invariants: without the owner world's later steps (see conftest.demo_world).
OWNER_WORLD = False


def test_recent_handovers_have_plans_from_the_owners_preferences(demo_world: DemoWorld) -> None:
    counts = demo_world.report.counts
    plans = list(HandoverPlan.objects.select_related("ownership__customer", "ownership__vehicle")
                 .prefetch_related("items"))
    assert len(plans) == counts["handover_plans"] > 0
    assert sum(len(p.items.all()) for p in plans) == counts["handover_items"]
    for plan in plans:
        ownership, customer = plan.ownership, plan.ownership.customer
        assert DEMO_END - dt.timedelta(days=PLAN_WINDOW_DAYS) <= ownership.started_on < DEMO_END
        assert [i.code for i in plan.items.all()] == policies.handover_checklist(
            preference=customer.handover_preference, household=customer.household, usage=customer.usage,
            interests=customer.interests, powertrain=ownership.vehicle.powertrain)
    states = {(any(i.ticked_at for i in p.items.all()), all(i.ticked_at for i in p.items.all())) for p in plans}
    assert states >= {(True, True), (True, False)}  # finished lists and lists still open
    assert {p.handover_preference for p in plans} >= {"quick", "ceremony"}


def test_check_ins_follow_the_schedule_and_are_in_every_state(demo_world: DemoWorld) -> None:
    checkins = list(CheckIn.objects.select_related("ownership"))
    assert len(checkins) == demo_world.report.counts["checkins"] > 0
    for checkin in checkins:
        assert checkin.due_on == checkin.ownership.started_on + policies.CHECKIN_OFFSETS[checkin.kind]
        assert (checkin.done_at is None) == (checkin.outcome == "")
        assert checkin.done_at is None or checkin.done_at.date() < DEMO_END
    states = {policies.checkin_state(due_on=c.due_on, done=c.done_at is not None, today=DEMO_END) for c in checkins}
    assert states == {"done", "overdue", "due", "scheduled"}
    assert sum(c.done_at is not None for c in checkins) == demo_world.report.counts["checkins_done"]


def test_referrals_reach_every_stage_consistently(demo_world: DemoWorld) -> None:
    referrals = list(Referral.objects.filter(source=ReferralSource.DEMO))
    assert {r.status for r in referrals} == set(ReferralStatus.values)
    for referral in referrals:
        assert referral.friend_consents
        assert (referral.bought_at is not None) == (referral.status == ReferralStatus.BOUGHT)
        assert (referral.lost_at is not None) == (referral.status == ReferralStatus.LOST)
        if referral.test_drive_at:
            assert referral.enquired_at <= referral.test_drive_at <= (referral.bought_at or referral.test_drive_at)
        if referral.status == ReferralStatus.TEST_DRIVE:
            assert referral.test_drive_at is not None


def test_generating_again_changes_nothing(demo_world: DemoWorld) -> None:
    before = (HandoverPlan.objects.count(), CheckIn.objects.count())
    assert relationships_generate(seed=7, end=DEMO_END) == {}
    assert (HandoverPlan.objects.count(), CheckIn.objects.count()) == before

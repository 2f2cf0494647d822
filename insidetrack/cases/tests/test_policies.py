"""The closed loop's pure rules against worked values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from insidetrack.cases import policies
from insidetrack.cases.policies import CaseKind, CaseStatus, DeadlineRules, EmpowermentLimits
from insidetrack.core.errors import InvalidTransition
from insidetrack.core.roles import Role
from insidetrack.network.models import default_opening_hours

UTC = dt.UTC


@pytest.mark.parametrize(("score", "band", "kind"), [
    (10, "promoter", "thank_you"), (9, "promoter", "thank_you"), (8, "passive", "acknowledgement"),
    (7, "passive", "acknowledgement"), (6, "detractor", "recovery"), (0, "detractor", "recovery"),
])
def test_score_bands_decide_the_work(score, band, kind):
    assert policies.band_for(score) == band
    assert policies.KIND_FOR_BAND[policies.band_for(score)] == kind


def test_recovery_lifecycle_table():
    allowed = {(current, target) for current, targets in policies.TRANSITIONS[CaseKind.RECOVERY].items()
               for target in targets}
    assert ("new", "contacted") in allowed and ("contacted", "resolved") in allowed
    assert ("resolved", "verified") in allowed and ("resolved", "reopened") in allowed
    assert ("verified", "closed") in allowed and ("reopened", "contacted") in allowed
    assert ("new", "resolved") not in allowed  # nobody resolves what they never spoke to the customer about
    assert ("new", "verified") not in allowed and ("contacted", "verified") not in allowed
    with pytest.raises(InvalidTransition) as refused:
        policies.check_transition(kind="recovery", current="new", target="verified")
    assert refused.value.status == 409
    assert str(refused.value) == "A Recovery case cannot move from New to Verified."


def test_a_thank_you_call_is_one_contact_and_done():
    assert policies.allowed_moves("thank_you", "new") == {"contacted", "closed"}
    assert policies.allowed_moves("thank_you", "contacted") == {"closed"}
    assert policies.allowed_moves("thank_you", "closed") == frozenset()
    with pytest.raises(InvalidTransition):
        policies.check_transition(kind="thank_you", current="contacted", target="resolved")


def _rules(**overrides) -> DeadlineRules:
    values = {"respond_within_hours": 24, "resolve_within_hours": 120, "count_opening_hours_only": False,
              "time_zone": "Europe/London", "opening_hours": default_opening_hours()}
    return DeadlineRules(**{**values, **overrides})


def test_clock_deadlines():
    opened = dt.datetime(2026, 11, 21, 17, 30, tzinfo=UTC)  # a Saturday
    deadlines = policies.deadlines_for(opened_at=opened, kind="recovery", rules=_rules())
    assert deadlines.respond_by == dt.datetime(2026, 11, 22, 17, 30, tzinfo=UTC)
    assert deadlines.resolve_by == dt.datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
    thanks = policies.deadlines_for(opened_at=opened, kind="thank_you", rules=_rules())
    assert thanks.resolve_by is None


def test_opening_hours_deadline_skips_the_night_and_sunday():
    # Saturday 15:30 in London: 30 minutes of Saturday (closes 16:00), Sunday closed, then Monday 08:30 onward:
    # 9.5 h on Monday (to 18:00) leaves 14 h; Tuesday 9.5 h leaves 4.5 h; Wednesday 08:30 + 4.5 h = 13:00.
    opened = dt.datetime(2026, 11, 21, 15, 30, tzinfo=UTC)
    deadlines = policies.deadlines_for(opened_at=opened, kind="thank_you", rules=_rules(count_opening_hours_only=True))
    assert deadlines.respond_by == dt.datetime(2026, 11, 25, 13, 0, tzinfo=UTC)


def test_opening_hours_are_counted_in_the_dealers_time_zone():
    # 07:00 UTC on a Monday in Berlin (UTC+1 in winter) is 08:00 local, before the 08:30 opening: two hours of
    # opening time end at 10:30 local, 09:30 UTC.
    opened = dt.datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    deadlines = policies.deadlines_for(opened_at=opened, kind="thank_you", rules=_rules(
        respond_within_hours=2, count_opening_hours_only=True, time_zone="Europe/Berlin"))
    assert deadlines.respond_by == dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_a_dealer_without_opening_hours_falls_back_to_the_clock():
    opened = dt.datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    deadlines = policies.deadlines_for(opened_at=opened, kind="thank_you", rules=_rules(
        count_opening_hours_only=True, opening_hours={"mon": [["bad"]]}))
    assert deadlines.respond_by == opened + dt.timedelta(hours=24)


def test_empowerment_limits():
    limits = EmpowermentLimits(dealer_staff=Decimal("250"), dealer_principal=Decimal("1000"),
                               region_manager=Decimal("5000"))
    assert policies.within_limit(amount=Decimal("250"), role=Role.DEALER_STAFF, limits=limits)
    assert not policies.within_limit(amount=Decimal("250.01"), role=Role.DEALER_STAFF, limits=limits)
    assert policies.within_limit(amount=Decimal("99999"), role=Role.HEAD_OFFICE, limits=limits)
    assert not policies.within_limit(amount=Decimal("1"), role=Role.OWNER, limits=limits)
    assert policies.may_approve(amount=Decimal("900"), role=Role.DEALER_PRINCIPAL, limits=limits)
    assert not policies.may_approve(amount=Decimal("1200"), role=Role.DEALER_PRINCIPAL, limits=limits)
    assert not policies.may_approve(amount=Decimal("10"), role=Role.DEALER_STAFF, limits=limits)


@pytest.mark.parametrize(("score", "put_right", "outcome"), [
    (10, True, "verified"), (8, None, "verified"), (7, True, "verified"), (10, False, "reopened"),
    (6, True, "reopened"), (2, None, "reopened"),
])
def test_follow_up_outcome(score, put_right, outcome):
    assert policies.follow_up_outcome(score=score, put_right=put_right) == outcome
    assert policies.is_recovered(score) == (score >= 9)


def test_overdue_is_signed_time_left():
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert policies.time_left(now - dt.timedelta(hours=2), now) == -dt.timedelta(hours=2)
    assert policies.time_left(None, now) is None
    assert CaseStatus.REOPENED in policies.AWAITING_CONTACT

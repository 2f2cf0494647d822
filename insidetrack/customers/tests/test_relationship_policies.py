"""The pure rules of the relationship: which handover checklist a customer's wishes call for, when the check-ins
fall, which referral moves exist, and which action comes first."""

from __future__ import annotations

import datetime as dt

import pytest

from insidetrack.customers import policies
from insidetrack.customers.policies import (
    CaseFact,
    CheckInFact,
    CustomerFacts,
    DetractorFact,
    HandoverFact,
    ReferralFact,
    checkin_schedule,
    checkin_state,
    handover_checklist,
    next_best_actions,
    referral_can_move,
)

NOW = dt.datetime(2030, 6, 12, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def test_a_quick_handover_is_short_and_has_no_ceremony():
    codes = handover_checklist(preference="quick", household="single", usage=["commute"], powertrain="petrol")
    assert codes == ["confirm_time", "paperwork_ready", "valet", "fuel_or_charge", "app_paired", "quick_walkaround",
                     "service_intro", "explain_checkins"]


def test_a_family_ceremony_gets_photos_refreshments_and_child_seats():
    codes = handover_checklist(preference="ceremony", household="family", usage=["family", "weekend"],
                               interests=["sailing"], powertrain="electric")
    assert codes == ["confirm_time", "paperwork_ready", "valet", "fuel_or_charge", "app_paired", "full_walkaround",
                     "reserve_bay", "photos", "refreshments", "child_seats", "family_features", "charging_briefing",
                     "weekend_tour", "interests_gift", "service_intro", "explain_checkins"]


def test_track_use_adds_the_track_briefing_even_for_a_quick_handover():
    codes = handover_checklist(preference="quick", usage=["track"], powertrain="petrol")
    assert "track_briefing" in codes and "photos" not in codes and "weekend_tour" not in codes


def test_a_home_delivery_arranges_transport_and_a_family_quick_handover_still_fits_seats():
    home = handover_checklist(preference="home", usage=["business"], powertrain="plug_in_hybrid")
    assert home[4:8] == ["transport_home", "delivery_driver", "app_paired", "full_walkaround"]
    assert {"business_setup", "charging_briefing"} <= set(home) and "photos" not in home
    quick_family = handover_checklist(preference="quick", household="family")
    assert "child_seats" in quick_family and "family_features" not in quick_family


def test_not_asked_yet_gets_the_full_handover_without_the_ceremony():
    codes = handover_checklist(preference="", interests=["art"])
    assert "full_walkaround" in codes and not {"photos", "refreshments", "interests_gift"} & set(codes)


def test_every_item_has_a_label():
    codes = handover_checklist(preference="ceremony", household="family", usage=["track", "weekend", "business"],
                               interests=["golf"], powertrain="electric")
    codes += handover_checklist(preference="home") + handover_checklist(preference="quick")
    assert all(policies.checklist_item_label(code) != code for code in codes)


def test_check_ins_fall_one_week_three_months_and_a_year_after_the_handover():
    handover = dt.date(2030, 6, 1)
    assert checkin_schedule(handover_on=handover, today=dt.date(2030, 6, 1)) == [
        ("week_1", dt.date(2030, 6, 8)), ("month_3", dt.date(2030, 8, 31)), ("month_12", dt.date(2031, 6, 1))]


def test_check_ins_long_past_are_not_scheduled_for_a_late_import():
    # Handed over ten months ago: the one-week and three-month calls are history; only the yearly call is left.
    handover = dt.date(2029, 8, 12)
    assert checkin_schedule(handover_on=handover, today=TODAY) == [("month_12", dt.date(2030, 8, 12))]
    assert checkin_schedule(handover_on=dt.date(2028, 1, 1), today=TODAY) == []


@pytest.mark.parametrize(("due_on", "done", "state"), [
    (TODAY - dt.timedelta(days=1), False, "overdue"), (TODAY, False, "due"),
    (TODAY + dt.timedelta(days=7), False, "due"),
    (TODAY + dt.timedelta(days=8), False, "scheduled"), (TODAY - dt.timedelta(days=30), True, "done"),
])
def test_check_in_state_is_computed_from_the_due_date(due_on, done, state):
    assert checkin_state(due_on=due_on, done=done, today=TODAY) == state


@pytest.mark.parametrize(("current", "target", "allowed"), [
    ("enquired", "test_drive", True), ("enquired", "bought", True), ("enquired", "lost", True),
    ("test_drive", "bought", True), ("test_drive", "lost", True), ("test_drive", "enquired", False),
    ("lost", "enquired", True), ("lost", "bought", False), ("bought", "lost", False), ("bought", "enquired", False),
    ("enquired", "enquired", False), ("nonsense", "bought", False),
])
def test_referral_transition_table(current, target, allowed):
    assert referral_can_move(current, target) is allowed


def _facts(**overrides) -> CustomerFacts:
    return CustomerFacts(**overrides)


def test_nothing_to_do_gives_no_action():
    assert next_best_actions(_facts(), now=NOW) == []


def test_actions_are_ordered_by_urgency_overdue_promises_first():
    facts = _facts(
        open_referrals=(ReferralFact(pk=1, friend="Jamie", status="enquired",
                                     last_moved_at=NOW - dt.timedelta(days=20)),),
        open_checkins=(CheckInFact(pk=2, kind="month_3", due_on=TODAY + dt.timedelta(days=3), vehicle="GT"),
                       CheckInFact(pk=3, kind="week_1", due_on=TODAY - dt.timedelta(days=2), vehicle="GT"),
                       CheckInFact(pk=4, kind="month_12", due_on=TODAY + dt.timedelta(days=200), vehicle="GT")),
        open_cases=(CaseFact(pk=5, status="new", respond_by=NOW - dt.timedelta(hours=1), has_been_contacted=False),
                    CaseFact(pk=6, status="in_progress", respond_by=NOW - dt.timedelta(days=3),
                             has_been_contacted=True)),
        recent_detractors_without_case=(DetractorFact(response_pk=7, submitted_at=NOW - dt.timedelta(days=2),
                                                      touchpoint="Handover"),),
        recent_handovers=(HandoverFact(ownership_pk=8, vehicle="GT", started_on=TODAY - dt.timedelta(days=5),
                                       open_items=3, has_plan=True),),
        has_handover_preference=False,
    )
    actions = next_best_actions(facts, now=NOW)
    assert [a.code for a in actions] == [
        "case_overdue", "checkin_overdue", "case_open", "detractor_without_case", "checkin_due",
        "handover_items_open", "referral_stale", "ask_handover_preference"]
    assert [a.target for a in actions[:3]] == [("case", 5), ("checkin", 3), ("case", 6)]
    assert actions[0].is_overdue and actions[1].is_overdue and not actions[2].is_overdue


def test_old_detractors_and_distant_handovers_are_not_actions():
    facts = _facts(
        recent_detractors_without_case=(DetractorFact(response_pk=1, submitted_at=NOW - dt.timedelta(days=31),
                                                      touchpoint="Service"),),
        recent_handovers=(HandoverFact(ownership_pk=2, vehicle="GT", started_on=TODAY - dt.timedelta(days=40),
                                       open_items=2, has_plan=True),
                          HandoverFact(ownership_pk=3, vehicle="GT", started_on=TODAY + dt.timedelta(days=10),
                                       open_items=0, has_plan=False)))
    assert [(a.code, a.target) for a in next_best_actions(facts, now=NOW)] == [
        ("handover_plan_missing", ("ownership", 3))]


def test_a_fresh_lead_ranks_below_a_stale_one():
    facts = _facts(open_referrals=(
        ReferralFact(pk=1, friend="New", status="enquired", last_moved_at=NOW - dt.timedelta(days=1)),
        ReferralFact(pk=2, friend="Stale", status="test_drive", last_moved_at=NOW - dt.timedelta(days=30))))
    assert [(a.code, a.target) for a in next_best_actions(facts, now=NOW)] == [
        ("referral_stale", ("referral", 2)), ("referral_new", ("referral", 1))]


def test_another_app_can_add_a_rule():
    def invite(facts, now):
        yield policies.NextAction(code="invite", title="Invite to the track day", detail="", urgency=25)

    facts = _facts(open_checkins=(CheckInFact(pk=1, kind="week_1", due_on=TODAY, vehicle="GT"),),
                   has_handover_preference=False)
    rules = [*policies.NEXT_ACTION_RULES, invite]
    assert [a.code for a in next_best_actions(facts, now=NOW, rules=rules)] == [
        "checkin_due", "invite", "ask_handover_preference"]
    assert "invite" not in [a.code for a in next_best_actions(facts, now=NOW)]


def test_an_unanswered_invitation_is_a_call_in_the_last_fortnight_and_one_event_is_suggested():
    from insidetrack.customers.policies import EventFact

    facts = _facts(
        unanswered_event_invitations=(
            EventFact(pk=1, title="Track day", starts_at=NOW + dt.timedelta(days=10)),
            EventFact(pk=2, title="Drive-out", starts_at=NOW + dt.timedelta(days=20))),
        events_to_invite_to=(
            EventFact(pk=4, title="Summer drive", starts_at=NOW + dt.timedelta(days=40), free_seats=3),
            EventFact(pk=3, title="Experience day", starts_at=NOW + dt.timedelta(days=30), free_seats=1)))
    actions = next_best_actions(facts, now=NOW)
    assert [(a.code, a.target, a.detail) for a in actions] == [
        ("event_unanswered", ("event", 1), "Track day: the invitation is unanswered."),
        ("event_invite", ("event", 3), "Experience day · 1 seat left")]


def test_a_full_or_distant_event_is_not_suggested():
    from insidetrack.customers.policies import EventFact

    facts = _facts(events_to_invite_to=(EventFact(pk=3, title="Full", starts_at=NOW + dt.timedelta(days=5)),))
    assert next_best_actions(facts, now=NOW) == []
    facts = _facts(events_to_invite_to=(
        EventFact(pk=3, title="Far", starts_at=NOW + dt.timedelta(days=61), free_seats=9),))
    assert next_best_actions(facts, now=NOW) == []

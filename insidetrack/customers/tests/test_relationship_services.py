"""Handover plans, check-ins and referral moves: who may, for whom, what is refused, and that a refusal writes
nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from insidetrack.core.actor import Actor
from insidetrack.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from insidetrack.customers.models import CheckIn, HandoverChecklistItem, HandoverPlan, Ownership, ReferralStatus
from insidetrack.customers.services import (
    checkin_record,
    checkins_schedule,
    handover_item_tick,
    handover_plan_generate,
    referral_mark_bought,
    referral_move,
    referral_record,
)
from insidetrack.customers.tests.factories import OwnershipFactory, VehicleFactory

NOW = dt.datetime(2030, 6, 12, 12, 0, tzinfo=dt.UTC)

# Only the dealer's own team works a handover or a check-in; managers above see it, others do not find it.
DEALER_WORK_ON_A = {
    "head_office": PermissionDenied,
    "region_manager": PermissionDenied,
    "dealer_principal": None,
    "dealer_staff": None,
    "other_dealer": NotFound,
    "owner": PermissionDenied,
    "anonymous": PermissionDenied,
}


def _ownership(world, key: str = "a") -> Ownership:
    return Ownership.objects.get(customer=world.customers[key])


def _family_ceremony(world, key: str = "a") -> Ownership:
    customer = world.customers[key]
    customer.household, customer.usage, customer.handover_preference = "family", ["family", "track"], "ceremony"
    customer.interests = []
    customer.save()
    return _ownership(world, key)


@pytest.mark.parametrize("role", list(DEALER_WORK_ON_A))
def test_generate_a_handover_plan_by_role(world, role):
    ownership = _family_ceremony(world)
    error = DEALER_WORK_ON_A[role]
    if error:
        with pytest.raises(error):
            handover_plan_generate(actor=world.actors[role], ownership_pk=ownership.pk, now=NOW)
        assert not HandoverPlan.objects.exists()
        return
    plan = handover_plan_generate(actor=world.actors[role], ownership_pk=ownership.pk, now=NOW)
    assert (plan.ownership_id, plan.handover_preference, plan.generated_at) == (ownership.pk, "ceremony", NOW)
    assert plan.generated_by_id == world.users[role].pk
    assert list(plan.items.values_list("code", flat=True)) == [
        "confirm_time", "paperwork_ready", "valet", "fuel_or_charge", "app_paired", "full_walkaround", "reserve_bay",
        "photos", "refreshments", "child_seats", "family_features", "track_briefing", "service_intro",
        "explain_checkins"]


def test_regenerating_after_a_change_of_mind_keeps_the_ticks(world):
    ownership = _family_ceremony(world)
    staff = world.actors["dealer_staff"]
    plan = handover_plan_generate(actor=staff, ownership_pk=ownership.pk, now=NOW)
    photos = plan.items.get(code="photos")
    valet = plan.items.get(code="valet")
    handover_item_tick(actor=staff, item_pk=photos.pk, now=NOW)
    handover_item_tick(actor=staff, item_pk=valet.pk, now=NOW)
    customer = world.customers["a"]
    customer.handover_preference = "quick"
    customer.save()
    again = handover_plan_generate(actor=staff, ownership_pk=ownership.pk, now=NOW + dt.timedelta(hours=1))
    assert again.pk == plan.pk and again.handover_preference == "quick"
    codes = list(again.items.values_list("code", "ticked_at"))
    # Refreshments (never ticked) are gone; the photos already taken stay, at the end; the valet keeps its tick.
    assert ("refreshments", None) not in codes and "refreshments" not in [c for c, _ in codes]
    assert codes[-1] == ("photos", NOW)
    assert ("valet", NOW) in codes and ("quick_walkaround", None) in codes
    assert HandoverPlan.objects.count() == 1


@pytest.mark.parametrize("role", list(DEALER_WORK_ON_A))
def test_tick_a_checklist_item_by_role(world, role):
    plan = handover_plan_generate(actor=Actor.system(), ownership_pk=_ownership(world).pk, now=NOW)
    item = plan.items.get(code="valet")
    error = DEALER_WORK_ON_A[role]
    if error:
        with pytest.raises(error):
            handover_item_tick(actor=world.actors[role], item_pk=item.pk, now=NOW)
        item.refresh_from_db()
        assert (item.ticked_at, item.ticked_by_id) == (None, None)
        return
    ticked = handover_item_tick(actor=world.actors[role], item_pk=item.pk, now=NOW)
    assert (ticked.ticked_at, ticked.ticked_by_id) == (NOW, world.users[role].pk)


def test_a_second_tick_keeps_the_first_and_untick_clears(world):
    plan = handover_plan_generate(actor=Actor.system(), ownership_pk=_ownership(world).pk, now=NOW)
    item = plan.items.get(code="valet")
    handover_item_tick(actor=world.actors["dealer_staff"], item_pk=item.pk, now=NOW)
    again = handover_item_tick(actor=world.actors["dealer_principal"], item_pk=item.pk, now=NOW + dt.timedelta(1))
    assert (again.ticked_at, again.ticked_by_id) == (NOW, world.users["dealer_staff"].pk)
    cleared = handover_item_tick(actor=world.actors["dealer_principal"], item_pk=item.pk, ticked=False)
    assert (cleared.ticked_at, cleared.ticked_by_id) == (None, None)


def test_the_sweep_schedules_check_ins_once(world):
    today = dt.date(2030, 6, 12)
    ownership = _ownership(world)
    Ownership.objects.filter(pk=ownership.pk).update(started_on=dt.date(2030, 6, 1))
    # An old car (handed over years ago) and a sold one get nothing.
    Ownership.objects.exclude(pk=ownership.pk).update(started_on=dt.date(2020, 1, 1))
    sold = OwnershipFactory(vehicle=VehicleFactory(current_owner=world.customers["b"]), started_on=dt.date(2030, 5, 1),
                            ended_on=dt.date(2030, 6, 2))
    assert checkins_schedule(today=today) == 3
    assert list(CheckIn.objects.filter(ownership=ownership).order_by("due_on").values_list("kind", "due_on")) == [
        ("week_1", dt.date(2030, 6, 8)), ("month_3", dt.date(2030, 8, 31)), ("month_12", dt.date(2031, 6, 1))]
    assert not CheckIn.objects.filter(ownership=sold).exists()
    assert checkins_schedule(today=today) == 0
    assert CheckIn.objects.count() == 3


def _checkin(world, key: str = "a") -> CheckIn:
    ownership = _ownership(world, key)
    return CheckIn.objects.create(ownership=ownership, kind="week_1", due_on=dt.date(2030, 6, 8), scheduled_at=NOW)


@pytest.mark.parametrize("role", list(DEALER_WORK_ON_A))
def test_record_a_check_in_by_role(world, role):
    checkin = _checkin(world)
    error = DEALER_WORK_ON_A[role]
    if error:
        with pytest.raises(error):
            checkin_record(actor=world.actors[role], checkin_pk=checkin.pk, outcome="reached", note="Happy", now=NOW)
        checkin.refresh_from_db()
        assert (checkin.done_at, checkin.outcome) == (None, "")
        return
    done = checkin_record(actor=world.actors[role], checkin_pk=checkin.pk, outcome="reached",
                          note="  Loves the car; asked about winter tyres. ", now=NOW)
    assert (done.done_at, done.done_by_id, done.outcome, done.note) == (
        NOW, world.users[role].pk, "reached", "Loves the car; asked about winter tyres.")


def test_a_check_in_is_recorded_once_and_bad_input_names_the_field(world):
    checkin = _checkin(world)
    staff = world.actors["dealer_staff"]
    with pytest.raises(ValidationFailed) as caught:
        checkin_record(actor=staff, checkin_pk=checkin.pk, outcome="maybe", now=NOW)
    assert (caught.value.field, caught.value.status) == ("outcome", 422)
    with pytest.raises(ValidationFailed) as caught:
        checkin_record(actor=staff, checkin_pk=checkin.pk, outcome="reached", note="x" * 2001, now=NOW)
    assert caught.value.field == "note"
    checkin_record(actor=staff, checkin_pk=checkin.pk, outcome="not_reached", now=NOW)
    with pytest.raises(Conflict) as caught:
        checkin_record(actor=world.actors["dealer_principal"], checkin_pk=checkin.pk, outcome="reached", now=NOW)
    assert (caught.value.status, caught.value.code) == (409, "already_done")
    checkin.refresh_from_db()
    assert (checkin.outcome, checkin.done_by_id) == ("not_reached", world.users["dealer_staff"].pk)


def _lead(world, key: str = "a"):
    return referral_record(actor=world.actors["dealer_staff" if key == "a" else "head_office"],
                           referrer_pk=world.customers[key].pk, referred_name="Jamie Rivera",
                           referred_email="jamie@example.org", friend_consents=True,
                           enquired_at=NOW - dt.timedelta(days=20), now=NOW)


def test_a_lead_goes_to_test_drive_then_sale_each_with_its_time(world):
    staff = world.actors["dealer_staff"]
    lead = _lead(world)
    assert (lead.status, lead.friend_consents) == (ReferralStatus.ENQUIRED, True)
    driven = referral_move(actor=staff, referral_pk=lead.pk, status="test_drive", at=NOW - dt.timedelta(days=5),
                           now=NOW)
    assert (driven.status, driven.test_drive_at, driven.status_changed_by_id) == (
        "test_drive", NOW - dt.timedelta(days=5), world.users["dealer_staff"].pk)
    sold = referral_move(actor=staff, referral_pk=lead.pk, status="bought", now=NOW)
    assert (sold.status, sold.bought_at, sold.test_drive_at) == ("bought", NOW, NOW - dt.timedelta(days=5))


@pytest.mark.parametrize(("path", "target", "message"), [
    ([], "enquired", "A referral cannot go from Enquired to Enquired."),
    (["test_drive"], "enquired", "A referral cannot go from Test drive to Enquired."),
    (["bought"], "lost", "A referral cannot go from Bought to Lost."),
    (["bought"], "bought", "This referral is already marked as bought."),
    (["lost"], "bought", "A lost referral must be reopened first."),
])
def test_moves_outside_the_table_are_refused_and_change_nothing(world, path, target, message):
    staff = world.actors["dealer_staff"]
    lead = _lead(world)
    for status in path:
        referral_move(actor=staff, referral_pk=lead.pk, status=status, now=NOW)
    lead.refresh_from_db()
    before = (lead.status, lead.bought_at, lead.lost_at, lead.test_drive_at)
    with pytest.raises(InvalidTransition) as caught:
        referral_move(actor=staff, referral_pk=lead.pk, status=target, now=NOW)
    assert (str(caught.value.message), caught.value.status, caught.value.code) == (message, 409, "invalid_transition")
    lead.refresh_from_db()
    assert (lead.status, lead.bought_at, lead.lost_at, lead.test_drive_at) == before


def test_a_lost_lead_can_reopen(world):
    staff = world.actors["dealer_staff"]
    lead = _lead(world)
    assert referral_move(actor=staff, referral_pk=lead.pk, status="lost", now=NOW).lost_at == NOW
    reopened = referral_move(actor=staff, referral_pk=lead.pk, status="enquired", now=NOW)
    assert (reopened.status, reopened.lost_at) == ("enquired", None)
    assert referral_mark_bought(actor=staff, referral_pk=lead.pk, now=NOW).status == "bought"


@pytest.mark.parametrize(("role", "error"), [("other_dealer", NotFound), ("owner", PermissionDenied),
                                             ("anonymous", PermissionDenied)])
def test_who_may_not_move_a_referral(world, role, error):
    lead = _lead(world)
    with pytest.raises(error):
        referral_move(actor=world.actors[role], referral_pk=lead.pk, status="test_drive", now=NOW)
    lead.refresh_from_db()
    assert (lead.status, lead.test_drive_at) == ("enquired", None)


def test_an_unknown_status_and_a_move_before_the_enquiry_are_refused(world):
    lead = _lead(world)
    staff = world.actors["dealer_staff"]
    with pytest.raises(ValidationFailed) as caught:
        referral_move(actor=staff, referral_pk=lead.pk, status="won", now=NOW)
    assert caught.value.field == "status"
    with pytest.raises(ValidationFailed) as caught:
        referral_move(actor=staff, referral_pk=lead.pk, status="test_drive", at=NOW - dt.timedelta(days=30), now=NOW)
    assert caught.value.field == "at"
    lead.refresh_from_db()
    assert lead.status == "enquired"


def test_scoping_of_plans_items_and_check_ins_follows_the_customer(world):
    for key in "ac":
        handover_plan_generate(actor=Actor.system(), ownership_pk=_ownership(world, key).pk, now=NOW)
        _checkin(world, key)
    principal = world.actors["dealer_principal"]
    assert {p.ownership.customer_id for p in HandoverPlan.objects.visible_to(principal)} == {world.customers["a"].pk}
    assert {i.plan.ownership.customer_id for i in HandoverChecklistItem.objects.visible_to(principal)} == {
        world.customers["a"].pk}
    assert {c.ownership.customer_id for c in CheckIn.objects.visible_to(world.actors["region_manager"])} == {
        world.customers["a"].pk}
    assert CheckIn.objects.visible_to(world.actors["head_office"]).count() == 2


@pytest.mark.parametrize("status", ["test_drive", "bought", "lost"])
def test_advocacy_counts_a_referral_whatever_became_of_the_lead(world, status):
    """Advocacy is the owner recommending us: a friend who test-drove, bought or went elsewhere was still sent."""
    from insidetrack.analytics.advocacy import AdvocacyPeriod, advocacy_counts
    from insidetrack.surveys.models import Response

    answer = Response.objects.get(customer=world.customers["a"])
    period = AdvocacyPeriod(since=answer.submitted_at - dt.timedelta(days=1),
                            until=answer.submitted_at + dt.timedelta(days=1),
                            as_of=answer.submitted_at + dt.timedelta(days=800))
    staff = world.actors["dealer_staff"]
    when = answer.submitted_at + dt.timedelta(days=10)
    lead = referral_record(actor=staff, referrer_pk=world.customers["a"].pk, referred_name="Lou",
                           referred_email="lou@example.org", enquired_at=when, now=when)
    referral_move(actor=staff, referral_pk=lead.pk, status=status, at=when + dt.timedelta(days=5),
                  now=when + dt.timedelta(days=6))
    counts = advocacy_counts(actor=world.actors["head_office"], period=period)
    assert (counts["promoter"]["customers"], counts["promoter"]["referred"]) == (1, 1)


def test_the_every_minute_sweep_schedules_a_new_handovers_check_ins_once(world):
    from django.utils import timezone

    from insidetrack.core.tasks import run_sweeps_once

    ownership = _ownership(world)
    Ownership.objects.exclude(pk=ownership.pk).update(started_on=dt.date(2000, 1, 1))
    Ownership.objects.filter(pk=ownership.pk).update(started_on=timezone.localdate() - dt.timedelta(days=1))
    assert run_sweeps_once()["insidetrack.customers.tasks.checkins_sweep"] == 3
    assert run_sweeps_once()["insidetrack.customers.tasks.checkins_sweep"] == 0
    assert list(CheckIn.objects.order_by("due_on").values_list("ownership_id", "kind")) == [
        (ownership.pk, "week_1"), (ownership.pk, "month_3"), (ownership.pk, "month_12")]

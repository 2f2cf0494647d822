"""Routing, every transition of a case, the refusals (409 and nothing changed), goodwill and the follow-up survey."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from insidetrack.cases import services
from insidetrack.cases.models import Case, CaseEvent, Goodwill
from insidetrack.core.actor import Actor
from insidetrack.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from insidetrack.surveys.models import Invitation, Response

pytestmark = pytest.mark.django_db


def case_of(world, key: str) -> Case:
    return Case.objects.get(customer=world.customers[key])


def statuses(case: Case) -> list[tuple[str, str]]:
    return list(CaseEvent.objects.filter(case=case, kind="status").order_by("pk")
                .values_list("from_status", "to_status"))


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (case.status, case.updated_at, CaseEvent.objects.filter(case=case).count())


def test_every_response_becomes_work_of_the_owning_dealer_and_department(world):
    a, b = case_of(world, "a"), case_of(world, "b")
    assert (a.kind, a.dealer_id, a.department, a.status) == ("thank_you", world.dealer_a.pk, "sales", "new")
    assert (b.kind, b.dealer_id) == ("recovery", world.dealer_b.pk)
    assert a.playbook.title == "Call to say thank you"
    assert b.playbook.title == "Call to apologise, listen and put it right"
    assert a.respond_by == a.response.submitted_at + dt.timedelta(hours=24)
    assert b.resolve_by == b.response.submitted_at + dt.timedelta(hours=120) and a.resolve_by is None
    assert list(CaseEvent.objects.filter(case=b).values_list("kind", "to_status")) == [("created", "new")]
    # Idempotent: routing the same responses again opens nothing.
    assert services.cases_open_for_responses(response_pks=Response.objects.values_list("pk", flat=True)) == []
    assert Case.objects.count() == 3


def test_a_touchpoint_playbook_overrides_the_band_default(world):
    from insidetrack.cases.models import Playbook
    from insidetrack.surveys.tests.factories import ResponseFactory

    response = ResponseFactory(invitation__event__customer=world.customers["a"], score=4)
    Playbook.objects.create(brand=world.brand, band="detractor", touchpoint=response.touchpoint,
                            title="Handover went wrong: the principal calls", respond_within_hours=4)
    case = services.case_open_for_response(response_pk=response.pk)
    assert case.playbook.title == "Handover went wrong: the principal calls"
    assert case.respond_by == response.submitted_at + dt.timedelta(hours=4)


def test_a_finished_survey_opens_its_case_after_commit(world, django_capture_on_commit_callbacks):
    from insidetrack.surveys.capture import survey_complete, survey_open, survey_score
    from insidetrack.surveys.tests.factories import InvitationFactory
    from insidetrack.surveys.tokens import make_token, new_nonce

    invitation = InvitationFactory(event__customer=world.customers["b"], token_nonce=new_nonce(),
                                   expires_at=timezone.now() + dt.timedelta(days=14))
    token = make_token(invitation_pk=invitation.pk, nonce=invitation.token_nonce)
    now = timezone.now()
    survey_open(token=token, now=now)
    survey_score(token=token, score=5, network="", device="", now=now)
    assert not Case.objects.filter(response__invitation=invitation).exists()  # not until the survey is finished
    with django_capture_on_commit_callbacks(execute=True):
        survey_complete(token=token, verbatim="Nobody called me back.", answers={}, now=now)
    case = Case.objects.get(response__invitation=invitation)
    assert (case.kind, case.dealer_id, case.status) == ("recovery", world.dealer_b.pk, "new")


def test_a_recovery_case_through_every_state_to_closed(world):
    case = case_of(world, "b")
    staff = world.actors["region_manager"]  # region 1 holds dealer B
    now = timezone.now()
    services.case_log_call(case_pk=case.pk, actor=staff, outcome="no_answer", now=now)
    assert Case.objects.get(pk=case.pk).status == "new"  # an unanswered call is not a response
    services.case_log_call(case_pk=case.pk, actor=staff, outcome="reached", note="Apologised.", now=now)
    services.case_transition(case_pk=case.pk, actor=staff, to_status="in_progress", now=now)
    services.case_set_root_cause(case_pk=case.pk, actor=staff, theme_code="communication", now=now)
    services.case_record_resolution(case_pk=case.pk, actor=staff, text="Weekly updates agreed.", now=now)
    services.case_transition(case_pk=case.pk, actor=staff, to_status="resolved", now=now)
    services.case_transition(case_pk=case.pk, actor=staff, to_status="verified", now=now)
    services.case_transition(case_pk=case.pk, actor=staff, to_status="reopened", reason="Rang again", now=now)
    services.case_log_call(case_pk=case.pk, actor=staff, outcome="reached", now=now)
    services.case_transition(case_pk=case.pk, actor=staff, to_status="resolved", now=now)
    services.case_transition(case_pk=case.pk, actor=staff, to_status="closed", reason="Customer satisfied", now=now)
    case.refresh_from_db()
    assert statuses(case) == [("new", "contacted"), ("contacted", "in_progress"), ("in_progress", "resolved"),
                              ("resolved", "verified"), ("verified", "reopened"), ("reopened", "contacted"),
                              ("contacted", "resolved"), ("resolved", "closed")]
    assert all(getattr(case, f) is not None for f in ("first_contact_at", "contacted_at", "in_progress_at",
                                                      "resolved_at", "verified_at", "reopened_at", "closed_at"))
    assert case.reopen_count == 1 and case.root_cause.code == "communication"
    events = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert events.count("call") == 3 and "root_cause" in events and "resolution" in events
    people = CaseEvent.objects.filter(case=case, kind="status").values_list("actor_id", "actor_name").distinct()
    user = world.users["region_manager"]
    assert set(people) == {(user.pk, user.get_full_name())}


@pytest.mark.parametrize(("setup", "target"), [
    ([], "verified"), ([], "resolved"), (["reached"], "verified"), ([], "bogus"),
])
def test_invalid_transitions_are_refused_and_change_nothing(world, setup, target):
    case = case_of(world, "c")
    actor = world.actors["other_dealer"]  # the principal of dealer C
    for outcome in setup:
        services.case_log_call(case_pk=case.pk, actor=actor, outcome=outcome)
    before = snapshot(case)
    with pytest.raises((InvalidTransition, ValidationFailed)) as refused:
        services.case_transition(case_pk=case.pk, actor=actor, to_status=target)
    assert refused.value.status in (409, 422)
    if target != "bogus":
        assert refused.value.status == 409 and refused.value.code == "invalid_transition"
    assert snapshot(case) == before


def test_resolving_needs_the_root_cause_and_the_resolution(world):
    case = case_of(world, "c")
    actor = world.actors["other_dealer"]
    services.case_log_call(case_pk=case.pk, actor=actor, outcome="reached")
    with pytest.raises(ValidationFailed) as missing:
        services.case_transition(case_pk=case.pk, actor=actor, to_status="resolved")
    assert missing.value.field == "root_cause"
    with pytest.raises(ValidationFailed) as wrong_theme:
        services.case_set_root_cause(case_pk=case.pk, actor=actor, theme_code="events")  # not a handover theme
    assert wrong_theme.value.field == "root_cause"
    services.case_set_root_cause(case_pk=case.pk, actor=actor, theme_code="staff_attitude")  # applies everywhere
    with pytest.raises(ValidationFailed) as no_resolution:
        services.case_transition(case_pk=case.pk, actor=actor, to_status="resolved")
    assert no_resolution.value.field == "resolution"
    assert Case.objects.get(pk=case.pk).status == "contacted"


def test_closing_unfinished_work_needs_a_reason_and_verifying_by_hand_needs_a_manager(world):
    case = case_of(world, "a")  # dealer A's thank-you call
    staff = world.actors["dealer_staff"]
    with pytest.raises(ValidationFailed) as no_reason:
        services.case_transition(case_pk=case.pk, actor=staff, to_status="closed")
    assert no_reason.value.field == "reason"
    services.case_transition(case_pk=case.pk, actor=staff, to_status="closed", reason="Customer asked not to call")
    assert Case.objects.get(pk=case.pk).status == "closed"

    recovery = case_of(world, "c")
    manager = world.actors["other_dealer"]
    services.case_log_call(case_pk=recovery.pk, actor=manager, outcome="reached")
    services.case_set_root_cause(case_pk=recovery.pk, actor=manager, theme_code="handover_experience")
    services.case_record_resolution(case_pk=recovery.pk, actor=manager, text="New date agreed")
    services.case_transition(case_pk=recovery.pk, actor=manager, to_status="resolved")
    from insidetrack.accounts.models import Membership
    from insidetrack.accounts.selectors import actor_from_membership
    from insidetrack.accounts.tests.factories import UserFactory

    c_staff = actor_from_membership(Membership.objects.create(user=UserFactory(), role="dealer_staff",
                                                              brand=world.brand, dealer=world.dealer_c))
    with pytest.raises(PermissionDenied):
        services.case_transition(case_pk=recovery.pk, actor=c_staff, to_status="verified")
    services.case_transition(case_pk=recovery.pk, actor=manager, to_status="verified")
    assert Case.objects.get(pk=recovery.pk).status == "verified"


@pytest.mark.parametrize("role", ["dealer_principal", "dealer_staff", "owner", "anonymous"])
def test_nobody_outside_the_cases_scope_can_act_on_it(world, role):
    case = case_of(world, "c")  # dealer C, region 2
    before = snapshot(case)
    for call in (
        lambda: services.case_log_call(case_pk=case.pk, actor=world.actors[role], outcome="reached"),
        lambda: services.case_transition(case_pk=case.pk, actor=world.actors[role], to_status="contacted"),
        lambda: services.case_add_note(case_pk=case.pk, actor=world.actors[role], text="hello"),
        lambda: services.goodwill_offer(case_pk=case.pk, actor=world.actors[role], description="x", amount="1"),
    ):
        with pytest.raises(NotFound):
            call()
    assert snapshot(case) == before


def test_the_owner_cannot_work_on_their_own_case(world):
    case = case_of(world, "a")
    with pytest.raises(PermissionDenied):
        services.case_log_call(case_pk=case.pk, actor=world.actors["owner"], outcome="reached")
    assert Case.objects.get(pk=case.pk).status == "new"


def test_bulk_thank_you_calls_close_only_what_they_may(world):
    from insidetrack.surveys.tests.factories import ResponseFactory

    extra = ResponseFactory(invitation__event__customer=world.customers["a"], score=9)
    detractor = ResponseFactory(invitation__event__customer=world.customers["a"], score=2)
    services.cases_open_for_responses(response_pks=[extra.pk, detractor.pk])
    a_thanks = list(Case.objects.filter(dealer=world.dealer_a, kind="thank_you").values_list("pk", flat=True))
    recovery = Case.objects.get(response=detractor).pk
    foreign = case_of(world, "c").pk
    closed = services.cases_complete_calls(case_pks=[*a_thanks, recovery, foreign], actor=world.actors["dealer_staff"])
    assert closed == sorted(a_thanks)
    assert set(Case.objects.filter(pk__in=a_thanks).values_list("status", flat=True)) == {"closed"}
    assert Case.objects.get(pk=recovery).status == "new"  # a recovery case is never ticked off in bulk
    assert Case.objects.get(pk=foreign).status == "new"


def test_goodwill_within_the_limit_is_approved_above_it_waits_for_a_manager(world):
    case = case_of(world, "a")
    staff, principal = world.actors["dealer_staff"], world.actors["dealer_principal"]
    small = services.goodwill_offer(case_pk=case.pk, actor=staff, description="Free valet", amount="120")
    big = services.goodwill_offer(case_pk=case.pk, actor=staff, description="Loan car for a week", amount="1400,50")
    assert (small.status, small.amount, small.currency) == ("approved", Decimal("120.00"), "EUR")
    assert (big.status, big.amount) == ("pending", Decimal("1400.50"))
    with pytest.raises(PermissionDenied):
        services.goodwill_decide(goodwill_pk=big.pk, actor=staff, approve=True)
    with pytest.raises(PermissionDenied):  # above the principal's own 1,000 limit
        services.goodwill_decide(goodwill_pk=big.pk, actor=principal, approve=True)
    decided = services.goodwill_decide(goodwill_pk=big.pk, actor=world.actors["region_manager"], approve=True,
                                       note="Worth it")
    assert decided.status == "approved" and decided.decided_by_id == world.users["region_manager"].pk
    with pytest.raises(Exception) as twice:
        services.goodwill_decide(goodwill_pk=big.pk, actor=world.actors["head_office"], approve=False)
    assert twice.value.status == 409
    with pytest.raises(ValidationFailed):
        services.goodwill_offer(case_pk=case.pk, actor=staff, description="Nothing", amount="-5")
    assert Goodwill.objects.filter(case=case).count() == 3  # the world's valet and the two offered here
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count("goodwill_requested") == 2 and kinds.count("goodwill_approved") == 2


def _resolve(world, key: str = "c") -> Case:
    case = case_of(world, key)
    manager = world.actors["head_office"]
    services.case_log_call(case_pk=case.pk, actor=manager, outcome="reached")
    services.case_set_root_cause(case_pk=case.pk, actor=manager, theme_code="handover_experience")
    services.case_record_resolution(case_pk=case.pk, actor=manager, text="Detailing redone at our cost")
    return services.case_transition(case_pk=case.pk, actor=manager, to_status="resolved")


def _answer_follow_up(invitation: Invitation, *, score: int, put_right: str, now) -> None:
    from insidetrack.surveys.capture import survey_complete, survey_open, survey_score
    from insidetrack.surveys.tokens import make_token

    invitation.refresh_from_db()
    token = make_token(invitation_pk=invitation.pk, nonce=invitation.token_nonce)
    survey_open(token=token, now=now)
    survey_score(token=token, score=score, network="", device="", now=now)
    survey_complete(token=token, verbatim="", answers={"put_right": put_right}, now=now)


@pytest.mark.parametrize(("score", "put_right", "status", "recovered"), [
    (10, "yes", "verified", True), (8, "yes", "verified", False), (10, "no", "reopened", True),
    (3, "yes", "reopened", False),
])
def test_the_follow_up_survey_verifies_or_reopens(world, mailoutbox, django_capture_on_commit_callbacks,
                                                   score, put_right, status, recovered):
    from insidetrack.surveys.services import invitations_send_due

    case = _resolve(world)
    invitation = case.follow_up_invitation
    assert (invitation.purpose, invitation.status) == ("follow_up", "pending")
    assert invitation.scheduled_for == case.resolved_at + dt.timedelta(days=3)
    later = case.resolved_at + dt.timedelta(days=3, minutes=1)
    invitations_send_due(now=later)
    [message] = [m for m in mailoutbox if m.to == [world.customers["c"].email]]
    assert message.subject == "Did we put it right? Dealer C"
    with django_capture_on_commit_callbacks(execute=True):
        _answer_follow_up(invitation, score=score, put_right=put_right, now=later)
    case.refresh_from_db()
    assert case.status == status and case.follow_up_score == score
    from insidetrack.cases.policies import is_recovered

    assert is_recovered(case.follow_up_score) == recovered
    # The follow-up answer is not new work of its own.
    assert not Case.objects.filter(response__invitation=invitation).exists()
    if status == "reopened":
        assert case.reopen_count == 1 and case.escalation_level == 0
        assert case.respond_by == later + dt.timedelta(hours=24)


def test_a_follow_up_abandoned_after_the_score_is_applied_by_the_sweep(world, mailoutbox):
    from insidetrack.surveys.capture import survey_open, survey_score
    from insidetrack.surveys.services import invitations_send_due
    from insidetrack.surveys.tokens import make_token

    case = _resolve(world)
    later = case.resolved_at + dt.timedelta(days=3, minutes=1)
    invitations_send_due(now=later)
    invitation = Invitation.objects.get(pk=case.follow_up_invitation_id)
    token = make_token(invitation_pk=invitation.pk, nonce=invitation.token_nonce)
    survey_open(token=token, now=later)
    survey_score(token=token, score=9, network="", device="", now=later)
    assert services.cases_sweep(now=later + dt.timedelta(minutes=10)).follow_ups == 0
    assert services.cases_sweep(now=later + dt.timedelta(minutes=31)).follow_ups == 1
    assert services.cases_sweep(now=later + dt.timedelta(minutes=32)).follow_ups == 0
    assert Case.objects.get(pk=case.pk).status == "verified"


def test_reopening_before_the_follow_up_went_out_cancels_it(world):
    case = _resolve(world)
    services.case_transition(case_pk=case.pk, actor=world.actors["head_office"], to_status="reopened",
                             reason="Customer rang: still scratched")
    invitation = Invitation.objects.get(pk=case.follow_up_invitation_id)
    assert (invitation.status, invitation.skip_reason) == ("skipped", "case_reopened")
    assert CaseEvent.objects.filter(case=case, kind="follow_up_cancelled").count() == 1


def test_the_system_actor_sees_every_case(world):
    assert Case.objects.visible_to(Actor.system()).count() == 3

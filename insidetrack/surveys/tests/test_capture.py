"""The capture service: open once, score (changeable), complete once; every refusal writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from insidetrack.core.errors import ValidationFailed
from insidetrack.core.hashing import fingerprint
from insidetrack.customers.tests.factories import VehicleFactory
from insidetrack.surveys.capture import (
    AlreadyAnswered,
    LinkExpired,
    ScoreRequired,
    device_of,
    network_of,
    survey_complete,
    survey_open,
    survey_score,
)
from insidetrack.surveys.models import Invitation, InvitationStatus, Response, SurveyRule
from insidetrack.surveys.tests.factories import InvitationFactory
from insidetrack.surveys.tokens import InvalidLink, make_token, new_nonce

NOW = timezone.now().replace(microsecond=0)
QUESTIONS = [
    {"code": "explained", "kind": "yes_no", "text": {"en": "Was everything explained?", "de": "Alles erklärt?"}},
    {"code": "waiting", "kind": "scale_1_5", "text": {"en": "How was the waiting area?"}},
]


def make_invitation(**kwargs) -> tuple[Invitation, str]:
    defaults = {"token_nonce": new_nonce(), "sent_at": NOW - timedelta(days=1), "expires_at": NOW + timedelta(days=13)}
    invitation = InvitationFactory(**{**defaults, **kwargs})
    return invitation, make_token(invitation_pk=invitation.pk, nonce=invitation.token_nonce)


def add_rule(invitation: Invitation, questions: list) -> SurveyRule:
    rule, _ = SurveyRule.objects.update_or_create(brand=invitation.brand, event_kind="handover",
                                                  defaults={"touchpoint": invitation.touchpoint,
                                                            "questions": questions})
    return rule


def score(token: str, value: object = 9, now=NOW) -> Response:
    return survey_score(token=token, score=value, network="203.0.113.77", device="UA|en", now=now)


@pytest.mark.django_db
def test_open_records_opened_at_once():
    invitation, token = make_invitation()
    assert survey_open(token=token, now=NOW, network="", device="").opened_at == NOW
    assert survey_open(token=token, now=NOW + timedelta(hours=1), network="", device="").opened_at == NOW
    invitation.refresh_from_db()
    assert invitation.opened_at == NOW


@pytest.mark.django_db
def test_score_creates_then_changes_one_response_with_copied_fields_and_hashed_fingerprints():
    vehicle = VehicleFactory(model="Aurelia Vento")
    invitation, token = make_invitation(language="de", event__vehicle=vehicle)
    survey_open(token=token, now=NOW, network="", device="")
    first = score(token, "3", now=NOW + timedelta(minutes=1))
    changed = score(token, 10, now=NOW + timedelta(minutes=2))
    assert Response.objects.count() == 1
    response = Response.objects.get()
    assert first.pk == changed.pk == response.pk
    assert (response.score, response.dealer_id, response.customer_id, response.touchpoint_id) == (
        10, invitation.dealer_id, invitation.customer_id, invitation.touchpoint_id)
    assert (response.vehicle_model, response.language, response.channel) == ("Aurelia Vento", "de", "email")
    assert (response.invited_at, response.opened_at) == (invitation.sent_at, NOW)
    assert response.submitted_at == NOW + timedelta(minutes=2)
    assert response.network_fingerprint == fingerprint("203.0.113.0/24")
    assert response.device_fingerprint == fingerprint("UA|en")
    assert "203.0.113" not in response.network_fingerprint
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT


@pytest.mark.parametrize(("address", "network"), [
    ("203.0.113.77", "203.0.113.0/24"),
    ("2001:db8:abcd:12:1::5", "2001:db8:abcd::/48"),
    ("::ffff:198.51.100.9", "198.51.100.0/24"),
    ("not-an-ip", ""),
    ("", ""),
])
def test_network_is_truncated_before_hashing(address, network):
    assert network_of(address) == network


def test_device_description_combines_agent_and_language():
    assert device_of(user_agent="Mozilla/5.0", accept_language="de-DE") == "Mozilla/5.0|de-DE"
    assert device_of(user_agent="", accept_language="") == ""


@pytest.mark.django_db
@pytest.mark.parametrize("value", [-1, 11, "11", "abc", "", "4.5", None, True])
def test_out_of_range_or_non_numeric_score_writes_nothing(value):
    _, token = make_invitation()
    with pytest.raises(ValidationFailed):
        score(token, value)
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_complete_stores_reason_and_answers_and_refuses_a_replay():
    invitation, token = make_invitation()
    add_rule(invitation, QUESTIONS)
    score(token, 6)
    response = survey_complete(token=token, verbatim="  Waited an hour.  ", answers={"explained": "no", "waiting": "2"},
                               now=NOW + timedelta(minutes=5))
    assert (response.verbatim, response.answers) == ("Waited an hour.", {"explained": False, "waiting": 2})
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answered_at) == (InvitationStatus.ANSWERED, NOW + timedelta(minutes=5))
    with pytest.raises(AlreadyAnswered):
        survey_complete(token=token, verbatim="changed", answers={}, now=NOW + timedelta(minutes=6))
    with pytest.raises(AlreadyAnswered):
        score(token, 10)
    stored = Response.objects.get()
    assert (stored.score, stored.verbatim, stored.answers) == (6, "Waited an hour.", {"explained": False, "waiting": 2})
    invitation.refresh_from_db()
    assert invitation.answered_at == NOW + timedelta(minutes=5)


@pytest.mark.django_db
@pytest.mark.parametrize("answers", [{"unknown": "yes"}, {"explained": "maybe"}, {"waiting": "6"}, {"waiting": "x"}])
def test_unknown_or_malformed_answers_are_refused_and_nothing_changes(answers):
    invitation, token = make_invitation()
    add_rule(invitation, QUESTIONS)
    score(token, 8)
    with pytest.raises(ValidationFailed):
        survey_complete(token=token, verbatim="Fine", answers=answers, now=NOW)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answered_at) == (InvitationStatus.SENT, None)
    assert (Response.objects.get().verbatim, Response.objects.get().answers) == ("", {})


@pytest.mark.django_db
def test_verbatim_over_2000_characters_is_refused():
    invitation, token = make_invitation()
    score(token, 8)
    survey_complete_kwargs = {"token": token, "answers": {}, "now": NOW}
    with pytest.raises(ValidationFailed) as caught:
        survey_complete(verbatim="x" * 2001, **survey_complete_kwargs)
    assert caught.value.field == "verbatim"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT
    assert survey_complete(verbatim="x" * 2000, **survey_complete_kwargs).verbatim == "x" * 2000


@pytest.mark.django_db
def test_complete_before_a_score_is_refused_and_the_claim_rolled_back():
    invitation, token = make_invitation()
    with pytest.raises(ScoreRequired):
        survey_complete(token=token, verbatim="Hi", answers={}, now=NOW)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answered_at) == (InvitationStatus.SENT, None)


@pytest.mark.django_db
def test_expired_link_is_refused_everywhere():
    invitation, token = make_invitation(expires_at=NOW - timedelta(seconds=1))
    for call in (lambda: survey_open(token=token, now=NOW, network="", device=""), lambda: score(token, 5),
                 lambda: survey_complete(token=token, verbatim="", answers={}, now=NOW)):
        with pytest.raises(LinkExpired) as caught:
            call()
        assert caught.value.status == 410
        assert caught.value.closed_at == NOW - timedelta(seconds=1)
    invitation.refresh_from_db()
    assert (invitation.opened_at, Response.objects.count()) == (None, 0)


@pytest.mark.django_db
def test_wrong_nonce_unsent_invitation_and_unknown_key_are_invalid_links():
    invitation, _ = make_invitation()
    unsent, _ = make_invitation(status=InvitationStatus.PENDING, sent_at=None)
    for token in (make_token(invitation_pk=invitation.pk, nonce=new_nonce()),
                  make_token(invitation_pk=unsent.pk, nonce=unsent.token_nonce),
                  make_token(invitation_pk=999_999, nonce="x")):
        with pytest.raises(InvalidLink):
            survey_open(token=token, now=NOW, network="", device="")
        with pytest.raises(InvalidLink):
            score(token, 5)
    assert Response.objects.count() == 0
    assert Invitation.objects.filter(opened_at__isnull=False).count() == 0


@pytest.mark.django_db
def test_score_path_query_count(django_assert_max_num_queries):
    _, token = make_invitation()
    # Unopened: the one-statement path matches nothing; savepoint + read-and-lock + open + its history row +
    # insert + release.
    with django_assert_max_num_queries(7):
        score(token, 6)
    # Opened and open (the usual tap after the page loaded): one statement inserts or updates.
    with django_assert_max_num_queries(1):
        score(token, 7)
    with django_assert_max_num_queries(1):
        score(token, 8)
    assert Response.objects.get().score == 8


@pytest.mark.django_db
def test_one_statement_path_never_touches_an_answered_survey():
    _, token = make_invitation()
    survey_open(token=token, now=NOW, network="", device="")
    score(token, 9)
    survey_complete(token=token, verbatim="Great", answers={}, now=NOW)
    with pytest.raises(AlreadyAnswered):
        score(token, 0)
    assert Response.objects.get().score == 9

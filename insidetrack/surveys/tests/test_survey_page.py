"""The public survey pages: happy path, every bad input with its status and message, weight and accessibility."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insidetrack.core.hashing import fingerprint
from insidetrack.surveys.models import Invitation, InvitationStatus, Response
from insidetrack.surveys.tests.test_capture import QUESTIONS, add_rule, make_invitation
from insidetrack.surveys.tokens import make_token, new_nonce

pytestmark = pytest.mark.django_db
UA = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone)", "HTTP_ACCEPT_LANGUAGE": "de-DE", "REMOTE_ADDR": "198.51.100.23"}


def urls(token: str) -> tuple[str, str, str]:
    return (reverse("surveys:survey", args=[token]), reverse("surveys:reason", args=[token]),
            reverse("surveys:thanks", args=[token]))


def snapshot() -> list:
    return [list(Invitation.objects.order_by("pk").values()), list(Response.objects.order_by("pk").values())]


def test_happy_path_with_csrf_enforced():
    invitation, token = make_invitation()
    add_rule(invitation, QUESTIONS)
    score_url, reason_url, thanks_url = urls(token)
    client = Client(enforce_csrf_checks=True)
    page = client.get(score_url, **UA)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"How likely are you to recommend {invitation.dealer.name} to a friend?" in html
    assert html.count('name="score"') == 11
    assert "Not at all likely" in html and "Extremely likely" in html
    csrf = client.cookies["csrftoken"].value
    invitation.refresh_from_db()
    opened_at = invitation.opened_at
    assert opened_at is not None

    assert client.get(reason_url).status_code == 302  # no score yet: back to the score page

    answered = client.post(score_url, {"score": "4", "csrfmiddlewaretoken": csrf}, **UA)
    assert (answered.status_code, answered["Location"]) == (302, reason_url)
    changed = client.post(score_url, {"score": "9", "csrfmiddlewaretoken": csrf}, **UA)
    assert changed.status_code == 302
    assert Response.objects.get().score == 9

    reason = client.get(reason_url)
    assert reason.status_code == 200
    html = reason.content.decode()
    assert "What is the main reason for your score?" in html
    assert 'maxlength="2000"' in html and "Was everything explained?" in html and "How was the waiting area?" in html
    done = client.post(reason_url, {"verbatim": "Great handover", "answer-explained": "yes", "answer-waiting": "5",
                                    "csrfmiddlewaretoken": csrf})
    assert (done.status_code, done["Location"]) == (302, thanks_url)
    thanks = client.get(thanks_url)
    assert thanks.status_code == 200
    assert invitation.dealer.name in thanks.content.decode()

    response = Response.objects.get()
    assert (response.score, response.verbatim, response.answers) == (9, "Great handover",
                                                                     {"explained": True, "waiting": 5})
    assert response.network_fingerprint == fingerprint("198.51.100.0/24")
    assert response.device_fingerprint == fingerprint("Mozilla/5.0 (iPhone)|de-DE")
    assert "198.51.100" not in str(Response.objects.values().get())
    invitation.refresh_from_db()
    assert (invitation.status, invitation.opened_at) == (InvitationStatus.ANSWERED, opened_at)


def test_post_without_csrf_token_is_refused():
    _, token = make_invitation()
    before = snapshot()
    assert Client(enforce_csrf_checks=True).post(urls(token)[0], {"score": "9"}).status_code == 403
    assert snapshot() == before


def test_opened_at_is_set_once():
    invitation, token = make_invitation()
    client = Client()
    client.get(urls(token)[0])
    invitation.refresh_from_db()
    first = invitation.opened_at
    client.get(urls(token)[0])
    invitation.refresh_from_db()
    assert invitation.opened_at == first is not None


def test_skip_completes_with_score_only():
    invitation, token = make_invitation()
    client = Client()
    client.post(urls(token)[0], {"score": "10"})
    done = client.post(urls(token)[1], {"skip": "1", "verbatim": "ignored"})
    assert done.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ANSWERED
    assert (Response.objects.get().score, Response.objects.get().verbatim) == (10, "")


@pytest.mark.parametrize("language", ["de", "fr", "en"])
def test_page_language_follows_the_invitation(language):
    _, token = make_invitation(language=language)
    page = Client().get(urls(token)[0], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.content.decode()
    assert page["Content-Language"] == language


def test_page_is_light_and_script_free():
    invitation, token = make_invitation()
    add_rule(invitation, QUESTIONS)
    client = Client()
    score_page = client.get(urls(token)[0]).content
    client.post(urls(token)[0], {"score": "7"})
    reason_page = client.get(urls(token)[1]).content
    for content in (score_page, reason_page):
        # Any stylesheet is inline: there are no linked files to add to the weight.
        assert b'rel="stylesheet"' not in content and b"<link" not in content
        assert len(content) < 50_000
        assert b"<script" not in content and b"<img" not in content
        assert b"<fieldset" in content and b"<legend>" in content


def test_forged_link_is_404():
    invitation, token = make_invitation()
    before = snapshot()
    for bad in (token[:-3] + "abc", "not-a-token", make_token(invitation_pk=invitation.pk, nonce=new_nonce())):
        for url in urls(bad):
            page = Client().get(url)
            assert page.status_code == 404
            assert "This survey link is not valid" in page.content.decode()
        assert Client().post(urls(bad)[0], {"score": "9"}).status_code == 404
        assert Client().post(urls(bad)[1], {"verbatim": "x"}).status_code == 404
    assert snapshot() == before


def test_expired_link_is_410_with_the_closing_date():
    closed = timezone.now().replace(year=2024, month=3, day=5, hour=12)
    _invitation, token = make_invitation(expires_at=closed)
    before = snapshot()
    for response in (Client().get(urls(token)[0]), Client().post(urls(token)[0], {"score": "9"}),
                     Client().post(urls(token)[1], {"verbatim": "x"})):
        assert response.status_code == 410
        assert "This survey closed on 5 March 2024" in response.content.decode()  # day month year
    assert snapshot() == before


def test_answered_link_is_409_and_replays_change_nothing():
    _invitation, token = make_invitation()
    client = Client()
    client.post(urls(token)[0], {"score": "8"})
    client.post(urls(token)[1], {"verbatim": "Good"})
    before = snapshot()
    for response in (client.get(urls(token)[0]), client.post(urls(token)[0], {"score": "0"}),
                     client.get(urls(token)[1]), client.post(urls(token)[1], {"verbatim": "Changed"})):
        assert response.status_code == 409
        assert "Thank you, you have already answered" in response.content.decode()
    assert client.get(urls(token)[2]).status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize(("value", "message"), [
    ("11", "The score must be between 0 and 10."),
    ("-1", "The score must be a whole number from 0 to 10."),
    ("nine", "The score must be a whole number from 0 to 10."),
    ("", "The score must be a whole number from 0 to 10."),
])
def test_bad_score_is_422_with_the_form_again(value, message):
    _, token = make_invitation()
    before = snapshot()
    page = Client().post(urls(token)[0], {"score": value})
    assert page.status_code == 422
    html = page.content.decode()
    assert message in html and html.count('name="score"') == 11
    assert snapshot() == before


def test_bad_score_keeps_the_accepted_one():
    _, token = make_invitation()
    client = Client()
    client.post(urls(token)[0], {"score": "6"})
    assert client.post(urls(token)[0], {"score": "12"}).status_code == 422
    assert Response.objects.get().score == 6


def test_long_verbatim_is_422_and_kept_in_the_textarea():
    _invitation, token = make_invitation()
    client = Client()
    client.post(urls(token)[0], {"score": "5"})
    before = snapshot()
    text = "é" * 2001
    page = client.post(urls(token)[1], {"verbatim": text})
    assert page.status_code == 422
    html = page.content.decode()
    assert "Please keep your answer under 2,000 characters." in html
    assert f">{text}</textarea>" in html and 'aria-invalid="true"' in html
    assert snapshot() == before
    assert Response.objects.get().score == 5


@pytest.mark.parametrize("answers", [{"answer-unknown": "yes"}, {"answer-explained": "perhaps"},
                                     {"answer-waiting": "9"}])
def test_bad_touchpoint_answer_is_422(answers):
    invitation, token = make_invitation()
    add_rule(invitation, QUESTIONS)
    client = Client()
    client.post(urls(token)[0], {"score": "5"})
    before = snapshot()
    page = client.post(urls(token)[1], {"verbatim": "Kept", **answers})
    assert page.status_code == 422
    assert ">Kept</textarea>" in page.content.decode()
    assert snapshot() == before


def test_reason_before_score_redirects_to_the_score_page():
    _, token = make_invitation()
    for response in (Client().get(urls(token)[1]), Client().post(urls(token)[1], {"verbatim": "x"}),
                     Client().get(urls(token)[2])):
        assert (response.status_code, response["Location"]) == (302, urls(token)[0])
    assert Response.objects.count() == 0


def test_oversized_body_is_413_or_400_never_500():
    _, token = make_invitation()
    before = snapshot()
    body = {"score": "9", "verbatim": "x" * (5 * 1024 * 1024 + 10)}
    assert Client().post(urls(token)[0], body).status_code == 413
    # With CSRF enforced the middleware reads the body first and Django answers 400.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(urls(token)[0])
    before = snapshot()
    body["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    assert client.post(urls(token)[0], body).status_code == 400
    assert snapshot() == before


def test_score_submission_query_count(django_assert_max_num_queries):
    _, token = make_invitation()
    client = Client()
    client.get(urls(token)[0])
    with django_assert_max_num_queries(4):
        assert client.post(urls(token)[0], {"score": "9"}).status_code == 302

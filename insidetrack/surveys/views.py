"""The public survey pages behind a signed link: score, reason and touchpoint answers, thank-you.

Thin views: they read the form, call one capture service and render. They run without JavaScript and without the
staff layout, and they render with no context processors (the staff ones look up the viewer's role): the pages
need only what is passed here, and the hot path stays free of queries it does not need.

CSRF: protection stays on. The GET of every form page sets the CSRF cookie and puts the token in the form, so an
owner arriving from an e-mail link (a cross-site, top-level GET) gets the cookie before the first POST, which is
same-site. The link's token is itself a secret, so CSRF adds little here, but exempting a public write path would
be one more exception to audit; an owner whose browser refuses all cookies gets Django's CSRF refusal page.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.loader import get_template
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from insidetrack.core import clock
from insidetrack.core.errors import DomainError, ValidationFailed

from .capture import (
    VERBATIM_MAX_LENGTH,
    AlreadyAnswered,
    LinkExpired,
    ScoreRequired,
    SurveyState,
    device_of,
    response_of,
    survey_complete,
    survey_open,
    survey_score,
    survey_state,
)
from .models import InvitationStatus, Purpose
from .tokens import InvalidLink

LANGUAGES = ("en", "de", "fr")
ANSWER_PREFIX = "answer-"


def _language(code: str | None) -> str:
    return code if code in LANGUAGES else "en"


def _render(request: HttpRequest, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    """Render a survey template with only its own context (plus the CSRF token and the active language)."""
    context = {"csrf_token": get_token(request), "LANGUAGE_CODE": translation.get_language(), **context}
    response = HttpResponse(get_template(template).render(context), status=status)
    response["Content-Language"] = context["LANGUAGE_CODE"]
    return response


def _error_message(exc: DomainError) -> str:
    """The sentence for the error page, translated now (the active language is the invitation's where known)."""
    if isinstance(exc, InvalidLink):
        return _("This survey link is not valid")
    if isinstance(exc, LinkExpired):
        if exc.closed_at is None:
            return _("This survey has closed")
        date = formats.date_format(timezone.localtime(exc.closed_at), "DATE_FORMAT")
        return _("This survey closed on %(date)s") % {"date": date}
    if isinstance(exc, AlreadyAnswered):
        return _("Thank you, you have already answered")
    return str(exc.message)


def _error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    language = _language(getattr(exc, "language", None) or translation.get_language())
    with translation.override(language):
        return _render(request, "surveys/survey/error.html", {"message": _error_message(exc)}, status=exc.status)


def _too_large(request: HttpRequest) -> HttpResponse:
    with translation.override(_language(translation.get_language())):
        message = _("Your answer was too large to receive. Please shorten it and try again.")
        return _render(request, "surveys/survey/error.html", {"message": message}, status=413)


def _score_page(request: HttpRequest, token: str, state: SurveyState, *, error: str = "",
                status: int = 200) -> HttpResponse:
    response = state.response
    with translation.override(_language(state.invitation.language)):
        return _render(request, "surveys/survey/score.html", {
            "token": token, "dealer": state.invitation.dealer, "scores": range(11),
            "current_score": response.score if response is not None else None, "error": error,
            "is_follow_up": state.invitation.purpose == Purpose.FOLLOW_UP,
        }, status=status)


def _reason_page(request: HttpRequest, token: str, state: SurveyState, *, verbatim: str = "",
                 answers: dict[str, str] | None = None, error: str = "", error_field: str = "",
                 status: int = 200) -> HttpResponse:
    language = _language(state.invitation.language)
    answers = answers or {}
    questions = [{"code": q.code, "kind": q.kind, "text": q.text_in(language), "name": ANSWER_PREFIX + q.code,
                  "value": answers.get(q.code, ""), "has_error": error_field == q.code} for q in state.questions]
    with translation.override(language):
        return _render(request, "surveys/survey/reason.html", {
            "token": token, "dealer": state.invitation.dealer, "score": state.response.score,
            "verbatim": verbatim, "questions": questions, "error": error, "error_field": error_field,
            "max_length": VERBATIM_MAX_LENGTH, "scale": range(1, 6),
            "is_follow_up": state.invitation.purpose == Purpose.FOLLOW_UP,
        }, status=status)


def _client(request: HttpRequest) -> tuple[str, str]:
    """The client's address and device description, as the capture service expects them (it reduces and hashes).

    REMOTE_ADDR only: trusting X-Forwarded-For needs to know the proxies in front, which is deployment settings.
    """
    device = device_of(user_agent=request.META.get("HTTP_USER_AGENT", ""),
                       accept_language=request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    return request.META.get("REMOTE_ADDR", ""), device


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The score page: eleven submit buttons; a tap saves the score and moves on to the reason."""
    network, device = _client(request)
    now = clock.now()
    if request.method == "POST":
        try:
            score = request.POST.get("score", "")
        except RequestDataTooBig:
            return _too_large(request)
        try:
            survey_score(token=token, score=score, network=network, device=device, now=now)
        except ValidationFailed as exc:
            try:
                state = survey_state(token=token, now=now)
            except DomainError as refused:
                return _error_page(request, refused)
            with translation.override(_language(state.invitation.language)):
                message = str(exc.message)
            return _score_page(request, token, state, error=message, status=exc.status)
        except DomainError as exc:
            return _error_page(request, exc)
        return redirect(reverse("surveys:reason", args=[token]), permanent=False)
    try:
        invitation = survey_open(token=token, now=now, network=network, device=device)
    except DomainError as exc:
        return _error_page(request, exc)
    return _score_page(request, token, SurveyState(invitation=invitation, response=response_of(invitation),
                                                   questions=[]))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reason(request: HttpRequest, token: str) -> HttpResponse:
    """The reason page: why, plus the touchpoint's questions; submitting (or skipping) completes the survey."""
    now = clock.now()
    try:
        state = survey_state(token=token, now=now)
    except DomainError as exc:
        return _error_page(request, exc)
    if state.response is None:
        return redirect(reverse("surveys:survey", args=[token]))
    if request.method != "POST":
        return _reason_page(request, token, state)
    try:
        data = request.POST
        is_skip = bool(data.get("skip"))
    except RequestDataTooBig:
        return _too_large(request)
    verbatim = "" if is_skip else data.get("verbatim", "")
    answers = {} if is_skip else {key[len(ANSWER_PREFIX):]: data.get(key, "") for key in data
                                  if key.startswith(ANSWER_PREFIX)}
    try:
        survey_complete(token=token, verbatim=verbatim, answers=answers, now=now)
    except ScoreRequired:
        return redirect(reverse("surveys:survey", args=[token]))
    except ValidationFailed as exc:
        with translation.override(_language(state.invitation.language)):
            message = str(exc.message)
        return _reason_page(request, token, state, verbatim=verbatim, answers=answers, error=message,
                            error_field=exc.field or "", status=exc.status)
    except DomainError as exc:
        return _error_page(request, exc)
    return redirect(reverse("surveys:thanks", args=[token]))


@never_cache
@require_http_methods(["GET", "HEAD"])
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    """The thank-you page naming the dealer; before completion it sends the owner back to where they are."""
    try:
        state = survey_state(token=token, now=clock.now(), allow_answered=True)
    except DomainError as exc:
        return _error_page(request, exc)
    if state.invitation.status != InvitationStatus.ANSWERED:
        target = "surveys:reason" if state.response is not None else "surveys:survey"
        return redirect(reverse(target, args=[token]))
    with translation.override(_language(state.invitation.language)):
        return _render(request, "surveys/survey/thanks.html", {"dealer": state.invitation.dealer})

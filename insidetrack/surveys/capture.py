"""Capturing an owner's answers from the survey page: open, score (changeable), then reason and touchpoint answers.

Kept apart from ``services.py`` (events, rules, sending) because this is the hot, public, unauthenticated path: the
signed link is the only credential, every write is a short transaction, and every refusal is a typed error that the
page turns into a clear message without having written anything.

Concurrency: a score write locks the invitation row (``SELECT ... FOR UPDATE``; SQLite serialises writers anyway),
so a double tap, a score change and the final submit can never interleave; completing the survey is a conditional
update on the invitation's status, so a replayed submit is refused, not applied twice.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import connections, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from insidetrack.core.errors import Conflict, DomainError, ValidationFailed
from insidetrack.core.hashing import fingerprint

from .history import invitation_history_write
from .models import Invitation, InvitationEventKind, InvitationStatus, Purpose, Response, Source, SurveyRule
from .signals import response_completed
from .tokens import InvalidLink, read_token

VERBATIM_MAX_LENGTH = 2000
SCORE_MIN, SCORE_MAX = 0, 10
QUESTION_KINDS = ("yes_no", "scale_1_5")
MAX_QUESTIONS = 2


class LinkExpired(DomainError):
    """The link worked once but its survey has closed; ``closed_at`` lets the page say when."""

    status = 410
    code = "link_expired"

    def __init__(self, message: str, *, closed_at: datetime | None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.closed_at = closed_at


class AlreadyAnswered(Conflict):
    """The survey was completed; the link stays readable (thank-you page) but accepts nothing more."""

    code = "already_answered"


class ScoreRequired(ValidationFailed):
    """The reason page was submitted before a score was given (the page sends the owner back to the score)."""

    code = "score_required"


@dataclass(frozen=True)
class Question:
    """One configured touchpoint question, already narrowed to the shapes the page can render."""

    code: str
    kind: str
    text: dict[str, str]

    def text_in(self, language: str) -> str:
        return self.text.get(language) or self.text.get("en") or next(iter(self.text.values()), self.code)


@dataclass(frozen=True)
class SurveyState:
    """What the survey pages need to render: the invitation (with its dealer), its response if any, the questions."""

    invitation: Invitation
    response: Response | None
    questions: list[Question]


def _refuse(exc: DomainError, invitation: Invitation | None) -> DomainError:
    """Attach the invitation's language so the error page speaks it (never for a link that failed its nonce)."""
    exc.language = invitation.language if invitation is not None else None  # type: ignore[attr-defined]
    return exc


def _invitation_for(token: str, *, for_update: bool = False) -> Invitation:
    """The invitation a token names, with its nonce checked in constant time; InvalidLink otherwise.

    A link whose invitation was never sent is as invalid as a forged one: nobody was given it.
    """
    pk, nonce = read_token(token)
    # The response comes in the same query (reverse one-to-one): the score path stays at one read. The score
    # write needs no dealer (pages that name the dealer read it); fewer joins is a cheaper query to build and run.
    if for_update:
        # of=self: the outer joins to event and vehicle are nullable, and PostgreSQL will not lock those sides.
        queryset = Invitation.objects.select_related("event__vehicle", "response").select_for_update(of=("self",))
    else:
        queryset = Invitation.objects.select_related("dealer", "event__vehicle", "response")
    # A plain filter, not .first(): no ORDER BY/LIMIT to compile or plan for a primary-key lookup.
    found = list(queryset.filter(pk=pk))
    invitation = found[0] if found else None
    if (invitation is None or not invitation.token_nonce or not constant_time_compare(invitation.token_nonce, nonce)
            or invitation.sent_at is None
            or invitation.status in (InvitationStatus.PENDING, InvitationStatus.SKIPPED)):
        raise InvalidLink("This survey link is not valid")
    return invitation


def response_of(invitation: Invitation) -> Response | None:
    """The response fetched with the invitation, or None (no query either way)."""
    try:
        return invitation.response
    except Response.DoesNotExist:
        return None


def _check_open(invitation: Invitation, now: datetime) -> None:
    """Refuse a link that has been answered or has closed; answered wins (its owner deserves the thank-you)."""
    if invitation.status == InvitationStatus.ANSWERED:
        raise _refuse(AlreadyAnswered(_("Thank you, you have already answered")), invitation)
    if invitation.status == InvitationStatus.EXPIRED or (invitation.expires_at and invitation.expires_at <= now):
        raise _refuse(LinkExpired(_("This survey has closed"), closed_at=invitation.expires_at), invitation)


def network_of(address: str) -> str:
    """The client's network, not its address: IPv4 truncated to /24, IPv6 to /48; "" when unparseable.

    Integrity analysis needs "same household or office network", not the device; truncating before hashing means
    the exact address is never even hashed.
    """
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def device_of(*, user_agent: str, accept_language: str) -> str:
    """The raw device description that is hashed into the device fingerprint (never stored in clear)."""
    if not user_agent and not accept_language:
        return ""
    return f"{user_agent[:512]}|{accept_language[:256]}"


PUT_RIGHT = "put_right"
PUT_RIGHT_TEXT = _("Did we put it right?")


def follow_up_questions() -> list[Question]:
    """The follow-up survey's one question, whose "no" reopens the case whatever the score."""
    text = {}
    for language in ("en", "de", "fr"):
        with translation.override(language):
            text[language] = str(PUT_RIGHT_TEXT)
    return [Question(code=PUT_RIGHT, kind="yes_no", text=text)]


def rule_questions(invitation: Invitation) -> list[Question]:
    """The up to two questions configured on the survey rule for the invitation's brand and touchpoint.

    Several rules may point at one touchpoint (one per event kind); the rule for the invitation's own event kind is
    preferred. Malformed entries are skipped rather than breaking the owner's page: head office edits this JSON.
    A follow-up survey asks its own question instead.
    """
    if invitation.purpose == Purpose.FOLLOW_UP:
        return follow_up_questions()
    rules = list(SurveyRule.objects.filter(brand_id=invitation.brand_id, touchpoint_id=invitation.touchpoint_id)
                 .order_by("-is_active", "pk").only("event_kind", "questions", "is_active"))
    if not rules:
        return []
    kind = invitation.event.kind if invitation.event_id and invitation.event else None
    rule = next((r for r in rules if r.event_kind == kind), rules[0])
    questions: list[Question] = []
    for entry in rule.questions if isinstance(rule.questions, list) else []:
        if not isinstance(entry, dict) or entry.get("kind") not in QUESTION_KINDS:
            continue
        code, text = entry.get("code"), entry.get("text")
        if not isinstance(code, str) or not code or not isinstance(text, dict):
            continue
        questions.append(Question(code=code, kind=entry["kind"], text={k: str(v) for k, v in text.items()}))
    return questions[:MAX_QUESTIONS]


def parse_score(value: object) -> int:
    """A 0-10 integer from the form, or ValidationFailed naming what was wrong."""
    if isinstance(value, bool):
        raise ValidationFailed(_("Please choose a score from 0 to 10."), field="score")
    if isinstance(value, int):
        score = value
    else:
        text = str(value or "").strip()
        if not text.isdigit() or len(text) > 2:
            raise ValidationFailed(_("The score must be a whole number from 0 to 10."), field="score")
        score = int(text)
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise ValidationFailed(_("The score must be between 0 and 10."), field="score")
    return score


def clean_answers(questions: list[Question], answers: Mapping[str, object]) -> dict[str, bool | int]:
    """Answers normalised to JSON values (yes/no to booleans, scale to 1-5); every answer is optional.

    An unknown question code or an answer outside the question's choices is refused as a whole, so a tampered form
    never stores half of what it sent.
    """
    by_code = {question.code: question for question in questions}
    cleaned: dict[str, bool | int] = {}
    for code, raw in answers.items():
        question = by_code.get(code)
        if question is None:
            raise ValidationFailed(_("One of the answers does not belong to this survey."), field="answers")
        if raw is None or raw == "":
            continue
        if question.kind == "yes_no":
            if raw in (True, "yes"):
                cleaned[code] = True
            elif raw in (False, "no"):
                cleaned[code] = False
            else:
                raise ValidationFailed(_("Please answer yes or no."), field=code)
        else:
            text = str(raw).strip() if not isinstance(raw, bool) else ""
            if text not in {"1", "2", "3", "4", "5"}:
                raise ValidationFailed(_("Please choose a value from 1 to 5."), field=code)
            cleaned[code] = int(text)
    return cleaned


def survey_state(*, token: str, now: datetime, allow_answered: bool = False) -> SurveyState:
    """Read-only: the invitation behind a usable link, its response and questions (for rendering the pages)."""
    invitation = _invitation_for(token)
    if not (allow_answered and invitation.status == InvitationStatus.ANSWERED):
        _check_open(invitation, now)
    return SurveyState(invitation=invitation, response=response_of(invitation), questions=rule_questions(invitation))


def survey_open(*, token: str, now: datetime, network: str = "", device: str = "") -> Invitation:
    """Record that the owner opened the survey, the first time only; refuse a link that cannot be used.

    ``network`` and ``device`` are accepted so every capture call carries the same evidence, but an open stores no
    fingerprint (the invitation has no column for one; the response records them when a score is given).
    """
    invitation = _invitation_for(token)
    _check_open(invitation, now)
    if invitation.opened_at is None:
        # Conditional update: two tabs opening at once record one time, the first.
        with transaction.atomic():
            opened = Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
            if opened:
                invitation_history_write([(invitation.pk, InvitationEventKind.OPENED, now, "")])
        if opened:
            invitation.opened_at = now
        else:
            invitation.opened_at = Invitation.objects.values_list("opened_at", flat=True).get(pk=invitation.pk)
    return invitation


def survey_score(*, token: str, score: object, network: str, device: str, now: datetime) -> Response:
    """Create the invitation's response with this score, or change the score of the one already there.

    ``network`` is the client's IP address and ``device`` the raw device description (see ``device_of``); both
    are reduced and hashed here so no caller can store them in clear by mistake.
    """
    value = parse_score(score)
    network_hash = fingerprint(network_of(network))
    device_hash = fingerprint(device)
    fast = _score_in_one_statement(token=token, score=value, network_hash=network_hash, device_hash=device_hash,
                                   now=now)
    if fast is not None:
        return fast
    with transaction.atomic():
        invitation = _invitation_for(token, for_update=True)
        _check_open(invitation, now)
        if invitation.opened_at is None:
            # A score submitted without the page being fetched first (a resent form) still means it was opened.
            if Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now):
                invitation_history_write([(invitation.pk, InvitationEventKind.OPENED, now, "")])
            invitation.opened_at = now
        fields = {"score": value, "submitted_at": now, "network_fingerprint": network_hash,
                  "device_fingerprint": device_hash}
        # The invitation row is locked, so "update, else insert" cannot race with another write for this link.
        response = response_of(invitation)
        if response is not None:
            for name, field_value in fields.items():
                setattr(response, name, field_value)
            response.save(update_fields=list(fields))
            return response
        vehicle = invitation.event.vehicle if invitation.event_id and invitation.event else None
        return Response.objects.create(
            invitation=invitation, brand_id=invitation.brand_id, dealer_id=invitation.dealer_id,
            customer_id=invitation.customer_id, touchpoint_id=invitation.touchpoint_id,
            vehicle_model=vehicle.model if vehicle else "", language=invitation.language,
            channel=invitation.channel, purpose=invitation.purpose, invited_at=invitation.sent_at,
            opened_at=invitation.opened_at, **fields,
        )


# The common case (an opened, open invitation) as one INSERT ... SELECT ... ON CONFLICT DO UPDATE: the checks and the
# write are one statement, so the database needs no explicit transaction, no row lock and one round trip. The ORM
# cannot say "insert from this row, or update on conflict", and this is the hottest write in the product (every tap
# of a score). Both SQLite (3.35+) and PostgreSQL run it; anything unusual (forged, unopened, closed, answered)
# matches no row and takes the ORM path below, which explains itself.
_SCORE_UPSERT = """
INSERT INTO surveys_response (brand_id, dealer_id, customer_id, invitation_id, touchpoint_id, vehicle_model, score,
    verbatim, language, channel, source, purpose, invited_at, opened_at, submitted_at, network_fingerprint,
    device_fingerprint, answers)
SELECT i.brand_id, i.dealer_id, i.customer_id, i.id, i.touchpoint_id, COALESCE(v.model, ''), %s, '', i.language,
    i.channel, %s, i.purpose, i.sent_at, i.opened_at, %s, %s, %s, %s
FROM surveys_invitation i
LEFT JOIN surveys_operationalevent e ON e.id = i.event_id
LEFT JOIN customers_vehicle v ON v.id = e.vehicle_id
WHERE i.id = %s AND i.token_nonce = %s AND i.token_nonce <> '' AND i.status = %s AND i.sent_at IS NOT NULL
    AND i.opened_at IS NOT NULL AND (i.expires_at IS NULL OR i.expires_at > %s)
ON CONFLICT (invitation_id) DO UPDATE SET score = excluded.score, submitted_at = excluded.submitted_at,
    network_fingerprint = excluded.network_fingerprint, device_fingerprint = excluded.device_fingerprint
RETURNING id, brand_id, dealer_id, customer_id, touchpoint_id, vehicle_model, language, channel, purpose, invited_at,
    opened_at
"""


def _score_in_one_statement(*, token: str, score: int, network_hash: str, device_hash: str,
                            now: datetime) -> Response | None:
    """Save the score if the link names an opened, still open invitation; None means "take the careful path"."""
    pk, nonce = read_token(token)
    connection = connections[Response.objects.db]
    # Stored exactly as the ORM stores it (on SQLite: text without "+00:00"), so range comparisons stay exact.
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_SCORE_UPSERT, [score, Source.SURVEY, at, network_hash, device_hash, "{}", pk, nonce,
                                       InvitationStatus.SENT, at])
        row = cursor.fetchone()
    if row is None:
        return None
    (response_pk, brand_id, dealer_id, customer_id, touchpoint_id, vehicle_model, language, channel, purpose,
     invited_at, opened_at) = row
    return Response(pk=response_pk, invitation_id=pk, brand_id=brand_id, dealer_id=dealer_id,
                    customer_id=customer_id, touchpoint_id=touchpoint_id, vehicle_model=vehicle_model, score=score,
                    language=language, channel=channel, source=Source.SURVEY, purpose=purpose, invited_at=invited_at,
                    opened_at=opened_at, submitted_at=now, network_fingerprint=network_hash,
                    device_fingerprint=device_hash)


def survey_complete(*, token: str, verbatim: str, answers: Mapping[str, object], now: datetime) -> Response:
    """Store the reason and the touchpoint answers and close the survey; a replay is refused with a conflict.

    The claim is a conditional update on the invitation's status (and expiry), so two submits racing each other
    both see the check pass but only one changes anything.
    """
    invitation = _invitation_for(token)
    _check_open(invitation, now)
    text = (verbatim or "").replace("\r\n", "\n").strip()
    if len(text) > VERBATIM_MAX_LENGTH:
        raise _refuse(ValidationFailed(_("Please keep your answer under 2,000 characters."), field="verbatim"),
                      invitation)
    try:
        cleaned = clean_answers(rule_questions(invitation), answers)
    except ValidationFailed as exc:
        raise _refuse(exc, invitation) from None
    with transaction.atomic():
        claimed = (Invitation.objects
                   .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), pk=invitation.pk,
                           status=InvitationStatus.SENT)
                   .update(status=InvitationStatus.ANSWERED, answered_at=now))
        if not claimed:
            invitation.refresh_from_db(fields=["status", "expires_at"])
            _check_open(invitation, now)
            raise _refuse(AlreadyAnswered(_("Thank you, you have already answered")), invitation)
        invitation_history_write([(invitation.pk, InvitationEventKind.ANSWERED, now, "")])
        response = response_of(invitation)
        if response is None or not Response.objects.filter(pk=response.pk).update(verbatim=text, answers=cleaned,
                                                                                   submitted_at=now):
            # Raising rolls the claim back: the invitation stays open for the score.
            raise _refuse(ScoreRequired(_("Please choose a score first."), field="score"), invitation)
        # Later apps (the closed loop) act on a finished survey; they are told after commit, never inside it, so a
        # failure there cannot lose the owner's answer.
        transaction.on_commit(lambda: response_completed.send(sender=Response, response_pk=response.pk,
                                                              purpose=invitation.purpose))
    response.verbatim, response.answers, response.submitted_at = text, cleaned, now
    return response

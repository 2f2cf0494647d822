"""The weekly scorecard e-mail: once per person per ISO week, on Monday morning, their scorecard attached as a PDF.

Who: dealer principals (their dealer's scorecard), region managers (their region's) and head office (the brand's).
A person with several such memberships gets one e-mail with one PDF per scope, widest first. Each e-mail is in the
person's language (``User.preferred_language``).

When: from Monday 06:00 until the end of Monday, local time. Local is the dealer's time zone for a dealer principal
and the project's ``TIME_ZONE`` for regions and head office (neither has a time zone of its own); a person with
several memberships is sent on the clock of the widest. The every-minute sweep sends to whoever is due, so in
practice the e-mails leave at 06:00-06:01. Nothing is sent on other days: someone who joins on a Wednesday gets
their first scorecard the next Monday, and a sweep that was down all Monday skips that week rather than sending it
late. The window and the weekday are constants below.

Once: each person's week is claimed before anything is sent, by inserting a ``ScorecardDelivery`` row (unique per
person and week) with ``ON CONFLICT DO NOTHING`` and this sweep's token, then reading back which rows carry the token.
Two sweeps running at once never both own a row, so never both send. If sending fails, the claim is removed and the
next sweep tries again; if the process dies between sending and recording, the person misses nothing but the
receipt (``sent_at`` stays empty) and is not sent twice.

The body never carries a score or an NPS, whoever receives it (an e-mail is forwarded; as the case notices do): it
gives the response rate and the closed-loop figures, and the PDF is the recipient's own scorecard, with scores only
where they may see them.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from insidetrack.accounts.models import Membership
from insidetrack.accounts.selectors import actor_from_membership
from insidetrack.core import clock
from insidetrack.core.roles import Role
from insidetrack.network.models import Dealer
from insidetrack.surveys.services import DEFAULT_BASE_URL

from .models import ScorecardDelivery
from .response_rates import iso_week
from .scorecard_exports import render_pdf, scorecard_filename
from .scorecards import Scorecard, ScorecardPeriod, SubjectKind, scorecard_build, scorecard_subject

logger = logging.getLogger(__name__)

SEND_WEEKDAY = 0  # Monday
SEND_FROM = dt.time(6, 0)
# People e-mailed per sweep; the rest go a minute later (a scorecard costs a few queries and a PDF).
BATCH_SIZE = 100
# Widest first: the order of the attachments, and whose clock decides when a person is due.
RECIPIENT_ROLES = (Role.HEAD_OFFICE, Role.REGION_MANAGER, Role.DEALER_PRINCIPAL)


@dataclass
class Recipient:
    user_pk: int
    email: str
    language: str
    week: dt.date
    memberships: list[Membership] = field(default_factory=list)


def _week_if_due(now: dt.datetime, zone: str) -> dt.date | None:
    """The Monday of the week whose scorecard is due now in ``zone``, or None outside the sending window."""
    local = now.astimezone(ZoneInfo(zone))
    if local.weekday() == SEND_WEEKDAY and local.time() >= SEND_FROM:
        return local.date()
    return None


def _language(code: str) -> str:
    languages = {language for language, _name in settings.LANGUAGES}
    code = (code or "")[:2]
    return code if code in languages else settings.LANGUAGE_CODE


def _zone_of(membership: Membership) -> str:
    return membership.dealer.time_zone if membership.dealer_id else settings.TIME_ZONE


def scorecard_recipients_due(*, now: dt.datetime, limit: int = BATCH_SIZE) -> list[Recipient]:
    """People whose weekly scorecard is due now and not yet claimed, at most ``limit`` of them.

    Outside every sending window this costs one query (the dealers' time zones).
    """
    zones = set(Dealer.objects.filter(is_active=True).values_list("time_zone", flat=True).distinct().order_by())
    weeks = {zone: week for zone in zones | {settings.TIME_ZONE} if (week := _week_if_due(now, zone))}
    if not weeks:
        return []
    done = ScorecardDelivery.objects.filter(week__in=set(weeks.values())).values("user_id")
    memberships = (
        Membership.objects.filter(is_active=True, user__is_active=True, role__in=RECIPIENT_ROLES)
        .exclude(user__email="").exclude(user_id__in=done)
        .select_related("user", "dealer")
        .order_by("user_id", "pk")
    )
    order = {role: index for index, role in enumerate(RECIPIENT_ROLES)}
    by_user: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_user.setdefault(membership.user_id, []).append(membership)
    due = []
    for user_pk, held in by_user.items():
        held.sort(key=lambda m: (order[m.role], m.pk))
        week = weeks.get(_zone_of(held[0]))
        if week is None:
            continue
        user = held[0].user
        due.append(Recipient(user_pk=user_pk, email=user.email, language=_language(user.preferred_language),
                             week=week, memberships=held))
        if len(due) >= limit:
            break
    return due


def _claim(recipients: list[Recipient], *, now: dt.datetime) -> list[Recipient]:
    """Insert each person's (user, week) row, ignoring conflicts, and keep the ones this call inserted."""
    token = uuid.uuid4()
    ScorecardDelivery.objects.bulk_create(
        [ScorecardDelivery(user_id=r.user_pk, week=r.week, claim=token, claimed_at=now) for r in recipients],
        ignore_conflicts=True)
    mine = set(ScorecardDelivery.objects.filter(claim=token, user_id__in=[r.user_pk for r in recipients])
               .values_list("user_id", "week"))
    return [r for r in recipients if (r.user_pk, r.week) in mine]


@dataclass(frozen=True)
class _Attachment:
    card: Scorecard
    pdf: bytes
    filename: str
    link: str


class _Cards:
    """Scorecards built once per scope, language and visibility, however many people they go to."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.built: dict[tuple, _Attachment] = {}

    def get(self, membership: Membership, language: str) -> _Attachment:
        actor = actor_from_membership(membership)
        with translation.override(language):
            subject = scorecard_subject(actor=actor)
            # Two dealers' staff see the same card; a head office and a dealer see different ones of the same dealer.
            key = (subject.key, language, actor.is_dealer)
            if key not in self.built:
                card = scorecard_build(actor=actor, subject=subject, period=ScorecardPeriod.default(now=self.now),
                                       now=self.now)
                base = (getattr(settings, "INSIDETRACK_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
                path = {SubjectKind.BRAND: reverse("analytics:scorecard"),
                        SubjectKind.REGION: reverse("analytics:scorecard_region", args=[subject.code]),
                        SubjectKind.DEALER: reverse("analytics:scorecard_dealer", args=[subject.code])}[subject.kind]
                self.built[key] = _Attachment(card=card, pdf=render_pdf(card), filename=scorecard_filename(card, "pdf"),
                                              link=f"{base}{path}")
        return self.built[key]


def _send(connection, recipient: Recipient, cards: _Cards) -> None:
    attachments = [cards.get(m, recipient.language) for m in recipient.memberships]
    # One PDF per scope (a person may hold the same scope twice, e.g. principal of a dealer and its region's manager).
    unique = list({a.filename: a for a in attachments}.values())
    with translation.override(recipient.language):
        context = {"week": iso_week(recipient.week), "items": unique, "brand_name": settings.BRAND_NAME,
                   "names": ", ".join(a.card.subject.name for a in unique)}
        subject = " ".join(render_to_string("analytics/email/scorecard_subject.txt", context).split())
        body = render_to_string("analytics/email/scorecard.txt", context)
        message = EmailMultiAlternatives(subject=subject, body=body, to=[recipient.email],
                                         headers={"Content-Language": recipient.language}, connection=connection)
        message.attach_alternative(render_to_string("analytics/email/scorecard.html", context), "text/html")
        for attachment in unique:
            message.attach(attachment.filename, attachment.pdf, "application/pdf")
        message.send()


def scorecards_send_due(*, now: dt.datetime | None = None) -> int:
    """Send the weekly scorecards due now (see the module docstring); how many e-mails went out."""
    now = now or clock.now()
    recipients = scorecard_recipients_due(now=now)
    if not recipients:
        return 0
    claimed = _claim(recipients, now=now)
    cards = _Cards(now)
    connection = get_connection()
    sent = 0
    for recipient in claimed:
        try:
            _send(connection, recipient, cards)
        except Exception:  # one person's failure must not stop the others; their week is tried again next sweep
            logger.exception("weekly scorecard to user %s failed", recipient.user_pk)
            ScorecardDelivery.objects.filter(user_id=recipient.user_pk, week=recipient.week, sent_at=None).delete()
            continue
        ScorecardDelivery.objects.filter(user_id=recipient.user_pk, week=recipient.week).update(sent_at=now)
        sent += 1
    if sent:
        logger.info("weekly scorecards: %s sent", sent)
    return sent

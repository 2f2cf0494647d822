"""E-mails of the closed loop: one digest per person per sweep, in their language, never with a score.

A reminder goes to the dealer's people; an escalation to the region's managers, then to head office. A digest
lists each case's action, customer, touchpoint and deadline with a link, and an excerpt of the verbatim. Scores
and NPS figures are never in these e-mails, whoever receives them: an e-mail is forwarded, and the policy that
hides scores from dealers must not depend on who forwards what.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from insidetrack.surveys.services import DEFAULT_BASE_URL

from . import services
from .models import Case
from .policies import AWAITING_CONTACT

VERBATIM_EXCERPT = 240
# A digest lists the most urgent cases and links to the inbox for the rest: a busy dealer's hundred reminders are a
# worklist, not an e-mail.
DIGEST_LIMIT = 25


@dataclass(frozen=True)
class NoticeLine:
    pk: int
    action: str
    customer: str
    dealer: str
    touchpoint: str
    deadline: str
    excerpt: str
    link: str


def _line(case: Case, language: str) -> NoticeLine:
    """One case as a digest shows it, in the recipient's language (built once per case and language)."""
    base = (getattr(settings, "INSIDETRACK_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    verbatim = (case.response.verbatim if case.response_id and case.response else case.subject) or ""
    excerpt = verbatim if len(verbatim) <= VERBATIM_EXCERPT else verbatim[:VERBATIM_EXCERPT].rsplit(" ", 1)[0] + "…"
    customer = case.customer
    local = timezone.localtime(_deadline(case), ZoneInfo(case.dealer.time_zone))
    return NoticeLine(
        pk=case.pk,
        action=case.playbook.title_in(language) if case.playbook else str(case.get_kind_display()),
        customer=f"{customer.first_name} {customer.last_name}" if customer else _("(erased)"),
        dealer=case.dealer.name,
        touchpoint=case.touchpoint.display_name(language) if case.touchpoint else "",
        deadline=date_format(local, "D j M Y, H:i T"),
        excerpt=excerpt,
        link=f"{base}{reverse('cases:detail', args=[case.pk])}",
    )


def _deadline(case: Case) -> datetime:
    # The deadline that matters now: answering while nobody has spoken to the customer, resolving after.
    return case.respond_by if case.status in AWAITING_CONTACT or not case.resolve_by else case.resolve_by


class _Lines:
    """Digest lines built and rendered once per case and language, whatever the number of people they go to.

    A digest then only joins pre-rendered strings: rendering each line inside each recipient's template cost most
    of a busy sweep (a dealer's cases go to each of its people, in text and HTML).
    """

    def __init__(self, cases: dict[int, Case]) -> None:
        self.cases = cases
        self.built: dict[tuple[int, str], tuple[str, str]] = {}

    def get(self, pk: int, language: str) -> tuple[str, str]:
        key = (pk, language)
        if key not in self.built:
            with translation.override(language):
                line = _line(self.cases[pk], language)
                self.built[key] = (render_to_string("cases/email/_line.txt", {"line": line}),
                                   render_to_string("cases/email/_line.html", {"line": line}))
        return self.built[key]


@dataclass(frozen=True)
class _Due:
    """What grouping and ordering a digest needs, read without building model instances."""

    pk: int
    dealer_id: int
    region_id: int
    brand_id: int
    deadline: datetime


def _send(connection, *, to: str, language: str, kind: str, due: list[_Due], lines: _Lines) -> None:
    """One digest: the most urgent cases first, at most ``DIGEST_LIMIT`` of them and a link to the rest."""
    ordered = sorted(due, key=lambda item: (item.deadline, item.pk))
    shown = [lines.get(item.pk, language) for item in ordered[:DIGEST_LIMIT]]
    with translation.override(language):
        base = (getattr(settings, "INSIDETRACK_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
        context = {"kind": kind, "count": len(ordered), "more": len(ordered) - len(shown),
                   "text_lines": "".join(text for text, _html in shown),
                   # Each line was rendered (and escaped) by its own template above.
                   "html_lines": mark_safe("".join(html for _text, html in shown)),
                   "inbox": f"{base}{reverse('cases:inbox')}", "brand_name": settings.BRAND_NAME}
        subject = " ".join(render_to_string("cases/email/notice_subject.txt", context).split())
        message = EmailMultiAlternatives(subject=subject, body=render_to_string("cases/email/notice.txt", context),
                                         to=[to], headers={"Content-Language": language}, connection=connection)
        message.attach_alternative(render_to_string("cases/email/notice.html", context), "text/html")
        message.send()


def send_notices(*, reminded: list[int], to_region: list[int], to_head_office: list[int],
                 urgent: list[int] = ()) -> int:
    """One e-mail per recipient and kind of notice, listing the cases of that kind they need to act on.

    An urgent case (a safety or legal issue in the verbatim) goes at once to its dealer's people and to head office.
    """
    urgent = list(urgent)
    wanted = {*reminded, *to_region, *to_head_office, *urgent}
    if not wanted:
        return 0
    due: dict[int, _Due] = {}
    for pk, dealer_id, region_id, brand_id, status, respond_by, resolve_by in Case.objects.filter(
            pk__in=wanted).values_list("pk", "dealer_id", "dealer__region_id", "brand_id", "status", "respond_by",
                                       "resolve_by"):
        deadline = respond_by if status in AWAITING_CONTACT or not resolve_by else resolve_by
        due[pk] = _Due(pk=pk, dealer_id=dealer_id, region_id=region_id, brand_id=brand_id, deadline=deadline)
    digests: dict[tuple[str, str, str], list[_Due]] = defaultdict(list)
    steps = (("reminder", reminded, "dealer_id", services.dealer_recipients),
             ("region", to_region, "region_id", services.region_recipients),
             ("head_office", to_head_office, "brand_id", services.head_office_recipients),
             ("urgent", urgent, "dealer_id", services.dealer_recipients),
             ("urgent", urgent, "brand_id", services.head_office_recipients))
    for kind, pks, key, recipients_of in steps:
        items = [due[pk] for pk in pks if pk in due]
        recipients = recipients_of({getattr(item, key) for item in items})
        for item in items:
            for email, language in recipients.get(getattr(item, key), []):
                bucket = digests[(kind, email, language)]
                if item not in bucket:  # an urgent case reaches someone once, whichever list found them
                    bucket.append(item)
    # Only the cases some digest shows are loaded whole.
    shown = {item.pk for items in digests.values()
             for item in sorted(items, key=lambda i: (i.deadline, i.pk))[:DIGEST_LIMIT]}
    cases = {c.pk: c for c in Case.objects.filter(pk__in=shown).select_related(
        "dealer", "customer", "touchpoint", "playbook", "response")}
    connection = get_connection()
    lines = _Lines(cases)
    for (kind, email, language), items in digests.items():
        _send(connection, to=email, language=language, kind=kind, due=items, lines=lines)
    return len(digests)

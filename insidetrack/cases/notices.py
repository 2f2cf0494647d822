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
    """Digest lines built once per case and language, whatever the number of people they go to."""

    def __init__(self) -> None:
        self.built: dict[tuple[int, str], NoticeLine] = {}

    def get(self, case: Case, language: str) -> NoticeLine:
        key = (case.pk, language)
        if key not in self.built:
            with translation.override(language):
                self.built[key] = _line(case, language)
        return self.built[key]


def _send(connection, *, to: str, language: str, kind: str, cases: list[Case], lines: _Lines) -> None:
    """One digest: the most urgent cases first, at most ``DIGEST_LIMIT`` of them and a link to the rest."""
    ordered = sorted(cases, key=_deadline)
    with translation.override(language):
        shown = [lines.get(case, language) for case in ordered[:DIGEST_LIMIT]]
        base = (getattr(settings, "INSIDETRACK_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
        context = {"kind": kind, "lines": shown, "count": len(ordered), "more": len(ordered) - len(shown),
                   "inbox": f"{base}{reverse('cases:inbox')}", "brand_name": settings.BRAND_NAME}
        subject = " ".join(render_to_string("cases/email/notice_subject.txt", context).split())
        message = EmailMultiAlternatives(subject=subject, body=render_to_string("cases/email/notice.txt", context),
                                         to=[to], headers={"Content-Language": language}, connection=connection)
        message.attach_alternative(render_to_string("cases/email/notice.html", context), "text/html")
        message.send()


def send_notices(*, reminded: list[int], to_region: list[int], to_head_office: list[int]) -> int:
    """One e-mail per recipient and kind of notice, listing every case of that kind they need to act on."""
    wanted = {*reminded, *to_region, *to_head_office}
    if not wanted:
        return 0
    cases = {c.pk: c for c in Case.objects.filter(pk__in=wanted).select_related(
        "dealer", "customer", "touchpoint", "playbook", "response")}
    digests: dict[tuple[str, str, str], list[Case]] = defaultdict(list)
    by_dealer = services.dealer_recipients({cases[pk].dealer_id for pk in reminded if pk in cases})
    for pk in reminded:
        if pk in cases:
            for email, language in by_dealer.get(cases[pk].dealer_id, []):
                digests[("reminder", email, language)].append(cases[pk])
    by_region = services.region_recipients({cases[pk].dealer.region_id for pk in to_region if pk in cases})
    for pk in to_region:
        if pk in cases:
            for email, language in by_region.get(cases[pk].dealer.region_id, []):
                digests[("region", email, language)].append(cases[pk])
    by_brand = services.head_office_recipients({cases[pk].brand_id for pk in to_head_office if pk in cases})
    for pk in to_head_office:
        if pk in cases:
            for email, language in by_brand.get(cases[pk].brand_id, []):
                digests[("head_office", email, language)].append(cases[pk])
    connection = get_connection()
    lines = _Lines()
    for (kind, email, language), items in digests.items():
        _send(connection, to=email, language=language, kind=kind, cases=items, lines=lines)
    return len(digests)

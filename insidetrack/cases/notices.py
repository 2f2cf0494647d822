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

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from insidetrack.surveys.services import DEFAULT_BASE_URL

from . import services
from .models import Case
from .policies import AWAITING_CONTACT

VERBATIM_EXCERPT = 240


@dataclass(frozen=True)
class NoticeLine:
    pk: int
    action: str
    customer: str
    dealer: str
    touchpoint: str
    deadline: datetime
    time_zone: str
    excerpt: str
    link: str


def _line(case: Case, language: str) -> NoticeLine:
    base = (getattr(settings, "INSIDETRACK_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    verbatim = (case.response.verbatim if case.response_id and case.response else case.subject) or ""
    excerpt = verbatim if len(verbatim) <= VERBATIM_EXCERPT else verbatim[:VERBATIM_EXCERPT].rsplit(" ", 1)[0] + "…"
    # The deadline that matters now: answering while nobody has spoken to the customer, resolving after.
    deadline = case.respond_by if case.status in AWAITING_CONTACT or not case.resolve_by else case.resolve_by
    customer = case.customer
    return NoticeLine(
        pk=case.pk,
        action=case.playbook.title_in(language) if case.playbook else str(case.get_kind_display()),
        customer=f"{customer.first_name} {customer.last_name}" if customer else _("(erased)"),
        dealer=case.dealer.name,
        touchpoint=case.touchpoint.display_name(language) if case.touchpoint else "",
        deadline=deadline,
        time_zone=case.dealer.time_zone,
        excerpt=excerpt,
        link=f"{base}{reverse('cases:detail', args=[case.pk])}",
    )


def _send(connection, *, to: str, language: str, kind: str, cases: list[Case]) -> None:
    with translation.override(language):
        lines = [_line(case, language) for case in sorted(cases, key=lambda c: c.respond_by)]
        context = {"kind": kind, "lines": lines, "count": len(lines), "brand_name": settings.BRAND_NAME}
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
    for (kind, email, language), items in digests.items():
        _send(connection, to=email, language=language, kind=kind, cases=items)
    return len(digests)

"""E-mails of the owner's message thread: the owner hears of the dealer's reply, the dealer of the owner's message.

Each goes to people in their own language with a link to the page where they answer (the owner's issue page, the
dealer's case page). The dealer's e-mail carries the owner's words but no score, like every closed-loop notice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from insidetrack.accounts.models import Membership
from insidetrack.core.roles import Role
from insidetrack.surveys.services import DEFAULT_BASE_URL

from . import services
from .models import CaseMessage

EXCERPT = 1000


def _base() -> str:
    return (getattr(settings, "INSIDETRACK_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")


def owner_recipients(customer) -> list[tuple[str, str]]:
    """(e-mail, language) of the owner's accounts, else the customer's own address; in the owner's language."""
    found = []
    for email, language in Membership.objects.filter(
            customer=customer, role=Role.OWNER, is_active=True, user__is_active=True).exclude(user__email="")\
            .values_list("user__email", "user__preferred_language").distinct():
        found.append((email, customer.language or language or "en"))
    if not found and customer.email:
        found.append((customer.email, customer.language or "en"))
    return found


def _dealer_recipients(case) -> list[tuple[str, str]]:
    """The case's assignee if it has one, else the dealer's people."""
    assignee = case.assignee
    if assignee is not None and assignee.is_active and assignee.email:
        return [(assignee.email, assignee.preferred_language or "en")]
    return services.dealer_recipients([case.dealer_id]).get(case.dealer_id, [])


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT].rsplit(" ", 1)[0] + "…"


def send_message_notice(*, message_pk: int) -> int:
    """E-mail the other side of the thread about one message; returns how many e-mails went out."""
    message = (CaseMessage.objects.select_related("case", "case__dealer", "case__customer", "case__assignee")
               .filter(pk=message_pk, erased_at__isnull=True).first())
    if message is None:
        return 0
    case = message.case
    connection = get_connection()
    sent = 0
    if message.from_owner:
        recipients = _dealer_recipients(case)
        link = f"{_base()}{reverse('cases:detail', args=[case.pk])}#messages"
        customer = case.customer
        who = f"{customer.first_name} {customer.last_name}".strip() if customer else ""
        for email, language in recipients:
            with translation.override(language):
                subject = _("Case #%(pk)s: a message from %(name)s") % {"pk": case.pk, "name": who or _("the owner")}
                body = "\n\n".join([
                    _("%(name)s wrote about \"%(subject)s\":") % {"name": who or _("The owner"),
                                                                   "subject": case.subject},
                    _excerpt(message.text),
                    _("Reply on the case page: %(link)s") % {"link": link},
                    f"— {settings.BRAND_NAME} Inside Track"])
            EmailMessage(subject=subject, body=body, to=[email], headers={"Content-Language": language},
                         connection=connection).send()
            sent += 1
        return sent
    if case.customer is None:
        return 0
    link = f"{_base()}{reverse('portal:issue_detail', args=[case.pk])}"
    for email, language in owner_recipients(case.customer):
        with translation.override(language):
            subject = _("%(dealer)s replied about your issue") % {"dealer": case.dealer.name}
            body = "\n\n".join([
                _("Hello %(name)s,") % {"name": case.customer.first_name} if case.customer.first_name
                else _("Hello,"),
                _("%(dealer)s replied about \"%(subject)s\":") % {"dealer": case.dealer.name, "subject": case.subject},
                _excerpt(message.text),
                _("Read and answer it here: %(link)s") % {"link": link},
                f"— {case.dealer.name}"])
        EmailMessage(subject=subject, body=body, to=[email], headers={"Content-Language": language},
                     connection=connection).send()
        sent += 1
    return sent

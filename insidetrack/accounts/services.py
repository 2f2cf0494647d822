"""Writes for accounts: API tokens for dealer systems, and the owners' one-time sign-in links.

Owners sign in without a password: they ask for a link on the sign-in page, the e-mail carries a random token (only
its hash is stored), and opening the link signs them in once. Their account is made on first use from the customer
records that carry the address. Staff keep their passwords: a link is never sent to an address whose account holds a
staff membership, so a stolen mailbox cannot bypass a dealer's or head office's password.

Layering: accounts comes before customers in the app order, yet a link is about customers. ``Customer`` is imported
inside the functions that need it (as journeys does with surveys), so importing accounts never loads customers.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from insidetrack.core.roles import STAFF_ROLES, Role
from insidetrack.core.tasks import enqueue_on_commit
from insidetrack.network.models import Dealer

from .models import ApiToken, Membership, SignInEvent, SignInEventKind, SignInLink, User, hash_token

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "de", "fr")
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@transaction.atomic
def api_token_create(*, dealer_code: str, name: str) -> tuple[ApiToken, str]:
    """Issue a token for a dealer system; the raw token is returned once and only its hash is kept."""
    name = name.strip()
    if not name:
        raise ValidationFailed("A token needs a name saying which system uses it", field="name")
    dealer = Dealer.objects.filter(code=dealer_code).first()
    if dealer is None:
        raise NotFound(f"No dealer with code {dealer_code!r}", field="dealer")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(dealer=dealer, name=name, prefix=raw[:10], token_hash=hash_token(raw))
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token working at once; revoking twice keeps the first revocation time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def api_token_mark_used(*, token_pk: int, now: datetime | None = None) -> None:
    """Record that a token was used: a conditional update, so at most one write per token per minute whatever the
    request rate (head office reads "last used" to find tokens nobody needs any more)."""
    now = now or clock.now()
    ApiToken.objects.filter(pk=token_pk).exclude(last_used_at__gte=now - timedelta(minutes=1)).update(
        last_used_at=now)


# --------------------------------------------------------------------------------------------------------------------
# Owners' one-time sign-in links: errors


class TooManyRequests(DomainError):
    """Too many links were asked for the same address or from the same network in the window: try again later."""

    status = 429
    code = "rate_limited"


class _LinkError:
    """Carries the link (when one was found) so the page can answer in its language and offer a new one."""

    def __init__(self, message: str, *, link: SignInLink | None = None) -> None:
        super().__init__(message)
        self.link = link


class SignInLinkInvalid(_LinkError, NotFound):
    """The link was never issued here (forged, truncated or mangled in transit)."""

    code = "invalid_link"


class SignInLinkUsed(_LinkError, Conflict):
    """The link signed someone in already: each link works once."""

    code = "link_used"


class SignInLinkExpired(_LinkError, Conflict):
    """The link is older than its lifetime."""

    status = 410
    code = "link_expired"


class SignInLinkNoAccount(_LinkError, Conflict):
    """The link is genuine but no owner record carries its address any more (erased, or the address changed)."""

    code = "no_account"


# --------------------------------------------------------------------------------------------------------------------
# Requesting a link


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _count_attempt(kind: str, value: str, *, limit: int, window: int, now: datetime) -> int:
    """Count one attempt in the current fixed window of the shared cache; the count after this attempt."""
    bucket = int(now.timestamp()) // window
    key = f"insidetrack:sign-in-link:{kind}:{hash_token(value)}:{bucket}"
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _check_rate_limits(*, email: str, client_ip: str, now: datetime) -> None:
    """Refuse when this address or this client asked too often; both counters move on every attempt.

    The per-address limit stops someone flooding an owner's mailbox; the per-IP limit stops one client probing many
    addresses. Both are counted whether or not the address is known, so the refusal reveals nothing either.
    """
    window = settings.SIGN_IN_LINK_LIMIT_WINDOW
    by_ip = _count_attempt("ip", client_ip or "unknown", limit=settings.SIGN_IN_LINK_LIMIT_PER_IP, window=window,
                           now=now)
    by_email = _count_attempt("email", email, limit=settings.SIGN_IN_LINK_LIMIT_PER_EMAIL, window=window, now=now)
    if by_ip > settings.SIGN_IN_LINK_LIMIT_PER_IP or by_email > settings.SIGN_IN_LINK_LIMIT_PER_EMAIL:
        raise TooManyRequests("Too many sign-in links were requested. Please wait a while and try again.")


def _customers_with_email(email: str):
    """Every live customer record carrying the address, across dealers: the requester has no actor yet, so the
    platform looks them up (through the scoping entry point, as the system)."""
    from insidetrack.customers.models import Customer

    return list(Customer.objects.visible_to(Actor.system()).filter(email__iexact=email, erased_at__isnull=True)
                .select_related("brand").order_by("pk"))


def _has_staff_membership(email: str) -> bool:
    return Membership.objects.filter(user__email__iexact=email, role__in=list(STAFF_ROLES), is_active=True).exists()


def sign_in_link_url(raw_token: str) -> str:
    """The absolute URL an e-mail carries for one link."""
    base = (getattr(settings, "INSIDETRACK_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    return base + reverse("accounts:owner-link-sign-in", kwargs={"token": raw_token})


def sign_in_link_request(*, email: str, client_ip: str, now: datetime | None = None) -> str:
    """Accept a request for a one-time sign-in link and hand it to the background; the normalised address.

    Raises ValidationFailed for something that is not an e-mail address and TooManyRequests over the limits. Whether
    an owner record carries the address is looked up by ``sign_in_link_deliver`` in a task after commit: the answer,
    and with a Celery worker the time it takes, are then the same for a known address and an unknown one (done here,
    the lookup, the stored link and the e-mail made a known address measurably slower to answer).
    """
    from . import tasks

    now = now or clock.now()
    email = _normalise_email(email)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationFailed("Please enter a valid e-mail address.", field="email") from exc
    _check_rate_limits(email=email, client_ip=client_ip, now=now)
    enqueue_on_commit(tasks.deliver_sign_in_link, email=email, requested_at=now.isoformat(),
                      request_id=secrets.token_hex(16))
    return email


def sign_in_link_deliver(*, email: str, request_id: str, now: datetime | None = None) -> SignInLink | None:
    """E-mail a one-time link if an owner record carries ``email``; the link, or None when nothing was sent.

    An unknown address, an erased customer's or a staff account's gets no e-mail and no stored row. The rate limits
    were counted when the request was accepted. ``request_id`` makes a delivery that runs twice (a worker retrying a
    task whose acknowledgement was lost) send one link: the second finds the first's row, or waits on its unique key.
    """
    now = now or clock.now()
    email = _normalise_email(email)
    if SignInLink.objects.filter(request_id=request_id).exists():
        return None
    customers = _customers_with_email(email)
    if not customers or _has_staff_membership(email):
        return None
    raw = "sl_" + secrets.token_urlsafe(32)
    language = customers[0].language if customers[0].language in LANGUAGES else "en"
    lifetime = timedelta(minutes=settings.SIGN_IN_LINK_LIFETIME_MINUTES)
    # The send happens inside the transaction: a mail server that refuses leaves no link and no "requested" row.
    try:
        with transaction.atomic():
            link = SignInLink.objects.create(email=email, token_hash=hash_token(raw), language=language,
                                             created_at=now, expires_at=now + lifetime, request_id=request_id)
            SignInEvent.objects.bulk_create([SignInEvent(customer=c, kind=SignInEventKind.LINK_REQUESTED, at=now,
                                                         link=link) for c in customers])
            _send_link_email(email=email, raw_token=raw, language=language, first_name=customers[0].first_name,
                             brand_name=customers[0].brand.name, minutes=settings.SIGN_IN_LINK_LIFETIME_MINUTES)
    except IntegrityError:  # the same delivery, running at the same moment elsewhere, stored its link first
        return None
    return link


def _send_link_email(*, email: str, raw_token: str, language: str, first_name: str, brand_name: str,
                     minutes: int) -> None:
    with translation.override(language):
        context = {"first_name": first_name, "brand_name": brand_name, "link": sign_in_link_url(raw_token),
                   "minutes": minutes, "language": language}
        subject = " ".join(render_to_string("accounts/email/sign_in_link_subject.txt", context).split())
        message = EmailMultiAlternatives(subject=subject,
                                         body=render_to_string("accounts/email/sign_in_link.txt", context),
                                         to=[email], headers={"Content-Language": language})
        message.attach_alternative(render_to_string("accounts/email/sign_in_link.html", context), "text/html")
        message.send()


# --------------------------------------------------------------------------------------------------------------------
# Using a link


def sign_in_link_get(raw_token: str, *, now: datetime | None = None) -> SignInLink:
    """The link a token belongs to, if it can still be used; the typed error saying why not otherwise.

    Only reads: the page a GET shows must not burn the link (mail scanners open links before the owner does).
    """
    now = now or clock.now()
    if not raw_token or len(raw_token) > 100:
        raise SignInLinkInvalid("This sign-in link is not valid")
    link = SignInLink.objects.filter(token_hash=hash_token(raw_token)).first()
    if link is None:
        raise SignInLinkInvalid("This sign-in link is not valid")
    if link.used_at is not None:
        raise SignInLinkUsed("This sign-in link has been used already", link=link)
    if link.expires_at <= now:
        raise SignInLinkExpired("This sign-in link has expired", link=link)
    return link


def _owner_user(*, email: str, customers: list, now: datetime) -> tuple[User, bool]:
    """The owner's account, made on first use: the e-mail as login, no usable password, the customer's language."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    first = customers[0]
    user = User(username=email, email=email, first_name=first.first_name, last_name=first.last_name,
                preferred_language=first.language if first.language in LANGUAGES else "en", date_joined=now)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same address signed in from two devices at the same instant
        return User.objects.get(email__iexact=email), False
    return user, True


@transaction.atomic
def sign_in_link_use(*, raw_token: str, now: datetime | None = None) -> User:
    """Claim a link once and return the owner account it signs in, creating the account and memberships if needed.

    Every customer record carrying the address gets an owner membership (people sharing an address switch between
    them). The claim is a conditional UPDATE, so a link opened twice at once signs in once.
    """
    now = now or clock.now()
    link = sign_in_link_get(raw_token, now=now)
    customers = _customers_with_email(link.email)
    if not customers or _has_staff_membership(link.email):
        raise SignInLinkNoAccount("No owner account uses this e-mail address any more", link=link)
    claimed = SignInLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if not claimed:
        raise SignInLinkUsed("This sign-in link has been used already", link=link)
    user, created = _owner_user(email=link.email, customers=customers, now=now)
    if not user.is_active:
        raise SignInLinkNoAccount("This account has been closed", link=link)
    for customer in customers:
        Membership.objects.update_or_create(user=user, role=Role.OWNER, customer=customer, region=None, dealer=None,
                                            defaults={"brand_id": customer.brand_id, "is_active": True})
    SignInLink.objects.filter(pk=link.pk).update(user=user)
    events = [SignInEvent(customer=c, kind=SignInEventKind.LINK_USED, at=now, link=link) for c in customers]
    if created:
        events += [SignInEvent(customer=c, kind=SignInEventKind.ACCOUNT_CREATED, at=now, link=link)
                   for c in customers]
    SignInEvent.objects.bulk_create(events)
    return user

"""Owners sign in with a one-time link by e-mail: expiry, single use, forged links, rate limits, no account
enumeration, lazy provisioning of the account and its memberships, and the e-mail in the customer's language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from insidetrack.accounts import services
from insidetrack.accounts.models import Membership, SignInEvent, SignInLink, User, hash_token
from insidetrack.core.personal_data import sections
from insidetrack.core.roles import Role
from insidetrack.customers.tests.factories import CustomerFactory

NEUTRAL = "If an owner account uses"
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters live in the cache, which outlives a test: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(world):
    return CustomerFactory(dealer=world.dealer_a, brand=world.brand, first_name="Jonas", last_name="Weber",
                           email="jonas.weber@example.de", language="de")


def _token(message) -> str:
    return re.search(r"/sign-in/link/(sl_[\w-]+)/", message.body).group(1)


def _page(response, email: str) -> str:
    """The page as the person sees it, without their own address and the per-response CSRF mask."""
    body = response.content.decode().replace(email, "X")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Ask for a link as the sign-in page does, and run what the request queued after commit (the lookup and the
    e-mail), as the embedded default does inline and a worker does in production."""
    def ask(email: str, ip: str = "203.0.113.7"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("accounts:owner-link-request"), {"email": email}, REMOTE_ADDR=ip)
    return ask


@pytest.fixture
def ask_service(django_capture_on_commit_callbacks):
    """The service call, with its queued delivery run."""
    def ask_service(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.sign_in_link_request(**kwargs)
    return ask_service


# --------------------------------------------------------------------------------------------------------------------
# Asking for a link


def test_a_known_address_gets_a_link_in_the_customers_language(client, owner, mailoutbox, ask):
    response = ask("  Jonas.Weber@Example.DE ")
    assert response.status_code == 200
    assert NEUTRAL in response.content.decode()
    (message,) = mailoutbox
    assert message.to == ["jonas.weber@example.de"]
    # Rendered in German (the wording itself comes from the catalogue the lead merges).
    assert message.extra_headers["Content-Language"] == "de"
    assert '<html lang="de">' in message.alternatives[0][0]
    assert "Jonas" in message.body
    raw = _token(message)
    link = SignInLink.objects.get()
    assert link.token_hash == hash_token(raw) and raw not in link.token_hash
    assert link.email == "jonas.weber@example.de" and link.language == "de"
    assert link.expires_at - link.created_at == dt.timedelta(minutes=15)
    assert list(SignInEvent.objects.values_list("customer_id", "kind")) == [(owner.pk, "link_requested")]


@pytest.mark.parametrize("email", ["nobody@example.org", "erased@example.org", "head_office@example.com"])
def test_unknown_erased_or_staff_addresses_get_the_same_answer_and_nothing_is_sent(client, world, owner, mailoutbox,
                                                                                 email, ask):
    CustomerFactory(dealer=world.dealer_a, brand=world.brand, email="erased@example.org", erased_at=timezone.now())
    # A staff account whose address is also on a customer record keeps its password: no link.
    CustomerFactory(dealer=world.dealer_a, brand=world.brand, email="head_office@example.com")
    known = ask(owner.email)
    response = ask(email)
    assert response.status_code == known.status_code == 200
    assert _page(response, email) == _page(known, owner.email)
    assert [m.to for m in mailoutbox] == [[owner.email]]
    assert SignInLink.objects.filter(email=email).count() == 0


def test_the_answer_does_the_same_work_for_a_known_and_an_unknown_address(client, world, owner, mailoutbox):
    """How long the answer takes must not tell whether an owner uses the address: the request itself only checks
    the address and counts it; the lookup, the stored link and the e-mail happen after commit (in a worker, with a
    broker). Before that, a known and an unknown address run the same statements and nothing is sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(email: str) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert ask_without_delivery(email).status_code == 200
        return [re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in queries.captured_queries]

    def ask_without_delivery(email: str):
        return client.post(reverse("accounts:owner-link-request"), {"email": email}, REMOTE_ADDR="203.0.113.7")

    assert statements(owner.email) == statements("nobody@example.org")
    assert mailoutbox == [] and SignInLink.objects.count() == 0


def test_a_delivery_that_runs_twice_sends_one_link(owner, mailoutbox):
    """Workers deliver at least once: a task retried after its acknowledgement was lost must not e-mail twice."""
    first = services.sign_in_link_deliver(email=owner.email, request_id="a" * 32, now=NOW)
    again = services.sign_in_link_deliver(email=owner.email, request_id="a" * 32, now=NOW)
    assert first is not None and again is None
    assert len(mailoutbox) == 1 and SignInLink.objects.count() == 1
    # Another request for the same address is another link.
    assert services.sign_in_link_deliver(email=owner.email, request_id="b" * 32, now=NOW) is not None
    assert len(mailoutbox) == 2


def test_something_that_is_not_an_address_is_refused_and_kept(client, owner, mailoutbox, ask):
    response = ask("jonas.weber-at-example.de")
    assert response.status_code == 422
    body = response.content.decode()
    assert "Please enter a valid e-mail address." in body
    assert 'value="jonas.weber-at-example.de"' in body
    assert mailoutbox == [] and SignInLink.objects.count() == 0


def test_links_per_address_are_limited(client, owner, mailoutbox, settings, ask):
    settings.SIGN_IN_LINK_LIMIT_PER_EMAIL = 3
    statuses = [ask(owner.email, ip=f"198.51.100.{i}").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert len(mailoutbox) == 3 and SignInLink.objects.count() == 3
    refused = ask(owner.email, ip="198.51.100.99")
    assert "Too many sign-in links were requested. Please wait a while and try again." in refused.content.decode()
    # Another owner is not held back by this address's count.
    other = CustomerFactory(dealer=owner.dealer, brand=owner.brand, email="other@example.org")
    assert ask(other.email, ip="198.51.100.50").status_code == 200


def test_links_per_client_ip_are_limited_across_addresses(client, owner, mailoutbox, settings, ask):
    settings.SIGN_IN_LINK_LIMIT_PER_IP = 2
    statuses = [ask(email, ip="203.0.113.9").status_code
                for email in ("a@example.org", "b@example.org", owner.email)]
    assert statuses == [200, 200, 429]  # the third is refused even though it is a known address
    assert mailoutbox == []
    assert ask(owner.email, ip="203.0.113.10").status_code == 200
    assert len(mailoutbox) == 1


def test_the_limit_window_passes(owner, mailoutbox, settings, ask_service):
    settings.SIGN_IN_LINK_LIMIT_PER_EMAIL = 1
    ask_service(email=owner.email, client_ip="1.2.3.4", now=NOW)
    with pytest.raises(services.TooManyRequests):
        ask_service(email=owner.email, client_ip="1.2.3.4", now=NOW + dt.timedelta(minutes=5))
    ask_service(email=owner.email, client_ip="1.2.3.4", now=NOW + dt.timedelta(hours=1))
    assert len(mailoutbox) == 2


def test_the_client_ip_comes_from_the_configured_proxy_header(client, owner, mailoutbox, settings):
    settings.SIGN_IN_LINK_LIMIT_PER_IP = 1
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    url = reverse("accounts:owner-link-request")
    assert client.post(url, {"email": "x@example.org"}, HTTP_X_FORWARDED_FOR="10.0.0.1, 192.0.2.1").status_code == 200
    assert client.post(url, {"email": "y@example.org"}, HTTP_X_FORWARDED_FOR="10.0.0.2, 192.0.2.2").status_code == 200
    assert client.post(url, {"email": "z@example.org"}, HTTP_X_FORWARDED_FOR="10.0.0.3, 192.0.2.1").status_code == 429


# --------------------------------------------------------------------------------------------------------------------
# Opening the link


def _link_for(ask, owner, mailoutbox) -> str:
    ask(owner.email)
    return reverse("accounts:owner-link-sign-in", kwargs={"token": _token(mailoutbox[-1])})


def test_opening_the_link_shows_a_button_and_burns_nothing(client, owner, mailoutbox, ask):
    url = _link_for(ask, owner, mailoutbox)
    for _ in range(3):  # a mail scanner's prefetch, then the owner
        page = client.get(url)
        assert page.status_code == 200
        assert '<html lang="de">' in page.content.decode()  # the page speaks the owner's language
        assert "jonas.weber@example.de" in page.content.decode()
    assert SignInLink.objects.get().used_at is None
    assert User.objects.filter(email=owner.email).count() == 0
    assert "_auth_user_id" not in client.session


def test_first_use_provisions_the_owner_and_signs_them_in(client, owner, mailoutbox, ask):
    url = _link_for(ask, owner, mailoutbox)
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert response.cookies["django_language"].value == "de"
    user = User.objects.get(email=owner.email)
    assert (user.username, user.first_name, user.last_name, user.preferred_language) == (
        "jonas.weber@example.de", "Jonas", "Weber", "de")
    assert not user.has_usable_password()
    assert list(user.memberships.values_list("role", "customer_id", "brand_id", "is_active")) == [
        (Role.OWNER, owner.pk, owner.brand_id, True)]
    assert int(client.session["_auth_user_id"]) == user.pk
    link = SignInLink.objects.get()
    assert link.used_at is not None and link.user_id == user.pk
    assert sorted(SignInEvent.objects.values_list("kind", flat=True)) == [
        "account_created", "link_requested", "link_used"]
    portal = client.get(reverse("portal:home"))
    assert portal.status_code == 200


def test_a_link_works_once(client, owner, mailoutbox, ask):
    url = _link_for(ask, owner, mailoutbox)
    assert client.post(url).status_code == 302
    client.logout()
    for method in (client.get, client.post):
        again = method(url)
        assert again.status_code == 409
        body = again.content.decode()
        assert '<html lang="de">' in body
        # English until the lead merges the German catalogue, German after.
        assert ("This sign-in link has been used already" in body
                or "Dieser Anmeldelink wurde bereits verwendet" in body)
    assert "_auth_user_id" not in client.session
    assert SignInEvent.objects.filter(kind="link_used").count() == 1


def test_the_claim_is_atomic(owner, mailoutbox, ask_service):
    ask_service(email=owner.email, client_ip="1.2.3.4")
    raw = _token(mailoutbox[-1])
    link = SignInLink.objects.get()
    SignInLink.objects.filter(pk=link.pk).update(used_at=timezone.now())  # another request claimed it first
    with pytest.raises(services.SignInLinkUsed):
        services.sign_in_link_use(raw_token=raw)
    assert User.objects.filter(email=owner.email).count() == 0


def test_an_expired_link_is_refused_and_offers_a_new_one(client, owner, mailoutbox, ask):
    url = _link_for(ask, owner, mailoutbox)
    SignInLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 410
        body = response.content.decode()
        assert reverse("accounts:owner-link-request") in body
        assert 'value="jonas.weber@example.de"' in body
    assert "_auth_user_id" not in client.session
    assert User.objects.filter(email=owner.email).count() == 0


def test_the_link_lifetime_is_a_setting(owner, mailoutbox, settings, ask_service):
    settings.SIGN_IN_LINK_LIFETIME_MINUTES = 10
    ask_service(email=owner.email, client_ip="1.2.3.4", now=NOW)
    raw = _token(mailoutbox[-1])
    with pytest.raises(services.SignInLinkExpired):
        services.sign_in_link_use(raw_token=raw, now=NOW + dt.timedelta(minutes=10))
    assert services.sign_in_link_use(raw_token=raw, now=NOW + dt.timedelta(minutes=9, seconds=59)).email == owner.email


@pytest.mark.parametrize("token", ["sl_forged-token-that-was-never-issued", "x" * 150])
def test_a_forged_link_is_refused(client, owner, token):
    response = client.get(reverse("accounts:owner-link-sign-in", kwargs={"token": token}))
    assert response.status_code == 404
    assert "This sign-in link is not valid" in response.content.decode()
    assert client.post(reverse("accounts:owner-link-sign-in", kwargs={"token": token})).status_code == 404
    assert "_auth_user_id" not in client.session


def test_customers_sharing_an_address_get_one_membership_each(client, world, owner, mailoutbox, ask):
    partner = CustomerFactory(dealer=world.dealer_c, brand=world.brand, first_name="Lena", email=owner.email,
                              language="de")
    client.post(_link_for(ask, owner, mailoutbox))
    user = User.objects.get(email=owner.email)
    assert sorted(user.memberships.values_list("customer_id", flat=True)) == sorted([owner.pk, partner.pk])
    assert SignInEvent.objects.filter(kind="link_used").count() == 2
    # Next time, the same account is reused: no second user, no duplicate membership.
    client.logout()
    client.post(_link_for(ask, owner, mailoutbox))
    assert User.objects.filter(email=owner.email).count() == 1
    assert Membership.objects.filter(user=user).count() == 2
    assert SignInEvent.objects.filter(kind="account_created").count() == 2  # once per customer, at the first use


def test_an_existing_owner_account_keeps_its_password_and_gains_nothing_twice(client, world, mailoutbox, ask):
    user = world.users["owner"]
    customer = world.customers["a"]
    customer.email = user.email
    customer.save()
    client.post(_link_for(ask, customer, mailoutbox))
    assert int(client.session["_auth_user_id"]) == user.pk
    user.refresh_from_db()
    assert user.has_usable_password()
    assert Membership.objects.filter(user=user).count() == 1


def test_an_address_erased_after_the_link_was_sent_cannot_sign_in(client, owner, mailoutbox, ask):
    owner.language = "en"
    owner.save()
    url = _link_for(ask, owner, mailoutbox)
    owner.erased_at = timezone.now()
    owner.save()
    response = client.post(url)
    assert response.status_code == 409
    assert "No owner account uses this e-mail address any more." in response.content.decode()
    assert User.objects.filter(email=owner.email).count() == 0
    assert SignInLink.objects.get().used_at is None


def test_the_sign_in_page_offers_the_link_and_keeps_the_password(client):
    body = client.get(reverse("login")).content.decode()
    assert reverse("accounts:owner-link-request") in body
    assert 'name="password"' in body


# --------------------------------------------------------------------------------------------------------------------
# Personal data


def test_the_account_section_exports_and_erases(client, owner, mailoutbox, ask):
    client.post(_link_for(ask, owner, mailoutbox))
    section = next(s for s in sections() if s.key == "account")
    exported = section.export(owner.pk)
    assert [a["email"] for a in exported["accounts"]] == [owner.email]
    assert [m["customer"] for m in exported["accounts"][0]["memberships"]] == [owner.pk]
    assert sorted(e["what"] for e in exported["sign_ins"]) == ["account_created", "link_requested", "link_used"]

    user = User.objects.get(email=owner.email)
    assert section.erase(owner.pk, timezone.now()) == 3  # the link, the membership, the user
    user.refresh_from_db()
    assert (user.is_active, user.email, user.username, user.first_name, user.last_name) == (
        False, f"erased-{user.pk}@erased.invalid", f"erased-{user.pk}@erased.invalid", "", "")
    assert SignInLink.objects.count() == 0
    assert SignInEvent.objects.filter(customer=owner).count() == 3  # the counts stay
    assert section.erase(owner.pk, timezone.now()) == 0  # idempotent

"""Personal-data requests: who may ask, who may process, the transition table, the audit, and the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from insidetrack.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from insidetrack.core.tests.pages import client_for, tables_of
from insidetrack.privacy.models import PrivacyRequest, PrivacyRequestEvent
from insidetrack.privacy.policies import due_on
from insidetrack.privacy.services import (
    privacy_request_create,
    privacy_request_process,
    privacy_request_refuse,
)

pytestmark = pytest.mark.django_db
ROLES = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer", "owner", "anonymous"]
NOW = dt.datetime(2026, 1, 31, 10, tzinfo=dt.UTC)


def test_due_date_is_one_calendar_month_later() -> None:
    assert due_on(dt.datetime(2026, 1, 31, 10, tzinfo=dt.UTC)) == dt.date(2026, 2, 28)
    assert due_on(dt.datetime(2028, 1, 31, 10, tzinfo=dt.UTC)) == dt.date(2028, 2, 29)
    assert due_on(dt.datetime(2026, 12, 15, 10, tzinfo=dt.UTC)) == dt.date(2027, 1, 15)


def test_an_owner_asks_for_erasure_for_themselves_only(world) -> None:
    owner = world.actors["owner"]

    request = privacy_request_create(actor=owner, kind="erasure", customer_pk=world.customers["c"].pk, now=NOW)

    assert (request.customer_id, request.status, request.channel, request.due_on) == (
        world.customers["a"].pk, "requested", "portal", dt.date(2026, 2, 28))
    assert request.reference.startswith("PD-") and world.customers["a"].last_name not in request.reference
    event = request.events.get()
    assert (event.kind, event.actor_id, event.actor_name) == ("requested", None, "the owner")


@pytest.mark.parametrize("role", ["region_manager", "dealer_principal", "dealer_staff", "other_dealer", "anonymous"])
def test_staff_other_than_head_office_and_anonymous_cannot_ask(world, role) -> None:
    with pytest.raises(PermissionDenied):
        privacy_request_create(actor=world.actors[role], kind="erasure", customer_pk=world.customers["a"].pk)
    assert PrivacyRequest.objects.count() == 0


def test_a_second_open_request_of_the_same_kind_is_refused(world) -> None:
    privacy_request_create(actor=world.actors["owner"], kind="erasure", now=NOW)
    with pytest.raises(Conflict, match="already waiting"):
        privacy_request_create(actor=world.actors["owner"], kind="erasure", now=NOW)
    assert PrivacyRequest.objects.count() == 1


def test_an_unknown_kind_names_the_field(world) -> None:
    with pytest.raises(ValidationFailed) as error:
        privacy_request_create(actor=world.actors["owner"], kind="delete-everything")
    assert error.value.field == "kind"


def test_head_office_processes_an_erasure_with_an_audit_that_survives_it(world) -> None:
    customer = world.customers["a"]
    request = privacy_request_create(actor=world.actors["owner"], kind="erasure", now=NOW)

    processed = privacy_request_process(actor=world.actors["head_office"], request_pk=request.pk,
                                        now=NOW + dt.timedelta(days=3))

    assert (processed.status, processed.completed_at, processed.processed_by_id) == (
        "completed", NOW + dt.timedelta(days=3), world.users["head_office"].pk)
    assert processed.rows_changed["profile"] == 1
    assert processed.rows_changed["surveys"] == 1  # the response's verbatim (invitation hash and nonce were empty)
    customer.refresh_from_db()
    assert (customer.first_name, customer.erased_at) == ("", NOW + dt.timedelta(days=3))
    history = list(PrivacyRequestEvent.objects.filter(request=request).values_list("kind", "actor_name"))
    staff_name = world.users["head_office"].get_full_name()
    assert history == [("requested", "the owner"), ("processing", staff_name), ("completed", staff_name)]
    completed = PrivacyRequestEvent.objects.get(request=request, kind="completed")
    assert completed.data["rows"] == processed.rows_changed
    # The audit holds no name of the person.
    audit = json.dumps(list(PrivacyRequest.objects.values()), default=str) + json.dumps(
        list(PrivacyRequestEvent.objects.values()), default=str)
    assert "CustomerA" not in audit


def test_processing_ends_the_owners_sign_in_when_the_account_section_is_registered(world) -> None:
    """The ``account`` section (owner sign-in) deactivates the owner's user: their session stops working."""
    from insidetrack.core.personal_data import sections

    client = client_for(world, "owner")
    assert client.get("/my/data/").status_code == 200
    request = privacy_request_create(actor=world.actors["owner"], kind="erasure")
    privacy_request_process(actor=world.actors["head_office"], request_pk=request.pk)

    if "account" in {section.key for section in sections()}:
        world.users["owner"].refresh_from_db()
        assert world.users["owner"].is_active is False
        assert client.get("/my/data/").status_code == 302  # back to sign-in


@pytest.mark.parametrize("role", ["region_manager", "dealer_principal", "dealer_staff", "other_dealer", "owner",
                                  "anonymous"])
def test_only_head_office_processes_or_refuses(world, role) -> None:
    request = privacy_request_create(actor=world.actors["owner"], kind="erasure", now=NOW)
    with pytest.raises(PermissionDenied):
        privacy_request_process(actor=world.actors[role], request_pk=request.pk)
    with pytest.raises(PermissionDenied):
        privacy_request_refuse(actor=world.actors[role], request_pk=request.pk, reason="No")
    request.refresh_from_db()
    assert (request.status, request.events.count()) == ("requested", 1)
    world.customers["a"].refresh_from_db()
    assert world.customers["a"].erased_at is None


def test_transitions_refuse_bad_moves(world) -> None:
    head_office = world.actors["head_office"]
    request = privacy_request_create(actor=world.actors["owner"], kind="erasure", now=NOW)
    privacy_request_refuse(actor=head_office, request_pk=request.pk, reason="An open legal claim needs the records")

    with pytest.raises(InvalidTransition, match="“Refused” cannot become “Processing”"):
        privacy_request_process(actor=head_office, request_pk=request.pk)
    with pytest.raises(InvalidTransition):
        privacy_request_refuse(actor=head_office, request_pk=request.pk, reason="Again")

    request.refresh_from_db()
    assert (request.status, request.refusal_reason) == ("refused", "An open legal claim needs the records")
    assert list(request.events.values_list("kind", flat=True)) == ["requested", "refused"]
    world.customers["a"].refresh_from_db()
    assert world.customers["a"].erased_at is None

    done = privacy_request_create(actor=world.actors["owner"], kind="erasure", now=NOW)
    privacy_request_process(actor=head_office, request_pk=done.pk)
    with pytest.raises(InvalidTransition):
        privacy_request_process(actor=head_office, request_pk=done.pk)


def test_a_refusal_needs_a_reason(world) -> None:
    request = privacy_request_create(actor=world.actors["owner"], kind="erasure", now=NOW)
    with pytest.raises(ValidationFailed) as error:
        privacy_request_refuse(actor=world.actors["head_office"], request_pk=request.pk, reason="  ")
    assert error.value.field == "reason"
    request.refresh_from_db()
    assert request.status == "requested"


def test_an_erased_customer_cannot_be_asked_for_again(world) -> None:
    request = privacy_request_create(actor=world.actors["owner"], kind="erasure")
    privacy_request_process(actor=world.actors["head_office"], request_pk=request.pk)
    with pytest.raises(Conflict, match="already erased"):
        privacy_request_create(actor=world.actors["head_office"], kind="export", customer_pk=world.customers["a"].pk)


# --------------------------------------------------------------------------------------------------------------------
# Pages


@pytest.mark.parametrize("role", ROLES)
def test_my_data_page_is_the_owners_own(world, role) -> None:
    response = client_for(world, role).get("/my/data/")
    if role == "owner":
        assert response.status_code == 200
        body = response.content.decode()
        assert "CustomerA" in body and "Friend of A" in body
        assert "CustomerB" not in body and "CustomerC" not in body
    else:
        assert response.status_code in (302, 403)


def test_my_data_page_names_codes_in_words_and_the_download_keeps_them(world) -> None:
    """The readable page says "Sign-in link requested" and "Surveyed recently (contact limit)"; the JSON keeps the
    stable codes a program reads."""
    import re

    from insidetrack.accounts.models import SignInEvent
    from insidetrack.surveys.tests.factories import InvitationFactory

    customer = world.customers["a"]
    SignInEvent.objects.create(customer=customer, kind="link_requested", at=NOW)
    InvitationFactory(event__customer=customer, skip_reason="contacted_recently")
    client = client_for(world, "owner")

    body = client.get("/my/data/").content.decode()
    assert "Sign-in link requested" in body and "Surveyed recently (contact limit)" in body
    assert not re.findall(r">\s*[a-z]+_[a-z_]+\s*<", body)
    download = client.get("/my/data/download/").content.decode()
    assert '"link_requested"' in download and '"contacted_recently"' in download


@pytest.mark.parametrize("role", ROLES)
def test_download_is_the_owners_own_and_recorded(world, role) -> None:
    response = client_for(world, role).get("/my/data/download/")
    if role == "owner":
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
        document = json.loads(response.content)
        assert document["sections"][0]["data"]["first_name"] == "CustomerA"
        assert list(PrivacyRequest.objects.values_list("kind", "status", "customer_id")) == [
            ("export", "completed", world.customers["a"].pk)]
    else:
        assert response.status_code in (302, 403)
        assert PrivacyRequest.objects.count() == 0


def test_owner_confirms_erasure_and_sees_the_due_date(world) -> None:
    client = client_for(world, "owner")
    confirm = client.get("/my/data/erase/").content.decode()
    assert "What will be erased" in confirm and "What is kept, without your name" in confirm

    unconfirmed = client.post("/my/data/erase/", {})
    assert unconfirmed.status_code == 422
    assert PrivacyRequest.objects.count() == 0

    response = client.post("/my/data/erase/", {"confirm": "yes"}, follow=True)
    request = PrivacyRequest.objects.get()
    assert (request.kind, request.status, request.customer_id) == ("erasure", "requested", world.customers["a"].pk)
    body = response.content.decode()
    assert f"request {request.reference}" in body
    assert request.due_on.strftime("%-d %B %Y") in body


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_and_its_actions_are_head_offices_only(world, role) -> None:
    request = privacy_request_create(actor=world.actors["owner"], kind="erasure", now=NOW)
    client = client_for(world, role)

    pages = [client.get("/privacy/"), client.get(f"/privacy/{request.pk}/"),
             client.post(f"/privacy/{request.pk}/process/"),
             client.post("/privacy/new/", {"customer": str(world.customers["b"].pk), "kind": "export"})]

    if role == "head_office":
        assert [p.status_code for p in pages] == [200, 200, 302, 302]
        request.refresh_from_db()
        assert request.status == "completed"
        assert PrivacyRequest.objects.filter(customer=world.customers["b"], kind="export").count() == 1
    else:
        assert all(p.status_code in (302, 403) for p in pages)
        request.refresh_from_db()
        assert request.status == "requested"
        assert PrivacyRequest.objects.count() == 1


def test_queue_lists_open_requests_soonest_due_first_without_names(world) -> None:
    late = privacy_request_create(actor=world.actors["head_office"], kind="erasure",
                                  customer_pk=world.customers["b"].pk, now=timezone.now() - dt.timedelta(days=40))
    soon = privacy_request_create(actor=world.actors["owner"], kind="export", now=timezone.now())

    page = client_for(world, "head_office").get("/privacy/")

    rows = tables_of(page.content.decode())["requests"]
    assert rows[0] == ["Reference", "Kind", "Status", "Received through", "Requested", "Due"]
    assert [row[0] for row in rows[1:]] == [late.reference, soon.reference]
    assert rows[1][1:4] == ["Erasure", "Requested", "Recorded by head office"]
    assert rows[1][5].endswith("overdue")
    assert "CustomerB" not in page.content.decode()


def test_head_office_downloads_a_completed_copy(world) -> None:
    request = privacy_request_create(actor=world.actors["head_office"], kind="export",
                                     customer_pk=world.customers["b"].pk)
    client = client_for(world, "head_office")
    assert client.get(f"/privacy/{request.pk}/download.json").status_code == 302  # not processed yet
    privacy_request_process(actor=world.actors["head_office"], request_pk=request.pk)

    document = json.loads(client.get(f"/privacy/{request.pk}/download.json").content)

    assert document["sections"][0]["data"]["first_name"] == "CustomerB"
    assert list(request.events.values_list("kind", flat=True)) == ["requested", "processing", "completed",
                                                                   "downloaded"]


# --------------------------------------------------------------------------------------------------------------------
# API


@pytest.mark.parametrize("role", ROLES)
def test_the_api_queue_is_head_offices_only(world, role) -> None:
    request = privacy_request_create(actor=world.actors["owner"], kind="erasure", now=NOW)
    client = client_for(world, role)

    listing = client.get("/api/v1/privacy/requests")
    detail = client.get(f"/api/v1/privacy/requests/{request.pk}")

    if role == "head_office":
        assert listing.status_code == 200
        assert [(row["reference"], row["kind"], row["status"], row["due_on"]) for row in listing.json()["items"]] == [
            (request.reference, "erasure", "requested", "2026-02-28")]
        body = detail.json()
        assert (body["is_overdue"], [e["kind"] for e in body["events"]]) == (True, ["requested"])
        assert "CustomerA" not in listing.content.decode() + detail.content.decode()
    else:
        expected = 401 if role == "anonymous" else 403
        assert (listing.status_code, detail.status_code) == (expected, expected)


def test_the_api_names_a_bad_filter(world) -> None:
    response = client_for(world, "head_office").get("/api/v1/privacy/requests?show=everything")
    assert response.status_code == 422
    assert response.json()["field"] == "show"


def test_the_queue_reads_in_a_fixed_number_of_queries(world) -> None:
    """As many queries for many requests as for one (session, user, membership, counts, rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world, "head_office")
    privacy_request_create(actor=world.actors["head_office"], kind="export", customer_pk=world.customers["a"].pk)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/privacy/?show=all").status_code == 200
    for key in ("b", "c"):
        privacy_request_create(actor=world.actors["head_office"], kind="erasure", customer_pk=world.customers[key].pk)
    with CaptureQueriesContext(connection) as three:
        assert client.get("/privacy/?show=all").status_code == 200
    assert len(three) == len(one)

"""The cases API: every endpoint's success, its refusals by role (with nothing changed), invalid transitions (409),
validation (422 naming the field), and scores that are simply absent for dealers under the default policy."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from insidetrack.accounts.models import ApiToken, hash_token
from insidetrack.cases.models import Case, CaseEvent, Goodwill
from insidetrack.cases.services import root_causes_for
from insidetrack.core.tests.pages import client_for
from insidetrack.network.models import Brand

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
OPENED = NOW - 2 * H


@pytest.fixture
def api(world, monkeypatch):
    """The world's cases opened two hours before a frozen now: 22 hours left to respond, 118 to resolve."""
    monkeypatch.setattr("insidetrack.core.clock.now", lambda: NOW)
    Case.objects.update(opened_at=OPENED, respond_by=OPENED + 24 * H)
    Case.objects.filter(kind="recovery").update(resolve_by=OPENED + 120 * H)
    CaseEvent.objects.update(at=OPENED)
    Goodwill.objects.update(requested_at=OPENED)
    return world


def case_of(world, key: str) -> Case:
    return Case.objects.get(customer=world.customers[key])


def token_client(dealer) -> Client:
    raw = ApiToken.generate()
    ApiToken.objects.create(dealer=dealer, name="DMS", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def send(client: Client, method: str, path: str, body: dict | None = None):
    return getattr(client, method)(path, data=json.dumps(body or {}), content_type="application/json")


def snapshot(case: Case) -> tuple:
    """What a refused request must leave alone: the case row, its log and its goodwill."""
    row = Case.objects.filter(pk=case.pk).values().get()
    events = list(CaseEvent.objects.filter(case=case).values_list("pk", "kind"))
    goodwill = list(Goodwill.objects.filter(case=case).values_list("pk", "status", "decided_at"))
    return row, events, goodwill


def field_at_fault(answer) -> str:
    """The field a 422 names: ``field`` in a service's error, the field in ``loc`` in a schema's (whose path is
    ``["query", field]`` or ``["body", "payload", field, index...]``)."""
    body = answer.json()
    if "field" in body:
        return body["field"]
    assert len(body["detail"]) == 1, body
    return next(str(part) for part in body["detail"][0]["loc"] if part not in ("query", "body", "payload"))


SCORE_KEYS = ('"score"', '"follow_up_score"')


def has_score_keys(answer) -> bool:
    text = answer.content.decode()
    return any(key in text for key in SCORE_KEYS)


# --- list ----------------------------------------------------------------------------------------------------------

EXPECTED_DEALERS = {"head_office": "abc", "region_manager": "ab", "dealer_principal": "a", "dealer_staff": "a",
                    "other_dealer": "c"}


@pytest.mark.parametrize("role", list(EXPECTED_DEALERS))
def test_list_is_scoped_per_role(api, role):
    answer = client_for(api, role).get("/api/v1/cases")
    assert answer.status_code == 200
    body = answer.json()
    dealers = {"a": api.dealer_a.code, "b": api.dealer_b.code, "c": api.dealer_c.code}
    assert body["count"] == len(EXPECTED_DEALERS[role])
    assert sorted(item["dealer_code"] for item in body["items"]) == sorted(dealers[k] for k in EXPECTED_DEALERS[role])


def test_owner_and_anonymous_get_no_list(api):
    owner = client_for(api, "owner").get("/api/v1/cases")
    assert owner.status_code == 403 and owner.json()["code"] == "forbidden"
    assert Client().get("/api/v1/cases").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer it_forged").get("/api/v1/cases").status_code == 401


def test_list_item_has_deadlines_and_the_action(api):
    body = client_for(api, "region_manager").get(f"/api/v1/cases?dealer={api.dealer_b.code}").json()
    case = case_of(api, "b")
    assert body["count"] == 1
    item = body["items"][0]
    expected = {
        "pk": case.pk, "kind": "recovery", "status": "new", "source": "survey", "dealer_code": api.dealer_b.code,
        "dealer_name": "Dealer B", "department": "sales", "touchpoint": "handover",
        "action": "Call to apologise, listen and put it right", "subject": "",
        "verbatim": case.response.verbatim, "customer_pk": api.customers["b"].pk,
        "customer_name": f"CustomerB {api.customers['b'].last_name}", "assignee": None, "assignee_name": "",
        "opened_at": "2026-03-02T10:00:00Z", "respond_by": "2026-03-03T10:00:00Z",
        "resolve_by": "2026-03-07T10:00:00Z", "first_contact_at": None, "contacted_at": None,
        "in_progress_at": None, "resolved_at": None, "verified_at": None, "reopened_at": None, "closed_at": None,
        "reopen_count": 0, "deadline": "2026-03-03T10:00:00Z", "is_overdue": False,
        "time_left_seconds": 22 * 3600, "escalation_level": 0, "escalated_to_region_at": None,
        "escalated_to_head_office_at": None, "root_cause": None, "resolution": "", "follow_up_at": None,
        "follow_up_answered_at": None, "allowed_transitions": ["closed", "contacted", "in_progress"],
        "score": 3, "follow_up_score": None,
    }
    assert item == expected


def test_overdue_case_shows_negative_time_left(api):
    case = case_of(api, "c")
    Case.objects.filter(pk=case.pk).update(respond_by=NOW - 90 * dt.timedelta(seconds=60), escalation_level=1,
                                           escalated_to_region_at=NOW - H)
    item = client_for(api, "head_office").get(f"/api/v1/cases/{case.pk}").json()
    assert (item["is_overdue"], item["time_left_seconds"], item["escalation_level"]) == (True, -5400, 1)
    assert item["escalated_to_region_at"] == "2026-03-02T11:00:00Z"


@pytest.mark.parametrize(("query", "expected"), [
    ("", "abc"), ("status=new", "abc"), ("status=closed", ""), ("kind=recovery", "bc"), ("kind=thank_you", "a"),
    ("department=service", "c"), ("department=sales", "ab"), ("overdue=true", "b"), ("overdue=false", "ac"),
    ("escalated=true", "c"), ("escalated=false", "ab"), ("kind=recovery&escalated=false", "b"),
])
def test_list_filters(api, query, expected):
    Case.objects.filter(pk=case_of(api, "c").pk).update(department="service", escalation_level=1)
    Case.objects.filter(pk=case_of(api, "b").pk).update(respond_by=NOW - H)
    dealer_of = {api.dealer_a.code: "a", api.dealer_b.code: "b", api.dealer_c.code: "c"}
    body = client_for(api, "head_office").get(f"/api/v1/cases?{query}").json()
    assert "".join(sorted(dealer_of[item["dealer_code"]] for item in body["items"])) == expected
    assert body["count"] == len(expected)


def test_list_filters_by_dealer_code_within_scope_only(api):
    client = client_for(api, "dealer_principal")
    assert client.get(f"/api/v1/cases?dealer={api.dealer_c.code}").json() == {"count": 0, "items": []}
    assert client.get(f"/api/v1/cases?dealer={api.dealer_a.code}").json()["count"] == 1


def test_list_pages_newest_first(api):
    Case.objects.filter(pk=case_of(api, "c").pk).update(opened_at=OPENED + H)
    client = client_for(api, "head_office")
    first = client.get("/api/v1/cases?limit=1").json()
    assert first["count"] == 3 and [i["pk"] for i in first["items"]] == [case_of(api, "c").pk]
    rest = client.get("/api/v1/cases?limit=2&offset=1").json()
    assert sorted(i["pk"] for i in rest["items"]) == sorted([case_of(api, "a").pk, case_of(api, "b").pk])


@pytest.mark.parametrize(("query", "field"), [("status=done", "status"), ("kind=complaint", "kind"),
                                              ("department=bakery", "department"), ("overdue=maybe", "overdue"),
                                              ("limit=0", "limit"), ("limit=201", "limit"), ("offset=-1", "offset")])
def test_invalid_filters_are_a_clear_422(api, query, field):
    answer = client_for(api, "head_office").get(f"/api/v1/cases?{query}")
    assert answer.status_code == 422
    assert field_at_fault(answer) == field


# --- detail --------------------------------------------------------------------------------------------------------


def test_detail_has_events_and_goodwill(api):
    case = case_of(api, "b")
    body = client_for(api, "region_manager").get(f"/api/v1/cases/{case.pk}").json()
    assert body["pk"] == case.pk and body["score"] == 3
    created = CaseEvent.objects.get(case=case)
    assert body["events"] == [{"pk": created.pk, "at": "2026-03-02T10:00:00Z",
                               "kind": "created", "actor_name": "Inside Track", "from_status": "",
                               "to_status": "new", "detail": "Recovery case", "outcome": ""}]
    goodwill = Goodwill.objects.get(case=case)
    assert body["goodwill"] == [{"pk": goodwill.pk, "case_pk": case.pk, "description": "Valet", "amount": "50.00",
                                 "currency": "EUR", "status": "approved",
                                 "requested_at": "2026-03-02T10:00:00Z",
                                 "decided_at": None, "decision_note": ""}]


@pytest.mark.parametrize(("role", "status"), [("head_office", 200), ("region_manager", 404),
                                              ("dealer_principal", 404), ("dealer_staff", 404),
                                              ("other_dealer", 200), ("owner", 403), ("anonymous", 401)])
def test_detail_by_role(api, role, status):
    answer = client_for(api, role).get(f"/api/v1/cases/{case_of(api, 'c').pk}")
    assert answer.status_code == status
    if status == 404:
        assert answer.json() == {"code": "not_found", "detail": "case not found", "field": None}


def test_unknown_case_is_404(api):
    assert client_for(api, "head_office").get("/api/v1/cases/999999").status_code == 404


# --- scores --------------------------------------------------------------------------------------------------------


def test_dealer_json_has_no_score_keys_under_the_default_policy(api):
    case = case_of(api, "a")
    Case.objects.filter(pk=case.pk).update(follow_up_score=10)
    for client in (client_for(api, "dealer_principal"), client_for(api, "dealer_staff"), token_client(api.dealer_a)):
        listing = client.get("/api/v1/cases")
        detail = client.get(f"/api/v1/cases/{case.pk}")
        assert listing.status_code == detail.status_code == 200
        assert listing.json()["count"] == 1
        assert not has_score_keys(listing) and not has_score_keys(detail)
        assert "score" not in detail.json() and "follow_up_score" not in detail.json()
    answer = send(client_for(api, "dealer_staff"), "post", f"/api/v1/cases/{case.pk}/notes", {"text": "Left a card"})
    assert answer.status_code == 201
    answer = send(client_for(api, "dealer_staff"), "put", f"/api/v1/cases/{case.pk}/assignee", {"user": None})
    assert answer.status_code == 200 and not has_score_keys(answer)


def test_dealers_see_scores_when_the_brand_allows_it(api):
    Brand.objects.filter(pk=api.brand.pk).update(dealers_see_scores=True)
    case = case_of(api, "a")
    Case.objects.filter(pk=case.pk).update(follow_up_score=10)
    detail = client_for(api, "dealer_staff").get(f"/api/v1/cases/{case.pk}").json()
    assert (detail["score"], detail["follow_up_score"]) == (10, 10)
    item = token_client(api.dealer_a).get("/api/v1/cases").json()["items"][0]
    assert (item["score"], item["follow_up_score"]) == (10, 10)


def test_head_office_and_region_always_see_scores(api):
    for role in ("head_office", "region_manager"):
        items = client_for(api, role).get("/api/v1/cases").json()["items"]
        assert sorted(item["score"] for item in items) == ([3, 3, 10] if role == "head_office" else [3, 10])


def test_openapi_declares_both_shapes_and_the_errors(api):
    schema = Client().get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    assert "score" not in components["CaseOut"]["properties"]
    assert "score" in components["CaseWithScoresOut"]["properties"]
    responses = schema["paths"]["/api/v1/cases/{pk}/transition"]["post"]["responses"]
    assert sorted(responses) == ["200", "401", "403", "404", "409", "422"]
    for path in ("/api/v1/cases", "/api/v1/cases/{pk}", "/api/v1/cases/{pk}/calls", "/api/v1/cases/{pk}/notes",
                 "/api/v1/cases/{pk}/root-cause", "/api/v1/cases/{pk}/resolution", "/api/v1/cases/{pk}/assignee",
                 "/api/v1/cases/{pk}/goodwill", "/api/v1/cases/goodwill/{pk}/decision",
                 "/api/v1/cases/complete-calls", "/api/v1/cases/measures"):
        assert path in schema["paths"]


# --- refusals: every write, every role that may not do it ------------------------------------------------------------


def pending_goodwill(world) -> Goodwill:
    case = case_of(world, "a")
    return Goodwill.objects.create(case=case, description="Loan car for a week", amount=Decimal("700"),
                                   status="pending", requested_at=OPENED)


WRITES = {
    "transition": ("post", "transition", {"status": "contacted"}),
    "calls": ("post", "calls", {"outcome": "reached"}),
    "notes": ("post", "notes", {"text": "Called, no answer"}),
    "root-cause": ("put", "root-cause", {"theme": "waiting_time"}),
    "resolution": ("put", "resolution", {"text": "Refunded"}),
    "assignee": ("put", "assignee", {"user": None}),
    "goodwill": ("post", "goodwill", {"description": "Valet", "amount": "20"}),
    "decision": ("post", "decision", {"approve": True}),
    "complete-calls": ("post", "complete-calls", {"note": "done"}),
}


def write_path(world, name: str, case: Case, goodwill: Goodwill) -> tuple[str, str, dict]:
    method, action, body = WRITES[name]
    if name == "decision":
        return method, f"/api/v1/cases/goodwill/{goodwill.pk}/decision", body
    if name == "complete-calls":
        return method, "/api/v1/cases/complete-calls", {**body, "cases": [case.pk]}
    return method, f"/api/v1/cases/{case.pk}/{action}", body


@pytest.mark.parametrize("name", list(WRITES))
@pytest.mark.parametrize(("role", "status"), [("other_dealer", 404), ("owner", 403), ("anonymous", 401)])
def test_writes_are_refused_and_change_nothing(api, name, role, status):
    """Dealer A's thank-you call: dealer C's principal may not know it exists, the owner may not work on it."""
    case, goodwill = case_of(api, "a"), pending_goodwill(api)
    before = snapshot(case)
    method, path, body = write_path(api, name, case, goodwill)
    answer = send(client_for(api, role), method, path, body)
    if name == "complete-calls" and role == "other_dealer":
        # A bulk call reports what it could not close rather than failing the whole batch.
        assert answer.status_code == 200 and answer.json() == {"closed": [], "skipped": [case.pk]}
    else:
        assert answer.status_code == status
        if status != 401:
            assert answer.json()["code"] == {404: "not_found", 403: "forbidden"}[status]
    assert snapshot(case) == before


def test_a_dealer_token_cannot_touch_another_dealers_case(api):
    case = case_of(api, "a")
    before = snapshot(case)
    client = token_client(api.dealer_c)
    assert send(client, "post", f"/api/v1/cases/{case.pk}/calls", {"outcome": "reached"}).status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert snapshot(case) == before


# --- transition ----------------------------------------------------------------------------------------------------


def test_transition_moves_the_case_and_logs_it(api):
    case = case_of(api, "a")
    answer = send(client_for(api, "dealer_staff"), "post", f"/api/v1/cases/{case.pk}/transition",
                  {"status": "contacted"})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["first_contact_at"], body["contacted_at"]) == (
        "contacted", "2026-03-02T12:00:00Z", "2026-03-02T12:00:00Z")
    assert (body["deadline"], body["is_overdue"], body["time_left_seconds"]) == (None, False, None)
    assert body["allowed_transitions"] == ["closed"]
    assert not has_score_keys(answer)
    event = CaseEvent.objects.filter(case=case, kind="status").get()
    assert (event.from_status, event.to_status, event.actor_name) == ("new", "contacted",
                                                                      api.users["dealer_staff"].get_full_name())


def test_invalid_transition_is_409_and_changes_nothing(api):
    case = case_of(api, "a")
    before = snapshot(case)
    answer = send(client_for(api, "dealer_principal"), "post", f"/api/v1/cases/{case.pk}/transition",
                  {"status": "resolved"})
    assert answer.status_code == 409
    assert answer.json() == {"code": "invalid_transition",
                             "detail": "A Thank-you call cannot move from New to Resolved.", "field": "status"}
    assert snapshot(case) == before


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "done"}, "status"), ({}, "status"), ({"status": "closed"}, "reason"),
    ({"status": "contacted", "reason": "x" * 4001}, "reason"),
])
def test_transition_validation_is_422_naming_the_field(api, body, field):
    case = case_of(api, "a")
    before = snapshot(case)
    answer = send(client_for(api, "dealer_principal"), "post", f"/api/v1/cases/{case.pk}/transition", body)
    assert answer.status_code == 422
    assert field_at_fault(answer) == field
    assert snapshot(case) == before


def test_closing_with_a_reason_and_manager_only_moves(api):
    a = case_of(api, "a")
    answer = send(client_for(api, "dealer_staff"), "post", f"/api/v1/cases/{a.pk}/transition",
                  {"status": "closed", "reason": "Customer asked not to be called"})
    assert answer.status_code == 200 and answer.json()["closed_at"] == "2026-03-02T12:00:00Z"
    assert CaseEvent.objects.get(case=a, kind="status").detail == "Customer asked not to be called"


# --- calls, notes, assignee ----------------------------------------------------------------------------------------


def test_reaching_the_customer_closes_a_thank_you_call(api):
    case = case_of(api, "a")
    answer = send(client_for(api, "dealer_staff"), "post", f"/api/v1/cases/{case.pk}/calls",
                  {"outcome": "reached", "note": "Delighted with the car"})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["first_contact_at"], body["closed_at"]) == (
        "closed", "2026-03-02T12:00:00Z", "2026-03-02T12:00:00Z")
    call = CaseEvent.objects.get(case=case, kind="call")
    assert (call.detail, call.data) == ("Delighted with the car", {"outcome": "reached"})
    detail = client_for(api, "dealer_staff").get(f"/api/v1/cases/{case.pk}").json()
    assert [(e["kind"], e["outcome"], e["to_status"]) for e in detail["events"]] == [
        ("created", "", "new"), ("call", "reached", ""), ("status", "", "contacted"), ("status", "", "closed")]


def test_a_missed_call_is_logged_and_the_clock_keeps_running(api):
    case = case_of(api, "b")
    body = send(client_for(api, "region_manager"), "post", f"/api/v1/cases/{case.pk}/calls",
                {"outcome": "voicemail"}).json()
    assert (body["status"], body["first_contact_at"], body["time_left_seconds"]) == ("new", None, 22 * 3600)


def test_calling_a_closed_case_is_409(api):
    case = case_of(api, "a")
    Case.objects.filter(pk=case.pk).update(status="closed")
    answer = send(client_for(api, "dealer_staff"), "post", f"/api/v1/cases/{case.pk}/calls", {"outcome": "reached"})
    assert answer.status_code == 409 and answer.json()["code"] == "case_closed"


@pytest.mark.parametrize(("body", "field"), [({"outcome": "shouted"}, "outcome"), ({}, "outcome"),
                                             ({"outcome": "reached", "note": "x" * 4001}, "note")])
def test_call_validation_is_422(api, body, field):
    case = case_of(api, "a")
    before = snapshot(case)
    answer = send(client_for(api, "dealer_staff"), "post", f"/api/v1/cases/{case.pk}/calls", body)
    assert answer.status_code == 422 and field_at_fault(answer) == field
    assert snapshot(case) == before


def test_note_is_added_to_the_log(api):
    case = case_of(api, "a")
    answer = send(client_for(api, "dealer_principal"), "post", f"/api/v1/cases/{case.pk}/notes",
                  {"text": "  Prefers a call after 5 pm  "})
    assert answer.status_code == 201
    note = CaseEvent.objects.get(case=case, kind="note")
    assert answer.json() == {"pk": note.pk, "at": "2026-03-02T12:00:00Z", "kind": "note",
                             "actor_name": api.users["dealer_principal"].get_full_name(), "from_status": "",
                             "to_status": "", "detail": "Prefers a call after 5 pm", "outcome": ""}


@pytest.mark.parametrize(("body", "field"), [({"text": "   "}, "text"), ({}, "text"), ({"text": "x" * 4001}, "text")])
def test_note_validation_is_422(api, body, field):
    case = case_of(api, "a")
    before = snapshot(case)
    answer = send(client_for(api, "dealer_principal"), "post", f"/api/v1/cases/{case.pk}/notes", body)
    assert answer.status_code == 422 and field_at_fault(answer) == field
    assert snapshot(case) == before


def test_assign_and_unassign(api):
    case = case_of(api, "a")
    client = client_for(api, "dealer_principal")
    staff = api.users["dealer_staff"]
    body = send(client, "put", f"/api/v1/cases/{case.pk}/assignee", {"user": staff.pk}).json()
    assert (body["assignee"], body["assignee_name"]) == (staff.pk, staff.get_full_name())
    body = send(client, "put", f"/api/v1/cases/{case.pk}/assignee", {"user": None}).json()
    assert (body["assignee"], body["assignee_name"]) == (None, "")
    assert CaseEvent.objects.filter(case=case, kind="assigned").count() == 2


@pytest.mark.parametrize("body", [{"user": "other_dealer"}, {"user": "owner"}, {"user": 999999}, {}])
def test_assigning_someone_from_elsewhere_is_422(api, body):
    case = case_of(api, "a")
    before = snapshot(case)
    if isinstance(body.get("user"), str):
        body = {"user": api.users[body["user"]].pk}
    answer = send(client_for(api, "dealer_principal"), "put", f"/api/v1/cases/{case.pk}/assignee", body)
    assert answer.status_code == 422
    assert field_at_fault(answer) == ("user" if not body else "assignee")
    assert snapshot(case) == before


# --- root cause, resolution, the recovery flow ----------------------------------------------------------------------


def test_a_recovery_case_resolved_over_the_api(api):
    case = case_of(api, "b")
    client = client_for(api, "region_manager")
    theme = root_causes_for(case)[0]
    body = send(client, "put", f"/api/v1/cases/{case.pk}/root-cause", {"theme": theme.code}).json()
    assert body["root_cause"] == theme.code
    body = send(client, "put", f"/api/v1/cases/{case.pk}/resolution", {"text": "Paint redone free of charge"}).json()
    assert body["resolution"] == "Paint redone free of charge"
    body = send(client, "post", f"/api/v1/cases/{case.pk}/calls", {"outcome": "reached"}).json()
    assert (body["status"], body["deadline"], body["time_left_seconds"]) == (
        "contacted", "2026-03-07T10:00:00Z", 118 * 3600)
    body = send(client, "post", f"/api/v1/cases/{case.pk}/transition", {"status": "resolved"}).json()
    assert (body["status"], body["resolved_at"], body["follow_up_at"]) == (
        "resolved", "2026-03-02T12:00:00Z", "2026-03-05T12:00:00Z")
    assert body["allowed_transitions"] == ["closed", "reopened", "verified"]
    assert (body["score"], body["follow_up_score"]) == (3, None)


def test_resolving_without_a_root_cause_is_422(api):
    case = case_of(api, "b")
    client = client_for(api, "region_manager")
    send(client, "post", f"/api/v1/cases/{case.pk}/transition", {"status": "contacted"})
    before = snapshot(case)
    answer = send(client, "post", f"/api/v1/cases/{case.pk}/transition", {"status": "resolved"})
    assert answer.status_code == 422 and answer.json()["field"] == "root_cause"
    assert snapshot(case) == before


def test_unknown_root_cause_is_422(api):
    case = case_of(api, "b")
    before = snapshot(case)
    answer = send(client_for(api, "region_manager"), "put", f"/api/v1/cases/{case.pk}/root-cause",
                  {"theme": "no-such-theme"})
    assert answer.status_code == 422 and answer.json()["field"] == "root_cause"
    answer = send(client_for(api, "region_manager"), "put", f"/api/v1/cases/{case.pk}/root-cause", {"theme": "x" * 41})
    assert answer.status_code == 422 and field_at_fault(answer) == "theme"
    assert snapshot(case) == before


def test_a_thank_you_call_has_no_resolution(api):
    case = case_of(api, "a")
    before = snapshot(case)
    answer = send(client_for(api, "dealer_principal"), "put", f"/api/v1/cases/{case.pk}/resolution",
                  {"text": "Nothing to fix"})
    assert answer.status_code == 409 and answer.json()["code"] == "not_a_case"
    assert snapshot(case) == before


# --- goodwill ------------------------------------------------------------------------------------------------------


def test_goodwill_within_the_limit_is_approved_at_once_and_above_it_waits(api):
    case = case_of(api, "a")
    client = client_for(api, "dealer_staff")  # limit 250 EUR
    answer = send(client, "post", f"/api/v1/cases/{case.pk}/goodwill", {"description": "Valet", "amount": "120.5"})
    assert answer.status_code == 201
    small = Goodwill.objects.get(pk=answer.json()["pk"])
    assert answer.json() == {"pk": small.pk, "case_pk": case.pk, "description": "Valet", "amount": "120.50",
                             "currency": "EUR", "status": "approved", "requested_at": "2026-03-02T12:00:00Z",
                             "decided_at": "2026-03-02T12:00:00Z", "decision_note": ""}
    answer = send(client, "post", f"/api/v1/cases/{case.pk}/goodwill", {"description": "Loan car", "amount": 300})
    assert answer.status_code == 201
    assert (answer.json()["status"], answer.json()["amount"], answer.json()["decided_at"]) == ("pending", "300.00",
                                                                                               None)


@pytest.mark.parametrize(("body", "field"), [
    ({"description": "Valet", "amount": -1}, "amount"), ({"description": "Valet", "amount": "lots"}, "amount"),
    ({"description": "Valet", "amount": "10.123"}, "amount"), ({"description": "Valet"}, "amount"),
    ({"description": "Valet", "amount": "100000000"}, "amount"),
    ({"description": "x" * 201, "amount": 5}, "description"),
    ({"description": "   ", "amount": 5}, "description"), ({"amount": 5}, "description"),
])
def test_goodwill_validation_is_422(api, body, field):
    case = case_of(api, "a")
    before = snapshot(case)
    answer = send(client_for(api, "dealer_staff"), "post", f"/api/v1/cases/{case.pk}/goodwill", body)
    assert answer.status_code == 422 and field_at_fault(answer) == field
    assert snapshot(case) == before


def test_a_manager_decides_a_pending_gesture_once(api):
    goodwill = pending_goodwill(api)  # 700 EUR: above staff's 250, within the principal's 1000
    path = f"/api/v1/cases/goodwill/{goodwill.pk}/decision"
    staff = send(client_for(api, "dealer_staff"), "post", path, {"approve": True})
    assert staff.status_code == 403
    assert Goodwill.objects.get(pk=goodwill.pk).status == "pending"
    answer = send(client_for(api, "dealer_principal"), "post", path, {"approve": True, "note": "Fair"})
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["decided_at"], answer.json()["decision_note"]) == (
        "approved", "2026-03-02T12:00:00Z", "Fair")
    again = send(client_for(api, "region_manager"), "post", path, {"approve": False})
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    assert Goodwill.objects.get(pk=goodwill.pk).status == "approved"


def test_declining_and_deciding_validation(api):
    goodwill = pending_goodwill(api)
    path = f"/api/v1/cases/goodwill/{goodwill.pk}/decision"
    client = client_for(api, "region_manager")
    for body, field in (({}, "approve"), ({"approve": "perhaps"}, "approve"),
                        ({"approve": False, "note": "x" * 201}, "note")):
        answer = send(client, "post", path, body)
        assert answer.status_code == 422 and field_at_fault(answer) == field
    assert Goodwill.objects.get(pk=goodwill.pk).status == "pending"
    answer = send(client, "post", path, {"approve": False, "note": "Not for a late valet"})
    assert answer.status_code == 200 and answer.json()["status"] == "rejected"
    assert send(client, "post", "/api/v1/cases/goodwill/999999/decision", {"approve": True}).status_code == 404


def test_above_the_managers_own_limit_is_403(api):
    goodwill = pending_goodwill(api)
    Goodwill.objects.filter(pk=goodwill.pk).update(amount=Decimal("1500"))
    answer = send(client_for(api, "dealer_principal"), "post", f"/api/v1/cases/goodwill/{goodwill.pk}/decision",
                  {"approve": True})
    assert answer.status_code == 403
    assert Goodwill.objects.get(pk=goodwill.pk).status == "pending"


# --- bulk thank-you calls ------------------------------------------------------------------------------------------


def test_bulk_calls_close_the_callers_thank_yous_and_skip_the_rest(api):
    from insidetrack.cases.services import case_open_for_response
    from insidetrack.surveys.tests.factories import ResponseFactory

    a, b, c = (case_of(api, key) for key in "abc")
    passive = case_open_for_response(response_pk=ResponseFactory(invitation__event__customer=api.customers["a"],
                                                                 score=8).pk)
    before_b, before_c = snapshot(b), snapshot(c)
    answer = send(client_for(api, "dealer_principal"), "post", "/api/v1/cases/complete-calls",
                  {"cases": [a.pk, passive.pk, c.pk, 999999], "note": "Thanked at handover follow-up"})
    assert answer.status_code == 200
    assert answer.json() == {"closed": sorted([a.pk, passive.pk]), "skipped": sorted([c.pk, 999999])}
    assert set(Case.objects.filter(pk__in=[a.pk, passive.pk]).values_list("status", flat=True)) == {"closed"}
    assert snapshot(b) == before_b and snapshot(c) == before_c
    # A recovery case is never closed by a bulk call: it is logged as reached (the first contact), not closed.
    answer = send(client_for(api, "region_manager"), "post", "/api/v1/cases/complete-calls", {"cases": [b.pk]})
    assert answer.json() == {"closed": [], "skipped": [b.pk]}


@pytest.mark.parametrize(("body", "field"), [({"cases": []}, "cases"), ({}, "cases"),
                                             ({"cases": list(range(1, 502))}, "cases"), ({"cases": ["a"]}, "cases")])
def test_bulk_calls_validation_is_422(api, body, field):
    answer = send(client_for(api, "dealer_principal"), "post", "/api/v1/cases/complete-calls", body)
    assert answer.status_code == 422 and field_at_fault(answer) == field
    assert set(Case.objects.values_list("status", flat=True)) == {"new"}


# --- language and cost ---------------------------------------------------------------------------------------------


def test_the_action_is_in_the_callers_language(api):
    case = case_of(api, "a")
    body = token_client(api.dealer_a).get(f"/api/v1/cases/{case.pk}", HTTP_ACCEPT_LANGUAGE="de").json()
    assert body["action"] == "Anrufen und danken"


def test_list_query_count_does_not_grow_with_cases(api, django_assert_num_queries):
    from insidetrack.cases.services import cases_open_for_responses
    from insidetrack.surveys.tests.factories import ResponseFactory

    client = client_for(api, "dealer_principal")
    client.get("/api/v1/cases")  # warm the session and the content-type caches
    # session, user, membership; the count, the page with its related rows; the brand's score policy.
    with django_assert_num_queries(6):
        assert client.get("/api/v1/cases").json()["count"] == 1
    cases_open_for_responses(response_pks=[
        ResponseFactory(invitation__event__customer=api.customers["a"], score=score).pk for score in (2, 7, 9, 10)])
    with django_assert_num_queries(6):
        assert client.get("/api/v1/cases").json()["count"] == 5

"""The dealer inbox and the case page: what each role sees, in what order, and every action with its refusals.

The clock is frozen at ``NOW`` (``insidetrack.core.clock.now`` is what the pages ask), and deadlines are set to
exact offsets from it, so "3 h left" and "overdue by 2 h" are asserted as written.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from insidetrack.cases import services
from insidetrack.cases.models import Case, CaseEvent, Goodwill
from insidetrack.core.tests.pages import client_for
from insidetrack.journeys.models import Theme
from insidetrack.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)  # a Tuesday; 10:00 in Berlin
HOUR = dt.timedelta(hours=1)
STAFF = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer"]


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr("insidetrack.core.clock.now", lambda: NOW)
    return NOW


def open_case(world, key: str = "a", *, score: int = 2, verbatim: str = "Nobody called me back.",
              respond_in: dt.timedelta | None = None) -> Case:
    """A new case at the customer's dealer, opened an hour ago; ``respond_in`` moves its respond-by deadline."""
    submitted_at = NOW - HOUR
    response = ResponseFactory(invitation__event__customer=world.customers[key], score=score, verbatim=verbatim,
                               submitted_at=submitted_at)
    (case,) = services.cases_open_for_responses(response_pks=[response.pk], now=submitted_at)
    if respond_in is not None:
        Case.objects.filter(pk=case.pk).update(respond_by=NOW + respond_in)
        case.refresh_from_db()
    return case


def world_case(world, key: str) -> Case:
    """The case the world opened for the customer's response (10 at dealer A, 3 at B and C)."""
    return Case.objects.filter(customer=world.customers[key]).order_by("pk").first()


def rows(html: str) -> list[int]:
    """The case keys in the inbox, in the order shown."""
    return [int(pk) for pk in re.findall(r'<tr id="case-(\d+)"', html)]


def row(html: str, case: Case) -> str:
    start = html.index(f'<tr id="case-{case.pk}"')
    return html[start:html.index("</tr>", start)]


def snapshot(case: Case) -> tuple:
    """What a refused action must leave exactly as it was."""
    case.refresh_from_db()
    return (case.status, case.root_cause_id, case.resolution, case.assignee_id, case.updated_at,
            list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True)),
            list(Goodwill.objects.filter(case=case).values_list("pk", "status")))


@pytest.fixture
def inbox(world):
    """Dealer A's open work: an overdue recovery case, the world's thank-you call, a contacted case, a passive."""
    thanks = world_case(world, "a")
    Case.objects.filter(pk=thanks.pk).update(respond_by=NOW + 3 * HOUR)
    late = open_case(world, verbatim="Nobody called me back after the handover.", respond_in=-2 * HOUR)
    working = open_case(world, verbatim="Scratch on the driver's door.")
    Case.objects.filter(pk=working.pk).update(status="contacted", resolve_by=NOW + 30 * HOUR)
    passive = open_case(world, score=8, verbatim="Fine, but the coffee was cold.", respond_in=50 * HOUR)
    resolved = open_case(world, verbatim="Wrong tyres fitted.")
    Case.objects.filter(pk=resolved.pk).update(status="resolved", resolved_at=NOW - HOUR)
    done = open_case(world, verbatim="Closed long ago.")
    Case.objects.filter(pk=done.pk).update(status="closed")
    return {"thanks": thanks, "late": late, "working": working, "passive": passive, "resolved": resolved,
            "done": done}


# --------------------------------------------------------------------------------------------------------------------
# Who may open the pages


@pytest.mark.parametrize("role", [*STAFF, "owner", "anonymous"])
def test_inbox_by_role(world, role):
    response = client_for(world, role).get(reverse("cases:inbox"))
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif role == "owner":
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role,status", [("head_office", 200), ("region_manager", 200), ("dealer_principal", 200),
                                         ("dealer_staff", 200), ("other_dealer", 404), ("owner", 403),
                                         ("anonymous", 302)])
def test_case_page_by_role(world, role, status):
    response = client_for(world, role).get(reverse("cases:detail", args=[world_case(world, "a").pk]))
    assert response.status_code == status
    if status == 404:
        # Nothing of the case leaks: not the customer, not the verbatim.
        assert "CustomerA" not in response.content.decode()
        assert "Lovely handover" not in response.content.decode()


def test_staff_navigation_has_the_inbox_second_and_managers_the_closed_loop(world):
    from insidetrack.core.context_processors import navigation_for

    labels = {role: [str(label) for label, _url in navigation_for(world.actors[role])] for role in STAFF}
    assert all(labels[role][:2] == ["Overview", "Inbox"] for role in STAFF)
    assert [role for role in STAFF if "Closed loop" in labels[role]] == ["head_office", "region_manager"]
    assert dict(navigation_for(world.actors["dealer_staff"]))["Inbox"] == "/cases/"
    assert dict(navigation_for(world.actors["head_office"]))["Closed loop"] == "/cases/measures/"
    owner_menu = [str(label) for label, _url in navigation_for(world.actors["owner"])]
    assert owner_menu[0] == "My overview" and "Inbox" not in owner_menu
    assert dict(navigation_for(world.actors["owner"]))["My issues"] == "/my/issues/"


# --------------------------------------------------------------------------------------------------------------------
# The inbox


def test_inbox_lists_open_work_by_the_deadline_that_matters_now(world, inbox):
    html = client_for(world, "dealer_staff").get(reverse("cases:inbox")).content.decode()
    # Overdue respond-by first, then 3 h, the contacted case's resolve-by in 30 h, 50 h; resolved (no clock) last.
    assert rows(html) == [inbox["late"].pk, inbox["thanks"].pk, inbox["working"].pk, inbox["passive"].pk,
                          inbox["resolved"].pk]
    assert '<strong class="left overdue">overdue by 2 h</strong>' in row(html, inbox["late"])
    assert '<strong class="left">3 h left</strong>' in row(html, inbox["thanks"])
    assert '<strong class="left">30 h left</strong>' in row(html, inbox["working"])
    assert '<strong class="left">2 d 2 h left</strong>' in row(html, inbox["passive"])
    assert "Resolved: waiting for the customer's follow-up" in row(html, inbox["resolved"])
    assert "5 open items" in html
    # What each row says: the action in the viewer's language, customer, touchpoint, department, verbatim, status.
    late = row(html, inbox["late"])
    assert "Call to apologise, listen and put it right" in late and "Recovery case" in late
    assert "CustomerA" in late and "Handover · Sales" in late
    assert "“Nobody called me back after the handover.”" in late.replace("<q lang=\"en\">", "“").replace("</q>", "”")
    assert '<span class="status status-new">New</span>' in late
    assert "respond by" in late and "Tue 10 Mar, 07:00" in late
    assert "resolve by" in row(html, inbox["working"]) and "Wed 11 Mar, 15:00" in row(html, inbox["working"])
    # Only the calls not yet made can be ticked for "calls made"; only work awaiting contact has "Reached".
    assert f'name="case" value="{inbox["thanks"].pk}"' in html
    assert f'name="case" value="{inbox["passive"].pk}"' in html
    assert f'name="case" value="{inbox["late"].pk}"' not in html
    assert "Reached the customer" in late and "Reached the customer" not in row(html, inbox["working"])
    # Other dealers' work is not there at all.
    assert "CustomerB" not in html and "CustomerC" not in html


def test_times_are_shown_in_the_dealers_time_zone(world, inbox):
    world.dealer_a.time_zone = "Europe/Berlin"
    world.dealer_a.save()
    client = client_for(world, "dealer_staff")
    html = client.get(reverse("cases:inbox")).content.decode()
    # 12:00 UTC is 13:00 in Berlin in March.
    assert "Tue 10 Mar, 13:00" in row(html, inbox["thanks"]) and "Tue 10 Mar, 12:00" not in html
    page = client.get(reverse("cases:detail", args=[inbox["thanks"].pk])).content.decode()
    assert "Times in Europe/Berlin." in page and "Tue 10 Mar, 13:00" in page


@pytest.mark.parametrize("delta,words", [
    (dt.timedelta(minutes=45, seconds=59), "45 min left"), (dt.timedelta(hours=3, minutes=59), "3 h 59 min left"),
    (dt.timedelta(hours=3), "3 h left"), (dt.timedelta(hours=30, minutes=59), "30 h left"),
    (dt.timedelta(hours=50), "2 d 2 h left"), (dt.timedelta(days=3), "3 d left"),
    (-dt.timedelta(hours=2), "overdue by 2 h"), (-dt.timedelta(minutes=5), "overdue by 5 min"),
    (-dt.timedelta(days=1, hours=2, minutes=10), "overdue by 26 h"), (None, ""),
])
def test_time_left_in_words(delta, words):
    from insidetrack.cases.views import time_left_words

    assert time_left_words(delta) == words


@pytest.mark.parametrize("query,expected", [
    ({"kind": "recovery"}, ["late", "working", "resolved"]),
    ({"kind": "thank_you"}, ["thanks"]),
    ({"status": "contacted"}, ["working"]),
    ({"overdue": "1"}, ["late"]),
    ({"mine": "1"}, ["working"]),
    ({"department": "service"}, ["passive"]),
    ({"department": "sales", "kind": "acknowledgement"}, []),
    ({"kind": "nonsense", "status": "closed"}, ["late", "thanks", "working", "passive", "resolved"]),
])
def test_inbox_filters(world, inbox, query, expected):
    Case.objects.filter(pk=inbox["working"].pk).update(assignee=world.users["dealer_staff"])
    Case.objects.filter(pk=inbox["passive"].pk).update(department="service")
    html = client_for(world, "dealer_staff").get(reverse("cases:inbox"), query).content.decode()
    assert rows(html) == [inbox[key].pk for key in expected]
    if not expected:
        assert "Nothing matches these filters." in html


def test_managers_see_their_scope_escalated_first_and_filter_by_dealer(world, inbox):
    b, c = world_case(world, "b"), world_case(world, "c")
    # Dealer B's case is escalated to the region, with a deadline later than everything of dealer A.
    Case.objects.filter(pk=b.pk).update(escalation_level=1, escalated_to_region_at=NOW - HOUR,
                                        respond_by=NOW - HOUR)
    Case.objects.filter(pk=inbox["late"].pk).update(respond_by=NOW - 5 * HOUR)
    region = client_for(world, "region_manager")
    html = region.get(reverse("cases:inbox")).content.decode()
    assert rows(html)[:2] == [b.pk, inbox["late"].pk]
    assert c.pk not in rows(html)  # dealer C is in the other region
    assert "Escalated to the region" in row(html, b) and "Dealer B" in row(html, b)
    assert rows(region.get(reverse("cases:inbox"), {"dealer": world.dealer_b.code}).content.decode()) == [b.pk]
    assert rows(region.get(reverse("cases:inbox"), {"escalated": "1"}).content.decode()) == [b.pk]
    head_office = client_for(world, "head_office").get(reverse("cases:inbox")).content.decode()
    assert rows(head_office)[0] == b.pk and c.pk in rows(head_office)
    # A dealer cannot widen its view with the dealer filter.
    dealer = client_for(world, "dealer_staff").get(reverse("cases:inbox"), {"dealer": world.dealer_b.code})
    assert b.pk not in rows(dealer.content.decode()) and inbox["late"].pk in rows(dealer.content.decode())


def test_inbox_paginates_by_25(world):
    for index in range(27):
        open_case(world, verbatim=f"Complaint {index}", respond_in=(index + 1) * HOUR)
    client = client_for(world, "dealer_staff")
    first = client.get(reverse("cases:inbox")).content.decode()
    assert len(rows(first)) == 25 and "Page 1 of 2" in first and "28 open items" in first
    second = client.get(reverse("cases:inbox"), {"page": 2}).content.decode()
    assert len(rows(second)) == 3 and "Page 2 of 2" in second


@pytest.mark.parametrize("role,queries", [("dealer_staff", 6), ("region_manager", 6)])
def test_inbox_query_count_does_not_grow_with_rows(world, role, queries, django_assert_num_queries):
    client = client_for(world, role)
    client.get(reverse("cases:inbox"))  # warm the session
    with django_assert_num_queries(queries):
        assert len(rows(client.get(reverse("cases:inbox")).content.decode())) >= 1
    for index in range(20):
        case = open_case(world, key="a" if index % 2 else "b", verbatim=f"Row {index}")
        Case.objects.filter(pk=case.pk).update(assignee=world.users["dealer_staff"])
    with django_assert_num_queries(queries):
        assert len(rows(client.get(reverse("cases:inbox")).content.decode())) >= 11


# --------------------------------------------------------------------------------------------------------------------
# One click and bulk from the inbox


def test_reached_the_customer_swaps_the_row_with_htmx(world, inbox):
    client = client_for(world, "dealer_staff")
    answer = client.post(reverse("cases:reached", args=[inbox["late"].pk]), HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.strip().startswith(f'<tr id="case-{inbox["late"].pk}"')
    assert '<span class="status status-contacted">Contacted</span>' in html and "Call logged." in html
    # Now the resolve-by clock runs: 120 h from the answer an hour ago.
    assert '<strong class="left">4 d 23 h left</strong>' in html
    assert "Reached the customer" not in html
    inbox["late"].refresh_from_db()
    assert (inbox["late"].status, inbox["late"].first_contact_at) == ("contacted", NOW)
    call = CaseEvent.objects.get(case=inbox["late"], kind="call")
    assert (call.data, call.actor_id) == ({"outcome": "reached"}, world.users["dealer_staff"].pk)


def test_reached_on_a_thank_you_call_closes_it(world, inbox):
    client = client_for(world, "dealer_staff")
    html = client.post(reverse("cases:reached", args=[inbox["thanks"].pk]), HTTP_HX_REQUEST="true").content.decode()
    assert '<span class="status status-closed">Closed</span>' in html and "Call logged and closed." in html
    inbox["thanks"].refresh_from_db()
    assert inbox["thanks"].status == "closed"
    assert inbox["thanks"].pk not in rows(client.get(reverse("cases:inbox")).content.decode())


def test_reached_without_javascript_redirects_back_with_a_message(world, inbox):
    client = client_for(world, "dealer_staff")
    back = reverse("cases:inbox") + "?kind=recovery"
    answer = client.post(reverse("cases:reached", args=[inbox["late"].pk]), {"next": back})
    assert answer.status_code == 302 and answer["Location"] == back
    assert [str(m) for m in get_messages(answer.wsgi_request)] == ["Call logged: you reached the customer."]


def test_reached_refusals_change_nothing(world, inbox):
    client = client_for(world, "dealer_staff")
    before = snapshot(inbox["done"])
    answer = client.post(reverse("cases:reached", args=[inbox["done"].pk]), HTTP_HX_REQUEST="true")
    assert answer.status_code == 409 and "This case is closed." in answer.content.decode()
    assert snapshot(inbox["done"]) == before
    other = world_case(world, "c")
    before = snapshot(other)
    answer = client.post(reverse("cases:reached", args=[other.pk]), HTTP_HX_REQUEST="true")
    assert answer.status_code == 404 and "CustomerC" not in answer.content.decode()
    assert snapshot(other) == before
    assert client.post(reverse("cases:reached", args=[other.pk])).status_code == 404
    assert snapshot(other) == before
    assert client_for(world, "owner").post(reverse("cases:reached", args=[inbox["thanks"].pk])).status_code == 403
    assert snapshot(inbox["thanks"])[0] == "new"


def test_bulk_thank_you_calls_close_and_say_how_many(world, inbox):
    second = open_case(world, score=9, verbatim="Great!")
    already = open_case(world, score=10, verbatim="Superb.")
    Case.objects.filter(pk=already.pk).update(status="closed")
    other = world_case(world, "c")
    before_other = snapshot(other)
    client = client_for(world, "dealer_staff")
    answer = client.post(reverse("cases:complete_calls"), {
        "case": [inbox["thanks"].pk, second.pk, inbox["passive"].pk, already.pk, other.pk, "junk"],
        "note": "Called from the morning list", "next": reverse("cases:inbox")})
    assert answer.status_code == 302 and answer["Location"] == reverse("cases:inbox")
    assert [str(m) for m in get_messages(answer.wsgi_request)] == [
        "3 calls marked as made and closed.",
        "2 selected items were not closed: they were already done, or they are not calls."]
    assert set(Case.objects.filter(pk__in=[inbox["thanks"].pk, second.pk, inbox["passive"].pk])
               .values_list("status", flat=True)) == {"closed"}
    assert CaseEvent.objects.get(case=second, kind="call").detail == "Called from the morning list"
    assert snapshot(other) == before_other
    page = client.get(reverse("cases:inbox")).content.decode()
    assert rows(page) == [inbox["late"].pk, inbox["working"].pk, inbox["resolved"].pk]


def test_bulk_with_nothing_ticked_says_so(world, inbox):
    answer = client_for(world, "dealer_staff").post(reverse("cases:complete_calls"), {})
    assert [str(m) for m in get_messages(answer.wsgi_request)] == ["Select the calls you have made first."]
    assert Case.objects.filter(status="closed").count() == 1


def test_bulk_by_an_owner_is_refused(world, inbox):
    answer = client_for(world, "owner").post(reverse("cases:complete_calls"), {"case": [inbox["thanks"].pk]})
    assert answer.status_code == 403 and snapshot(inbox["thanks"])[0] == "new"


# --------------------------------------------------------------------------------------------------------------------
# The case page


def test_case_page_shows_the_verbatim_the_action_the_customer_and_their_history(world, inbox):
    customer = world.customers["a"]
    customer.household, customer.usage, customer.interests = "family", ["family", "weekend"], ["golf", "sailing"]
    customer.handover_preference = "ceremony"
    customer.save()
    case = inbox["late"]
    html = client_for(world, "dealer_staff").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert '<h1>Call to apologise, listen and put it right</h1>' in html
    assert '<blockquote class="verbatim" lang="en">Nobody called me back after the handover.</blockquote>' in html
    assert "Apologise, listen without defending" in html  # the playbook's instructions
    assert "Tue 10 Mar, 07:00" in html and "overdue by 2 h" in html  # respond by
    assert "Sun 15 Mar, 08:00" in html and "4 d 23 h left" in html  # resolve by, 120 h after the answer
    assert customer.email in html and customer.phone in html
    assert "Family with children" in html and "family, weekend" in html and "golf, sailing" in html
    assert "Ceremony with family, photos and refreshments" in html
    assert customer.vehicles.get().vin in html
    # The customer's other feedback and other cases, linked.
    assert "Lovely handover, everything explained." in html and "Scratch on the driver&#x27;s door." in html
    assert f'href="/cases/{inbox["thanks"].pk}/">#{inbox["thanks"].pk} · Thank-you call</a>' in html
    assert f'href="/cases/{case.pk}/">' not in html  # itself is not "another case"
    # The timeline starts with the opening.
    assert re.search(r"Case opened</strong> · Recovery case\s*<span class=\"who\">Inside Track</span>", html)


def test_case_page_scores_hidden_from_dealers_by_default(world, inbox):
    case = inbox["late"]
    Case.objects.filter(pk=case.pk).update(follow_up_score=9, follow_up_answered_at=NOW - HOUR)
    url = reverse("cases:detail", args=[case.pk])
    for role in ("dealer_staff", "dealer_principal"):
        html = client_for(world, role).get(url).content.decode()
        assert 'class="score' not in html and "Follow-up score" not in html and "out of 10" not in html
        inbox_html = client_for(world, role).get(reverse("cases:inbox")).content.decode()
        assert 'class="score' not in inbox_html
    for role in ("head_office", "region_manager"):
        html = client_for(world, role).get(url).content.decode()
        assert '<span class="score detractor" title="Score">2</span> out of 10' in html
        assert 'Follow-up score <span class="score promoter">9</span>' in html
        assert '<span class="score detractor" title="Score">2</span>' in row(
            client_for(world, role).get(reverse("cases:inbox")).content.decode(), case)


def test_case_page_shows_scores_to_dealers_when_the_brand_allows(world, inbox):
    world.brand.dealers_see_scores = True
    world.brand.save()
    case = inbox["late"]
    client = client_for(world, "dealer_staff")
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert '<span class="score detractor" title="Score">2</span> out of 10' in html
    assert '<span class="score promoter">10</span>' in html  # the earlier 10 in the customer's history
    assert '<span class="score detractor" title="Score">2</span>' in row(
        client.get(reverse("cases:inbox")).content.decode(), case)


# --------------------------------------------------------------------------------------------------------------------
# Actions on the case page: each calls one service; success redirects, refusal shows why with the error's status


def post(client: Client, case: Case, action: str, **data) -> object:
    return client.post(reverse("cases:detail", args=[case.pk]), {"action": action, **data})


def error_of(response) -> str:
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', response.content.decode())
    return match.group(1) if match else ""


def test_log_a_call(world, inbox):
    client = client_for(world, "dealer_staff")
    answer = post(client, inbox["late"], "call", outcome="voicemail", note="Left a message at 9")
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{inbox['late'].pk}/#call"
    call = CaseEvent.objects.get(case=inbox["late"], kind="call")
    assert (call.data, call.detail) == ({"outcome": "voicemail"}, "Left a message at 9")
    assert snapshot(inbox["late"])[0] == "new"  # a voicemail is not contact
    page = client.get(answer["Location"]).content.decode()
    assert "Call logged." in page and "Call logged</strong> · Left a voicemail" in page
    assert "Left a message at 9" in page


def test_log_a_call_on_a_closed_case_is_refused(world, inbox):
    before = snapshot(inbox["done"])
    answer = post(client_for(world, "dealer_staff"), inbox["done"], "call", outcome="reached")
    assert answer.status_code == 409 and error_of(answer) == "This case is closed."
    assert snapshot(inbox["done"]) == before


def test_log_a_call_with_an_unknown_outcome_is_refused(world, inbox):
    before = snapshot(inbox["late"])
    answer = post(client_for(world, "dealer_staff"), inbox["late"], "call", outcome="carrier_pigeon")
    assert answer.status_code == 422 and "carrier_pigeon" in error_of(answer)
    assert snapshot(inbox["late"]) == before


def test_add_a_note_and_an_empty_one(world, inbox):
    client = client_for(world, "dealer_staff")
    assert post(client, inbox["late"], "note", text="Customer prefers e-mail.").status_code == 302
    assert CaseEvent.objects.get(case=inbox["late"], kind="note").detail == "Customer prefers e-mail."
    before = snapshot(inbox["late"])
    answer = post(client, inbox["late"], "note", text="   ")
    assert answer.status_code == 422 and error_of(answer) == "This field is required."
    assert snapshot(inbox["late"]) == before


def test_root_cause_from_the_touchpoints_themes(world, inbox):
    client = client_for(world, "dealer_staff")
    html = client.get(reverse("cases:detail", args=[inbox["late"].pk])).content.decode()
    assert '<option value="handover_experience">Handover experience</option>' in html
    assert 'value="courtesy_car"' not in html  # a service theme, not a handover one
    assert post(client, inbox["late"], "root_cause", root_cause="waiting_time").status_code == 302
    inbox["late"].refresh_from_db()
    assert inbox["late"].root_cause == Theme.objects.get(brand=world.brand, code="waiting_time")
    before = snapshot(inbox["late"])
    answer = post(client, inbox["late"], "root_cause", root_cause="courtesy_car")
    assert answer.status_code == 422 and snapshot(inbox["late"]) == before
    assert "Select a valid choice." in error_of(answer)


def test_record_the_resolution(world, inbox):
    client = client_for(world, "dealer_staff")
    assert post(client, inbox["late"], "resolution", resolution="Called, apologised, free valet.").status_code == 302
    inbox["late"].refresh_from_db()
    assert inbox["late"].resolution == "Called, apologised, free valet."
    before = snapshot(inbox["thanks"])
    answer = post(client, inbox["thanks"], "resolution", resolution="Nothing to resolve")
    assert answer.status_code == 409 and error_of(answer) == "Only a recovery case has a resolution."
    assert snapshot(inbox["thanks"]) == before


def test_status_buttons_follow_the_transition_table(world, inbox):
    html = client_for(world, "dealer_staff").get(reverse("cases:detail", args=[inbox["working"].pk])).content.decode()
    assert re.findall(r'name="to_status" value="(\w+)"', html) == ["in_progress", "resolved", "closed"]
    assert 'class="move-resolved not-ready">Mark as resolved</button>' in html
    assert "Record the root cause and the resolution first." in html
    # Closing unfinished work asks for a reason; the other moves do not.
    assert html.count('name="reason" required') == 1
    resolved = client_for(world, "dealer_staff").get(
        reverse("cases:detail", args=[inbox["resolved"].pk])).content.decode()
    assert re.findall(r'name="to_status" value="(\w+)"', resolved) == ["reopened", "closed"]  # verify: managers
    principal = client_for(world, "dealer_principal").get(
        reverse("cases:detail", args=[inbox["resolved"].pk])).content.decode()
    assert re.findall(r'name="to_status" value="(\w+)"', principal) == ["verified", "reopened", "closed"]


def test_move_status_and_resolve_with_root_cause_and_resolution(world, inbox):
    client = client_for(world, "dealer_staff")
    case = inbox["working"]
    assert post(client, case, "status", to_status="in_progress").status_code == 302
    answer = post(client, case, "status", to_status="resolved")
    assert answer.status_code == 422 and error_of(answer) == "Record the root cause before resolving the case."
    post(client, case, "root_cause", root_cause="communication")
    post(client, case, "resolution", resolution="Repainted the door.")
    assert post(client, case, "status", to_status="resolved").status_code == 302
    case.refresh_from_db()
    assert (case.status, case.resolved_at, case.follow_up_at) == ("resolved", NOW, NOW + dt.timedelta(days=3))
    assert list(CaseEvent.objects.filter(case=case, kind="status").values_list("from_status", "to_status")) == [
        ("contacted", "in_progress"), ("in_progress", "resolved")]


def test_invalid_transition_is_409_and_changes_nothing(world, inbox):
    before = snapshot(inbox["late"])
    answer = post(client_for(world, "dealer_staff"), inbox["late"], "status", to_status="verified")
    assert answer.status_code == 409
    assert error_of(answer) == "A Recovery case cannot move from New to Verified."
    assert snapshot(inbox["late"]) == before


def test_closing_without_a_reason_is_422_and_with_one_closes(world, inbox):
    client = client_for(world, "dealer_staff")
    before = snapshot(inbox["late"])
    answer = post(client, inbox["late"], "status", to_status="closed", reason="")
    assert answer.status_code == 422 and error_of(answer) == "Please say why."
    assert snapshot(inbox["late"]) == before
    assert post(client, inbox["late"], "status", to_status="closed", reason="Customer sold the car").status_code == 302
    event = CaseEvent.objects.get(case=inbox["late"], kind="status")
    assert (event.to_status, event.detail) == ("closed", "Customer sold the car")


def test_verifying_by_hand_is_for_managers(world, inbox):
    before = snapshot(inbox["resolved"])
    answer = post(client_for(world, "dealer_staff"), inbox["resolved"], "status", to_status="verified")
    assert answer.status_code == 403 and error_of(answer) == "Only a manager can do this."
    assert snapshot(inbox["resolved"]) == before
    assert post(client_for(world, "dealer_principal"), inbox["resolved"], "status",
                to_status="verified").status_code == 302
    assert snapshot(inbox["resolved"])[0] == "verified"


def test_goodwill_within_the_limit_is_approved_above_it_waits_for_a_manager(world, inbox):
    client = client_for(world, "dealer_staff")
    case = inbox["late"]
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "You can give up to 250.00 EUR on your own; above that, a manager decides." in html
    assert post(client, case, "goodwill", description="Free valet", amount="89,50").status_code == 302
    assert post(client, case, "goodwill", description="Loan car for a week", amount="600").status_code == 302
    assert list(Goodwill.objects.filter(case=case).order_by("pk").values_list("description", "amount", "status")) == [
        ("Free valet", Decimal("89.50"), "approved"), ("Loan car for a week", Decimal("600.00"), "pending")]
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Waiting for a manager" in html and "Waiting for your decision" not in html  # staff cannot decide
    assert "Goodwill requested</strong> · 600.00 EUR" in html and "Goodwill approved</strong> · 89.50 EUR" in html
    before = snapshot(case)
    answer = post(client, case, "goodwill", description="Refund", amount="lots")
    assert answer.status_code == 422 and error_of(answer) == "The cost must be a number, e.g. 120 or 89.50."
    assert snapshot(case) == before


def test_a_manager_approves_or_declines_pending_goodwill(world, inbox):
    case = inbox["late"]
    staff = world.actors["dealer_staff"]
    loan = services.goodwill_offer(case_pk=case.pk, actor=staff, description="Loan car", amount="600", now=NOW)
    refund = services.goodwill_offer(case_pk=case.pk, actor=staff, description="Refund", amount="2000", now=NOW)
    before = snapshot(case)
    answer = post(client_for(world, "dealer_staff"), case, "decide", goodwill=loan.pk, decision="approve")
    assert answer.status_code == 403 and error_of(answer) == "This amount is above your approval limit."
    assert snapshot(case) == before
    principal = client_for(world, "dealer_principal")
    html = principal.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Waiting for your decision" in html and html.count('name="decision" value="approve"') == 2
    answer = post(principal, case, "decide", goodwill=refund.pk, decision="approve")
    assert answer.status_code == 403 and error_of(answer) == "This amount is above your approval limit."
    assert post(principal, case, "decide", goodwill=loan.pk, decision="approve").status_code == 302
    assert post(principal, case, "decide", goodwill=refund.pk, decision="decline",
                note="Too much").status_code == 302
    assert dict(Goodwill.objects.filter(case=case).values_list("description", "status")) == {
        "Loan car": "approved", "Refund": "rejected"}
    answer = post(principal, case, "decide", goodwill=loan.pk, decision="decline")
    assert answer.status_code == 409 and error_of(answer) == "This gesture has already been decided."
    # A gesture of another case cannot be decided from this page.
    other = services.goodwill_offer(case_pk=inbox["working"].pk, actor=staff, description="Valet", amount="900")
    answer = post(principal, case, "decide", goodwill=other.pk, decision="approve")
    assert answer.status_code == 404 and Goodwill.objects.get(pk=other.pk).status == "pending"


def test_assign_to_someone_of_the_dealer(world, inbox):
    client = client_for(world, "dealer_principal")
    staff_user = world.users["dealer_staff"]
    assert post(client, inbox["late"], "assign", assignee=str(staff_user.pk)).status_code == 302
    inbox["late"].refresh_from_db()
    assert inbox["late"].assignee == staff_user
    html = client_for(world, "dealer_staff").get(reverse("cases:inbox"), {"mine": "1"}).content.decode()
    assert rows(html) == [inbox["late"].pk]
    outsider = world.users["other_dealer"]
    before = snapshot(inbox["late"])
    answer = post(client, inbox["late"], "assign", assignee=str(outsider.pk))
    assert answer.status_code == 422 and snapshot(inbox["late"]) == before


ACTION_DATA = {
    "call": {"outcome": "reached"}, "note": {"text": "Hello"}, "root_cause": {"root_cause": "waiting_time"},
    "resolution": {"resolution": "Done"}, "status": {"to_status": "contacted"},
    "goodwill": {"description": "Valet", "amount": "10"}, "assign": {"assignee": ""},
}


@pytest.mark.parametrize("action", list(ACTION_DATA))
@pytest.mark.parametrize("role,status", [("other_dealer", 404), ("owner", 403), ("anonymous", 302)])
def test_actions_on_a_case_the_viewer_may_not_work_on_change_nothing(world, action, role, status):
    case = world_case(world, "b")  # dealer B: a recovery case
    before = snapshot(case)
    answer = post(client_for(world, role), case, action, **ACTION_DATA[action])
    assert answer.status_code == status
    assert "CustomerB" not in answer.content.decode()
    assert snapshot(case) == before


def test_unknown_action_is_refused(world, inbox):
    before = snapshot(inbox["late"])
    answer = post(client_for(world, "dealer_staff"), inbox["late"], "delete")
    assert answer.status_code == 400 and error_of(answer) == "Unknown action."
    assert snapshot(inbox["late"]) == before


def test_case_page_query_count_does_not_grow_with_history(world, inbox, django_assert_num_queries):
    client = client_for(world, "dealer_staff")
    url = reverse("cases:detail", args=[inbox["late"].pk])
    client.get(url)
    with django_assert_num_queries(16):  # the thread with the owner and its photos: one query each
        assert client.get(url).status_code == 200
    staff = world.actors["dealer_staff"]
    for index in range(5):
        services.case_add_note(case_pk=inbox["late"].pk, actor=staff, text=f"Note {index}")
        services.goodwill_offer(case_pk=inbox["late"].pk, actor=staff, description=f"Gesture {index}", amount="5")
        open_case(world, verbatim=f"More feedback {index}")
    with django_assert_num_queries(16):  # the thread with the owner and its photos: one query each
        assert client.get(url).status_code == 200

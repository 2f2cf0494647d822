"""Experience events: the new-depositor rule, capacity, the e-mail's single-use links, attendance and the survey
afterwards, scoping for every role, and the pages."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from insidetrack.core.actor import Actor
from insidetrack.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from insidetrack.core.tests.pages import client_for, tables_of
from insidetrack.customers.tests.factories import CustomerFactory
from insidetrack.journeys import services_events as svc
from insidetrack.journeys.models import EventInvitation, ExperienceEvent, InvitedBy, RsvpStatus
from insidetrack.surveys.models import EventKind, Invitation, OperationalEvent
from insidetrack.surveys.services import EventInput as SurveyEvent
from insidetrack.surveys.services import events_record

NOW = timezone.now().replace(microsecond=0)
# Session, user and membership, then the page's own reads: upcoming events, the past ones' count and page (list);
# the event with its counts and the guest list (detail). The number must not grow with the events or guests.
QUERIES_LIST = 8  # + the regions and dealers to filter by
QUERIES_DETAIL = 5


def _event(world, *, dealer=None, capacity=2, days=10, **extra) -> ExperienceEvent:
    dealer = dealer or world.dealer_a
    return svc.event_create(actor=Actor.system(), data=svc.EventInput(
        dealer_id=dealer.pk, kind="track_day", title="Track day", starts_at=NOW + dt.timedelta(days=days),
        ends_at=NOW + dt.timedelta(days=days, hours=6), place="Circuit", capacity=capacity, **extra), now=NOW)


def _deposit(customer, *, days_ago=1) -> OperationalEvent:
    events_record(actor=Actor.system(), items=[SurveyEvent(
        kind=EventKind.DEPOSIT_TAKEN, occurred_at=NOW - dt.timedelta(days=days_ago), customer_id=customer.pk,
        idempotency_key=f"deposit-{customer.pk}-{days_ago}")], now=NOW)
    return OperationalEvent.objects.get(customer=customer, kind=EventKind.DEPOSIT_TAKEN)


def _links(message) -> dict[str, str]:
    found = re.findall(r"https?://\S+/journey/rsvp/(\S+?)/", message.body)
    return {"accept": found[0], "decline": found[1]}


# --------------------------------------------------------------------------------------------------------------------
# The rule


def test_a_new_depositor_is_invited_once_by_the_rule_and_gets_the_email_in_their_language(
        world, mailoutbox, django_capture_on_commit_callbacks):
    event = _event(world)
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand, language="de", first_name="Jonas")
    _deposit(customer)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.event_invitations_for_depositors(now=NOW) == 1
    assert svc.event_invitations_for_depositors(now=NOW) == 0  # idempotent
    invitation = EventInvitation.objects.get(customer=customer)
    assert (invitation.event_id, invitation.invited_by, invitation.status) == (event.pk, InvitedBy.RULE,
                                                                               RsvpStatus.INVITED)
    assert invitation.trigger_reference.startswith("deposit:")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [customer.email]
    assert '<html lang="de">' in mailoutbox[0].alternatives[0][0]
    assert "Jonas" in mailoutbox[0].body and mailoutbox[0].extra_headers["Content-Language"] == "de"


def test_the_rule_never_fills_more_seats_than_the_event_has_and_uses_the_next_event(world):
    first = _event(world, capacity=1, days=5)
    second = _event(world, capacity=1, days=20)
    customers = [CustomerFactory(dealer=world.dealer_a, brand=world.brand) for _ in range(3)]
    for customer in customers:
        _deposit(customer)
    assert svc.event_invitations_for_depositors(now=NOW) == 2
    assert first.invitations.count() == 1 and second.invitations.count() == 1
    # The third waits for a seat; a new event picks them up on the next sweep.
    third = _event(world, capacity=5, days=30)
    assert svc.event_invitations_for_depositors(now=NOW) == 1
    assert third.invitations.count() == 1


def test_the_rule_ignores_other_dealers_events_and_old_deposits(world):
    _event(world, dealer=world.dealer_b)
    _deposit(CustomerFactory(dealer=world.dealer_a, brand=world.brand))
    _deposit(CustomerFactory(dealer=world.dealer_b, brand=world.brand), days_ago=90)
    assert svc.event_invitations_for_depositors(now=NOW) == 0
    assert not EventInvitation.objects.exists()


# --------------------------------------------------------------------------------------------------------------------
# Answers from the e-mail


def _invited(world, mailoutbox, event, n=1):
    from django.test import TestCase

    customers = [CustomerFactory(dealer=event.dealer, brand=world.brand) for _ in range(n)]
    mailoutbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        svc.event_invite(actor=world.actors["dealer_principal"], event_pk=event.pk,
                         customer_pks=[c.pk for c in customers], now=NOW)
    return [_links(m) for m in mailoutbox]


def test_accept_link_books_a_seat_and_works_once(world, mailoutbox):
    event = _event(world)
    (links,) = _invited(world, mailoutbox, event)
    invitation = svc.event_rsvp(token=links["accept"], now=NOW)
    assert (invitation.status, invitation.responded_at) == (RsvpStatus.ACCEPTED, NOW)
    with pytest.raises(svc.RsvpAlreadyAnswered):
        svc.event_rsvp(token=links["accept"], now=NOW)
    with pytest.raises(svc.RsvpAlreadyAnswered):
        svc.event_rsvp(token=links["decline"], now=NOW)
    assert EventInvitation.objects.get(pk=invitation.pk).status == RsvpStatus.ACCEPTED


def test_acceptances_beyond_capacity_go_to_the_waiting_list(world, mailoutbox):
    event = _event(world, capacity=2)
    links = _invited(world, mailoutbox, event, n=2)
    EventInvitation.objects.filter(event=event).update()  # both hold a seat
    ExperienceEvent.objects.filter(pk=event.pk).update(capacity=1)
    assert svc.event_rsvp(token=links[0]["accept"], now=NOW).status == RsvpStatus.ACCEPTED
    assert svc.event_rsvp(token=links[1]["accept"], now=NOW).status == RsvpStatus.WAITLISTED
    assert event.invitations.filter(status=RsvpStatus.ACCEPTED).count() == 1


def test_hand_invitations_beyond_the_free_seats_are_refused(world, mailoutbox):
    event = _event(world, capacity=1)
    customers = [CustomerFactory(dealer=world.dealer_a, brand=world.brand) for _ in range(2)]
    with pytest.raises(Conflict):
        svc.event_invite(actor=world.actors["dealer_principal"], event_pk=event.pk,
                         customer_pks=[c.pk for c in customers], now=NOW)
    assert not event.invitations.exists() and not mailoutbox


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "abc", lambda t: "nonsense", lambda t: t.replace(":", "", 1)])
def test_forged_links_are_refused(world, mailoutbox, mangle):
    event = _event(world)
    (links,) = _invited(world, mailoutbox, event)
    with pytest.raises(svc.InvalidRsvpLink):
        svc.event_rsvp(token=mangle(links["accept"]), now=NOW)
    assert event.invitations.get().status == RsvpStatus.INVITED


def test_a_validly_signed_link_with_the_wrong_nonce_is_refused(world, mailoutbox):
    event = _event(world)
    _invited(world, mailoutbox, event)
    invitation = event.invitations.get()
    forged = svc.rsvp_token(invitation_pk=invitation.pk, nonce="guessed", answer="accept")
    with pytest.raises(svc.InvalidRsvpLink):
        svc.event_rsvp(token=forged, now=NOW)


def test_answers_close_when_the_event_starts(world, mailoutbox):
    event = _event(world)
    (links,) = _invited(world, mailoutbox, event)
    with pytest.raises(svc.RsvpClosed):
        svc.event_rsvp(token=links["accept"], now=event.starts_at)


def test_the_public_page_asks_then_confirms_and_shows_a_clear_error_for_a_used_link(world, mailoutbox, client):
    event = _event(world)
    (links,) = _invited(world, mailoutbox, event)
    url = f"/journey/rsvp/{links['accept']}/"
    page = client.get(url)
    assert page.status_code == 200 and "Yes, I will come" in page.content.decode()
    assert event.invitations.get().status == RsvpStatus.INVITED  # opening the link answers nothing
    done = client.post(url)
    assert done.status_code == 200 and "You are coming" in done.content.decode()
    again = client.get(url)
    assert again.status_code == 409 and "answered this invitation already" in again.content.decode()
    assert client.get("/journey/rsvp/forged/").status_code == 404


# --------------------------------------------------------------------------------------------------------------------
# Attendance and the survey


def test_attendance_hands_attendees_to_the_experience_survey_once(world, mailoutbox):
    event = _event(world)
    links = _invited(world, mailoutbox, event, n=2)
    for link in links:
        svc.event_rsvp(token=link["accept"], now=NOW)
    guests = list(event.invitations.order_by("pk"))
    after = event.ends_at + dt.timedelta(hours=1)
    with pytest.raises(Conflict):
        svc.event_attendance_record(actor=world.actors["dealer_staff"], event_pk=event.pk, attended_pks=[], now=NOW)
    svc.event_attendance_record(actor=world.actors["dealer_staff"], event_pk=event.pk,
                                attended_pks=[guests[0].pk], now=after)
    reported = OperationalEvent.objects.filter(kind=EventKind.EXPERIENCE_ATTENDED)
    assert list(reported.values_list("customer_id", flat=True)) == [guests[0].customer_id]
    assert reported.get().touchpoint.code == "experience_event"
    assert Invitation.objects.filter(event__in=reported).count() == 1
    svc.event_attendance_record(actor=world.actors["dealer_staff"], event_pk=event.pk,
                                attended_pks=[guests[0].pk], now=after)
    assert reported.count() == 1  # idempotent
    event.refresh_from_db()
    assert event.status == "held" and event.surveys_requested_at == after


def test_another_dealer_cannot_take_attendance_or_see_the_event(world):
    event = _event(world)
    with pytest.raises(NotFound):
        svc.event_attendance_record(actor=world.actors["other_dealer"], event_pk=event.pk, attended_pks=[],
                                    now=event.ends_at)
    with pytest.raises(PermissionDenied):
        svc.event_attendance_record(actor=world.actors["owner"], event_pk=event.pk, attended_pks=[],
                                    now=event.ends_at)
    assert ExperienceEvent.objects.get(pk=event.pk).status == "planned"


def test_event_validation_names_the_field(world):
    with pytest.raises(ValidationFailed) as error:
        svc.event_create(actor=world.actors["dealer_principal"], data=svc.EventInput(
            dealer_id=world.dealer_a.pk, kind="track_day", title="X", starts_at=NOW + dt.timedelta(days=2),
            ends_at=NOW + dt.timedelta(days=1), place="P", capacity=3), now=NOW)
    assert error.value.field == "ends_at"
    with pytest.raises(ValidationFailed) as error:
        svc.event_create(actor=world.actors["dealer_principal"], data=svc.EventInput(
            dealer_id=world.dealer_c.pk, kind="track_day", title="X", starts_at=NOW + dt.timedelta(days=2),
            ends_at=NOW + dt.timedelta(days=3), place="P", capacity=3), now=NOW)
    assert error.value.field == "dealer"
    assert not ExperienceEvent.objects.exists()


# --------------------------------------------------------------------------------------------------------------------
# Scoping and pages

SEES = {"head_office": {"a", "c"}, "region_manager": {"a"}, "dealer_principal": {"a"}, "dealer_staff": {"a"},
        "other_dealer": {"c"}, "owner": set(), "anonymous": set()}


@pytest.mark.parametrize("role", list(SEES))
def test_each_role_sees_its_events_and_guests_only(world, role):
    events = {"a": _event(world), "c": _event(world, dealer=world.dealer_c)}
    for key, event in events.items():
        EventInvitation.objects.create(event=event, customer=world.customers[key], invited_at=NOW)
    actor = world.actors[role]
    assert {k for k, e in events.items() if ExperienceEvent.objects.visible_to(actor).filter(pk=e.pk).exists()} \
        == SEES[role]
    guests = {i.customer_id for i in EventInvitation.objects.visible_to(actor)}
    expected = {world.customers[k].pk for k in SEES[role]} | ({world.customers["a"].pk} if role == "owner" else set())
    assert guests == expected


def test_the_event_pages_show_counts_and_the_guest_list(world, mailoutbox):
    event = _event(world, capacity=5)
    links = _invited(world, mailoutbox, event, n=2)
    svc.event_rsvp(token=links[0]["accept"], now=NOW)
    svc.event_rsvp(token=links[1]["decline"], now=NOW)
    client = client_for(world, "dealer_principal")
    listing = tables_of(client.get("/journey/events/").content.decode())["upcoming-events"]
    assert listing[1][1:] == ["Track day Track day", "Dealer A", "5", "2", "1", "1", "0", "Planned"]
    page = client.get(f"/journey/events/{event.pk}/")
    tables = tables_of(page.content.decode())
    assert tables["event-counts"][1] == ["5", "4", "2", "1", "1", "0", "0"]
    assert sorted(row[2].split()[0] for row in tables["guests"][1:]) == ["Accepted", "Declined"]
    # Once the day is over, an invitation nobody answered reads as such.
    ExperienceEvent.objects.filter(pk=event.pk).update(starts_at=NOW - dt.timedelta(days=2),
                                                       ends_at=NOW - dt.timedelta(days=1))
    EventInvitation.objects.filter(event=event, status=RsvpStatus.DECLINED).update(status=RsvpStatus.INVITED,
                                                                                  responded_at=None)
    guests = tables_of(client.get(f"/journey/events/{event.pk}/").content.decode())["guests"]
    assert sorted(row[2].split()[0] for row in guests[1:]) == ["Accepted", "No"]
    assert client_for(world, "other_dealer").get(f"/journey/events/{event.pk}/").status_code == 404
    assert client_for(world, "owner").get("/journey/events/").status_code == 403


def test_the_list_narrows_by_region_and_dealer_and_shows_dates_as_day_month_year(world):
    a = _event(world, days=10)
    _event(world, days=12, dealer=world.dealer_b)
    _event(world, days=14, dealer=world.dealer_c)
    client = client_for(world, "head_office")

    def dealers(query: str) -> list[str]:
        return [row[2] for row in tables_of(client.get("/journey/events/" + query).content.decode())
                ["upcoming-events"][1:]]

    assert dealers("") == ["Dealer A", "Dealer B", "Dealer C"]
    assert dealers(f"?region={world.region1.code}") == ["Dealer A", "Dealer B"]
    assert dealers(f"?region={world.region1.code}&dealer={world.dealer_b.code}") == ["Dealer B"]
    # A dealer outside the chosen region is not a choice, so it does not narrow the list.
    assert dealers(f"?region={world.region1.code}&dealer={world.dealer_c.code}") == ["Dealer A", "Dealer B"]
    local = timezone.localtime(a.starts_at, ZoneInfo(world.dealer_a.time_zone))
    first = tables_of(client.get("/journey/events/").content.decode())["upcoming-events"][1][0]
    assert first == local.strftime("%a ") + str(local.day) + local.strftime(" %b %Y")
    # A dealer has nothing to choose: no filter form.
    assert 'name="dealer"' not in client_for(world, "dealer_principal").get("/journey/events/").content.decode()


def test_the_create_form_plans_an_event_in_the_dealers_time_and_reports_bad_input(world):
    client = client_for(world, "dealer_principal")
    start = (NOW + dt.timedelta(days=14)).strftime("%Y-%m-%dT10:00")
    end = (NOW + dt.timedelta(days=14)).strftime("%Y-%m-%dT09:00")
    bad = client.post("/journey/events/new/", {"dealer": world.dealer_a.pk, "kind": "drive_out", "title": "Summer",
                                               "starts_at": start, "ends_at": end, "place": "Lake", "capacity": 20})
    assert bad.status_code == 422 and "must end after it starts" in bad.content.decode()
    good = client.post("/journey/events/new/", {"dealer": world.dealer_a.pk, "kind": "drive_out", "title": "Summer",
                                                "starts_at": start, "ends_at": start[:11] + "17:00", "place": "Lake",
                                                "capacity": 20, "invites_depositors": "on"})
    event = ExperienceEvent.objects.get()
    assert good.status_code == 302 and good["Location"] == f"/journey/events/{event.pk}/"
    local = timezone.localtime(event.starts_at, ZoneInfo(world.dealer_a.time_zone))
    assert (local.strftime("%Y-%m-%dT%H:%M"), local.utcoffset() is not None) == (start, True)
    assert event.capacity == 20 and event.invites_depositors


def test_a_depositor_invited_to_a_day_that_is_over_is_not_invited_again(world):
    past = _event(world, days=3)
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    _deposit(customer, days_ago=10)
    EventInvitation.objects.create(event=past, customer=customer, invited_at=NOW - dt.timedelta(days=9),
                                   status=RsvpStatus.ACCEPTED, attended=True)
    _event(world, days=30)
    later = past.ends_at + dt.timedelta(days=1)
    assert svc.event_invitations_for_depositors(now=later) == 0
    assert EventInvitation.objects.filter(customer=customer).count() == 1


def test_the_list_and_event_pages_read_a_fixed_number_of_queries(world, django_assert_num_queries):
    client = client_for(world, "head_office")
    for days in (5, 10, 15):
        event = _event(world, days=days)
        for key in ("a",):
            EventInvitation.objects.create(event=event, customer=world.customers[key], invited_at=NOW)
    ExperienceEvent.objects.create(brand=world.brand, dealer=world.dealer_a, title="Last year's day", place="Circuit",
                                   starts_at=NOW - dt.timedelta(days=300), ends_at=NOW - dt.timedelta(days=299),
                                   capacity=5, created_at=NOW - dt.timedelta(days=330))
    client.get("/journey/events/")  # warm the session and the translation catalogue
    with django_assert_num_queries(QUERIES_LIST):
        assert client.get("/journey/events/").status_code == 200
    _event(world, days=20, dealer=world.dealer_b)
    with django_assert_num_queries(QUERIES_LIST):
        assert client.get("/journey/events/").status_code == 200
    with django_assert_num_queries(QUERIES_DETAIL):
        assert client.get(f"/journey/events/{event.pk}/").status_code == 200


def test_staff_invite_a_customer_by_email_from_the_event_page(world, mailoutbox, django_capture_on_commit_callbacks):
    event = _event(world, capacity=3)
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand, email="Mia.Lang@example.de")
    client = client_for(world, "dealer_staff")
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/journey/events/{event.pk}/", {"action": "invite", "email": "mia.lang@example.de"})
    assert answer.status_code == 302
    assert list(event.invitations.values_list("customer_id", "invited_by")) == [(customer.pk, InvitedBy.HAND)]
    assert [m.to for m in mailoutbox] == [["Mia.Lang@example.de"]]
    again = client.post(f"/journey/events/{event.pk}/", {"action": "invite", "email": "mia.lang@example.de"})
    assert again.status_code == 409 and "is invited already" in again.content.decode()
    other = client.post(f"/journey/events/{event.pk}/", {"action": "invite", "email": world.customers["c"].email})
    assert other.status_code == 422 and "No customer of Dealer A" in other.content.decode()
    assert event.invitations.count() == 1


def test_the_edit_form_changes_the_event_but_not_below_the_accepted_guests(world, mailoutbox):
    event = _event(world, capacity=3)
    for link in _invited(world, mailoutbox, event, n=2):
        svc.event_rsvp(token=link["accept"], now=NOW)
    client = client_for(world, "dealer_principal")
    page = client.get(f"/journey/events/{event.pk}/edit/")
    assert page.status_code == 200 and 'value="Track day"' in page.content.decode()
    zone = ZoneInfo(world.dealer_a.time_zone)
    fields = {"dealer": world.dealer_a.pk, "kind": "track_day", "title": "Track day at dusk", "place": "Circuit",
              "starts_at": event.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
              "ends_at": event.ends_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"), "invites_depositors": "on"}
    refused = client.post(f"/journey/events/{event.pk}/edit/", {**fields, "capacity": 1})
    assert refused.status_code == 422 and "2 guests have accepted already" in refused.content.decode()
    assert client.post(f"/journey/events/{event.pk}/edit/", {**fields, "capacity": 2}).status_code == 302
    event.refresh_from_db()
    assert (event.title, event.capacity) == ("Track day at dusk", 2)
    assert client_for(world, "other_dealer").get(f"/journey/events/{event.pk}/edit/").status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent answers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_never_seat_more_guests_than_the_capacity():
    import threading

    from insidetrack.journeys.services import brand_setup
    from insidetrack.network.tests.factories import DealerFactory, RegionFactory

    brand = brand_setup(name="Aurelia Motors")
    dealer = DealerFactory(region=RegionFactory(brand=brand), name="Dealer A")
    event = ExperienceEvent.objects.create(brand=brand, dealer=dealer, title="Last seats", place="Circuit",
                                           starts_at=NOW + dt.timedelta(days=3), ends_at=NOW + dt.timedelta(days=4),
                                           capacity=2, created_at=NOW)
    tokens = []
    for index in range(8):
        invitation = EventInvitation.objects.create(
            event=event, customer=CustomerFactory(dealer=dealer, brand=brand), invited_at=NOW,
            token_nonce=f"nonce-{index}")
        tokens.append(svc.rsvp_token(invitation_pk=invitation.pk, nonce=invitation.token_nonce, answer="accept"))
    barrier = threading.Barrier(len(tokens))
    answers: list[str] = []

    def accept(token: str) -> None:
        try:
            barrier.wait()
            answers.append(svc.event_rsvp(token=token, now=NOW).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["accepted"] * 2 + ["waitlisted"] * 6
    assert event.invitations.filter(status=RsvpStatus.ACCEPTED).count() == 2


def test_a_cancelled_event_closes_its_links_and_takes_no_more_depositors(world, mailoutbox):
    event = _event(world)
    (links,) = _invited(world, mailoutbox, event)
    client = client_for(world, "dealer_principal")
    assert client.post(f"/journey/events/{event.pk}/", {"action": "cancel"}).status_code == 302
    assert ExperienceEvent.objects.get(pk=event.pk).status == "cancelled"
    with pytest.raises(svc.RsvpClosed):
        svc.event_rsvp(token=links["accept"], now=NOW)
    _deposit(CustomerFactory(dealer=world.dealer_a, brand=world.brand))
    assert svc.event_invitations_for_depositors(now=NOW) == 0
    again = client.post(f"/journey/events/{event.pk}/", {"action": "cancel"})
    assert again.status_code == 409 and "Only a planned event" in again.content.decode()
    refused = client_for(world, "other_dealer").post(f"/journey/events/{event.pk}/", {"action": "cancel"})
    assert refused.status_code == 404


def test_cancelling_tells_every_guest_who_has_not_declined_in_their_language_once(
        world, mailoutbox, django_capture_on_commit_callbacks):
    event = _event(world, capacity=4)
    links = _invited(world, mailoutbox, event, n=4)
    ExperienceEvent.objects.filter(pk=event.pk).update(capacity=1)  # the venue shrank
    svc.event_rsvp(token=links[0]["accept"], now=NOW)
    svc.event_rsvp(token=links[1]["accept"], now=NOW)  # the waiting list: one seat
    svc.event_rsvp(token=links[2]["decline"], now=NOW)
    guests = {i.status: i.customer for i in EventInvitation.objects.filter(event=event).select_related("customer")}
    guests["waitlisted"].language = "de"
    guests["waitlisted"].save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.event_cancel(actor=world.actors["dealer_principal"], event_pk=event.pk, now=NOW)
    told = {m.to[0]: m for m in mailoutbox}
    assert set(told) == {guests[s].email for s in ("accepted", "waitlisted", "invited")}
    assert told[guests["accepted"].email].subject == "Cancelled: Track day"
    assert "has been cancelled" in told[guests["accepted"].email].body
    assert told[guests["waitlisted"].email].subject == "Abgesagt: Track day"
    # A re-run (a retried task) tells nobody twice.
    mailoutbox.clear()
    pks = list(EventInvitation.objects.filter(event=event).values_list("pk", flat=True))
    assert sum(svc.event_cancellation_send(invitation_pk=pk, now=NOW) for pk in pks) == 0
    assert mailoutbox == []


def test_a_larger_capacity_seats_the_waiting_list_first_come_first_served_and_tells_them_once(
        world, mailoutbox, django_capture_on_commit_callbacks):
    event = _event(world, capacity=4)
    links = _invited(world, mailoutbox, event, n=4)
    ExperienceEvent.objects.filter(pk=event.pk).update(capacity=1)  # the venue shrank after the invitations
    svc.event_rsvp(token=links[0]["accept"], now=NOW)
    svc.event_rsvp(token=links[1]["accept"], now=NOW + dt.timedelta(minutes=1))  # first on the waiting list
    svc.event_rsvp(token=links[2]["accept"], now=NOW + dt.timedelta(minutes=2))  # second
    first, second = (EventInvitation.objects.get(event=event, responded_at=NOW + dt.timedelta(minutes=m))
                     for m in (1, 2))
    assert (first.status, second.status) == ("waitlisted", "waitlisted")
    mailoutbox.clear()
    data = svc.EventInput(dealer_id=world.dealer_a.pk, kind="track_day", title="Track day",
                          starts_at=event.starts_at, ends_at=event.ends_at, place="Circuit", capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        svc.event_update(actor=world.actors["dealer_principal"], event_pk=event.pk, data=data)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("accepted", "waitlisted")
    assert [m.to for m in mailoutbox] == [[first.customer.email]]
    assert mailoutbox[0].subject == "A seat is yours: Track day"
    # A retried task tells nobody twice.
    assert svc.event_seat_send(invitation_pk=first.pk) is False

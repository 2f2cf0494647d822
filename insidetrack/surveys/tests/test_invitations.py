"""Invitations out: sending by e-mail and SMS, the idempotent sweep, one reminder, expiry."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext

from insidetrack.core.actor import Actor
from insidetrack.core.hashing import fingerprint
from insidetrack.core.tasks import PERIODIC_SWEEPS
from insidetrack.customers.tests.factories import CustomerFactory
from insidetrack.surveys import messaging, services
from insidetrack.surveys.models import Invitation, SurveyRule
from insidetrack.surveys.services import events_record, invitations_schedule, invitations_send_due, survey_setup
from insidetrack.surveys.tests.factories import OperationalEventFactory
from insidetrack.surveys.tokens import read_token

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
LINK = re.compile(r"http://127\.0\.0\.1:8000/s/([^/\s\"]+)/")


@pytest.fixture(autouse=True)
def _locmem_sms(settings):
    settings.INSIDETRACK_SMS_BACKEND = "insidetrack.surveys.messaging.LocmemSmsBackend"
    messaging.outbox.clear()
    yield
    messaging.outbox.clear()


@pytest.fixture
def surveyed(world):
    survey_setup(brand=world.brand)
    return world


def scheduled(world, *, kind="handover", occurred_at=NOW, now=NOW, **customer_fields) -> Invitation:
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand, **customer_fields)
    rule = SurveyRule.objects.get(brand=world.brand, event_kind=kind)
    event = OperationalEventFactory(customer=customer, kind=kind, occurred_at=occurred_at, touchpoint=rule.touchpoint)
    [invitation] = invitations_schedule(events=[event], now=now)
    return invitation


def test_the_sweep_is_registered():
    from insidetrack.surveys import tasks  # noqa: F401

    assert services.invitations_send_due in PERIODIC_SWEEPS


def test_german_customer_gets_a_german_email_naming_the_dealer_with_a_working_link(surveyed, mailoutbox):
    invitation = scheduled(surveyed, language="de", first_name="Lena")
    assert invitations_send_due(now=NOW) == 0  # the handover survey waits 72 hours
    assert invitations_send_due(now=NOW + dt.timedelta(hours=72)) == 1
    invitation.refresh_from_db()
    [mail] = mailoutbox
    assert mail.to == [invitation.customer.email]
    assert mail.extra_headers["Content-Language"] == "de"
    with translation.override("de"):  # exact, and still exact once the German catalogue is filled in
        expected = gettext("How was your %(touchpoint_name)s at %(dealer_name)s?") % {
            "touchpoint_name": "Fahrzeugübergabe", "dealer_name": "Dealer A"}
    assert mail.subject == expected
    assert "Lena" in mail.body and "Dealer A" in mail.body and "Fahrzeugübergabe" in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and '<html lang="de">' in html and "Dealer A" in html
    [token] = LINK.findall(mail.body)
    assert LINK.findall(html) == [token]
    assert read_token(token) == (invitation.pk, invitation.token_nonce)
    assert len(invitation.token_nonce) == 22
    assert (invitation.status, invitation.sent_at, invitation.channel) == ("sent", NOW + dt.timedelta(hours=72),
                                                                          "email")
    assert invitation.expires_at == NOW + dt.timedelta(hours=72, days=14)
    assert invitation.contact_hash == fingerprint(invitation.customer.email)


def test_base_url_comes_from_settings(surveyed, mailoutbox, settings):
    settings.INSIDETRACK_BASE_URL = "https://feedback.aurelia.example/"
    scheduled(surveyed, kind="test_drive")
    invitations_send_due(now=NOW)
    assert "https://feedback.aurelia.example/s/" in mailoutbox[0].body


def test_sms_when_the_email_bounced(surveyed, mailoutbox):
    invitation = scheduled(surveyed, kind="test_drive", email_bounced_at=NOW)
    assert invitation.channel == "sms"
    assert invitations_send_due(now=NOW) == 1
    invitation.refresh_from_db()
    [sms] = messaging.outbox
    assert mailoutbox == []
    assert sms.to == invitation.customer.phone
    token = re.search(r"/s/([^/]+)/$", sms.body).group(1)
    assert read_token(token) == (invitation.pk, invitation.token_nonce)
    assert sms.body.startswith("Dealer A: how was your Test drive? One minute: http://127.0.0.1:8000/s/")
    assert invitation.contact_hash == fingerprint(invitation.customer.phone)


def test_file_sms_backend_writes_one_file_per_message(settings, tmp_path):
    settings.INSIDETRACK_SMS_BACKEND = messaging.DEFAULT_BACKEND
    settings.DATA_DIR = tmp_path
    assert messaging.send_sms(to="+447700000001", body="Hello") == 1
    [written] = (tmp_path / "sms").iterdir()
    assert written.read_text(encoding="utf-8") == "To: +447700000001\n\nHello\n"


def test_the_sweep_is_idempotent(surveyed, mailoutbox):
    for _ in range(3):
        scheduled(surveyed, kind="test_drive")
    assert invitations_send_due(now=NOW) == 3
    assert invitations_send_due(now=NOW) == 0
    assert invitations_send_due(now=NOW + dt.timedelta(minutes=1)) == 0
    assert len(mailoutbox) == 3
    assert services.invitations_send(invitation_pks=Invitation.objects.values_list("pk", flat=True), now=NOW) == 0
    assert len(mailoutbox) == 3


def test_an_event_due_now_is_emailed_at_once_after_commit(surveyed, mailoutbox, django_capture_on_commit_callbacks):
    customer = CustomerFactory(dealer=surveyed.dealer_a, brand=surveyed.brand)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = events_record(actor=Actor.system(), source="import", items=[
            {"kind": "test_drive", "occurred_at": timezone.now(), "customer_id": customer.pk}])
    assert len(callbacks) == 1
    assert [m.to for m in mailoutbox] == [[customer.email]]
    invitation = Invitation.objects.get(event_id=result.results[0].event_pk)
    assert invitation.status == "sent"


def test_consent_withdrawn_before_sending_skips_the_invitation(surveyed, mailoutbox):
    invitation = scheduled(surveyed)
    invitation.customer.consent_surveys = False
    invitation.customer.save()
    assert invitations_send_due(now=NOW + dt.timedelta(hours=72)) == 0
    invitation.refresh_from_db()
    assert (invitation.status, invitation.skip_reason, invitation.sent_at, mailoutbox) == (
        "skipped", "no_consent", None, [])


def test_one_reminder_to_non_responders_after_the_rule_delay(surveyed, mailoutbox):
    quiet = scheduled(surveyed, kind="test_drive")
    answered = scheduled(surveyed, kind="deposit_taken")
    invitations_send_due(now=NOW)
    Invitation.objects.filter(pk=answered.pk).update(status="answered", answered_at=NOW + dt.timedelta(days=1))
    mailoutbox.clear()
    assert invitations_send_due(now=NOW + dt.timedelta(days=3, hours=23)) == 0
    assert invitations_send_due(now=NOW + dt.timedelta(days=4)) == 1
    assert invitations_send_due(now=NOW + dt.timedelta(days=5)) == 0
    [reminder] = mailoutbox
    assert reminder.to == [quiet.customer.email]
    assert reminder.subject == "Reminder: how was your Test drive at Dealer A?"
    quiet.refresh_from_db()
    assert (quiet.status, quiet.reminded_at) == ("sent", NOW + dt.timedelta(days=4))
    assert read_token(LINK.findall(reminder.body)[0]) == (quiet.pk, quiet.token_nonce)


def test_no_reminder_when_the_rule_has_none(surveyed, mailoutbox):
    SurveyRule.objects.filter(brand=surveyed.brand, event_kind="test_drive").update(reminder_after_days=None)
    scheduled(surveyed, kind="test_drive")
    invitations_send_due(now=NOW)
    assert invitations_send_due(now=NOW + dt.timedelta(days=10)) == 0
    assert len(mailoutbox) == 1


def test_links_expire_and_expired_invitations_get_no_reminder(surveyed, mailoutbox):
    sent = scheduled(surveyed, kind="test_drive")
    invitations_send_due(now=NOW)
    Invitation.objects.filter(pk=sent.pk).update(reminded_at=NOW)  # already reminded once
    # A pending invitation whose window closed while no sweep ran (say the server was down): never sent late.
    stale = scheduled(surveyed, kind="handover")
    Invitation.objects.filter(pk=stale.pk).update(expires_at=NOW + dt.timedelta(days=1))
    assert invitations_send_due(now=NOW + dt.timedelta(days=13, hours=23)) == 1
    assert {i.pk: i.status for i in Invitation.objects.filter(pk__in=[sent.pk, stale.pk])} == {
        sent.pk: "sent", stale.pk: "expired"}
    assert invitations_send_due(now=NOW + dt.timedelta(days=14)) == 1
    assert Invitation.objects.get(pk=sent.pk).status == "expired"
    assert invitations_send_due(now=NOW + dt.timedelta(days=30)) == 0
    assert len(mailoutbox) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent claims need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_invitation_once(mailoutbox, settings):
    from insidetrack.journeys.services import brand_setup
    from insidetrack.network.tests.factories import DealerFactory, RegionFactory

    brand = brand_setup(name="Aurelia Motors")
    survey_setup(brand=brand)
    dealer = DealerFactory(region=RegionFactory(brand=brand), name="Dealer A")
    # Handover waits 72 hours, so nothing is sent by the after-commit task: the two sweeps race for every row.
    rule = SurveyRule.objects.get(brand=brand, event_kind="handover")
    events = [OperationalEventFactory(customer=CustomerFactory(dealer=dealer, brand=brand), kind="handover",
                                      occurred_at=NOW, touchpoint=rule.touchpoint) for _ in range(40)]
    invitations_schedule(events=events, now=NOW)
    barrier = threading.Barrier(2)
    totals: list[int] = []

    def sweep() -> None:
        try:
            barrier.wait()
            totals.append(invitations_send_due(now=NOW + dt.timedelta(hours=72)))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(totals) == 40 and len(totals) == 2
    assert len(mailoutbox) == 40
    assert len({m.to[0] for m in mailoutbox}) == 40
    assert Invitation.objects.filter(status="sent").count() == 40


def test_a_bounce_reported_by_the_provider_stops_further_surveys(world, mailoutbox):
    from anymail.signals import AnymailTrackingEvent, tracking

    from insidetrack.customers.models import Customer
    from insidetrack.customers.tests.factories import CustomerFactory
    from insidetrack.surveys.models import DeliveryStatus, Invitation, InvitationStatus
    from insidetrack.surveys.services import events_record, invitations_send_due

    customer = CustomerFactory(dealer=world.dealer_b, brand=world.brand, email="gone@example.org")
    now = timezone.now()
    events_record(actor=Actor.system(), source="import", items=[
        {"kind": "test_drive", "occurred_at": now - dt.timedelta(hours=1), "customer_id": customer.pk}])
    invitations_send_due(now=timezone.now() + dt.timedelta(minutes=1))
    invitation = Invitation.objects.get(customer=customer)
    assert invitation.status == InvitationStatus.SENT
    [message] = [m for m in mailoutbox if m.to == ["gone@example.org"]]
    assert message.metadata == {"invitation": str(invitation.pk)}

    event = AnymailTrackingEvent(event_type="bounced", metadata=message.metadata, recipient="gone@example.org")
    tracking.send(sender=object, event=event, esp_name="Test")
    tracking.send(sender=object, event=AnymailTrackingEvent(event_type="delivered", metadata=message.metadata),
                  esp_name="Test")  # a late "delivered" does not undo the bounce
    invitation.refresh_from_db()
    customer.refresh_from_db()
    assert invitation.delivery_status == DeliveryStatus.BOUNCED and customer.email_bounced_at is not None

    result = events_record(actor=Actor.system(), source="import", items=[
        {"kind": "deposit_taken", "occurred_at": now + dt.timedelta(days=40), "customer_id": customer.pk}],
        now=now + dt.timedelta(days=40, hours=1))
    # The bounced address is never used again: the customer's phone takes over...
    assert (result.results[0].invitation.decision, result.results[0].invitation.channel) == ("scheduled", "sms")
    # ...and without a phone the survey is skipped, with the reason recorded.
    Customer.objects.filter(pk=customer.pk).update(phone="")
    Invitation.objects.filter(customer=customer).delete()
    result = events_record(actor=Actor.system(), source="import", items=[
        {"kind": "handover", "occurred_at": now + dt.timedelta(days=80), "customer_id": customer.pk}],
        now=now + dt.timedelta(days=80, hours=1))
    assert (result.results[0].invitation.decision, result.results[0].invitation.skip_reason) == ("skipped", "bounced")


def test_every_change_of_an_invitation_leaves_a_history_row(world, mailoutbox):
    from insidetrack.customers.tests.factories import CustomerFactory
    from insidetrack.surveys.capture import survey_complete, survey_open, survey_score
    from insidetrack.surveys.models import Invitation, InvitationEvent
    from insidetrack.surveys.services import events_record, invitations_send_due
    from insidetrack.surveys.tokens import make_token

    answered = CustomerFactory(dealer=world.dealer_b, brand=world.brand)
    silent = CustomerFactory(dealer=world.dealer_b, brand=world.brand)
    start = timezone.now()
    events_record(actor=Actor.system(), source="import", items=[
        {"kind": "test_drive", "occurred_at": start - dt.timedelta(hours=1), "customer_id": c.pk}
        for c in (answered, silent)])
    invitations_send_due(now=start + dt.timedelta(minutes=1))
    invitation = Invitation.objects.get(customer=answered)
    token = make_token(invitation_pk=invitation.pk, nonce=invitation.token_nonce)
    survey_open(token=token, now=start + dt.timedelta(hours=2))
    survey_score(token=token, score=9, network="", device="", now=start + dt.timedelta(hours=2))
    survey_complete(token=token, verbatim="Great", answers={}, now=start + dt.timedelta(hours=2))
    invitations_send_due(now=start + dt.timedelta(days=5))  # the silent one gets its one reminder
    invitations_send_due(now=start + dt.timedelta(days=5, minutes=1))  # and not a second
    invitations_send_due(now=start + dt.timedelta(days=30))  # then its link expires

    def history(customer):
        return list(InvitationEvent.objects.filter(invitation__customer=customer).values_list("kind", "detail"))

    assert history(answered) == [("scheduled", "email"), ("sent", "email"), ("opened", ""), ("answered", "")]
    assert history(silent) == [("scheduled", "email"), ("sent", "email"), ("reminded", "email"), ("expired", "")]

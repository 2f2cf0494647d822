"""From a reading to the owner and the dealer: notifications in the owner's language, never more often than chosen,
not repeated within a cooldown, digests sent once, and a proactive case opened once while it is open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from insidetrack.cases.models import Case
from insidetrack.connected import services
from insidetrack.connected.models import Notification, NotificationPreference, RuleMatch, TelemetryEvent
from insidetrack.core.errors import PermissionDenied

from .conftest import NOW, event

pytestmark = pytest.mark.django_db
SOFT_TYRE = {"front_left": 230, "front_right": 230, "rear_left": 180, "rear_right": 235}


def send(connected, *events, now=NOW):
    """Ingest a batch and evaluate it as the after-commit task would."""
    result = services.telemetry_ingest(provider=connected.provider, events=list(events), now=now)
    services.events_evaluate(event_pks=result.event_pks, now=now)
    return result


def prefer(connected, alerts: str, tips: str = "weekly") -> None:
    services.preference_update(actor=connected.world.actors["owner"], alerts=alerts, tips=tips, now=NOW)


def test_a_soft_tyre_tells_the_owner_in_german_with_the_wheel_and_pressure(connected):
    send(connected, event(connected.vin_a, "t1", **SOFT_TYRE))
    # 180 kPa is soft, and 55 kPa below the fullest tyre: both tyre rules trip, the safety one speaks for the reading
    assert list(Notification.objects.values_list("rule__name", flat=True)) == ["Tyre pressure low"]
    assert dict(RuleMatch.objects.values_list("rule__name", "outcome")) == {
        "Tyre pressure low": "notified", "Tyre pressures uneven": "same_reading"}
    notification = Notification.objects.get(rule__name="Tyre pressure low")
    assert (notification.kind, notification.is_safety, notification.language) == ("alert", True, "de")
    assert notification.title == "Bitte prüfen Sie den Reifendruck"
    assert notification.body.startswith("Der Reifen hinten links hat nur 180 kPa, weniger als die vorgesehenen "
                                        "200 kPa.")
    assert notification.email_due_at == NOW  # safety: not held for the owner's default daily digest


def test_a_healthy_reading_produces_nothing(connected):
    send(connected, event(connected.vin_a, "t1"), event(connected.vin_a, "b1", "battery"))
    assert Notification.objects.count() == 0
    assert RuleMatch.objects.count() == 0
    assert TelemetryEvent.objects.filter(evaluated_at=NOW).count() == 2


def test_evaluating_twice_changes_nothing(connected):
    result = send(connected, event(connected.vin_a, "s1", "service_due", days=10))
    again = services.events_evaluate(event_pks=result.event_pks, now=NOW + dt.timedelta(hours=1))
    assert again.evaluated == 0
    assert Notification.objects.count() == 1
    assert RuleMatch.objects.count() == 1


def test_a_switched_off_rule_reads_nothing(connected):
    rule = services.rule_switch(actor=connected.world.actors["head_office"],
                                rule_pk=connected.world.brand.connected_rules.get(name="Service due soon").pk,
                                is_active=False)
    assert rule.is_active is False
    send(connected, event(connected.vin_a, "s1", "service_due", days=10))
    assert Notification.objects.count() == 0


def test_the_same_alert_is_not_repeated_within_the_cooldown(connected):
    send(connected, event(connected.vin_a, "s1", "service_due", days=10))
    send(connected, event(connected.vin_a, "s2", "service_due", days=9), now=NOW + dt.timedelta(days=13))
    send(connected, event(connected.vin_a, "s3", "service_due", days=1), now=NOW + dt.timedelta(days=14))
    assert list(RuleMatch.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "notified", "cooling_down", "notified"]
    assert Notification.objects.count() == 2


def test_a_burst_of_alerts_under_a_daily_digest_is_one_email_the_next_morning(connected):
    prefer(connected, "daily")
    send(connected, event(connected.vin_a, "s1", "service_due", days=10))
    send(connected, event(connected.vin_a, "u1", front_left=230, front_right=230, rear_left=205, rear_right=240),
         now=NOW + dt.timedelta(hours=1))  # uneven, not soft: not a safety alert
    send(connected, event(connected.vin_a, "b1", "battery", voltage_12v=11.5), now=NOW + dt.timedelta(hours=2))
    assert Notification.objects.count() == 3
    assert services.notifications_email_due(now=NOW + dt.timedelta(hours=12)) == 0
    assert len(mail.outbox) == 0
    morning = dt.datetime(2026, 3, 11, 8, 0, tzinfo=dt.UTC)
    assert services.notifications_email_due(now=morning) == 1
    assert services.notifications_email_due(now=morning + dt.timedelta(hours=1)) == 0
    (message,) = mail.outbox
    assert message.to == ["owner.a@example.org"]
    assert "3" in message.subject
    for title in ("Zeit für einen Servicetermin", "Ungleicher Reifendruck", "Ihre Batterie ist schwach"):
        assert title in message.body
    assert "Ihre Reifendrücke unterscheiden sich um 35 kPa, am niedrigsten ist der Reifen hinten links." \
        in message.body
    assert "Die 12-V-Batterie Ihres Fahrzeugs hatte nur 11,5 V" in message.body


def test_the_digest_sweep_is_idempotent(connected):
    prefer(connected, "weekly")
    send(connected, event(connected.vin_a, "s1", "service_due", days=10))
    monday = dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)
    assert Notification.objects.get().email_due_at == monday
    assert services.notifications_email_due(now=monday) == 1
    assert services.notifications_email_due(now=monday) == 0
    assert services.notifications_email_due(now=monday + dt.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.get().emailed_at == monday


def test_every_alert_is_emailed_at_once_when_the_owner_chose_so(connected, django_capture_on_commit_callbacks):
    prefer(connected, "every")
    with django_capture_on_commit_callbacks(execute=True):
        send(connected, event(connected.vin_a, "s1", "service_due", days=10))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Zeit für einen Servicetermin"
    assert "Ihr Aurelia GT ist in 10 Tagen zum Service fällig." in mail.outbox[0].body


def test_portal_only_is_never_emailed_even_for_safety(connected):
    prefer(connected, "portal")
    send(connected, event(connected.vin_a, "t1", **SOFT_TYRE))
    assert set(Notification.objects.values_list("email_due_at", flat=True)) == {None}
    assert services.notifications_email_due(now=NOW + dt.timedelta(days=30)) == 0
    assert len(mail.outbox) == 0


def test_tips_are_at_most_weekly_or_off(connected):
    driving = {"distance_km": 200, "harsh_braking": 14, "cold_high_revs": 4}
    send(connected, event(connected.vin_a, "d1", "driving_stats", **driving))
    tips = Notification.objects.filter(kind="tip")
    assert sorted(tips.values_list("rule__name", flat=True)) == ["Anticipate to brake gently",
                                                                   "Warm up before high revs"]
    assert {tip.email_due_at for tip in tips} == {dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)}
    prefer(connected, "daily", tips="off")
    send(connected, event(connected.vin_a, "d2", "driving_stats", **driving), now=NOW + dt.timedelta(days=40))
    assert tips.count() == 2
    assert RuleMatch.objects.filter(outcome="tips_off").count() == 2
    # turning tips off also stops the e-mail of tips already waiting
    assert set(tips.values_list("email_due_at", flat=True)) == {None}


def test_a_serious_fault_opens_one_urgent_case_while_it_is_open(connected):
    fault = {"code": "C0035", "severity": "serious"}
    send(connected, event(connected.vin_a, "f1", "fault_code", **fault))
    send(connected, event(connected.vin_a, "f2", "fault_code", **fault), now=NOW + dt.timedelta(days=5))
    (case,) = Case.objects.filter(source="connected_car")
    assert (case.dealer_id, case.customer_id, case.vehicle_id, case.status) == (
        connected.world.dealer_a.pk, connected.world.customers["a"].pk, connected.vehicle_a.pk, "new")
    assert case.urgent_reason == "Your Aurelia GT reported a fault (C0035)"
    assert case.subject == "Your Aurelia GT reported a fault (C0035)"
    Case.objects.filter(pk=case.pk).update(status="closed")
    send(connected, event(connected.vin_a, "f3", "fault_code", **fault), now=NOW + dt.timedelta(days=6))
    assert Case.objects.filter(source="connected_car").count() == 2


def test_a_minor_fault_opens_no_case(connected):
    send(connected, event(connected.vin_a, "f1", "fault_code", code="P0420", severity="minor"))
    assert Case.objects.filter(source="connected_car").count() == 0
    assert Notification.objects.count() == 0


def test_preferences_and_marking_read_are_the_owners_alone(connected):
    send(connected, event(connected.vin_a, "s1", "service_due", days=10))
    with pytest.raises(PermissionDenied):
        services.preference_update(actor=connected.world.actors["head_office"], alerts="every", tips="off")
    with pytest.raises(PermissionDenied):
        services.notifications_mark_read(actor=connected.world.actors["dealer_principal"])
    assert NotificationPreference.objects.count() == 0
    assert Notification.objects.get().read_at is None
    assert services.notifications_mark_read(actor=connected.world.actors["owner"], now=NOW) == 1
    assert Notification.objects.get().read_at == NOW


def test_stragglers_are_evaluated_by_the_sweep(connected):
    services.telemetry_ingest(provider=connected.provider, events=[event(connected.vin_a, "s1", "service_due",
                                                                         days=3)], now=NOW)
    assert services.events_evaluate_stragglers(now=NOW + dt.timedelta(minutes=1)) == 0
    assert services.events_evaluate_stragglers(now=NOW + dt.timedelta(minutes=3)) == 1
    assert Notification.objects.count() == 1


def test_two_serious_faults_in_one_batch_open_one_case_and_one_alert(connected):
    fault = {"code": "C0035", "severity": "critical"}
    send(connected, event(connected.vin_a, "f1", "fault_code", **fault), event(connected.vin_a, "f2", "fault_code",
                                                                              **fault))
    assert Case.objects.filter(source="connected_car").count() == 1
    assert list(RuleMatch.objects.order_by("pk").values_list("outcome", "case_id")) == [
        ("notified", Case.objects.get(source="connected_car").pk), ("cooling_down", None)]

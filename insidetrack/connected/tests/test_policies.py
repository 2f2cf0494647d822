"""Each connected-car rule at its boundary, and when an owner's e-mail may go, as pure functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from insidetrack.connected import policies
from insidetrack.connected.policies import Match, RuleSpec

D = Decimal


def run(condition: str, kind: str, payload: dict, threshold: str | None = None, severity: str = "") -> Match | None:
    return policies.evaluate(RuleSpec(condition=condition, threshold=D(threshold) if threshold else None,
                                      severity=severity), kind, payload)


@pytest.mark.parametrize(("severity", "fires"), [("info", False), ("minor", False), ("serious", True),
                                                 ("critical", True)])
def test_a_fault_rule_fires_at_its_severity_or_worse(severity, fires):
    match = run("fault_severity", "fault_code", {"code": "C0035", "severity": severity}, severity="serious")
    assert (match is not None) is fires
    if fires:
        assert match.values["code"] == "C0035"


@pytest.mark.parametrize(("days", "fires"), [(15, False), (14, True), (0, True), (-3, True)])
def test_service_due_within_14_days_includes_the_14th_day(days, fires):
    match = run("service_days", "service_due", {"days": days, "km": 900}, "14")
    assert (match is not None) is fires
    if fires:
        assert match.values == {"days": days, "km": 900}


@pytest.mark.parametrize(("km", "fires"), [(1001, False), (1000, True), (None, False)])
def test_service_due_within_a_distance(km, fires):
    assert (run("service_km", "service_due", {"days": 60, "km": km}, "1000") is not None) is fires


@pytest.mark.parametrize(("lowest", "fires"), [(200, False), (199.9, True)])
def test_a_tyre_below_200_kpa_is_strictly_below(lowest, fires):
    payload = {"unit": "kPa", "front_left": 230, "front_right": 230, "rear_left": lowest, "rear_right": 240}
    match = run("tyre_low", "tyre_pressure", payload, "200")
    assert (match is not None) is fires
    if fires:
        assert (match.value, match.values["wheel"]) == (D("199.9"), "rear_left")


def test_tyre_pressures_in_bar_are_read_as_kpa():
    payload = {"unit": "bar", "front_left": 1.9, "front_right": 2.3, "rear_left": 2.3, "rear_right": 2.3}
    match = run("tyre_low", "tyre_pressure", payload, "200")
    assert (match.value, match.values["wheel"]) == (D("190.0"), "front_left")


@pytest.mark.parametrize(("rear_right", "fires"), [(200, False), (199, True)])
def test_tyre_pressures_differing_by_more_than_30_kpa(rear_right, fires):
    payload = {"front_left": 230, "front_right": 225, "rear_left": 228, "rear_right": rear_right}
    match = run("tyre_spread", "tyre_pressure", payload, "30")
    assert (match is not None) is fires
    if fires:
        assert (match.value, match.values["wheel"]) == (D("31.0"), "rear_right")


@pytest.mark.parametrize(("voltage", "fires"), [(11.8, False), (11.79, True), (None, False)])
def test_a_12_volt_battery_below_11_8(voltage, fires):
    assert (run("battery_voltage", "battery", {"voltage_12v": voltage, "state_of_charge": 80}, "11.8")
            is not None) is fires


@pytest.mark.parametrize(("condition", "key"), [("battery_charge", "state_of_charge"),
                                                ("battery_health", "state_of_health")])
@pytest.mark.parametrize(("reading", "fires"), [(20, False), (19.5, True)])
def test_battery_charge_and_health_below_a_percentage(condition, key, reading, fires):
    assert (run(condition, "battery", {key: reading}, "20") is not None) is fires


@pytest.mark.parametrize(("harsh", "distance", "fires"), [(10, 200, False), (11, 200, True), (30, 49, False)])
def test_harsh_braking_per_100_km_above_5_and_only_over_50_km(harsh, distance, fires):
    payload = {"distance_km": distance, "harsh_braking": harsh, "hard_acceleration": 0}
    match = run("harsh_braking", "driving_stats", payload, "5")
    assert (match is not None) is fires
    if fires:
        assert match.value == D("5.5")


def test_hard_acceleration_per_100_km():
    payload = {"distance_km": 400, "harsh_braking": 0, "hard_acceleration": 13}
    assert run("hard_acceleration", "driving_stats", payload, "3").value == D("3.3")
    assert run("hard_acceleration", "driving_stats", payload, "3.3") is None


@pytest.mark.parametrize(("condition", "key"), [("cold_revs", "cold_high_revs"), ("short_trips", "short_trips")])
@pytest.mark.parametrize(("count", "fires"), [(2, False), (3, True)])
def test_counts_in_a_period_at_least(condition, key, count, fires):
    assert (run(condition, "driving_stats", {"distance_km": 10, key: count}, "3") is not None) is fires


def test_a_rule_ignores_events_of_another_kind():
    assert run("tyre_low", "battery", {"voltage_12v": 1}, "200") is None


def test_placeholders_are_filled_and_unknown_ones_left_as_typed():
    assert policies.render_text("{wheel} at {value} kPa {oops}", {"wheel": "rear left", "value": "190"}) == \
        "rear left at 190 kPa {oops}"


LONDON = "Europe/London"
TUESDAY_10 = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)


def test_digest_slots_are_8_am_local_the_next_day_or_next_monday():
    assert policies.next_digest_at(now=TUESDAY_10, weekly=False, time_zone=LONDON) == \
        dt.datetime(2026, 3, 11, 8, 0, tzinfo=dt.UTC)
    assert policies.next_digest_at(now=TUESDAY_10, weekly=True, time_zone=LONDON) == \
        dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)
    early = dt.datetime(2026, 3, 10, 7, 59, tzinfo=dt.UTC)
    assert policies.next_digest_at(now=early, weekly=False, time_zone=LONDON) == \
        dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("kind", "is_safety", "alerts", "tips", "due"), [
    ("alert", False, "every", "weekly", TUESDAY_10),
    ("alert", False, "daily", "weekly", dt.datetime(2026, 3, 11, 8, 0, tzinfo=dt.UTC)),
    ("alert", False, "weekly", "weekly", dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)),
    ("alert", True, "weekly", "weekly", TUESDAY_10),  # a safety alert skips the digest...
    ("alert", True, "portal", "weekly", None),  # ...but never the owner's "no e-mail"
    ("alert", False, "portal", "weekly", None),
    ("tip", False, "every", "weekly", dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)),  # tips: at most weekly
    ("tip", False, "every", "portal", None),
])
def test_when_an_email_may_go(kind, is_safety, alerts, tips, due):
    assert policies.email_due_at(kind=kind, is_safety=is_safety, alerts=alerts, tips=tips, now=TUESDAY_10,
                                 time_zone=LONDON) == due


def test_cooldown():
    assert policies.is_cooling_down(last_notified_at=TUESDAY_10 - dt.timedelta(days=6, hours=23), now=TUESDAY_10,
                                    cooldown_days=7)
    assert not policies.is_cooling_down(last_notified_at=TUESDAY_10 - dt.timedelta(days=7), now=TUESDAY_10,
                                        cooldown_days=7)
    assert not policies.is_cooling_down(last_notified_at=None, now=TUESDAY_10, cooldown_days=7)

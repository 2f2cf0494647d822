"""Pure rules of the connected car, no ORM: which reading trips which rule, and when an owner's e-mail may go.

Kept free of the database so each rule is tested at its boundary and reused by the evaluation task, the rules page
(which explains a condition) and the demo generator alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    FAULT_CODE = "fault_code", _("Fault code")
    SERVICE_DUE = "service_due", _("Service due")
    TYRE_PRESSURE = "tyre_pressure", _("Tyre pressure")
    BATTERY = "battery", _("Battery state")
    DRIVING_STATS = "driving_stats", _("Driving statistics")


class Severity(models.TextChoices):
    """A fault code's severity as the car reports it, least to most serious."""

    INFO = "info", _("Information")
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {Severity.INFO: 1, Severity.MINOR: 2, Severity.SERIOUS: 3, Severity.CRITICAL: 4}


class Condition(models.TextChoices):
    """What a rule looks for; each condition reads one event kind (``CONDITION_KIND``)."""

    FAULT_SEVERITY_AT_LEAST = "fault_severity", _("Fault code of at least a severity")
    SERVICE_DUE_WITHIN_DAYS = "service_days", _("Service due within a number of days")
    SERVICE_DUE_WITHIN_KM = "service_km", _("Service due within a distance (km)")
    TYRE_PRESSURE_BELOW = "tyre_low", _("A tyre below a pressure (kPa)")
    TYRE_PRESSURE_SPREAD_ABOVE = "tyre_spread", _("Tyre pressures differing by more than (kPa)")
    BATTERY_VOLTAGE_BELOW = "battery_voltage", _("12 V battery below a voltage (V)")
    BATTERY_CHARGE_BELOW = "battery_charge", _("State of charge below (%)")
    BATTERY_HEALTH_BELOW = "battery_health", _("Battery state of health below (%)")
    HARSH_BRAKING_ABOVE = "harsh_braking", _("Harsh braking per 100 km above")
    HARD_ACCELERATION_ABOVE = "hard_acceleration", _("Hard acceleration per 100 km above")
    COLD_HIGH_REVS_AT_LEAST = "cold_revs", _("High-rev cold starts in the period, at least")
    SHORT_TRIPS_AT_LEAST = "short_trips", _("Short trips in the period, at least")


C = Condition
CONDITION_KIND: dict[str, str] = {
    C.FAULT_SEVERITY_AT_LEAST: EventKind.FAULT_CODE,
    C.SERVICE_DUE_WITHIN_DAYS: EventKind.SERVICE_DUE,
    C.SERVICE_DUE_WITHIN_KM: EventKind.SERVICE_DUE,
    C.TYRE_PRESSURE_BELOW: EventKind.TYRE_PRESSURE,
    C.TYRE_PRESSURE_SPREAD_ABOVE: EventKind.TYRE_PRESSURE,
    C.BATTERY_VOLTAGE_BELOW: EventKind.BATTERY,
    C.BATTERY_CHARGE_BELOW: EventKind.BATTERY,
    C.BATTERY_HEALTH_BELOW: EventKind.BATTERY,
    C.HARSH_BRAKING_ABOVE: EventKind.DRIVING_STATS,
    C.HARD_ACCELERATION_ABOVE: EventKind.DRIVING_STATS,
    C.COLD_HIGH_REVS_AT_LEAST: EventKind.DRIVING_STATS,
    C.SHORT_TRIPS_AT_LEAST: EventKind.DRIVING_STATS,
}

# A rate per 100 km over a few kilometres is noise (one harsh stop in 3 km is "33 per 100 km"): below this distance
# a period's statistics trip no rate rule.
MIN_DISTANCE_FOR_RATES_KM = Decimal(50)

WHEELS = ("front_left", "front_right", "rear_left", "rear_right")
KPA_PER_BAR = Decimal(100)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """The part of a rule its evaluation needs: a condition and its threshold (or severity for fault codes)."""

    condition: str
    threshold: Decimal | None = None
    severity: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    """A rule tripped: the value that tripped it and the placeholders its texts may use."""

    value: Decimal | str
    values: dict[str, Any] = field(default_factory=dict)


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))


def tyre_pressures_kpa(payload: dict[str, Any]) -> dict[str, Decimal]:
    """The four wheels in kPa, whichever unit the provider sent."""
    factor = KPA_PER_BAR if payload.get("unit") == "bar" else Decimal(1)
    return {wheel: (_decimal(payload[wheel]) * factor).quantize(Decimal("0.1"))
            for wheel in WHEELS if payload.get(wheel) is not None}


def per_100_km(count: int, distance_km: Decimal) -> Decimal:
    """A count as a rate per 100 km (unrounded, so the comparison with the threshold is exact)."""
    return Decimal(count) * 100 / distance_km


def evaluate(rule: RuleSpec, kind: str, payload: dict[str, Any]) -> Match | None:
    """Whether one event trips one rule; ``None`` when the rule reads another kind or the reading is fine.

    Thresholds are boundaries the texts name ("below 200 kPa", "within 14 days"), so "below" is strict and
    "within"/"at least" include the boundary.
    """
    if CONDITION_KIND.get(rule.condition) != kind:
        return None
    threshold = rule.threshold
    condition = rule.condition
    if condition == C.FAULT_SEVERITY_AT_LEAST:
        severity = payload.get("severity")
        if SEVERITY_RANK.get(severity, 0) >= SEVERITY_RANK.get(rule.severity or Severity.SERIOUS, 3):
            return Match(value=severity, values={"code": payload.get("code", ""), "severity": severity,
                                                 "description": payload.get("description", "")})
        return None
    if threshold is None:
        return None
    if condition == C.SERVICE_DUE_WITHIN_DAYS:
        days = payload.get("days")
        if days is not None and days <= threshold:
            return Match(value=Decimal(days), values={"days": days, "km": payload.get("km")})
        return None
    if condition == C.SERVICE_DUE_WITHIN_KM:
        km = payload.get("km")
        if km is not None and km <= threshold:
            return Match(value=Decimal(km), values={"days": payload.get("days"), "km": km})
        return None
    if condition in (C.TYRE_PRESSURE_BELOW, C.TYRE_PRESSURE_SPREAD_ABOVE):
        return _tyres(condition, threshold, tyre_pressures_kpa(payload))
    if condition in (C.BATTERY_VOLTAGE_BELOW, C.BATTERY_CHARGE_BELOW, C.BATTERY_HEALTH_BELOW):
        key = {C.BATTERY_VOLTAGE_BELOW: "voltage_12v", C.BATTERY_CHARGE_BELOW: "state_of_charge",
               C.BATTERY_HEALTH_BELOW: "state_of_health"}[condition]
        reading = _decimal(payload.get(key))
        if reading is not None and reading < threshold:
            return Match(value=reading, values={"value": reading})
        return None
    return _driving(condition, threshold, payload)


def _tyres(condition: str, threshold: Decimal, pressures: dict[str, Decimal]) -> Match | None:
    if not pressures:
        return None
    lowest_wheel = min(pressures, key=lambda wheel: (pressures[wheel], WHEELS.index(wheel)))
    lowest = pressures[lowest_wheel]
    if condition == C.TYRE_PRESSURE_BELOW:
        if lowest < threshold:
            return Match(value=lowest, values={"value": lowest, "wheel": lowest_wheel})
        return None
    spread = max(pressures.values()) - lowest
    if len(pressures) >= 2 and spread > threshold:
        return Match(value=spread, values={"value": spread, "wheel": lowest_wheel})
    return None


def _driving(condition: str, threshold: Decimal, payload: dict[str, Any]) -> Match | None:
    if condition in (C.COLD_HIGH_REVS_AT_LEAST, C.SHORT_TRIPS_AT_LEAST):
        key = "cold_high_revs" if condition == C.COLD_HIGH_REVS_AT_LEAST else "short_trips"
        count = payload.get(key) or 0
        if count >= threshold and count > 0:
            return Match(value=Decimal(count), values={"value": count})
        return None
    distance = _decimal(payload.get("distance_km")) or Decimal(0)
    if distance < MIN_DISTANCE_FOR_RATES_KM:
        return None
    key = "harsh_braking" if condition == C.HARSH_BRAKING_ABOVE else "hard_acceleration"
    rate = per_100_km(payload.get(key) or 0, distance)
    if rate > threshold:
        shown = rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return Match(value=shown, values={"value": shown, "distance_km": distance})
    return None


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def render_text(template: str, values: dict[str, Any]) -> str:
    """Fill ``{name}`` placeholders; an unknown one stays as typed, so a typo on the rules page never breaks sending."""
    return _PLACEHOLDER.sub(lambda found: str(values[found.group(1)]) if values.get(found.group(1)) is not None
                            else found.group(0), template)


# ------------------------------------------------------------------------------------------------------------------
# When an owner's e-mail may go


class AlertDelivery(models.TextChoices):
    """How an owner wants alerts about their car."""

    EVERY = "every", _("An e-mail for every alert")
    DAILY = "daily", _("One daily digest e-mail")
    WEEKLY = "weekly", _("One weekly digest e-mail")
    PORTAL = "portal", _("No e-mail, only here on the portal")


class TipDelivery(models.TextChoices):
    """How an owner wants driving tips; tips are never urgent, so at most weekly by e-mail."""

    WEEKLY = "weekly", _("In a weekly e-mail at most")
    PORTAL = "portal", _("Only here on the portal")
    OFF = "off", _("No driving tips")


DIGEST_HOUR = time(8, 0)
DIGEST_WEEKDAY = 0  # Monday


def next_digest_at(*, now: datetime, weekly: bool, time_zone: str) -> datetime:
    """The next digest slot after ``now``: 08:00 the owner's dealer's local time, daily or on Mondays.

    Every notification created between two slots gets the same slot, so a burst of alerts becomes one e-mail and an
    owner never gets more than one digest per day (or week).
    """
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    slot = datetime.combine(local.date(), DIGEST_HOUR, tzinfo=zone)
    if slot <= local:
        slot += timedelta(days=1)
    if weekly:
        slot += timedelta(days=(DIGEST_WEEKDAY - slot.weekday()) % 7)
    return slot


def email_due_at(*, kind: str, is_safety: bool, alerts: str, tips: str, now: datetime,
                 time_zone: str) -> datetime | None:
    """When a new notification's e-mail may go, or ``None`` when the owner wants it on the portal only.

    A safety-relevant alert (a serious fault, a dangerously soft tyre) skips a daily or weekly digest and goes at
    once: a digest could hold news that the car is unsafe to drive for up to a week. The preferences page tells the
    owner so. "Portal only" is respected even then; the dealer's proactive case is what reaches such an owner.
    """
    if kind == "tip":
        if tips != TipDelivery.WEEKLY:
            return None
        return next_digest_at(now=now, weekly=True, time_zone=time_zone)
    if alerts == AlertDelivery.PORTAL:
        return None
    if alerts == AlertDelivery.EVERY or is_safety:
        return now
    return next_digest_at(now=now, weekly=alerts == AlertDelivery.WEEKLY, time_zone=time_zone)


def is_cooling_down(*, last_notified_at: datetime | None, now: datetime, cooldown_days: int) -> bool:
    """An identical alert for the same car within the rule's cooldown is not repeated."""
    return last_notified_at is not None and now - last_notified_at < timedelta(days=cooldown_days)

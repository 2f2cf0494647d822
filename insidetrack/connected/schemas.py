"""The telemetry API's shapes: a batch in, accepted / duplicate / rejected out, one event type per reading.

The batch itself only checks it is a list of at most ``MAX_BATCH_EVENTS`` objects; each event is then validated on
its own against the discriminated union, so one malformed event is rejected by its index and field while the rest of
the batch is stored.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

MAX_BATCH_EVENTS = 1000
MAX_BATCH_BYTES = 1024 * 1024  # about four times what 1,000 events take; a larger body is refused with 413

EventId = Annotated[str, Field(min_length=1, max_length=100)]
Vin = Annotated[str, Field(min_length=17, max_length=17, pattern=r"^[A-HJ-NPR-Z0-9]{17}$")]


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    event_id: EventId
    vin: Vin
    occurred_at: datetime


class FaultCodeEvent(_Event):
    type: Literal["fault_code"]
    code: str = Field(pattern=r"^[PCBU][0-9A-F]{4}$", description="An OBD-II diagnostic trouble code, e.g. P0571.")
    severity: Literal["info", "minor", "serious", "critical"]
    description: str = Field(default="", max_length=200)


class ServiceDueEvent(_Event):
    type: Literal["service_due"]
    days: int = Field(ge=-365, le=1000, description="Days until the service is due; negative when overdue.")
    km: int | None = Field(default=None, ge=-50000, le=100000, description="Kilometres until the service.")


class TyrePressureEvent(_Event):
    type: Literal["tyre_pressure"]
    unit: Literal["kPa", "bar"] = "kPa"
    front_left: Decimal = Field(ge=0, le=600)
    front_right: Decimal = Field(ge=0, le=600)
    rear_left: Decimal = Field(ge=0, le=600)
    rear_right: Decimal = Field(ge=0, le=600)

    @model_validator(mode="after")
    def _bar_range(self) -> TyrePressureEvent:
        if self.unit == "bar":
            for wheel in ("front_left", "front_right", "rear_left", "rear_right"):
                if getattr(self, wheel) > 6:
                    raise ValueError(f"{wheel}: a pressure in bar must be between 0 and 6")
        return self


class BatteryEvent(_Event):
    type: Literal["battery"]
    state_of_charge: Decimal | None = Field(default=None, ge=0, le=100, description="Per cent.")
    voltage_12v: Decimal | None = Field(default=None, ge=0, le=20, description="Volts of the 12 V battery.")
    state_of_health: Decimal | None = Field(default=None, ge=0, le=100, description="Per cent.")

    @model_validator(mode="after")
    def _one_reading(self) -> BatteryEvent:
        if self.state_of_charge is None and self.voltage_12v is None and self.state_of_health is None:
            raise ValueError("state_of_charge, voltage_12v or state_of_health: at least one reading is needed")
        return self


class DrivingStatsEvent(_Event):
    type: Literal["driving_stats"]
    period_start: datetime
    period_end: datetime
    distance_km: Decimal = Field(ge=0, le=20000)
    harsh_braking: int = Field(default=0, ge=0, le=10000)
    hard_acceleration: int = Field(default=0, ge=0, le=10000)
    cold_high_revs: int = Field(default=0, ge=0, le=10000)
    short_trips: int = Field(default=0, ge=0, le=10000)

    @model_validator(mode="after")
    def _period(self) -> DrivingStatsEvent:
        if self.period_end <= self.period_start:
            raise ValueError("period_end: must be after period_start")
        return self


VehicleEvent = Annotated[FaultCodeEvent | ServiceDueEvent | TyrePressureEvent | BatteryEvent | DrivingStatsEvent,
                         Field(discriminator="type")]
EVENT_ADAPTER: TypeAdapter[Any] = TypeAdapter(VehicleEvent)


class TelemetryBatchIn(Schema):
    """Up to 1,000 events; each is checked on its own (see the event schemas) so one bad event rejects only itself."""

    events: list[dict[str, Any]] = Field(max_length=MAX_BATCH_EVENTS, min_length=1)


class AcceptedOut(Schema):
    index: int
    event_id: str


class DuplicateOut(Schema):
    index: int
    event_id: str
    reason: str


class RejectedOut(Schema):
    index: int
    event_id: str | None
    code: str
    field: str | None
    reason: str


class TelemetryBatchOut(Schema):
    accepted: list[AcceptedOut]
    duplicates: list[DuplicateOut]
    rejected: list[RejectedOut]


class ErrorOut(Schema):
    code: str
    detail: str
    field: str | None = None

"""The demo-world generator: a brand, its network, customers, two years of journeys, surveys and gamed answers.

Deterministic: every dealer draws from its own ``random.Random`` seeded by (seed, dealer code), and nothing depends
on primary keys, the clock or hash randomisation, so the same seed and end date always produce the same world.
Fast: rows are tuples written in bulk (see ``writer``); customers are generated dealer by dealer and flushed in
batches, so memory stays bounded at any scale.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from insidetrack.core.hashing import fingerprint
from insidetrack.customers.models import Customer, DealType, Ownership, Vehicle
from insidetrack.demo.models import PlantedProblem, PlantedProblemResponse, PlantedResponse, PlantedScheme, Scheme
from insidetrack.demo.phrases import (
    compose_coached_verbatim,
    compose_emerging_verbatim,
    compose_incentive_verbatim,
    compose_templated_verbatim,
    compose_verbatim,
)
from insidetrack.journeys.models import Touchpoint
from insidetrack.journeys.services import brand_setup
from insidetrack.network.models import Brand, Dealer, Region
from insidetrack.surveys.models import Invitation, OperationalEvent, Response

from . import catalogue
from .closed_loop import Answer, DealerLoop, LoopSettings, LoopTables, load_settings
from .emerging import SCORE_CAP, ProblemPlan, plan_problem
from .network import DealerPlan, SchemePlan, plan_network, plan_schemes
from .people import AddressBook, NameBook, registration, vin
from .scores import SERVICE_TOUCHPOINTS, ScoreModel
from .timeline import DAY, PAST_DAYS, WINDOW_DAYS, Calendar, sales_sampler
from .writer import BulkWriter, TableBuffer

HOUR = 3600
MINUTE = 60
THROTTLE = 30 * DAY
EXPIRY = 14 * DAY
REMINDER = 3 * DAY
BASE_CUSTOMERS = 55_000
# compose_verbatim already leaves ~4% blank; this tops it up to the ~12% of empty boxes real exports show.
EXTRA_BLANK_RATE = 0.084
GENERATING = "customers, journeys and surveys"  # the phase name in the report
TYRE_SWAP_COUNTRIES = frozenset({"DE", "AT", "CH", "LU"})


class GenerationError(Exception):
    """The database already holds a demo world (or clashing dealer codes); reset it first."""


@dataclass(frozen=True, slots=True)
class PlantedDealer:
    """A gaming scheme as reported to the person who ran the generator."""

    dealer_code: str
    dealer_name: str
    scheme: str
    starts_on: str
    ends_on: str
    intensity: float
    responses: int


@dataclass(frozen=True, slots=True)
class PlantedEmergingProblem:
    """The emerging problem as reported to the person who ran the generator: how many verbatims were written about
    it, at how many dealers in which countries, in which languages."""

    description: str
    starts_on: str
    ends_on: str
    dealers: int
    countries: tuple[str, ...]
    responses: int
    languages: dict[str, int]


@dataclass(slots=True)
class GenerationReport:
    """What was written, how long each phase took, and which dealers were given gaming schemes."""

    seed: int
    scale: float
    end: str
    counts: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    planted: list[PlantedDealer] = field(default_factory=list)
    emerging: PlantedEmergingProblem | None = None
    demo_dealer_code: str = catalogue.DEMO_DEALER_CODE

    @property
    def elapsed(self) -> float:
        return sum(self.phases.values())

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@dataclass(slots=True)
class _Vehicle:
    pk: int
    model: str
    model_year: int
    powertrain: str
    registration: str
    started_day: int
    ended_day: int | None
    is_new: bool


@dataclass(slots=True)
class _Customer:
    """A customer while their story is being written; turned into a row once everything about them is known."""

    serial: int
    pk: int
    first_name: str
    last_name: str
    email: str
    phone: str
    language: str
    deal_type: str
    consent_surveys: bool
    household: str
    tilt: float
    propensity: float
    channel: str
    contact_state: str  # "ok", "bounce" (mailbox gone) or "invalid" (typo)
    has_laptop: bool
    first_day: int = WINDOW_DAYS
    vehicles: list[_Vehicle] = field(default_factory=list)
    moments: list[tuple[int, str, int, str]] = field(default_factory=list)  # (ts, touchpoint, vehicle index, model)
    contact_updated_ts: int | None = None
    substituted: str = ""
    hashes: dict[str, str] = field(default_factory=dict)


class _Context:
    """What every dealer's generation shares: calendar, writer and its tables, hashes, models of behaviour."""

    def __init__(self, *, seed: int, calendar: Calendar, writer: BulkWriter, brand: Brand,
                 touchpoints: dict[str, int], surveyed: frozenset[str], loop: LoopSettings) -> None:
        self.seed = seed
        self.calendar = calendar
        self.writer = writer
        self.brand_pk = brand.pk
        self.touchpoints = touchpoints
        self.surveyed = surveyed
        self.names = NameBook(seed)
        self.addresses = AddressBook(self.names)
        self.scores = ScoreModel()
        self.rates = catalogue.RESPONSE_RATES
        self._hashes: dict[str, str] = {}
        self.customers = writer.register("customers", Customer, (
            "id", "brand_id", "dealer_id", "first_name", "last_name", "email", "phone", "contact_updated_at",
            "language", "deal_type", "consent_surveys", "consent_marketing", "consent_connected_car",
            "consent_updated_at", "household", "usage", "interests", "handover_preference", "notes", "created_at",
            "erased_at"))
        self.vehicles = writer.register("vehicles", Vehicle, (
            "id", "vin", "model", "model_year", "powertrain", "registration", "current_owner_id"))
        self.ownerships = writer.register("ownerships", Ownership, (
            "id", "customer_id", "vehicle_id", "selling_dealer_id", "started_on", "ended_on", "is_new"))
        self.events = writer.register("events", OperationalEvent, (
            "id", "brand_id", "dealer_id", "customer_id", "vehicle_id", "touchpoint_id", "kind", "occurred_at",
            "received_at", "source", "idempotency_key", "external_reference"))
        self.invitations = writer.register("invitations", Invitation, (
            "id", "brand_id", "dealer_id", "customer_id", "event_id", "touchpoint_id", "channel", "language",
            "status", "skip_reason", "delivery_status", "contact_hash", "scheduled_for", "sent_at", "opened_at",
            "reminded_at", "answered_at", "expires_at"))
        self.responses = writer.register("responses", Response, (
            "id", "brand_id", "dealer_id", "customer_id", "invitation_id", "touchpoint_id", "vehicle_model", "score",
            "verbatim", "language", "channel", "source", "invited_at", "opened_at", "submitted_at",
            "network_fingerprint", "device_fingerprint"))
        self.planted = writer.register("planted_responses", PlantedResponse, ("id", "response_id", "scheme_id"))
        self.planted_counts: dict[int, int] = {}
        self.problem_responses = writer.register("planted_problem_responses", PlantedProblemResponse, (
            "id", "response_id", "problem_id"))
        self.problem: ProblemPlan | None = None  # set once the network is planned
        self.problem_languages: dict[str, int] = {}
        self.problem_dealers: dict[str, int] = {}
        self.loop = loop
        self.loop_tables = LoopTables(writer)  # after responses: cases point to them

    def shared_hash(self, value: str) -> str:
        """Keyed hash of a value many rows share (carrier networks, dealer Wi-Fi, staff devices), computed once."""
        digest = self._hashes.get(value)
        if digest is None:
            digest = fingerprint(value)
            if len(self._hashes) > 100_000:
                self._hashes.clear()
            self._hashes[value] = digest
        return digest


class _DealerGenerator:
    """Writes one dealer's customers with their vehicles, journeys, invitations and responses."""

    def __init__(self, context: _Context, dealer: DealerPlan) -> None:
        self.c = context
        self.d = dealer
        self.rng = random.Random(f"insidetrack-demo:{context.seed}:{dealer.code}")
        self.rand = self.rng.random
        self.cal = context.calendar
        self.offsets = self.cal.offsets(dealer.time_zone)
        self.pool = context.names.pool(dealer.locale)
        self.handover_days = sales_sampler(self.cal, dealer.country, first=0, last=WINDOW_DAYS + 200,
                                           quarter_end=True)
        self.sales_days = sales_sampler(self.cal, dealer.country, first=0, last=WINDOW_DAYS + 200,
                                        quarter_end=False)
        self.prospect_days = sales_sampler(self.cal, dealer.country, first=0, last=WINDOW_DAYS, quarter_end=False)
        self.dealer_network = f"dealer-net:{dealer.code}"
        self.tablet_device = f"tablet:{dealer.code}"
        self.staff_devices = [f"staff-device:{dealer.code}:{k}" for k in range(3)]
        self.schemes = dealer.schemes
        problem = context.problem
        self.problem = problem if problem is not None and dealer.code in problem.dealer_codes else None
        # Its own stream, drawn only for answers the problem may touch, so the rest of the dealer's world is unchanged.
        self.problem_rng = random.Random(f"insidetrack-demo:{context.seed}:{dealer.code}:emerging-problem")
        self.dealer_seed = int.from_bytes(dealer.code.encode()[:8].ljust(8, b"_"), "big") ^ context.seed
        self.substitute_addresses = self._substitute_addresses()
        self.last_household: tuple[str, str] | None = None
        self.loop = DealerLoop(seed=context.seed, dealer=dealer, calendar=self.cal, offsets=self.offsets,
                               brand_pk=context.brand_pk, touchpoints=context.touchpoints, settings=context.loop,
                               tables=context.loop_tables, invitation_keys=context.invitations,
                               response_keys=context.responses, names=self.pool)

    # ---------------------------------------------------------------- customers

    def run(self, progress: Callable[[int], None] | None = None) -> None:
        step = max(1, self.d.customers // 20)
        for serial in range(self.d.customers):
            self._customer(serial)
            self.c.writer.maybe_flush()
            if progress and (serial + 1) % step == 0:
                progress(step)
        if progress:
            progress(self.d.customers % step)

    def _customer(self, serial: int) -> None:
        rng, d = self.rng, self.d
        locale, language = d.locale, d.language
        if rng.random() < 0.04:
            locale, language = rng.choice(catalogue.EXPAT_PROFILES[d.language])
        pool = self.pool if locale == d.locale else self.c.names.pool(locale)
        first = rng.choice(pool.first_female if rng.random() < 0.38 else pool.first_male)
        last = rng.choice(pool.last)
        roll = rng.random()
        deal_type = DealType.FLEET if roll < 0.07 else DealType.STAFF if roll < 0.09 else DealType.RETAIL
        roll = rng.random()
        household = ("single" if roll < 0.25 else "couple" if roll < 0.57 else "family" if roll < 0.89 else "")
        email = self.c.addresses.email(rng, first, last, d.country)
        # A couple sharing one mailbox is legitimate and makes "shared address" an imperfect signal on its own.
        if self.last_household and household in ("couple", "family") and rng.random() < 0.02:
            email, last = self.last_household
        if household in ("couple", "family"):
            self.last_household = (email, last)
        has_phone = rng.random() < 0.9
        phone = self.c.addresses.phone(rng, d.country) if has_phone else ""
        channel = "sms" if has_phone and rng.random() < 0.1 else "email"
        roll = rng.random()
        contact_state = "bounce" if roll < 0.025 else "invalid" if roll < 0.033 else "ok"
        customer = _Customer(
            serial=serial, pk=self._take(self.c.customers), first_name=first, last_name=last, email=email,
            phone=phone, language=language, deal_type=deal_type, consent_surveys=rng.random() < 0.92,
            household=household, tilt=rng.gauss(0.0, 0.3),
            propensity=math.exp(rng.gauss(0.0, 0.55)) / 1.163, channel=channel, contact_state=contact_state,
            has_laptop=rng.random() < 0.6,
        )
        roll = rng.random()
        if deal_type != DealType.RETAIL:
            roll = 0.3 + roll * 0.7  # fleet and staff customers are buyers and owners, not browsers
        if roll < 0.08:
            self._prospect(customer)
        elif roll < 0.42:
            self._buyer(customer)
        else:
            self._owner(customer)
        if customer.moments:
            self._surveys(customer)
        self._write_customer(customer)

    def _between(self, low: int, high: int) -> int:
        """``randint`` without its overhead (it is called millions of times)."""
        return low + int(self.rand() * (high - low + 1))

    @staticmethod
    def _take(buffer: TableBuffer) -> int:
        pk = buffer.next_pk
        buffer.next_pk += 1
        return pk

    # ---------------------------------------------------------------- journeys

    def _choose_model(self, household: str, year: int) -> catalogue.ModelSpec:
        tilt = catalogue.MODEL_TILT_BY_HOUSEHOLD.get(household, {})
        models = [m for m in catalogue.MODELS if m.launched <= year]
        weights = [m.weight * tilt.get(m.name, 1.0) for m in models]
        return self.rng.choices(models, weights)[0]

    def _powertrain(self, model: catalogue.ModelSpec, year: int) -> str:
        names = [p for p, _ in model.powertrains]
        # Diesel fades out of the mix year by year; plug-in hybrids take its place.
        weights = [w * (max(0.1, 1 - 0.15 * (year - 2018)) if p == "diesel" else 1.0) for p, w in model.powertrains]
        return self.rng.choices(names, weights)[0]

    def _new_vehicle(self, customer: _Customer, model: catalogue.ModelSpec, day: int, *, is_new: bool = True,
                     age: int = 0) -> int:
        """Register a car at its handover day; returns its index in the customer's vehicles."""
        date = self.cal.date(day)
        # Model years start in September; a used car is older, but never older than its model.
        year = max(model.launched, date.year + (1 if date.month >= 9 else 0) - age)
        powertrain = self._powertrain(model, year)
        pk = self._take(self.c.vehicles)
        customer.vehicles.append(_Vehicle(
            pk=pk, model=model.name, model_year=year, powertrain=powertrain,
            registration=registration(self.rng, self.d.country, year), started_day=day, ended_day=None,
            is_new=is_new))
        customer.first_day = min(customer.first_day, day)
        return len(customer.vehicles) - 1

    def _moment(self, customer: _Customer, day: int, touchpoint: str, vehicle: int, model: str) -> None:
        """Place a touchpoint on the clock (opening hours, Saturdays for events) if it falls inside the window."""
        if day < 0 or day >= WINDOW_DAYS:
            return
        rng, cal = self.rng, self.cal
        if touchpoint == "experience_event":
            while cal.weekday_code(day) != "sat":
                day += 1
            seconds = self._between(10 * HOUR, 16 * HOUR)
        elif touchpoint == "ownership_checkin":
            while cal.weekday_code(day) in ("sat", "sun"):
                day += 1
            seconds = self._between(9 * HOUR, 17 * HOUR + 30 * MINUTE)
        elif touchpoint == "enquiry":
            seconds = self._between(7 * HOUR, 23 * HOUR)
        else:
            hours = self.d.hours
            for _ in range(7):
                intervals = hours.get(cal.weekday_code(day))
                if intervals:
                    break
                day += 1
            else:  # a dealer open on no day at all: keep the day, use office hours
                intervals = [(9 * HOUR, 17 * HOUR)]
            start, finish = intervals[int(rng.random() * len(intervals))]
            # a visit ends at least a little before closing
            seconds = self._between(start, max(start, finish - 20 * MINUTE))
        if day >= WINDOW_DAYS:
            return
        ts = cal.local_ts(self.offsets, day, seconds)
        if ts < cal.cutoff_ts:
            customer.moments.append((ts, touchpoint, vehicle, model))
            customer.first_day = min(customer.first_day, day)

    def _purchase(self, customer: _Customer, *, sale_day: int, model: catalogue.ModelSpec,
                  repurchase: bool) -> tuple[int, int]:
        """Test drive, deposit (or repurchase), experience day, finance, handover. Returns (handover day, vehicle)."""
        rng = self.rng
        lead = int(min(300, max(25, rng.lognormvariate(math.log(85 if model.name != "Volta" else 115), 0.45))))
        handover = sale_day
        deposit = handover - lead
        gap = int(min(120, max(1, rng.lognormvariate(math.log(16), 0.8))))
        test_drive = deposit - gap
        name = model.name
        if not repurchase or rng.random() < 0.6:
            self._moment(customer, test_drive - self._between(1, 21), "enquiry", -1, name)
            self._moment(customer, test_drive, "test_drive", -1, name)
            if gap > 6 and rng.random() < 0.15:
                self._moment(customer, test_drive + self._between(2, gap - 2), "test_drive", -1, name)
        self._moment(customer, deposit, "repurchase" if repurchase else "deposit", -1, name)
        # Every depositor is invited to a driving experience day; about 60% come.
        if lead > 40 and rng.random() < 0.6:
            self._moment(customer, deposit + self._between(14, lead - 14), "experience_event", -1, name)
        finance = handover - self._between(28, 60)
        if finance <= deposit:
            finance = deposit + max(1, (handover - deposit) // 3)
        self._moment(customer, finance, "finance_paperwork", -1, name)
        if handover >= WINDOW_DAYS:
            return handover, -1
        vehicle = self._new_vehicle(customer, model, handover)
        self._moment(customer, handover, "handover", vehicle, name)
        return handover, vehicle

    def _ownership(self, customer: _Customer, vehicle: int, *, until: int) -> None:
        """Check-ins, first service, annual services and unscheduled visits while the customer keeps the car."""
        rng = self.rng
        car = customer.vehicles[vehicle]
        start, name = car.started_day, car.model
        stop = min(until, WINDOW_DAYS)
        # The brand's owner programme checks in every six months (the anniversary call and a mid-year one).
        half_years = 1
        while start + 182 * half_years < stop:
            self._moment(customer, start + 182 * half_years + self._between(-10, 10), "ownership_checkin", vehicle,
                         name)
            half_years += 1
        service = start + int(rng.gauss(350, 35))
        if service < stop and car.is_new:
            self._moment(customer, service, "first_service", vehicle, name)
        elif service < stop:
            self._moment(customer, service, "service_visit", vehicle, name)
        service += int(rng.gauss(365, 30))
        while service < stop:
            self._moment(customer, service, "service_visit", vehicle, name)
            service += int(rng.gauss(365, 30))
        # Repairs, recalls, warranty and accessory work: about 1.8 unplanned workshop visits a year.
        day = start + 30 + int(rng.expovariate(1.8 / 365))
        while day < stop:
            self._moment(customer, day, "service_visit", vehicle, name)
            day += 20 + int(rng.expovariate(1.8 / 365))
        # Where winter tyres are the norm, many owners have the dealer swap wheels every spring and autumn.
        if self.d.country in TYRE_SWAP_COUNTRIES and rng.random() < 0.6:
            first_year = self.cal.date(max(start, 0)).year
            for year in range(first_year, self.cal.end.year + 1):
                for month, last_day in ((4, 30), (10, 31)):
                    swap = (dt.date(year, month, self._between(1, last_day)) - self.cal.origin).days
                    if start + 30 < swap < stop:
                        self._moment(customer, swap, "service_visit", vehicle, name)

    def _prospect(self, customer: _Customer) -> None:
        rng = self.rng
        day = self.prospect_days.draw(rng)
        model = self._choose_model(customer.household, self.cal.date(day).year)
        self._moment(customer, day - self._between(1, 21), "enquiry", -1, model.name)
        self._moment(customer, day, "test_drive", -1, model.name)
        if rng.random() < 0.2:
            other = self._choose_model(customer.household, self.cal.date(day).year)
            self._moment(customer, day + self._between(3, 45), "test_drive", -1, other.name)

    def _buyer(self, customer: _Customer) -> None:
        day = self.handover_days.draw(self.rng)
        model = self._choose_model(customer.household, self.cal.date(min(day, WINDOW_DAYS - 1)).year)
        _handover, vehicle = self._purchase(customer, sale_day=day, model=model, repurchase=False)
        if vehicle >= 0:
            self._ownership(customer, vehicle, until=WINDOW_DAYS)

    def _owner(self, customer: _Customer) -> None:
        rng = self.rng
        roll = rng.random()
        cars = 3 if roll < 0.08 else 2 if roll < 0.36 else 1
        for _ in range(cars):
            since = -self._between(20, PAST_DAYS)
            year = self.cal.date(since).year
            model = self._choose_model(customer.household, year)
            used = rng.random() < 0.1
            vehicle = self._new_vehicle(customer, model, since, is_new=not used,
                                        age=self._between(1, 4) if used else 0)
            until = WINDOW_DAYS
            # Some owners replace their car during the window: the old one is traded in at the new handover.
            if rng.random() < 0.12:
                sale_day = self.sales_days.draw(rng)
                if sale_day - since > 500:
                    next_model = self._choose_model(customer.household, self.cal.date(
                        min(sale_day, WINDOW_DAYS - 1)).year)
                    handover, new_vehicle = self._purchase(customer, sale_day=sale_day, model=next_model,
                                                           repurchase=True)
                    if new_vehicle >= 0:
                        until = handover
                        customer.vehicles[vehicle].ended_day = handover
                        self._ownership(customer, new_vehicle, until=WINDOW_DAYS)
            self._ownership(customer, vehicle, until=until)

    # ---------------------------------------------------------------- surveys

    def _active(self, day: int, kind: str) -> SchemePlan | None:
        for scheme in self.schemes:
            if scheme.scheme == kind and scheme.start_day <= day < scheme.end_day:
                return scheme
        return None

    def _surveys(self, customer: _Customer) -> None:
        """Events in time order; each surveyed one gets an invitation, sent or skipped with a reason."""
        c, d, rng, cal = self.c, self.d, self.rng, self.cal
        # Local names: this loop runs once per event, millions of times at scale.
        rand, between, sql = self.rand, self._between, cal.sql
        add_event, add_invitation = c.events.rows.append, c.invitations.rows.append
        cutoff = cal.cutoff_ts
        customer.moments.sort()
        last_sent = -10 * THROTTLE
        known_bad = False
        substitution = self._active_any(Scheme.CONTACT_SUBSTITUTION)
        substitute = substitution is not None and rand() < substitution.intensity
        for ts, touchpoint, vehicle_index, model in customer.moments:
            vehicle_pk = customer.vehicles[vehicle_index].pk if vehicle_index >= 0 else None
            event_pk = self._take(c.events)
            if touchpoint in SERVICE_TOUCHPOINTS:
                reference = f"RO-{100_000 + int(rand() * 900_000)}"
            elif touchpoint in ("deposit", "repurchase", "handover", "finance_paperwork"):
                reference = f"SO-{100_000 + int(rand() * 900_000)}"
            else:
                reference = ""
            # Dealer systems push most events within minutes; some only in the overnight batch.
            received = ts + (30 + int(rand() * 1770) if rand() < 0.8 else 4 * HOUR + int(rand() * 10 * HOUR))
            add_event((
                event_pk, c.brand_pk, d.pk, customer.pk, vehicle_pk, c.touchpoints[touchpoint],
                catalogue.EVENT_KIND[touchpoint], sql(ts), sql(received), "demo", None, reference))
            if touchpoint not in c.surveyed:
                continue
            day = cal.day_of_ts(ts)
            tablet = None
            if touchpoint in catalogue.SHOWROOM_TOUCHPOINTS:
                tablet = self._active(day, Scheme.TABLET)
                if tablet is not None and rand() >= tablet.intensity:
                    tablet = None
            scheduled = ts + (60 + int(rand() * 240) if tablet else 2 * HOUR + int(rand() * 20 * HOUR))
            invitation_pk = self._take(c.invitations)
            skip = ""
            if not customer.consent_surveys:
                skip = "no_consent"
            elif customer.deal_type != DealType.RETAIL:
                skip = "fleet_or_staff"
            elif scheduled - last_sent < THROTTLE:
                skip = "contacted_recently"
            elif known_bad:
                skip = "bounced"
            row_head = (invitation_pk, c.brand_pk, d.pk, customer.pk, event_pk, c.touchpoints[touchpoint])
            if skip or scheduled >= cutoff:
                add_invitation((
                    *row_head, customer.channel, customer.language, "skipped" if skip else "pending", skip, "", "",
                    sql(scheduled), None, None, None, None, None))
                continue
            sent = scheduled + between(0, 90)
            last_sent = sent
            channel = customer.channel
            scheme_substitution = None
            if substitute and substitution is not None and substitution.start_day <= day < substitution.end_day:
                scheme_substitution = substitution
                if not customer.substituted:
                    customer.substituted = rng.choice(self.substitute_addresses)
                    customer.contact_updated_ts = scheduled - between(10 * MINUTE, 36 * HOUR)
                channel = "email"
            contact = (customer.substituted or customer.email) if channel == "email" else customer.phone
            contact_hash = customer.hashes.get(contact)
            if contact_hash is None:
                contact_hash = c.shared_hash(contact) if customer.substituted == contact else fingerprint(contact)
                customer.hashes[contact] = contact_hash
            expires = sent + EXPIRY
            delivery = "delivered"
            if customer.contact_state != "ok" and not scheme_substitution:
                delivery = "bounced" if customer.contact_state == "bounce" else "invalid"
                known_bad = True
                answer = None
            else:
                answer = self._answer(customer, touchpoint, day, sent, model, tablet, scheme_substitution)
            submitted = answer[0] if answer else None
            answered = submitted is not None and submitted < cutoff
            if answered:
                status = "answered"
            elif expires <= cutoff:
                status = "expired"
            else:
                status = "sent"
            opened = answer[1] if answered else None
            if delivery == "delivered" and not answered and rand() < 0.3:
                opened = sent + int(rng.lognormvariate(math.log(5 * HOUR), 1.2))
                if opened >= min(expires, cutoff):
                    opened = None
            reminded = None
            if delivery == "delivered" and (not answered or submitted - sent > REMINDER) \
                    and sent + REMINDER < cutoff:
                reminded = sent + REMINDER
            add_invitation((
                *row_head, channel, customer.language, status, "", delivery, contact_hash, sql(scheduled),
                sql(sent), sql(opened), sql(reminded), sql(submitted if answered else None),
                sql(expires)))
            if answered:
                _, opened_ts, score, verbatim, network, device, scheme, themes, about_problem = answer
                response_pk = self._take(c.responses)
                c.responses.rows.append((
                    response_pk, c.brand_pk, d.pk, customer.pk, invitation_pk, c.touchpoints[touchpoint], model,
                    score, verbatim, customer.language, channel, "survey", sql(sent), sql(opened_ts),
                    sql(submitted), network, device))
                if scheme is not None:
                    c.planted.rows.append((self._take(c.planted), response_pk, scheme.pk))
                    c.planted_counts[scheme.pk] = c.planted_counts.get(scheme.pk, 0) + 1
                if about_problem and self.problem is not None:
                    c.problem_responses.rows.append((self._take(c.problem_responses), response_pk, self.problem.pk))
                    c.problem_languages[customer.language] = c.problem_languages.get(customer.language, 0) + 1
                    c.problem_dealers[d.code] = c.problem_dealers.get(d.code, 0) + 1
                self.loop.open(Answer(
                    response_pk=response_pk, customer_pk=customer.pk, touchpoint=touchpoint, score=score,
                    submitted=submitted, language=customer.language, channel=channel, contact_hash=contact_hash,
                    vehicle_model=model, network=network, device=device, themes=themes))

    def _active_any(self, kind: str) -> SchemePlan | None:
        for scheme in self.schemes:
            if scheme.scheme == kind:
                return scheme
        return None

    def _answer(self, customer: _Customer, touchpoint: str, day: int, sent: int, model: str,
                tablet: SchemePlan | None, substitution: SchemePlan | None
                ) -> tuple[int, int, int, str, str, str, SchemePlan | None, tuple[str, ...], bool] | None:
        """Whether and how the invitation is answered: (submitted, opened, score, verbatim, network, device, scheme,
        the verbatim's themes, whether it is about the planted problem).

        Honest answers come from the customer's own devices with a realistic delay; gamed ones carry the traces
        of their scheme. A response counts as planted only if the scheme changed something observable: the score,
        the verbatim, the timing or device, or whether there is an answer at all.
        """
        rng, d, c = self.rng, self.d, self.c
        quality = d.service_quality if touchpoint in SERVICE_TOUCHPOINTS else d.sales_quality
        tilt = quality + customer.tilt + c.scores.season(touchpoint, self.cal.month_of(day))
        latent = c.scores.draw(rng, touchpoint, tilt)
        staff = self._staff(touchpoint)
        language = customer.language
        if substitution is not None:
            # Staff answer their own substituted addresses, quickly and from the dealer's devices.
            if rng.random() >= 0.88:
                return None
            submitted = sent + self._between(5 * MINUTE, 3 * HOUR)
            score = 10 if rng.random() < 0.75 else 9
            roll = rng.random()
            if roll < 0.4:
                verbatim = compose_templated_verbatim(rng, dealer_seed=self.dealer_seed + 1, language=language).text
            elif roll < 0.6:
                verbatim = compose_verbatim(rng, touchpoint=touchpoint, score=score, language=language,
                                            model=model, staff_name=staff).text
            else:
                verbatim = ""
            network = c.shared_hash(self.dealer_network if rng.random() < 0.85 else self._carrier())
            device = c.shared_hash(rng.choice(self.staff_devices))
            return (submitted, submitted - self._between(40, 240), score, verbatim, network, device, substitution, (),
                    False)
        if tablet is not None:
            submitted = sent + self._between(90, 600)
            score = latent
            if latent <= 8 and rng.random() < 0.85:
                score = 10 if rng.random() < 0.65 else 9
            verbatim = (compose_templated_verbatim(rng, dealer_seed=self.dealer_seed, language=language).text
                        if rng.random() < 0.8 else "")
            network = c.shared_hash(self.dealer_network)
            device = c.shared_hash(self.tablet_device)
            return submitted, sent + self._between(20, 80), score, verbatim, network, device, tablet, (), False
        probability = (c.rates[touchpoint] * d.response_factor * customer.propensity
                       * catalogue.ANSWER_PROPENSITY[latent] / c.scores.propensity_norm[touchpoint])
        boosted = probability
        score = latent
        kind = "organic"
        scheme: SchemePlan | None = None
        if self.schemes:
            begging = self._active(day, Scheme.SCORE_BEGGING)
            if begging is not None and rng.random() < begging.intensity:
                scheme = begging
                # Lukewarm customers comply; some disappointed ones too; the angry ones do not.
                complies = 7 <= latent <= 9 or (5 <= latent <= 6 and rng.random() < 0.6) \
                    or (latent <= 4 and rng.random() < 0.1)
                if complies:
                    score = 10 if rng.random() < 0.85 else 9
                boosted = min(0.95, probability * 1.25)
                if rng.random() < 0.35:
                    kind = "coached"
            freebies = self._active(day, Scheme.FREEBIES)
            if freebies is not None and touchpoint in ("handover", "first_service", "service_visit", "deposit") \
                    and rng.random() < freebies.intensity:
                scheme = freebies
                if latent >= 5:
                    score = 10 if rng.random() < 0.9 else 9
                boosted = min(0.95, probability * 1.7)
                kind = "incentive" if rng.random() < 0.55 else kind
        roll = rng.random()
        answered_honestly = roll < probability
        answered = roll < boosted
        pushed = False
        if not answered and latent >= 8:
            push = self._active(day, Scheme.QUARTER_END_PUSH)
            if push is not None and self.cal.quarter_end(self.cal.day_of_ts(sent)) and rng.random() < push.intensity:
                answered = pushed = True
                scheme = push
                if latent == 8 and rng.random() < 0.7:
                    score = 10 if rng.random() < 0.55 else 9
        if not answered:
            return None
        delay = self._between(1 * HOUR, 48 * HOUR) if pushed else self._delay()
        submitted = sent + delay
        opened = submitted - self._between(45, 8 * MINUTE)
        if opened <= sent:
            opened = sent + self._between(5, max(6, delay // 2))
        if kind == "coached":
            composed = compose_coached_verbatim(rng, touchpoint=touchpoint, score=score, language=language,
                                                model=model, staff_name=staff)
        elif kind == "incentive":
            composed = compose_incentive_verbatim(rng, touchpoint=touchpoint, score=score, language=language,
                                                  model=model, staff_name=staff)
        elif rng.random() < EXTRA_BLANK_RATE:
            composed = None
        else:
            composed = compose_verbatim(rng, touchpoint=touchpoint, score=score, language=language, model=model,
                                        staff_name=staff)
        verbatim, themes = (composed.text, composed.themes) if composed is not None else ("", ())
        network, device = self._customer_fingerprints(customer, touchpoint)
        if scheme is not None and score == latent and kind == "organic" and answered_honestly and not pushed:
            scheme = None  # the scheme touched this customer but left no trace in the answer
        about_problem = False
        if self.problem is not None and scheme is None and kind == "organic":
            share = self.problem.share(dealer_code=d.code, day=day, touchpoint=touchpoint, model=model)
            problem_rng = self.problem_rng
            if share and problem_rng.random() < share:
                about_problem = True
                composed = compose_emerging_verbatim(problem_rng, language=language, model=model)
                verbatim, themes = composed.text, composed.themes
                score = min(score, SCORE_CAP[int(problem_rng.random() * len(SCORE_CAP))])
        return submitted, opened, score, verbatim, network, device, scheme, themes, about_problem

    def _delay(self) -> int:
        """Seconds from invitation to answer: many within the hour, most within a day, a tail after the reminder."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.42:
            delay = rng.lognormvariate(math.log(25 * MINUTE), 1.0)
        elif roll < 0.8:
            delay = rng.lognormvariate(math.log(7 * HOUR), 0.8)
        else:
            delay = REMINDER + rng.lognormvariate(math.log(6 * HOUR), 1.3)
        return int(min(EXPIRY - HOUR, max(40, delay)))

    def _carrier(self) -> str:
        return f"carrier:{self.d.country}:{int(self.rand() * 40)}"

    def _customer_fingerprints(self, customer: _Customer, touchpoint: str) -> tuple[str, str]:
        """Hashed network and device of an honest answer: home broadband, mobile carrier, office, or dealer Wi-Fi."""
        rng, c = self.rng, self.c
        key = f"{self.d.code}:{customer.serial}"
        on_phone = not customer.has_laptop or rng.random() < 0.68
        device_value = f"device:{key}:{'phone' if on_phone else 'computer'}"
        device = customer.hashes.get(device_value)
        if device is None:
            device = customer.hashes[device_value] = fingerprint(device_value)
        roll = rng.random()
        if touchpoint in SERVICE_TOUCHPOINTS and roll < 0.05:
            return c.shared_hash(self.dealer_network), device  # answered in the customer lounge
        if on_phone and roll < 0.42:
            return c.shared_hash(self._carrier()), device
        if not on_phone and roll < 0.12:
            return c.shared_hash(f"office:{self.d.country}:{int(self.rand() * 300)}"), device
        network_value = f"home:{key}"
        network = customer.hashes.get(network_value)
        if network is None:
            network = customer.hashes[network_value] = fingerprint(network_value)
        return network, device

    def _staff(self, touchpoint: str) -> str:
        team = self.d.staff[catalogue.STAFF_DEPARTMENT[touchpoint]]
        first, last = team[int(self.rng.random() * len(team))]
        return f"{first} {last}"

    def _substitute_addresses(self) -> list[str]:
        """Staff addresses on the dealer's domain plus one private address used for many customers."""
        rng, names = self.rng, self.c.names
        staff = self.d.staff["sales"] + self.d.staff["service"]
        picks = [staff[int(rng.random() * len(staff))] for _ in range(2)]
        generic = {"de": "verkauf", "fr": "ventes"}.get(self.d.language, "sales")
        addresses = [f"{names.ascii(first)}.{names.ascii(last)}@{self.d.email_domain}" for first, last in picks]
        addresses.append(f"{generic}@{self.d.email_domain}")
        first, last = staff[int(rng.random() * len(staff))]
        private = f"{names.ascii(first)}{names.ascii(last)}{self._between(70, 99)}@gmail.com"
        # the private address is used as often as all domain addresses together
        return [*addresses, private, private, private]

    # ---------------------------------------------------------------- rows

    def _write_customer(self, customer: _Customer) -> None:
        c, d, rng, cal = self.c, self.d, self.rng, self.cal
        created_day = min(customer.first_day, WINDOW_DAYS - 1) - self._between(0, 60)
        created_day = max(cal.lo, created_day)
        created = cal.local_ts(self.offsets, created_day, self._between(9 * HOUR, 18 * HOUR))
        contact_updated = customer.contact_updated_ts
        if contact_updated is None and rng.random() < 0.08:
            day = self._between(max(created_day + 1, 0), WINDOW_DAYS - 1) if created_day + 1 < WINDOW_DAYS else None
            if day is not None:
                contact_updated = cal.local_ts(self.offsets, day, self._between(8 * HOUR, 21 * HOUR))
        consent_updated = created if rng.random() < 0.85 else None
        usage = self._usage(customer)
        interests = sorted(rng.sample(catalogue.INTERESTS, rng.choice((0, 1, 1, 2, 2, 3))))
        roll = rng.random()
        preference = ("quick" if roll < 0.4 else "ceremony" if roll < 0.65 else "home" if roll < 0.75 else "")
        c.writer.add(c.customers, (
            customer.pk, c.brand_pk, d.pk, customer.first_name, customer.last_name,
            customer.substituted or customer.email, customer.phone, cal.sql(contact_updated), customer.language,
            customer.deal_type, customer.consent_surveys, rng.random() < 0.55, rng.random() < 0.4,
            cal.sql(consent_updated), customer.household, json.dumps(usage), json.dumps(interests), preference, "",
            cal.sql(created), None))
        for vehicle in customer.vehicles:
            model = next(m for m in catalogue.MODELS if m.name == vehicle.model)
            owner = customer.pk if vehicle.ended_day is None else None
            c.writer.add(c.vehicles, (
                vehicle.pk, vin(model_code=model.vin_code, powertrain=vehicle.powertrain,
                                model_year=vehicle.model_year, serial=vehicle.pk),
                vehicle.model, vehicle.model_year, vehicle.powertrain, vehicle.registration, owner))
            c.writer.add(c.ownerships, (
                self._take(c.ownerships), customer.pk, vehicle.pk, d.pk, cal.sql_date(vehicle.started_day),
                cal.sql_date(vehicle.ended_day), vehicle.is_new))

    def _usage(self, customer: _Customer) -> list[str]:
        rng = self.rng
        if customer.deal_type == DealType.FLEET:
            return ["business", "commute"] if rng.random() < 0.6 else ["business"]
        tags = set()
        if customer.household == "family":
            tags.add("family")
        models = {v.model for v in customer.vehicles}
        if "Corsa" in models and rng.random() < 0.5:
            tags.add("track")
        for tag, share in (("weekend", 0.35), ("commute", 0.5), ("business", 0.12)):
            if rng.random() < share:
                tags.add(tag)
        return [t for t in catalogue.USAGE_TAGS if t in tags]


# -------------------------------------------------------------------- entry point


def demo_world_exists() -> bool:
    """Whether the database already holds a generated world (planted ground truth or demo-sourced events)."""
    return PlantedScheme.objects.exists() or OperationalEvent.objects.filter(source="demo").exists()


@contextmanager
def _phase(report: GenerationReport, name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        report.phases[name] = round(report.phases.get(name, 0.0) + time.perf_counter() - started, 3)


def generate(*, seed: int = 7, scale: float = 1.0, end: dt.date | None = None,
             progress: bool = False, owner_world: bool = True) -> GenerationReport:
    """Write a deterministic demo world into the current database and report what was written.

    ``scale`` multiplies customers (55,000 at 1.0), and with them events, invitations and responses (~100,000);
    the network stays at about 80 dealers up to scale 10. ``end`` is the day the world stops (exclusive; default
    today): two years of journeys lead up to it. Same seed and end date give the same data in an empty database.
    Everything is written in one transaction; ``progress`` shows a rich progress bar.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    end = end or dt.date.today()
    report = GenerationReport(seed=seed, scale=scale, end=end.isoformat())
    with _phase(report, "setup"):
        brand = brand_setup()
        touchpoint_rows = Touchpoint.objects.filter(journey__brand=brand, journey__is_default=True)
        touchpoints = {tp.code: tp.pk for tp in touchpoint_rows}
        surveyed = frozenset(tp.code for tp in touchpoint_rows if tp.is_surveyed and tp.code in catalogue.SCORE_SHAPES)
        if Dealer.objects.filter(brand=brand, code__in=[s.code for s in catalogue.SITES]).exists():
            raise GenerationError("the demo network already exists; run `insidetrack demo --reset` to start over")
        # The closed-loop policy and default playbooks every generated case follows (created once per brand).
        loop = load_settings(brand, {tp.code: (tp.pk, tp.department) for tp in touchpoint_rows})
    sql_suffix = "+00" if connection.vendor == "postgresql" else ""
    calendar = Calendar(end, sql_suffix=sql_suffix)
    master = random.Random(f"insidetrack-demo:{seed}")
    total_customers = max(1, round(BASE_CUSTOMERS * scale))
    # Like loaddata: SQLite checks foreign keys per row unless told not to, which only works outside a transaction;
    # the whole load is checked once before commit instead.
    checks_disabled = connection.vendor == "sqlite" and not connection.in_atomic_block \
        and connection.disable_constraint_checking()
    # Up to a flush's worth of row tuples is alive at any time, and the cyclic collector would scan them again and
    # again for garbage the generator never makes (rows hold no cycles); reference counting frees each flushed batch.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            writer = BulkWriter(connection)
            with _phase(report, "network"):
                network_tables = _NetworkTables(writer)  # registered first: parents are flushed first
                context = _Context(seed=seed, calendar=calendar, writer=writer, brand=brand,
                                   touchpoints=touchpoints, surveyed=surveyed, loop=loop)
                dealers, schemes = _write_network(network_tables, master, brand, scale, total_customers, context)
            with _sqlite_tuning(connection.vendor), writer.bulk_load():
                writer.write_seconds = 0.0
                with _phase(report, GENERATING), _progress_bar(progress, total_customers) as tick:
                    for dealer in dealers:
                        _DealerGenerator(context, dealer).run(tick)
                    writer.flush()
                started = time.perf_counter()
            report.phases["indexes"] = round(time.perf_counter() - started, 3)
            # Split the main phase into making rows and writing them: they are tuned separately.
            report.phases["writing rows"] = round(writer.write_seconds, 3)
            report.phases["generating rows"] = round(report.phases.pop(GENERATING) - writer.write_seconds, 3)
            with _phase(report, "finishing"):
                if checks_disabled:
                    # Follow-up invitations and answers share their tables with the journey surveys: check once.
                    connection.check_constraints(
                        table_names=list(dict.fromkeys(b.model._meta.db_table for b in writer.tables.values())))
                writer.reset_sequences()
                writer.analyze()
    finally:
        if collecting:
            gc.enable()
        if checks_disabled:
            connection.enable_constraint_checking()
    # The dashboards read rollups: count the generated answers into them once, set-based.
    with _phase(report, "rollups"):
        from insidetrack.analytics.rollups import rollups_rebuild

        rollups_rebuild()
    with _phase(report, "benchmarks"):
        from .benchmarks import demo_benchmarks_create

        demo_benchmarks_create(brand=brand, end=end)
    report.counts = writer.counts()
    from .referrals import referrals_generate

    report.counts.update(referrals_generate(seed=seed, end=end))
    from .relationships import relationships_generate

    report.counts.update(relationships_generate(seed=seed, end=end))
    from .events import events_generate

    report.counts.update(events_generate(seed=seed, end=end))
    if owner_world:
        report.counts.update(owner_world_generate(seed=seed, end=end))
    order = ("setup", "network", "generating rows", "writing rows", "indexes", "finishing", "rollups", "benchmarks")
    report.phases = {name: report.phases[name] for name in order if name in report.phases}
    for dealer, plan in schemes:
        report.planted.append(PlantedDealer(
            dealer_code=dealer.code, dealer_name=dealer.name, scheme=plan.scheme,
            starts_on=calendar.date_string(plan.start_day), ends_on=calendar.date_string(plan.end_day - 1),
            intensity=plan.intensity, responses=context.planted_counts.get(plan.pk, 0)))
    problem = context.problem
    if problem is not None:
        report.emerging = PlantedEmergingProblem(
            description=problem.description, starts_on=calendar.date_string(problem.start_day),
            ends_on=calendar.date_string(problem.end_day - 1), dealers=len(context.problem_dealers),
            countries=tuple(sorted({d.country for d in dealers if d.code in context.problem_dealers})),
            responses=sum(context.problem_dealers.values()),
            languages=dict(sorted(context.problem_languages.items())))
    return report


class _NetworkTables:
    """The network's tables in the writer, registered before the customer tables that refer to them."""

    def __init__(self, writer: BulkWriter) -> None:
        self.writer = writer
        self.regions = writer.register("regions", Region, ("id", "brand_id", "code", "name"))
        self.dealers = writer.register("dealers", Dealer, (
            "id", "brand_id", "region_id", "code", "name", "city", "country", "language", "time_zone",
            "opening_hours", "email_domain", "is_active"))
        self.schemes = writer.register("planted_schemes", PlantedScheme, (
            "id", "dealer_id", "scheme", "starts_on", "ends_on", "intensity", "description"))
        self.problems = writer.register("planted_problems", PlantedProblem, (
            "id", "description", "starts_on", "ends_on", "dealer_codes"))


def _write_network(tables: _NetworkTables, rng: random.Random, brand: Brand, scale: float, total_customers: int,
                   context: _Context) -> tuple[list[DealerPlan], list[tuple[DealerPlan, SchemePlan]]]:
    """Regions, dealers and the planted schemes, written before any customer so foreign keys resolve."""
    writer, regions, dealers_table, schemes_table = tables.writer, tables.regions, tables.dealers, tables.schemes
    existing_regions = {r.code: r.pk for r in Region.objects.filter(brand=brand)}
    region_pks: dict[str, int] = {}
    for spec in catalogue.REGIONS:
        if spec.code in existing_regions:
            region_pks[spec.code] = existing_regions[spec.code]
            continue
        pk = regions.next_pk
        regions.next_pk += 1
        region_pks[spec.code] = pk
        writer.add(regions, (pk, brand.pk, spec.code, spec.name))
    dealers = plan_network(rng=rng, brand_name=brand.name, scale=scale, total_customers=total_customers,
                           first_pk=dealers_table.next_pk, names=context.names)
    dealers_table.next_pk += len(dealers)
    for dealer in dealers:
        writer.add(dealers_table, (
            dealer.pk, brand.pk, region_pks[dealer.region_code], dealer.code, dealer.name, dealer.city,
            dealer.country, dealer.language, dealer.time_zone, json.dumps(dealer.opening_hours), dealer.email_domain,
            True))
    schemes = []
    for dealer in plan_schemes(rng=rng, dealers=dealers):
        for plan in dealer.schemes:
            plan.pk = schemes_table.next_pk
            schemes_table.next_pk += 1
            writer.add(schemes_table, (
                plan.pk, dealer.pk, plan.scheme, context.calendar.date_string(plan.start_day),
                context.calendar.date_string(plan.end_day - 1), plan.intensity, plan.description))
            schemes.append((dealer, plan))
    problem = plan_problem(seed=context.seed, dealers=dealers, scale=scale)
    problem.pk = tables.problems.next_pk
    tables.problems.next_pk += 1
    writer.add(tables.problems, (
        problem.pk, problem.description, context.calendar.date_string(problem.start_day),
        context.calendar.date_string(problem.end_day - 1), json.dumps(sorted(problem.dealer_codes))))
    context.problem = problem
    writer.flush()
    return dealers, schemes


@contextmanager
def _sqlite_tuning(vendor: str) -> Iterator[None]:
    """A bigger page cache (64 MB) while loading: rebuilding indexes over millions of rows thrashes the default 2 MB."""
    if vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -65536")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


@contextmanager
def _progress_bar(enabled: bool, total: int) -> Iterator[Callable[[int], None] | None]:
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("[bold]Generating customers"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("customers", total=total)
        yield lambda n: bar.advance(task, n)



def owner_world_generate(*, seed: int = 7, end: dt.date | None = None) -> dict[str, int]:
    """The owner world on top of the survey world: the connected car's readings and cases, personal-data requests
    (two customers erased), issues owners raised, and the demo owner's portal. Each step reads the world back and
    works through the product's services; each is idempotent.

    Kept apart so the survey world's own invariants can be tested without these later changes
    (``generate(owner_world=False)``)."""
    from insidetrack.network.models import Brand

    from .connected import connected_generate
    from .owner_issues import owner_issues_generate
    from .owner_portal import owner_portal_generate
    from .privacy import privacy_generate
    from .users import create_demo_users

    # The sign-ins first, so what their people do in these steps carries their names: the demo dealer's replies to
    # owners are its principal's, the personal-data requests were processed by Helen Quarry (not "Inside Track").
    brand = Brand.objects.order_by("pk").first()
    if brand is not None:
        create_demo_users(brand)
    counts: dict[str, int] = {}
    counts.update(connected_generate(seed=seed, end=end))
    counts.update(privacy_generate(seed=seed, end=end))
    counts.update(owner_issues_generate(seed=seed, end=end))
    counts.update(owner_portal_generate(seed=seed, end=end))
    return counts

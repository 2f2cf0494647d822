"""Benchmark: the dashboard's reads over 10 million responses, against a plain GROUP BY and against pandas.

Usage::

    .venv/bin/python bench/dashboard.py --responses 200000          # a quick check (about a minute)
    .venv/bin/python bench/dashboard.py                              # 10,000,000 responses (about 30 minutes)
    .venv/bin/python bench/dashboard.py --reuse                      # same database again: skip load and rebuild
    .venv/bin/python bench/dashboard.py --database mine --drop       # another name; drop it at the end

It (re)creates a PostgreSQL database next to ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/``,
database ``insidetrack_bench_dashboard``), migrates it and builds a network: the brand with its default journey
(``brand_setup``), 8 regions of uneven size, 150 dealers whose sizes spread over two orders of magnitude and whose
NPS levels differ, 8 vehicle models and both channels. Then it writes ``--responses`` journey-survey answers over the
24 months before 2026-06-01 in one ``INSERT ... SELECT generate_series`` (no row passes through Python; faster than
``COPY`` from Python by an order of magnitude at this size), plus 2% case follow-up answers that must not count.
Answers skew the way a real programme does: big dealers answer much more often, service visits are the largest
touchpoint, volume grows over time, each dealer has its own score distribution and each touchpoint shifts it,
about 60% carry a verbatim and every one carries its two hashed fingerprints, so the table has a real row's width.
Rows are written in ``submitted_at`` order, as live traffic writes them (the raw queries' index scans profit).
Customers and invitations are NULL (the schema allows it; imported answers look like that): the point is the
responses table's size and shape. The load drops the table's secondary indexes and foreign keys and recreates them
afterwards in the same transaction (definitions read from the catalogue), which is how a bulk load is done.

Then ``rollups_rebuild()`` fills the daily and monthly rollups, timed. The benchmark proper is a fixed, seeded set of
``--combinations`` filter combinations (periods of 1, 3, 12 and 24 months; none, one or several of region, dealer,
touchpoint, model and channel; about a fifth seen as a region manager, the rest as head office). For each it times
what the dashboard page reads, through the real functions of ``insidetrack.analytics.dashboard`` (ORM included):
``nps_total`` + ``nps_trend`` + one ``nps_breakdown`` (rotating through ``DIMENSIONS``) + ``funnel`` (when no dealer
is chosen). The same figures are then computed two other ways, each timed per combination:

* raw SQL: a plain ``GROUP BY`` over ``surveys_response`` (joined to dealers, regions, touchpoints and stages as
  the filter or grouping needs), one statement per figure, as a page without rollups would run them;
* pandas: the journey-survey responses loaded once into a DataFrame (categoricals: dealer, region, touchpoint, stage,
  model, channel; small integers: month, NPS band; load time and memory printed), one ``groupby`` per figure.

For every ``--verify-every``-th combination the three answers are compared exactly (detractors, passives and
promoters of every row of every figure); a mismatch stops the run. Timings are one cold-ish pass per combination
after a short warm-up, with the server's default settings (nothing is ``SET`` for the measured queries; the load
alone raises ``work_mem`` and ``maintenance_work_mem`` for its own session to sort and index 10M rows in memory).
Targets (the issue's): rollup p95 under 150 ms, and raw p95 / rollup p95 at least 20.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
END = dt.date(2026, 6, 1)  # exclusive: the last full month is 2026-05
MONTHS = 24
START = dt.date(2024, 6, 1)
SLOTS = 10_000  # resolution of the weighted look-up tables the SQL generator draws from
FOLLOW_UP_SHARE = 0.02
P95_TARGET_MS = 150.0
RATIO_TARGET = 20.0

REGIONS = (("LON", "London", 1.6), ("SE", "South East", 1.4), ("SW", "South West", 0.9), ("MID", "Midlands", 1.1),
           ("NW", "North West", 1.0), ("NE", "North East", 0.6), ("SCO", "Scotland", 0.7), ("WAL", "Wales", 0.4))
DEALERS = 150
# Models and their share of answers; "" is an answer whose vehicle is unknown (it must still count).
MODELS = (("Vela", 0.19), ("Strada", 0.24), ("Corsa", 0.08), ("Volta", 0.14), ("Grande", 0.11), ("Aria", 0.09),
          ("Lumen", 0.07), ("Tempo", 0.06), ("", 0.02))
# Touchpoint code: (share of answers, multiplier on the detractor share, multiplier on the promoter share).
TOUCHPOINTS = {"test_drive": (0.11, 0.8, 1.05), "deposit": (0.05, 0.9, 1.0), "experience_event": (0.03, 0.5, 1.25),
               "finance_paperwork": (0.05, 1.4, 0.85), "handover": (0.11, 0.6, 1.2),
               "first_service": (0.12, 1.1, 0.95), "service_visit": (0.40, 1.35, 0.85),
               "ownership_checkin": (0.10, 1.0, 1.0), "repurchase": (0.03, 0.7, 1.1)}
VERBATIMS = ("", "", "", "", "", "", "Great handover, thank you Anna.", "Waited two hours for an oil change.",
             "The car was not ready when promised and nobody called to tell me, which is not what I expect.",
             "Der Wagen war nicht fertig, niemand hat angerufen.", "Accueil parfait, merci.", "All fine.",
             "Friendly staff, clean showroom, and the coffee was excellent. The test drive route was well chosen.",
             "The finance paperwork took far too long and two documents had to be signed twice because of errors. "
             "I had to take another afternoon off work to come back.", "Loan car was dirty.",
             "Very professional service advisor who explained every item on the invoice.")


def _admin(url: str):
    import psycopg

    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def bench_database(name: str, *, reuse: bool) -> bool:
    """Point Django at the benchmark's own PostgreSQL database (new unless ``reuse`` finds it) and set it up.

    Returns whether the database is fresh (and so must be loaded). Only ``DATABASE_URL``'s host and credentials are
    used: the benchmark never touches the database the URL names.
    """
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base_url.startswith("postgres"):
        sys.exit("DATABASE_URL must point to PostgreSQL (only the host and credentials are used)")
    with _admin(base_url) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        fresh = not (reuse and exists)
        if fresh:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(base_url)._replace(path=f"/{name}"))
    os.environ["DATABASE_CONN_MAX_AGE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insidetrack.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return fresh


def _largest_remainder(weights: list[float], total: int) -> list[int]:
    """Integer counts summing to ``total`` in proportion to ``weights``."""
    scaled = [w / sum(weights) * total for w in weights]
    counts = [math.floor(s) for s in scaled]
    for index in sorted(range(len(weights)), key=lambda i: scaled[i] - counts[i], reverse=True)[:total - sum(counts)]:
        counts[index] += 1
    return counts


def _slots(items: list[tuple[object, ...]], weights: list[float]) -> list[tuple[object, ...]]:
    """(slot, *item) rows: each item gets a run of slots in proportion to its weight."""
    rows, slot = [], 0
    for item, count in zip(items, _largest_remainder(weights, SLOTS), strict=True):
        for _ in range(count):
            rows.append((slot, *item))
            slot += 1
    return rows


# --- building the world -------------------------------------------------------------------------------------------


def build_network(rng: random.Random) -> dict[str, object]:
    """Brand, regions and dealers through the ORM (a few hundred rows); returns what the generator needs."""
    from insidetrack.journeys.models import Touchpoint
    from insidetrack.journeys.services import brand_setup
    from insidetrack.network.models import Dealer, Region

    brand = brand_setup(name="Bench Motors")
    regions = Region.objects.bulk_create(Region(brand=brand, code=code, name=name) for code, name, _w in REGIONS)
    region_of = rng.choices(regions, [w for _c, _n, w in REGIONS], k=DEALERS)
    dealers = Dealer.objects.bulk_create(
        Dealer(brand=brand, region=region_of[n], code=f"D{n:03d}", name=f"Dealer {n:03d}", country="GB",
               time_zone="Europe/London") for n in range(DEALERS))
    touchpoints = {t.code: t for t in Touchpoint.objects.filter(journey__brand=brand, is_surveyed=True)}
    missing = set(TOUCHPOINTS) ^ set(touchpoints)
    if missing:
        sys.exit(f"the default journey's surveyed touchpoints changed ({sorted(missing)}): update TOUCHPOINTS")
    # Dealer profile: size (answers per month), quality (-> detractor and promoter shares), share of SMS invitations.
    profiles = []
    for dealer in dealers:
        quality = rng.gauss(0, 1)
        p_det = min(0.45, max(0.03, 0.15 - 0.06 * quality))
        p_pro = min(0.85, max(0.25, 0.57 + 0.09 * quality))
        profiles.append((dealer.pk, p_det, p_pro, rng.uniform(0.05, 0.45), rng.lognormvariate(0, 0.9)))
    return {"brand": brand, "profiles": profiles,
            "touchpoints": [(touchpoints[code].pk, *TOUCHPOINTS[code]) for code in TOUCHPOINTS]}


def _secondary_indexes_and_constraints(cursor, table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)", [table])
    indexes = cursor.fetchall()
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                   "AND contype IN ('f', 'u')", [table])
    return indexes, cursor.fetchall()


def load_responses(world: dict[str, object], total: int, seed: int) -> dict[str, float]:
    """Write ``total`` journey-survey answers (and 2% follow-ups) in SQL; returns the phases' seconds."""
    from django.db import connection, transaction

    from insidetrack.surveys.models import Response

    table = Response._meta.db_table
    follow_ups = round(total * FOLLOW_UP_SHARE)
    rng = random.Random(seed)
    profiles = world["profiles"]
    seconds: dict[str, float] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # Load-only session settings: sort the generated rows and build the indexes in memory, not in temp files.
        cursor.execute("SET LOCAL work_mem = '1GB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SELECT setseed(%s)", [rng.random() * 2 - 1])
        cursor.execute("CREATE TEMPORARY TABLE bench_dealer (slot int PRIMARY KEY, dealer_id bigint, p_det float8, "
                       "p_pro float8, sms float8) ON COMMIT DROP")
        cursor.execute("CREATE TEMPORARY TABLE bench_touchpoint (slot int PRIMARY KEY, touchpoint_id bigint, "
                       "f_det float8, f_pro float8) ON COMMIT DROP")
        cursor.execute("CREATE TEMPORARY TABLE bench_model (slot int PRIMARY KEY, model text) ON COMMIT DROP")
        cursor.execute("CREATE TEMPORARY TABLE bench_verbatim (slot int PRIMARY KEY, verbatim text) ON COMMIT DROP")
        cursor.executemany("INSERT INTO bench_dealer VALUES (%s, %s, %s, %s, %s)",
                           _slots([p[:4] for p in profiles], [p[4] for p in profiles]))
        touchpoints = world["touchpoints"]
        cursor.executemany("INSERT INTO bench_touchpoint VALUES (%s, %s, %s, %s)",
                           _slots([(pk, f_det, f_pro) for pk, _share, f_det, f_pro in touchpoints],
                                  [share for _pk, share, _d, _p in touchpoints]))
        cursor.executemany("INSERT INTO bench_model VALUES (%s, %s)",
                           _slots([(name,) for name, _w in MODELS], [w for _n, w in MODELS]))
        cursor.executemany("INSERT INTO bench_verbatim VALUES (%s, %s)", list(enumerate(VERBATIMS)))
        for lookup in ("bench_dealer", "bench_touchpoint", "bench_model", "bench_verbatim"):
            cursor.execute(f"ANALYZE {lookup}")

        indexes, constraints = _secondary_indexes_and_constraints(cursor, table)
        started = time.perf_counter()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        start = dt.datetime.combine(START, dt.time(), tzinfo=dt.UTC)
        span = (dt.datetime.combine(END, dt.time(), tzinfo=dt.UTC) - start).total_seconds()
        # Row g is submitted at the g-th quantile of a volume growing over the two years (time = span * U^0.8,
        # jittered), so rows come in time order without a sort; follow-ups are spread evenly among them. A score
        # is drawn against the dealer's detractor and promoter shares, each scaled by the touchpoint; detractors
        # lean to 5-6, promoters to 10.
        cursor.execute(f"""
            INSERT INTO "{table}" (brand_id, dealer_id, customer_id, invitation_id, touchpoint_id, vehicle_model,
                score, verbatim, language, channel, source, purpose, invited_at, opened_at, submitted_at,
                network_fingerprint, device_fingerprint, answers)
            SELECT %(brand)s, d.dealer_id, NULL, NULL, t.touchpoint_id, m.model,
                CASE WHEN s.u_score < d.p_det * t.f_det
                         THEN 6 - least(6, floor(power(s.u_fine, 1.6) * 7))::int
                     WHEN s.u_score < 1 - least(0.97 - d.p_det * t.f_det, d.p_pro * t.f_pro)
                         THEN 7 + (s.u_fine < 0.45)::int
                     ELSE 9 + (s.u_fine < 0.55)::int END,
                v.verbatim, 'en', CASE WHEN s.u_channel < d.sms THEN 'sms' ELSE 'email' END, 'survey',
                CASE WHEN floor(s.g * %(follow_ups)s::float8 / %(rows)s) > floor((s.g - 1) * %(follow_ups)s::float8
                     / %(rows)s) THEN 'follow_up' ELSE 'survey' END,
                s.at - make_interval(secs => 3600 * (2 + 70 * s.u_fine)), s.at - make_interval(secs => 900 * s.u_fine),
                s.at, md5((s.g %% 200000)::text) || md5((s.g %% 200000)::text || 'n'),
                md5((s.g %% 1000003)::text) || md5((s.g %% 1000003)::text || 'd'), '{{}}'::jsonb
            FROM (SELECT g, random() AS u_dealer, random() AS u_touchpoint, random() AS u_model,
                         random() AS u_channel, random() AS u_score, random() AS u_fine, random() AS u_text,
                         %(start)s::timestamptz + make_interval(secs => %(span)s
                             * power(greatest(g - random(), 0) / %(rows)s, 0.8)) AS at
                  FROM generate_series(1, %(rows)s) AS g) AS s
            JOIN bench_dealer d ON d.slot = floor(s.u_dealer * {SLOTS})::int
            JOIN bench_touchpoint t ON t.slot = floor(s.u_touchpoint * {SLOTS})::int
            JOIN bench_model m ON m.slot = floor(s.u_model * {SLOTS})::int
            JOIN bench_verbatim v ON v.slot = floor(s.u_text * {len(VERBATIMS)})::int""",
                       {"brand": world["brand"].pk, "follow_ups": follow_ups, "rows": total + follow_ups,
                        "start": start, "span": span})
        seconds["insert"] = time.perf_counter() - started
        started = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        seconds["indexes"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{table}"')
    seconds["analyze"] = time.perf_counter() - started
    return seconds


# --- the filter combinations --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Combination:
    """One dashboard view: who looks, with which filters, and which breakdown the page shows."""

    number: int
    actor: object
    filters: object
    breakdown: str
    viewer: str  # "head office" or "region R"
    region_pk: int | None = None

    @property
    def with_funnel(self) -> bool:
        return not self.filters.dealer

    def describe(self) -> str:
        f = self.filters
        parts = [f"{f.first_month:%Y-%m}..{f.last_month:%Y-%m}"] + [
            f"{name}={value}" for name, value in (("region", f.region), ("dealer", f.dealer),
                                                  ("touchpoint", f.touchpoint), ("model", f.vehicle_model),
                                                  ("channel", f.channel)) if value]
        return f"#{self.number} {self.viewer}: {' '.join(parts)} by {self.breakdown}"


def combinations(count: int, seed: int) -> list[Combination]:
    """A fixed, seeded mix of periods, filters, viewers and breakdowns."""
    from insidetrack.analytics.dashboard import DIMENSIONS, DashboardFilters, _add_months
    from insidetrack.core.actor import Actor
    from insidetrack.core.roles import Role
    from insidetrack.journeys.models import Touchpoint
    from insidetrack.network.models import Brand, Dealer, Region

    rng = random.Random(seed)
    brand = Brand.objects.get(slug="bench-motors")
    regions = list(Region.objects.filter(brand=brand).order_by("code"))
    dealers = list(Dealer.objects.filter(brand=brand).select_related("region").order_by("code"))
    touchpoints = sorted(Touchpoint.objects.filter(journey__brand=brand, is_surveyed=True).values_list("code",
                                                                                                       flat=True))
    models = sorted(name for name, _w in MODELS if name)
    last = _add_months(END, -1)
    head_office = Actor(role=Role.HEAD_OFFICE, brand_id=brand.pk)
    result = []
    for number in range(count):
        months = rng.choice((1, 3, 12, 24))
        latest = _add_months(last, -rng.choice((0, 0, 0, rng.randrange(0, MONTHS - months + 1))))
        filters = DashboardFilters(first_month=_add_months(latest, 1 - months), last_month=latest)
        chosen = rng.sample(("region", "dealer", "touchpoint", "model", "channel"),
                            rng.choices((0, 1, 2, 3, 4, 5), (15, 30, 25, 15, 10, 5))[0])
        as_region = rng.random() < 0.2
        region = rng.choice(regions)
        actor, viewer, region_pk = head_office, "head office", None
        if as_region:
            actor = Actor(role=Role.REGION_MANAGER, brand_id=brand.pk, region_id=region.pk)
            viewer, region_pk = f"region {region.code}", region.pk
        values: dict[str, str] = {}
        if "dealer" in chosen:
            pool = [d for d in dealers if d.region_id == region.pk] if as_region or "region" in chosen else dealers
            dealer = rng.choice(pool)
            values["dealer"] = dealer.code
            region = dealer.region
        if "region" in chosen:
            values["region"] = region.code
        if "touchpoint" in chosen:
            values["touchpoint"] = rng.choice(touchpoints)
        if "model" in chosen:
            values["vehicle_model"] = rng.choice(models)
        if "channel" in chosen:
            values["channel"] = rng.choice(("email", "sms"))
        result.append(Combination(number=number, actor=actor, filters=replace(filters, **values),
                                  breakdown=DIMENSIONS[number % len(DIMENSIONS)], viewer=viewer, region_pk=region_pk))
    return result


# --- the three ways to the same figures -----------------------------------------------------------------------------
# Each returns {"total": counts, "trend": {month: counts}, "breakdown": {key: counts}, "funnel": {code: counts}}
# with counts = (detractors, passives, promoters); rows without answers are left out.

Counts = tuple[int, int, int]


def _counts(estimate) -> Counts:
    return (estimate.detractors, estimate.passives, estimate.promoters)


def _nonempty(rows: dict[str, Counts]) -> dict[str, Counts]:
    return {key: counts for key, counts in rows.items() if sum(counts)}


PARTS: dict[str, list[float]] = {}  # milliseconds of each read of the page, over the timed rollup pass


def by_rollups(combination: Combination, parts: dict[str, list[float]] | None = None) -> dict[str, object]:
    """What the page reads: the real dashboard functions, ORM and statistics included."""
    from insidetrack.analytics import dashboard

    actor, filters = combination.actor, combination.filters
    calls = {"nps_total": lambda: dashboard.nps_total(actor=actor, filters=filters),
             "nps_trend": lambda: dashboard.nps_trend(actor=actor, filters=filters),
             f"nps_breakdown(by={combination.breakdown})": lambda: dashboard.nps_breakdown(
                 actor=actor, filters=filters, by=combination.breakdown)}
    if combination.with_funnel:
        calls["funnel"] = lambda: dashboard.funnel(actor=actor, filters=filters)
    results = {}
    for name, call in calls.items():
        started = time.perf_counter()
        results[name] = call()
        if parts is not None:
            parts.setdefault(name.split("(")[0], []).append((time.perf_counter() - started) * 1000)
    total, trend, breakdown = (results[name] for name in list(calls)[:3])
    answer = {"total": _counts(total), "trend": _nonempty({row.key: _counts(row.estimate) for row in trend}),
              "breakdown": _nonempty({row.key: _counts(row.estimate) for row in breakdown})}
    if combination.with_funnel:
        answer["funnel"] = _nonempty({point.code: _counts(point.estimate) for point in results["funnel"].points})
    return answer


# Grouping expression and the joins it needs (d dealer, g region, t touchpoint, s stage).
_RAW_KEYS = {"month": ("to_char(r.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM')", ()),
             "quarter": ("to_char(r.submitted_at AT TIME ZONE 'UTC', 'YYYY \"Q\"Q')", ()),
             "stage": ("s.code", ("t", "s")), "touchpoint": ("t.code", ("t",)), "region": ("g.code", ("d", "g")),
             "dealer": ("d.code", ("d",)), "model": ("r.vehicle_model", ()), "channel": ("r.channel", ())}
_RAW_JOINS = {"d": "JOIN network_dealer d ON d.id = r.dealer_id", "g": "JOIN network_region g ON g.id = d.region_id",
              "t": "JOIN journeys_touchpoint t ON t.id = r.touchpoint_id",
              "s": "JOIN journeys_stage s ON s.id = t.stage_id"}


def _raw_statement(combination: Combination, key: str | None, *, ignore_dealer: bool = False) -> tuple[str, list]:
    """One plain GROUP BY over the responses, joined only as far as the filters and the grouping need."""
    f = combination.filters
    where = ["r.brand_id = %s", "r.purpose = 'survey'", "r.submitted_at >= %s", "r.submitted_at < %s"]
    params: list[object] = [combination.actor.brand_id, dt.datetime.combine(f.first_month, dt.time(), tzinfo=dt.UTC),
                            dt.datetime.combine(f.last_day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)]
    expression, needed = _RAW_KEYS[key] if key else ("", ())
    joins = set(needed)
    for condition, value, join in (("d.region_id = %s", combination.region_pk, ("d",)),
                                   ("g.code = %s", f.region, ("d", "g")),
                                   ("d.code = %s", "" if ignore_dealer else f.dealer, ("d",)),
                                   ("t.code = %s", f.touchpoint, ("t",)),
                                   ("r.vehicle_model = %s", f.vehicle_model, ()),
                                   ("r.channel = %s", f.channel, ())):
        if value:
            where.append(condition)
            params.append(value)
            joins.update(join)
    bands = ("COUNT(*) FILTER (WHERE r.score <= 6), COUNT(*) FILTER (WHERE r.score BETWEEN 7 AND 8), "
             "COUNT(*) FILTER (WHERE r.score >= 9)")
    sql = (f"SELECT {expression + ', ' if expression else ''}{bands} FROM surveys_response r "
           f"{' '.join(_RAW_JOINS[alias] for alias in 'dgts' if alias in joins)} WHERE {' AND '.join(where)}")
    return sql + (f" GROUP BY {expression}" if expression else ""), params


def by_raw_sql(combination: Combination) -> dict[str, object]:
    """The same figures by plain GROUP BYs over the raw responses, one statement per figure."""
    from django.db import connection

    def grouped(key: str | None, **kwargs: bool) -> dict[str, Counts]:
        sql, params = _raw_statement(combination, key, **kwargs)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: tuple(row[1:]) for row in cursor.fetchall()} if key else {"": cursor.fetchone()}

    answer = {"total": grouped(None)[""], "trend": grouped("month"), "breakdown": grouped(combination.breakdown)}
    if combination.with_funnel:
        answer["funnel"] = grouped("dealer", ignore_dealer=True)
    return answer


@dataclass
class Frame:
    """The responses in memory, with the look-ups from codes to category values."""

    df: object
    seconds: float
    megabytes: float
    region_code: dict[int, str] = field(default_factory=dict)


def load_frame(brand_pk: int) -> Frame:
    """The journey-survey responses as a DataFrame: only the grouped and filtered columns, compact dtypes."""
    import pandas as pd
    from django.db import connection

    from insidetrack.journeys.models import Touchpoint
    from insidetrack.network.models import Dealer, Region

    started = time.perf_counter()
    dealers = {d.pk: (d.code, d.region.code) for d in Dealer.objects.filter(brand_id=brand_pk).select_related("region")}
    touchpoints = {t.pk: (t.code, t.stage.code) for t in Touchpoint.objects.filter(journey__brand_id=brand_pk)
                   .select_related("stage")}
    buffer = io.BytesIO()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(
            "COPY (SELECT dealer_id, touchpoint_id, vehicle_model, channel, score, "
            "(extract(year FROM submitted_at AT TIME ZONE 'UTC') * 12 "
            "+ extract(month FROM submitted_at AT TIME ZONE 'UTC') - 1)::int "
            f"FROM surveys_response WHERE brand_id = {int(brand_pk)} AND purpose = 'survey') "
            "TO STDOUT (FORMAT csv)") as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    raw = pd.read_csv(buffer, header=None, names=["dealer", "touchpoint", "model", "channel", "score", "month"],
                      dtype={"dealer": "int32", "touchpoint": "int32", "model": "category", "channel": "category",
                             "score": "int8", "month": "int32"}, keep_default_na=False)
    del buffer
    dealer_codes = pd.CategoricalDtype(sorted(code for code, _region in dealers.values()))
    region_codes = pd.CategoricalDtype(sorted(Region.objects.filter(brand_id=brand_pk).values_list("code", flat=True)))
    touchpoint_codes = pd.CategoricalDtype(sorted(code for code, _stage in touchpoints.values()))
    stage_codes = pd.CategoricalDtype(sorted({stage for _code, stage in touchpoints.values()}))
    df = pd.DataFrame({
        "dealer": raw["dealer"].map({pk: code for pk, (code, _r) in dealers.items()}).astype(dealer_codes),
        "region": raw["dealer"].map({pk: region for pk, (_c, region) in dealers.items()}).astype(region_codes),
        "touchpoint": raw["touchpoint"].map({pk: code for pk, (code, _s) in touchpoints.items()})
        .astype(touchpoint_codes),
        "stage": raw["touchpoint"].map({pk: stage for pk, (_c, stage) in touchpoints.items()}).astype(stage_codes),
        "model": raw["model"], "channel": raw["channel"],
        "month": raw["month"].astype("int16"),
        # 0 detractor, 1 passive, 2 promoter
        "band": ((raw["score"] >= 7).astype("int8") + (raw["score"] >= 9).astype("int8")),
    })
    del raw
    seconds = time.perf_counter() - started
    return Frame(df=df, seconds=seconds, megabytes=df.memory_usage(deep=True).sum() / 2**20,
                 region_code={r.pk: r.code for r in Region.objects.filter(brand_id=brand_pk)})


def _month_index(month: dt.date) -> int:
    return month.year * 12 + month.month - 1


def by_pandas(frame: Frame, combination: Combination) -> dict[str, object]:
    """The same figures by boolean masks and ``groupby`` on the in-memory frame."""
    df, f = frame.df, combination.filters

    def rows(ignore_dealer: bool = False):
        mask = (df["month"] >= _month_index(f.first_month)) & (df["month"] <= _month_index(f.last_month))
        if combination.region_pk is not None:
            mask &= df["region"] == frame.region_code[combination.region_pk]
        for column, value in (("region", f.region), ("dealer", "" if ignore_dealer else f.dealer),
                              ("touchpoint", f.touchpoint), ("model", f.vehicle_model), ("channel", f.channel)):
            if value:
                mask &= df[column] == value
        return df.loc[mask, ["region", "dealer", "touchpoint", "stage", "model", "channel", "month", "band"]]

    def grouped(selected, key) -> dict[str, Counts]:
        counts = selected.groupby([key, "band"], observed=True, sort=False).size().unstack(fill_value=0)
        counts = counts.reindex(columns=[0, 1, 2], fill_value=0)
        return {str(index): tuple(int(v) for v in values)
                for index, values in zip(counts.index, counts.to_numpy().tolist(), strict=True)}

    def labelled(selected, key: str) -> dict[str, Counts]:
        if key == "month":
            return {f"{int(m) // 12}-{int(m) % 12 + 1:02d}": c for m, c in grouped(selected, "month").items()}
        if key == "quarter":
            quarters: dict[str, list[int]] = {}
            for m, c in grouped(selected, selected["month"] // 3).items():
                quarter = int(m)
                quarters[f"{quarter // 4} Q{quarter % 4 + 1}"] = list(c)
            return {k: tuple(v) for k, v in quarters.items()}
        return grouped(selected, key)

    selected = rows()
    band_counts = selected.groupby("band", sort=False).size()
    answer = {"total": tuple(int(band_counts.get(band, 0)) for band in (0, 1, 2)),
              "trend": labelled(selected, "month"), "breakdown": labelled(selected, combination.breakdown)}
    if combination.with_funnel:
        answer["funnel"] = grouped(rows(ignore_dealer=True) if f.dealer else selected, "dealer")
    return answer


# --- measuring ------------------------------------------------------------------------------------------------------


def _time_all(function: Callable[[Combination], object], items: list[Combination], warm_up: int) -> list[float]:
    for combination in items[:warm_up]:
        function(combination)
    timings = []
    for combination in items:
        started = time.perf_counter()
        function(combination)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation: a value that was measured)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _verify(items: list[Combination], methods: dict[str, Callable[[Combination], dict]]) -> int:
    checked = 0
    for combination in items:
        answers = {name: method(combination) for name, method in methods.items()}
        reference_name, reference = next(iter(answers.items()))
        for name, answer in answers.items():
            if answer != reference:
                for part in reference:
                    if answer.get(part) != reference.get(part):
                        print(f"MISMATCH {combination.describe()} in {part}: {reference_name} {reference.get(part)} "
                              f"!= {name} {answer.get(part)}")
                raise SystemExit(f"{name} disagrees with {reference_name}: the benchmark would measure wrong answers")
        checked += 1
    return checked


def _sizes() -> dict[str, int]:
    from django.db import connection

    from insidetrack.analytics.models import MonthlyRollup, ResponseRollup
    from insidetrack.surveys.models import Purpose, Response

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('surveys_response'), pg_total_relation_size(%s), "
                       "pg_total_relation_size(%s)", [ResponseRollup._meta.db_table, MonthlyRollup._meta.db_table])
        response_bytes, daily_bytes, monthly_bytes = cursor.fetchone()
        cursor.execute("SELECT correlation FROM pg_stats WHERE tablename = 'surveys_response' "
                       "AND attname = 'submitted_at'")
        correlation = (cursor.fetchone() or [None])[0]
    return {"survey responses": Response.objects.filter(purpose=Purpose.SURVEY).count(),
            "follow-up responses": Response.objects.exclude(purpose=Purpose.SURVEY).count(),
            "daily rollup rows": ResponseRollup.objects.count(), "monthly rollup rows": MonthlyRollup.objects.count(),
            "responses MB": response_bytes // 2**20, "daily MB": daily_bytes // 2**20,
            "monthly MB": monthly_bytes // 2**20, "correlation": correlation}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=10_000_000)
    parser.add_argument("--combinations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="insidetrack_bench_dashboard")
    parser.add_argument("--reuse", action="store_true",
                        help="Use the database as a previous run left it (same --responses): no load, no rebuild.")
    parser.add_argument("--rebuild", action="store_true", help="With --reuse: rebuild the rollups all the same.")
    parser.add_argument("--drop", action="store_true", help="Drop the database at the end.")
    parser.add_argument("--verify-every", type=int, default=5, help="Compare the three answers on every n-th view.")
    parser.add_argument("--warm-up", type=int, default=5)
    parser.add_argument("--skip-raw", action="store_true")
    parser.add_argument("--skip-pandas", action="store_true")
    options = parser.parse_args()

    name = options.database
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    fresh = bench_database(name, reuse=options.reuse)
    from django.core.management import call_command
    from django.db import connection
    from rich.console import Console
    from rich.table import Table

    from insidetrack.analytics.models import MonthlyRollup
    from insidetrack.analytics.rollups import rollups_rebuild
    from insidetrack.network.models import Brand
    from insidetrack.surveys.models import Purpose, Response

    console = Console(highlight=False, width=150)
    say = console.print
    try:
        call_command("migrate", interactive=False, verbosity=0)
        rng = random.Random(options.seed)
        if fresh:
            started = time.perf_counter()
            world = build_network(rng)
            network_seconds = time.perf_counter() - started
            say(f"network: 1 brand, {len(REGIONS)} regions, {DEALERS} dealers, {len(TOUCHPOINTS)} surveyed "
                f"touchpoints, {len(MODELS) - 1} models (+ unknown), 2 channels in {network_seconds:.1f} s")
            phases = load_responses(world, options.responses, options.seed)
            say(f"load: {options.responses:,} journey-survey responses + "
                f"{round(options.responses * FOLLOW_UP_SHARE):,} "
                f"follow-ups by INSERT ... SELECT generate_series: insert {phases['insert']:.1f} s, indexes and "
                f"foreign keys {phases['indexes']:.1f} s, ANALYZE {phases['analyze']:.1f} s, total "
                f"{sum(phases.values()):.1f} s ({options.responses / sum(phases.values()):,.0f} responses/s)")
        else:
            have = Response.objects.filter(purpose=Purpose.SURVEY).count()
            if have != options.responses:
                sys.exit(f"--reuse: {name} holds {have:,} survey responses, not {options.responses:,}")
            say(f"reusing {name}: {have:,} survey responses")
        if fresh or options.rebuild or not MonthlyRollup.objects.exists():
            started = time.perf_counter()
            report = rollups_rebuild(now=dt.datetime.combine(END, dt.time(), tzinfo=dt.UTC))
            rebuild = time.perf_counter() - started
            say(f"rollups_rebuild(): {rebuild:.1f} s, {report.chunks} chunks, {report.counted:,} responses counted "
                f"({report.counted / rebuild:,.0f} responses/s)")
        sizes = _sizes()
        say(f"sizes: {sizes['survey responses']:,} survey responses + {sizes['follow-up responses']:,} follow-ups "
            f"({sizes['responses MB']:,} MB with indexes; submitted_at correlation {sizes['correlation']:.3f}), "
            f"{sizes['daily rollup rows']:,} daily rollup rows ({sizes['daily MB']:,} MB), "
            f"{sizes['monthly rollup rows']:,} monthly rollup rows ({sizes['monthly MB']:,} MB)")

        brand = Brand.objects.get(slug="bench-motors")
        items = combinations(options.combinations, options.seed)
        with_funnel = sum(c.with_funnel for c in items)
        by_viewer = sum(c.viewer != "head office" for c in items)
        filtered = [sum(bool(getattr(c.filters, k)) for k in ("region", "dealer", "touchpoint", "vehicle_model",
                                                                "channel")) for c in items]
        say(f"views: {len(items)} filter combinations ({by_viewer} as a region manager; by number of filters "
            + ", ".join(f"{k}: {filtered.count(k)}" for k in range(6))
            + "; periods " + ", ".join(f"{m} months: {sum(len(c.filters.months) == m for c in items)}"
                                        for m in (1, 3, 12, 24))
            + f"); each reads total + trend + one breakdown, and the funnel in {with_funnel}")

        timings: dict[str, list[float]] = {}
        started = time.perf_counter()
        for combination in items[:options.warm_up]:
            by_rollups(combination)
        timings["rollups (dashboard.py)"] = _time_all(lambda c: by_rollups(c, PARTS), items, 0)
        say(f"rollups timed in {time.perf_counter() - started:.1f} s")
        methods: dict[str, Callable[[Combination], dict]] = {"rollups (dashboard.py)": by_rollups}
        if not options.skip_raw:
            started = time.perf_counter()
            timings["raw SQL GROUP BY"] = _time_all(by_raw_sql, items, min(options.warm_up, 2))
            say(f"raw SQL timed in {time.perf_counter() - started:.1f} s")
            methods["raw SQL GROUP BY"] = by_raw_sql
        if not options.skip_pandas:
            frame = load_frame(brand.pk)
            say(f"pandas {__import__('pandas').__version__}: {len(frame.df):,} rows loaded (COPY to CSV, read_csv, "
                f"categoricals) in {frame.seconds:.1f} s, {frame.megabytes:,.0f} MB in memory")
            started = time.perf_counter()
            timings["pandas groupby"] = _time_all(lambda c: by_pandas(frame, c), items, options.warm_up)
            say(f"pandas timed in {time.perf_counter() - started:.1f} s")
            methods["pandas groupby"] = lambda c: by_pandas(frame, c)

        sample = items[::max(1, options.verify_every)]
        checked = _verify(sample, methods)
        say(f"agreement: {checked} of {len(items)} views compared exactly (total, every month, every breakdown row, "
            f"every funnel dealer) across {', '.join(methods)}: identical")

        rollup = timings["rollups (dashboard.py)"]
        table = Table(title=f"Dashboard page reads over {options.responses:,} responses, {len(items)} views (ms)")
        for column in ("method", "p50", "p95", "max", "mean", "p50 / rollups", "p95 / rollups"):
            table.add_column(column, justify="left" if column == "method" else "right")
        for method, values in timings.items():
            table.add_row(method, f"{_percentile(values, 0.5):.1f}", f"{_percentile(values, 0.95):.1f}",
                          f"{max(values):.1f}", f"{statistics.fmean(values):.1f}",
                          f"{_percentile(values, 0.5) / _percentile(rollup, 0.5):.1f}x",
                          f"{_percentile(values, 0.95) / _percentile(rollup, 0.95):.1f}x")
        console.print(table)
        say("rollup reads, each (p50 / p95 / max ms): " + "; ".join(
            f"{name} ({len(values)}) {_percentile(values, 0.5):.1f} / {_percentile(values, 0.95):.1f} / "
            f"{max(values):.1f}" for name, values in PARTS.items()))
        slowest = sorted(range(len(items)), key=lambda i: rollup[i], reverse=True)[:5]
        say("slowest rollup views: " + "; ".join(f"{items[i].describe()} {rollup[i]:.1f} ms" for i in slowest))

        p95 = _percentile(rollup, 0.95)
        say(f"target p95 < {P95_TARGET_MS:.0f} ms: {'MET' if p95 < P95_TARGET_MS else 'MISSED'} ({p95:.1f} ms)")
        if "raw SQL GROUP BY" in timings:
            ratio = _percentile(timings["raw SQL GROUP BY"], 0.95) / p95
            say(f"target raw p95 / rollup p95 >= {RATIO_TARGET:.0f}: "
                f"{'MET' if ratio >= RATIO_TARGET else 'MISSED'} ({ratio:.1f}x)")
    finally:
        connection.close()
        if options.drop:
            with _admin(base_url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()

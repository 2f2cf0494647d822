"""Keeping the response rollups up to date, and rebuilding them from the raw responses.

A journey-survey response is counted once its score is final: the survey was completed (the invitation is
answered; imported answers without an invitation are final too), or its last score is more than
``ABANDONED_AFTER`` old and the owner never finished. Counting a response writes two things in one transaction:
its receipt (:class:`RolledUpResponse`, the claim: ``INSERT ... ON CONFLICT DO NOTHING``, so the completion receiver
and the sweep racing each other count it once) and one ``+1`` on its cell (``INSERT ... ON CONFLICT DO UPDATE SET
count = count + excluded.count``, so two workers bumping one cell never lose a count). A receipt that no longer
matches its response (a score counted as abandoned, then changed; a deleted response) is taken back: exactly the
cell on the receipt loses one, and the response is counted again once it is final. A response head office excluded
(confirmed gaming) is not final while excluded: its receipt is taken back the same way, and it counts again if the
exclusion is lifted.

Everything is set-based SQL over a set of responses (a few primary keys, or a window of ``submitted_at``), so the
receiver, the every-minute sweep and the rebuild are the same three statements with a different ``WHERE``. On
PostgreSQL the claim and the increment are one statement (a data-modifying ``WITH``), so only the rows this
statement claimed are counted; SQLite runs one writer at a time (the project opens transactions ``IMMEDIATE``), so
there the same work is two statements that see the same rows.

``day`` is the UTC date of ``submitted_at``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max, Min

from insidetrack.core import clock
from insidetrack.surveys.models import Invitation, InvitationStatus, Purpose, Response

from .models import (
    MonthlyChannelRollup,
    MonthlyModelRollup,
    MonthlyRollup,
    MonthlyTouchpointRollup,
    ResponseRollup,
    RolledUpResponse,
)

logger = logging.getLogger(__name__)

# Same rule as the closed loop's: a score nobody completed within this time is the owner's final answer.
ABANDONED_AFTER = dt.timedelta(minutes=30)
# The sweep looks this far back; older responses change only through a rebuild (an import of history, say).
SWEEP_LOOKBACK = dt.timedelta(days=3)
# A quarter per transaction: few commits, and a receiver waits at most one chunk (~0.3 s per 100,000 responses).
# Chunks start on the first of a month, so a chunk owns whole monthly cells.
REBUILD_CHUNK_MONTHS = 3

_CELL = ("brand_id", "day", "dealer_id", "touchpoint_id", "vehicle_model", "channel", "score")
_UNIQUE = ("day", "dealer_id", "touchpoint_id", "vehicle_model", "channel", "score")
# The monthly tables: a daily cell's month and dealer, some of its other keys, and its score folded into three bands.
# Every statement that changes the daily cells changes each of these the same way, so they always agree.
_MONTHLY = (
    (MonthlyRollup, ("touchpoint_id", "vehicle_model", "channel")),
    (MonthlyTouchpointRollup, ("touchpoint_id",)),
    (MonthlyModelRollup, ("vehicle_model",)),
    (MonthlyChannelRollup, ("channel",)),
)
_BANDS = ("detractors", "passives", "promoters")


@dataclass(slots=True)
class RollupChange:
    """How many responses one call counted, and how many receipts it took back (changed or deleted responses)."""

    added: int = 0
    removed: int = 0

    @property
    def total(self) -> int:
        return self.added + self.removed


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> dict[str, str]:
    return {"responses": _q(Response._meta.db_table), "invitations": _q(Invitation._meta.db_table),
            "receipts": _q(RolledUpResponse._meta.db_table), "rollups": _q(ResponseRollup._meta.db_table),
            **{f"monthly{index}": _q(model._meta.db_table) for index, (model, _keys) in enumerate(_MONTHLY)}}


def _month_of(day: str) -> str:
    """SQL for the first day of the month of a date expression."""
    if connection.vendor == "postgresql":
        return f"date_trunc('month', {day})::date"
    return f"date({day}, 'start of month')"


def _band_sums(score: str) -> str:
    """SQL counting ``detractors``, ``passives`` and ``promoters`` by ``score`` (portable: no FILTER clause)."""
    return (f"SUM(CASE WHEN {score} <= 6 THEN 1 ELSE 0 END) AS detractors, "
            f"SUM(CASE WHEN {score} BETWEEN 7 AND 8 THEN 1 ELSE 0 END) AS passives, "
            f"SUM(CASE WHEN {score} >= 9 THEN 1 ELSE 0 END) AS promoters")


def _by_month(rows: str, keys: tuple[str, ...]) -> str:
    """SQL folding rows that carry a daily cell (``brand_id``, ``day``, ..., ``score``) into monthly cells with
    ``keys`` besides brand, month and dealer."""
    columns = ", ".join(keys)
    positions = ", ".join(str(position) for position in range(1, 4 + len(keys)))
    return (f"SELECT brand_id, {_month_of('day')} AS month, dealer_id, {columns}, {_band_sums('score')} "
            f"FROM {rows} WHERE 1 = 1 GROUP BY {positions}")


def _month_unique(keys: tuple[str, ...]) -> tuple[str, ...]:
    return ("month", "dealer_id", *keys)


def _day_of(column: str) -> str:
    """SQL for the UTC date of a datetime column (SQLite stores naive UTC text; PostgreSQL a timestamptz)."""
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE 'UTC')::date"
    return f"date({column})"


def _when(value: dt.datetime) -> object:
    return connection.ops.adapt_datetimefield_value(value)


def _date(value: dt.date) -> object:
    return connection.ops.adapt_datefield_value(value)


def _utc_date(value: dt.datetime) -> dt.date:
    return value.astimezone(dt.UTC).date()


@dataclass(frozen=True, slots=True)
class _Selection:
    """Which responses a call looks at: some primary keys and/or a half-open window of ``submitted_at``."""

    response_pks: tuple[int, ...] | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def responses(self) -> tuple[str, list[object]]:
        """``WHERE`` conditions on the responses (alias ``r``)."""
        parts: list[str] = []
        params: list[object] = []
        if self.response_pks is not None:
            parts.append(f"r.id IN ({', '.join(['%s'] * len(self.response_pks))})")
            params.extend(self.response_pks)
        if self.since is not None:
            parts.append("r.submitted_at >= %s")
            params.append(_when(self.since))
        if self.until is not None:
            parts.append("r.submitted_at < %s")
            params.append(_when(self.until))
        return " AND ".join(parts) or "1 = 1", params

    def receipts(self) -> tuple[str, list[object]]:
        """``WHERE`` conditions on the receipts (alias ``t``) whose response may be gone (same pks or days)."""
        parts: list[str] = []
        params: list[object] = []
        if self.response_pks is not None:
            parts.append(f"t.response_id IN ({', '.join(['%s'] * len(self.response_pks))})")
            params.extend(self.response_pks)
        if self.since is not None:
            parts.append("t.day >= %s")
            params.append(_date(_utc_date(self.since)))
        if self.until is not None:
            parts.append("t.day <= %s")
            params.append(_date(_utc_date(self.until - dt.timedelta(microseconds=1))))
        return " AND ".join(parts) or "1 = 1", params


def _stale_receipts(selection: _Selection) -> tuple[str, list[object]]:
    """SQL selecting the responses whose receipt no longer matches them, or whose response is gone."""
    t = _tables()
    where_r, params_r = selection.responses()
    where_t, params_t = selection.receipts()
    differs = " OR ".join(f"t.{column} <> r.{column}" for column in _CELL if column != "day")
    sql = (f"SELECT t.response_id FROM {t['receipts']} t JOIN {t['responses']} r ON r.id = t.response_id "
           f"WHERE {where_r} AND (t.day <> {_day_of('r.submitted_at')} OR {differs} OR r.excluded_at IS NOT NULL) "
           f"UNION ALL "
           f"SELECT t.response_id FROM {t['receipts']} t WHERE {where_t} "
           f"AND NOT EXISTS (SELECT 1 FROM {t['responses']} r WHERE r.id = t.response_id)")
    return sql, [*params_r, *params_t]


def _final_responses(selection: _Selection, now: dt.datetime) -> tuple[str, list[object]]:
    """``FROM ... WHERE`` of the journey-survey responses whose score is final and that are not counted yet."""
    t = _tables()
    where_r, params = selection.responses()
    sql = (f"FROM {t['responses']} r LEFT JOIN {t['invitations']} i ON i.id = r.invitation_id "
           f"WHERE {where_r} AND r.purpose = %s AND r.excluded_at IS NULL "
           f"AND (r.invitation_id IS NULL OR i.status = %s OR r.submitted_at <= %s) "
           f"AND NOT EXISTS (SELECT 1 FROM {t['receipts']} c WHERE c.response_id = r.id)")
    return sql, [*params, Purpose.SURVEY, InvitationStatus.ANSWERED, _when(now - ABANDONED_AFTER)]


def _take_back(selection: _Selection) -> int:
    """Delete stale receipts and subtract exactly what each had added, from the daily and every monthly table; empty
    cells are removed. Returns how many receipts were taken back."""
    t = _tables()
    cell = ", ".join(_CELL)
    stale, params = _stale_receipts(selection)
    match = " AND ".join(f"u.{column} = g.{column}" for column in _UNIQUE)
    subtract = ", ".join(f"{band} = m.{band} - h.{band}" for band in _BANDS)
    total = " + ".join(f"m.{band}" for band in _BANDS)
    bare_total = " + ".join(_BANDS)
    count = _q("count")
    taken = f"(SELECT * FROM {t['receipts']} WHERE response_id IN ({stale})) AS taken"

    def month_match(keys: tuple[str, ...]) -> str:
        return " AND ".join(f"m.{column} = h.{column}" for column in _month_unique(keys))

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: only the receipts this statement deleted are subtracted, whoever else is running.
            monthly = "".join(
                f", monthly{index} AS (UPDATE {t[f'monthly{index}']} m SET {subtract} "
                f"FROM ({_by_month('gone', keys)}) h WHERE {month_match(keys)} RETURNING m.id, {total} AS remaining)"
                for index, (_model, keys) in enumerate(_MONTHLY))
            returned = " ".join(f"UNION ALL SELECT 'monthly{index}', id, remaining, 0 FROM monthly{index}"
                                for index in range(len(_MONTHLY)))
            cursor.execute(
                f"WITH gone AS (DELETE FROM {t['receipts']} WHERE response_id IN ({stale}) RETURNING {cell}), "
                f"daily AS (UPDATE {t['rollups']} u SET {count} = u.{count} - g.n "
                f"FROM (SELECT {cell}, COUNT(*) AS n FROM gone GROUP BY {cell}) g WHERE {match} "
                f"RETURNING u.id, u.{count} AS remaining, g.n){monthly} "
                f"SELECT 'rollups', id, remaining, n FROM daily {returned}", params)
            changed = cursor.fetchall()
            removed = sum(n for kind, _pk, _remaining, n in changed if kind == "rollups")
        else:
            # SQLite's RETURNING names only the updated table's own columns (unqualified).
            cursor.execute(
                f"UPDATE {t['rollups']} AS u SET {count} = u.{count} - g.n "
                f"FROM (SELECT {cell}, COUNT(*) AS n FROM {t['receipts']} WHERE response_id IN ({stale}) "
                f"GROUP BY {cell}) AS g WHERE {match} RETURNING 'rollups', id, {count}", params)
            changed = cursor.fetchall()
            removed = 0
            if changed:
                for index, (_model, keys) in enumerate(_MONTHLY):
                    cursor.execute(
                        f"UPDATE {t[f'monthly{index}']} AS m SET {subtract} FROM ({_by_month(taken, keys)}) AS h "
                        f"WHERE {month_match(keys)} RETURNING 'monthly{index}', id, {bare_total}", params)
                    changed += cursor.fetchall()
                cursor.execute(f"DELETE FROM {t['receipts']} WHERE response_id IN ({stale})", params)
                removed = cursor.rowcount
        targets = [("rollups", count)] + [(f"monthly{index}", bare_total) for index in range(len(_MONTHLY))]
        for kind, remaining in targets:
            empty = [row[1] for row in changed if row[0] == kind and row[2] == 0]
            if empty:
                # Conditional: a worker that counted into the cell meanwhile keeps it.
                cursor.execute(f"DELETE FROM {t[kind]} WHERE id IN ({', '.join(['%s'] * len(empty))}) "
                               f"AND {remaining} = 0", empty)
    return removed


def _count_final(selection: _Selection, now: dt.datetime) -> int:
    """Claim the final, uncounted responses (their receipts) and add them to their cells. Returns how many."""
    t = _tables()
    cell = ", ".join(_CELL)
    unique = ", ".join(_UNIQUE)
    count = _q("count")
    source, params = _final_responses(selection, now)
    values = (f"r.id, r.brand_id, {_day_of('r.submitted_at')}, r.dealer_id, r.touchpoint_id, r.vehicle_model, "
              f"r.channel, r.score")
    upsert = f"ON CONFLICT ({unique}) DO UPDATE SET {count} = {t['rollups']}.{count} + excluded.{count}"

    def month_insert(index: int, keys: tuple[str, ...], rows: str) -> str:
        """Add ``rows``' answers to monthly table ``index`` (an upsert: cells that exist are incremented)."""
        table = t[f"monthly{index}"]
        add_bands = ", ".join(f"{band} = {table}.{band} + excluded.{band}" for band in _BANDS)
        order = ", ".join(str(position) for position in range(2, 4 + len(keys)))
        return (f"INSERT INTO {table} (brand_id, month, dealer_id, {', '.join(keys)}, {', '.join(_BANDS)}) "
                f"{_by_month(rows, keys)} ORDER BY {order} "
                f"ON CONFLICT ({', '.join(_month_unique(keys))}) DO UPDATE SET {add_bands}")

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The receipts this statement inserted are the ones it counts: a receipt another worker holds is
            # skipped by ON CONFLICT DO NOTHING. Sorted keys and cells keep concurrent statements' locks in one order.
            cursor.execute(
                f"WITH claimed AS (INSERT INTO {t['receipts']} (response_id, {cell}) SELECT {values} {source} "
                f"ORDER BY r.id ON CONFLICT (response_id) DO NOTHING RETURNING {cell}), "
                f"bumped AS (INSERT INTO {t['rollups']} ({cell}, {count}) "
                f"SELECT {cell}, COUNT(*) FROM claimed GROUP BY {cell} ORDER BY {unique} {upsert})"
                + "".join(f", monthly{index} AS ({month_insert(index, keys, 'claimed')})"
                          for index, (_model, keys) in enumerate(_MONTHLY))
                + " SELECT COUNT(*) FROM claimed", params)
            return cursor.fetchone()[0]
        # SQLite: the write lock is held for the whole transaction, so both statements see the same responses.
        # (WHERE is present in the SELECT, which SQLite needs to tell an upsert's ON from a join's.)
        cursor.execute(
            f"INSERT INTO {t['rollups']} ({cell}, {count}) "
            f"SELECT r.brand_id, {_day_of('r.submitted_at')}, r.dealer_id, r.touchpoint_id, r.vehicle_model, "
            f"r.channel, r.score, COUNT(*) {source} "
            f"GROUP BY r.brand_id, {_day_of('r.submitted_at')}, r.dealer_id, r.touchpoint_id, r.vehicle_model, "
            f"r.channel, r.score {upsert}", params)
        named = (f"r.brand_id AS brand_id, {_day_of('r.submitted_at')} AS day, r.dealer_id AS dealer_id, "
                 f"r.touchpoint_id AS touchpoint_id, r.vehicle_model AS vehicle_model, r.channel AS channel, "
                 f"r.score AS score")
        fresh = f"(SELECT {named} {source}) AS fresh"
        for index, (_model, keys) in enumerate(_MONTHLY):
            cursor.execute(month_insert(index, keys, fresh), params)
        cursor.execute(f"INSERT INTO {t['receipts']} (response_id, {cell}) SELECT {values} {source}", params)
        return cursor.rowcount


def _update(selection: _Selection, now: dt.datetime) -> RollupChange:
    with transaction.atomic():
        removed = _take_back(selection)
        added = _count_final(selection, now)
    return RollupChange(added=added, removed=removed)


def rollups_update(*, response_pks: Sequence[int] | None = None, since: dt.datetime | None = None,
                   until: dt.datetime | None = None, now: dt.datetime | None = None) -> RollupChange:
    """Bring the rollups in line with the given responses (primary keys and/or a ``submitted_at`` window).

    Idempotent: a second call with the same arguments changes nothing. Safe next to other workers doing the same.
    """
    if response_pks is not None and not response_pks:
        return RollupChange()
    selection = _Selection(response_pks=tuple(response_pks) if response_pks is not None else None, since=since,
                           until=until)
    return _update(selection, now or clock.now())


def rollups_sweep(*, now: dt.datetime | None = None) -> RollupChange:
    """The every-minute catch-up: abandoned scores that have become final, and anything a receiver missed."""
    now = now or clock.now()
    change = _update(_Selection(since=now - SWEEP_LOOKBACK), now)
    if change.total:
        logger.info("rollups: %s responses counted, %s taken back", change.added, change.removed)
    return change


@dataclass(slots=True)
class RebuildReport:
    """What a rebuild covered: the days (inclusive), how many chunks, and how many responses it counted."""

    first_day: dt.date | None = None
    last_day: dt.date | None = None
    chunks: int = 0
    counted: int = 0


def _day_range(since: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The UTC days holding responses, cells or receipts, from ``since`` on (inclusive bounds); None when empty."""
    bounds: list[dt.date] = []
    responses = Response.objects.filter(purpose=Purpose.SURVEY).aggregate(low=Min("submitted_at"),
                                                                          high=Max("submitted_at"))
    bounds += [_utc_date(value) for value in responses.values() if value is not None]
    for model in (ResponseRollup, RolledUpResponse):
        bounds += [value for value in model._base_manager.aggregate(low=Min("day"), high=Max("day")).values()
                   if value is not None]
    if not bounds:
        return None
    first, last = since or min(bounds), max(bounds)
    return (first, last) if first <= last else None


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def rollups_rebuild(*, since: dt.date | None = None, now: dt.datetime | None = None,
                    chunk_months: int = REBUILD_CHUNK_MONTHS,
                    on_progress: Callable[[int, int], None] | None = None) -> RebuildReport:
    """Recompute the rollups (all days, or from the first of ``since``'s month on) from the raw responses.

    One transaction per chunk of whole months (a monthly cell is rebuilt by one chunk, never half by two): the chunk's
    daily and monthly cells and receipts are deleted, receipts elsewhere whose response now falls in the chunk are
    taken back, and the chunk's final responses are counted with set-based ``INSERT ... SELECT ... GROUP BY``. On
    PostgreSQL each chunk first locks the receipts table against other writers (``SHARE ROW EXCLUSIVE``: reads go on,
    a receiver waits for the chunk), so no count is lost or doubled while survey answers keep arriving.
    ``on_progress(done_days, total_days)`` is called after each chunk.
    """
    if chunk_months < 1:
        raise ValueError("chunk_months must be at least 1")
    now = now or clock.now()
    report = RebuildReport()
    span = _day_range(clock.first_of_month(since) if since is not None else None)
    if span is None:
        return report
    first = clock.first_of_month(span[0])
    report.first_day, report.last_day = first, span[1]
    total = (span[1] - first).days + 1
    t = _tables()
    start = first
    while start <= span[1]:
        end = clock.add_months(start, chunk_months)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {t['receipts']} IN SHARE ROW EXCLUSIVE MODE")
            for table in (t["rollups"], t["receipts"]):
                cursor.execute(f"DELETE FROM {table} WHERE day >= %s AND day < %s", [_date(start), _date(end)])
            for index in range(len(_MONTHLY)):
                cursor.execute(f"DELETE FROM {t[f'monthly{index}']} WHERE month >= %s AND month < %s",
                               [_date(start), _date(end)])
            change = _update(_Selection(since=_midnight(start), until=_midnight(end)), now)
        report.counted += change.added
        report.chunks += 1
        if on_progress is not None:
            on_progress(min((end - first).days, total), total)
        start = end
    with connection.cursor() as cursor:
        # The tables were just rewritten: fresh statistics let the sweep's anti-joins use the keys, not a scan.
        for table in (t["rollups"], t["receipts"], *(t[f"monthly{index}"] for index in range(len(_MONTHLY)))):
            cursor.execute(f"ANALYZE {table}")
    return report

"""Build the detectors' frames (``policies.frames``) from the database, for one brand and a window of quarters.

Only what the statistics need leaves the database: integers, times and hashed fingerprints, never names or
addresses in clear (an address is reduced to "is it at the dealer's own domain?" here). Near-identical verbatims are
grouped by a normalised form (letters only, lower case) hashed per dealer, so "Super service!!" and "super service"
fall in one group; the detectors then ask whether a dealer has more such groups than the network.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import connection

from insidetrack.journeys.models import Touchpoint
from insidetrack.network.models import Dealer
from insidetrack.surveys.models import Invitation, OperationalEvent, Purpose, Response

from .policies.frames import Events, History, Invitations, Network, Responses

_EPOCH = np.datetime64("1970-01-01T00:00:00", "s")
# What a template ignores: spacing and punctuation at either end ("Super service!!" = "Super service."); the case
# counts (a pasted template keeps it, and lower-casing ten million texts is the costliest step of the read).
# Only the ends, because PostgreSQL trims them with btrim() at almost no cost, where removing every inner character
# (translate, a regular expression) costs several seconds per million verbatims; both loaders must agree.
TEMPLATE_TRIM = " \t\n\r.,;:!?'\"()-*"
# Texts shorter than this (once normalised) say too little to be a template: "ok", "top", "super".
MIN_TEMPLATE_LETTERS = 12


@dataclass(frozen=True, slots=True)
class Loaded:
    """The frames, and the database ids behind their dense indices (to write results back)."""

    history: History
    dealer_ids: list[int]
    touchpoint_ids: list[int]


def _dense(values: list) -> tuple[np.ndarray, int]:
    """Dense integer ids for hashable values, -1 for empty ones."""
    index: dict = {}
    out = np.empty(len(values), dtype=np.int64)
    for i, value in enumerate(values):
        out[i] = -1 if value in ("", None) else index.setdefault(value, len(index))
    return out, len(index)


def _seconds(moments: list[datetime | None]) -> np.ndarray:
    """Seconds since the epoch, NaN where unknown."""
    return np.array([m.timestamp() if m is not None else np.nan for m in moments], dtype=np.float64)


def _days(seconds: np.ndarray) -> np.ndarray:
    return np.floor(seconds / 86400).astype(np.int64)


def template_key(dealer_id: int, text: str) -> str:
    """The group of near-identical texts a verbatim belongs to at its dealer; "" if too short to tell."""
    letters = text.strip(TEMPLATE_TRIM)
    if len(letters.encode("utf-8")) < MIN_TEMPLATE_LETTERS:  # bytes, as the database counts them cheaply
        return ""
    return hashlib.blake2b(f"{dealer_id}:{letters}".encode(), digest_size=8).hexdigest()


def load_history(*, brand_id: int, since: datetime, until: datetime) -> Loaded:
    """Every journey-survey response, invitation and surveyable event of the brand in ``[since, until)``."""
    dealers = list(Dealer.objects.filter(brand_id=brand_id).order_by("pk")
                   .values_list("pk", "code", "country", "region_id", "email_domain"))
    dealer_index = {pk: i for i, (pk, *_rest) in enumerate(dealers)}
    markets = sorted({country for _pk, _code, country, _region, _domain in dealers})
    regions = sorted({region for _pk, _code, _country, region, _domain in dealers})
    touchpoints = list(Touchpoint.objects.filter(journey__brand_id=brand_id).order_by("pk")
                       .values_list("pk", "code", "department"))
    touchpoint_index = {pk: i for i, (pk, _code, _department) in enumerate(touchpoints)}
    network = Network(
        dealer_names=[code for _pk, code, *_rest in dealers],
        dealer_market=np.array([markets.index(country) for _pk, _code, country, *_rest in dealers], dtype=np.int64),
        dealer_region=np.array([regions.index(region) for _pk, _code, _country, region, _d in dealers],
                               dtype=np.int64),
        market_names=markets,
        region_names=[str(region) for region in regions],
        touchpoint_names=[code for _pk, code, _department in touchpoints],
        dealer_domains=[frozenset({domain.lower().lstrip("@")} if domain else set())
                        for *_rest, domain in dealers],
        touchpoint_department=[department for _pk, _code, department in touchpoints],
    )
    return Loaded(history=History(network=network,
                                  responses=_responses(brand_id, since, until, dealer_index, touchpoint_index,
                                                       network.dealer_domains),
                                  invitations=_invitations(brand_id, since, until, dealer_index, touchpoint_index),
                                  events=_events(brand_id, since, until, dealer_index, touchpoint_index)),
                  dealer_ids=[pk for pk, *_rest in dealers], touchpoint_ids=[pk for pk, *_rest in touchpoints])


# PostgreSQL: the response frame leaves the database as binary COPY of fixed-width columns (no NULLs), parsed by numpy
# in one call per column: ten million rows in seconds, where building Python tuples would take minutes. Text columns
# are reduced to 64-bit hashes inside the database (fingerprints, the invitation's contact, the verbatim's letters).
# What numpy does as well, it does: times leave as PostgreSQL's raw timestamps (microseconds since 2000-01-01) and the
# day and the seconds to answer are integer arithmetic here, where extract(epoch) computes in numeric, row by row.
# The hashes are computed in the scan of the responses (the subquery's OFFSET 0 keeps it a scan of its own), so only
# integers pass through the joins: carrying the fingerprints and the verbatim up four joins cost more than the joins.
_PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 in microseconds since 1970-01-01: the zero of a binary timestamptz
_US_PER_DAY = 86_400_000_000
_NO_TIME = "'-infinity'::timestamptz"  # an unknown time (binary: the smallest int64), so the column stays fixed-width
_COPY_COLUMNS = (
    ("response_id", "i8", "r.id::int8"),
    ("dealer", "i8", "r.dealer_id::int8"),
    ("touchpoint", "i8", "r.touchpoint_id::int8"),
    ("customer", "i8", "coalesce(r.customer_id, -1)::int8"),
    ("submitted", "i8", "r.submitted_at"),
    ("invited", "i8", f"coalesce(r.invited_at, {_NO_TIME})"),
    ("score", "i2", "r.score::int2"),
    ("device", "i8", "r.device"),
    ("network", "i8", "r.network"),
    ("contact", "i8",
     "(CASE WHEN coalesce(i.contact_hash, '') = '' THEN 0 ELSE hashtextextended(i.contact_hash, 0) END)"),
    ("dealer_domain", "u1",
     "coalesce(d.email_domain <> '' AND c.email <> '' AND lower(split_part(c.email, '@', 2)) = "
     "ltrim(lower(d.email_domain), '@') AND NOT coalesce(c.contact_updated_at > r.invited_at, false), false)"),
    ("changed", "f8", "coalesce(extract(epoch FROM r.invited_at - c.contact_updated_at) / 86400, 'NaN')::float8"),
    ("has_verbatim", "u1", "r.has_verbatim"),
    ("incentive", "u1", "coalesce(a.is_incentive, false)"),
    ("negative", "u1", "coalesce(a.sentiment = 'negative', false)"),
    ("template", "i8", "r.template"),
)
# The responses of the brand and window, with their text already hashed; {part} narrows them to a range of the table's
# pages when the read is split between connections.
_RESPONSE_SCAN = (
    "SELECT r.id, r.dealer_id, r.touchpoint_id, r.customer_id, r.invitation_id, r.submitted_at, r.invited_at, r.score,"
    " (CASE WHEN r.device_fingerprint = '' THEN 0 ELSE hashtextextended(r.device_fingerprint, 0) END) AS device,"
    " (CASE WHEN r.network_fingerprint = '' THEN 0 ELSE hashtextextended(r.network_fingerprint, 0) END) AS network,"
    " (r.verbatim <> '' AND l.letters <> '') AS has_verbatim,"
    f" (CASE WHEN r.verbatim = '' THEN 0 WHEN octet_length(l.letters) >= {MIN_TEMPLATE_LETTERS}"
    " THEN hashtextextended(r.dealer_id::text || ':' || l.letters, 0) ELSE 0 END) AS template"
    " FROM surveys_response r CROSS JOIN LATERAL (SELECT btrim(r.verbatim, %s) AS letters) l"
    " WHERE r.brand_id = %s AND r.purpose = 'survey' AND r.submitted_at >= %s AND r.submitted_at < %s{part} OFFSET 0"
)
_RESPONSE_JOINS = (
    " JOIN network_dealer d ON d.id = r.dealer_id LEFT JOIN surveys_invitation i ON i.id = r.invitation_id"
    " LEFT JOIN customers_customer c ON c.id = r.customer_id"
    " LEFT JOIN verbatims_verbatimanalysis a ON a.response_id = r.id"
)
#: Connections the response read is split between, each COPYing its share of the table's pages: PostgreSQL runs a COPY
#: in one process (it plans no parallel workers for it), and that process, not the network or numpy, is the read's
#: bottleneck. Two, for the two cores the reference machine has; more help only with more cores on the server.
COPY_PARTS = 2
#: Below this many pages (8 kB each) of surveys_response, one COPY on Django's own connection: opening connections
#: would cost more than it saves.
SPLIT_FROM_PAGES = 20_000


def _copy_dtype(columns: tuple[tuple[str, str, str], ...]) -> np.dtype:
    """One row of PostgreSQL's binary COPY when every column is fixed-width and never NULL."""
    fields: list[tuple[str, str]] = [("_count", ">i2")]
    for name, kind, _sql in columns:
        fields += [(f"_{name}_length", ">i4"), (name, ">" + kind if kind != "u1" else "u1")]
    return np.dtype(fields)


def _copy_statement(columns: tuple[tuple[str, str, str], ...], source: str) -> str:
    select = ", ".join(sql for _name, _kind, sql in columns)
    return f"COPY (SELECT {select} {source}) TO STDOUT (FORMAT BINARY)"


def _copy_into(cursor, statement: str, params: list[object]) -> bytearray:
    """The whole COPY output in one growing buffer: one append per row (libpq hands rows over one by one), no list of
    ten million ``bytes`` to join afterwards."""
    data = bytearray()
    with cursor.copy(statement, params) as copy:
        for chunk in copy:
            data += chunk
    return data


def _parse_copy(data: bytearray, dtype: np.dtype) -> np.ndarray:
    """The rows of a binary COPY as a structured array over ``data`` (no copy)."""
    if len(data) < 21:  # no rows: signature, flags and extension length, then the trailer
        return np.zeros(0, dtype=dtype)
    header = 19 + int.from_bytes(data[15:19], "big")
    return np.frombuffer(data, dtype=dtype, offset=header, count=(len(data) - header - 2) // dtype.itemsize)


def _copy(columns: tuple[tuple[str, str, str], ...], source: str, params: list[object]) -> np.ndarray:
    """``COPY (SELECT columns source) TO STDOUT (FORMAT BINARY)`` on Django's connection, as a structured array."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        data = _copy_into(cursor, _copy_statement(columns, source), params)
    return _parse_copy(data, _copy_dtype(columns))


def _copy_split(columns: tuple[tuple[str, str, str], ...], source: str, params: list[object], table: str,
                parts: int) -> list[np.ndarray]:
    """The same COPY split by ranges of ``table``'s pages over ``parts`` connections of their own, read in threads.

    ``source`` holds ``{part}`` where the range condition on the table's ``r.ctid`` goes (a TID range scan reads only
    those pages). The connections share one snapshot (exported by the first, as pg_dump does), so together they read
    exactly what one statement would, whatever is written meanwhile; the last range is open-ended, as the table may
    have grown since its size was read. Threads suffice: psycopg releases the GIL while it waits for rows.
    """
    import psycopg  # the PostgreSQL driver: imported here so that SQLite installations never need it

    settings = connection.get_connection_params()
    opened = [psycopg.connect(**settings) for _ in range(parts)]
    try:
        first = opened[0]
        first.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot, pages = first.execute(
            "SELECT pg_export_snapshot(), pg_relation_size(%s) / current_setting('block_size')::int8",
            [table]).fetchone()
        for other in opened[1:]:
            other.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            other.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
        bounds = [pages * i // parts for i in range(parts + 1)]
        dtype = _copy_dtype(columns)

        def read(i: int) -> np.ndarray:
            part = f" AND r.ctid >= '({bounds[i]},0)'::tid"
            if i < parts - 1:
                part += f" AND r.ctid < '({bounds[i + 1]},0)'::tid"
            with opened[i].cursor() as cursor:
                return _parse_copy(_copy_into(cursor, _copy_statement(columns, source.format(part=part)), params),
                                   dtype)

        with ThreadPoolExecutor(max_workers=parts) as pool:
            return list(pool.map(read, range(parts)))
    finally:
        for conn in opened:
            conn.close()  # read-only transactions: closing rolls them back


def _table_pages(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int8", [table])
        return int(cursor.fetchone()[0])


def _dense_hashes(values: np.ndarray) -> np.ndarray:
    """Dense ids for 64-bit hashes, -1 for 0 (the database's "empty"), numbered in the order of the hashes.

    The ids ``np.unique(..., return_inverse=True)`` gives, by one stable argsort (faster than ``np.unique``'s own
    path at ten million rows); numpy's sort releases the GIL, so several columns can be numbered in threads.
    """
    out = np.full(len(values), -1, dtype=np.int64)
    present = np.flatnonzero(values != 0)
    if len(present):
        kept = values[present]
        order = np.argsort(kept, kind="stable")
        ordered = kept[order]
        new = np.empty(len(ordered), dtype=bool)
        new[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
        out[present[order]] = np.cumsum(new) - 1
    return out


def _template_groups(templates: np.ndarray) -> np.ndarray:
    """Dense ids of the template hashes that occur at least twice (numbered in hash order), -1 for the rest.

    Only the rows with a template hash are sorted (most answers have no text, or too little of it).
    """
    out = np.full(len(templates), -1, dtype=np.int64)
    present = np.flatnonzero(templates != 0)
    if len(present):
        kept = templates[present]
        order = np.argsort(kept, kind="stable")
        ordered = kept[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        counts = np.diff(np.append(starts, len(ordered)))
        repeated = counts >= 2
        group_of_key = np.full(len(starts), -1, dtype=np.int64)
        group_of_key[repeated] = np.arange(int(repeated.sum()))
        out[present[order]] = np.repeat(group_of_key, counts)
    return out


def _positions(sorted_ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.searchsorted(sorted_ids, values)``, through a table of every answer when the values are small numbers
    (primary keys of dealers and touchpoints are): a look-up per row instead of a binary search."""
    if len(values) == 0 or len(sorted_ids) == 0 or values.min() < 0 or values.max() > 4 * len(values) + 65_536:
        return np.searchsorted(sorted_ids, values)
    return np.searchsorted(sorted_ids, np.arange(int(values.max()) + 1))[values]


def _column(parts: list[np.ndarray], name: str, dtype: type) -> np.ndarray:
    """One column of the COPY's parts, in native byte order, as one array."""
    if len(parts) == 1:
        return parts[0][name].astype(dtype)
    return np.concatenate([part[name] for part in parts], dtype=dtype, casting="unsafe")


def _responses_postgres(brand_id: int, since: datetime, until: datetime, dealer_ids: np.ndarray,
                        touchpoint_ids: np.ndarray) -> Responses:
    """The response frame by binary COPY; split over connections when the table is big and nothing is uncommitted.

    Inside a transaction the caller may have written rows other connections cannot see, so it reads on its own
    connection then. Rows arrive in page order, not id order (an ORDER BY sorts gigabytes on disk); the frame is in
    id order, as the portable reads give it, so it is sorted here when it is not already.
    """
    source = f"FROM ({_RESPONSE_SCAN}) r{_RESPONSE_JOINS}"
    params: list[object] = [TEMPLATE_TRIM, brand_id, since, until]
    table = Response._meta.db_table
    if (COPY_PARTS > 1 and not connection.in_atomic_block and not connection.needs_rollback
            and _table_pages(table) >= SPLIT_FROM_PAGES):
        parts = _copy_split(_COPY_COLUMNS, source, params, table, COPY_PARTS)
    else:
        parts = [_copy(_COPY_COLUMNS, source.format(part=""), params)]
    response_id = _column(parts, "response_id", np.int64)
    order = None
    if len(response_id) > 1 and not (response_id[1:] > response_id[:-1]).all():
        order = np.argsort(response_id, kind="stable")
        response_id = response_id[order]

    def column(name_and_type: tuple[str, type]) -> np.ndarray:
        values = _column(parts, *name_and_type)
        return values if order is None else values[order]

    wanted = {"submitted": np.int64, "invited": np.int64, "changed": np.float64, "customer": np.int64,
              "device": np.int64, "network": np.int64, "contact": np.int64, "template": np.int64,
              "dealer": np.int64, "touchpoint": np.int64, "score": np.int8, "dealer_domain": bool,
              "has_verbatim": bool, "incentive": bool, "negative": bool}
    # Columns out of the COPY's rows and dense ids in threads: numpy's casts and sorts release the GIL.
    with ThreadPoolExecutor(max_workers=COPY_PARTS) as pool:
        columns = dict(zip(wanted, pool.map(column, wanted.items()), strict=True))
        parts.clear()  # the COPY's buffers (more than a gigabyte at ten million rows): the columns are copies
        columns["customer"] += 1  # -1 (none) becomes the empty 0
        template = pool.submit(_template_groups, columns.pop("template"))
        hashed = ("customer", "device", "network", "contact")
        dense = dict(zip(hashed, pool.map(_dense_hashes, [columns.pop(name) for name in hashed]), strict=True))
        template_group = template.result()
    submitted, invited = columns["submitted"], columns["invited"]
    known = invited != np.iinfo(np.int64).min
    seconds = np.full(len(submitted), np.nan)
    seconds[known] = (submitted[known] - invited[known]) / 1e6  # exact microseconds, one rounding: as numeric gave
    before_invite = columns["changed"]
    before_invite[~(before_invite >= 0)] = np.nan
    return Responses(
        response_id=response_id,
        dealer=_positions(dealer_ids, columns["dealer"]),
        touchpoint=_positions(touchpoint_ids, columns["touchpoint"]),
        customer=dense["customer"],
        day=(submitted + _PG_EPOCH_US) // _US_PER_DAY,
        score=columns["score"],
        seconds_to_answer=seconds,
        device=dense["device"],
        network=dense["network"],
        contact=dense["contact"],
        contact_is_dealer_domain=columns["dealer_domain"],
        days_contact_changed_before_invite=before_invite,
        has_verbatim=columns["has_verbatim"],
        incentive_language=columns["incentive"],
        negative_text=columns["negative"],
        template_group=template_group,
    )


def _responses(brand_id: int, since: datetime, until: datetime, dealer_index: dict[int, int],
               touchpoint_index: dict[int, int], domains: list[frozenset[str]]) -> Responses:
    if connection.vendor == "postgresql":
        return _responses_postgres(brand_id, since, until, np.array(sorted(dealer_index), dtype=np.int64),
                                   np.array(sorted(touchpoint_index), dtype=np.int64))
    return _responses_portable(brand_id, since, until, dealer_index, touchpoint_index, domains)


def _responses_portable(brand_id: int, since: datetime, until: datetime, dealer_index: dict[int, int],
                        touchpoint_index: dict[int, int], domains: list[frozenset[str]]) -> Responses:
    rows = list(Response.objects.filter(brand_id=brand_id, purpose=Purpose.SURVEY, submitted_at__gte=since,
                                        submitted_at__lt=until)
                .order_by("pk")
                .values_list("pk", "dealer_id", "touchpoint_id", "customer_id", "submitted_at", "score",
                             "invited_at", "device_fingerprint", "network_fingerprint", "invitation__contact_hash",
                             "customer__email", "customer__contact_updated_at", "verbatim",
                             "analysis__is_incentive", "analysis__sentiment"))
    columns = list(zip(*rows, strict=True)) if rows else [()] * 15
    (pks, dealer_ids, touchpoint_ids, customer_ids, submitted, scores, invited, devices, networks, contacts,
     emails, contact_changed, verbatims, incentive, sentiment) = columns
    dealer = np.array([dealer_index[d] for d in dealer_ids], dtype=np.int64)
    submitted_s = _seconds(list(submitted))
    invited_s = _seconds(list(invited))
    changed_s = _seconds(list(contact_changed))
    before_invite = (invited_s - changed_s) / 86400
    before_invite[~(before_invite >= 0)] = np.nan  # changed after the invitation, never, or unknown
    # Only the customer's current address is kept in clear; it is the one the invitation went to unless it was
    # changed after the invitation (then what it was is unknown, and nothing is claimed).
    current_then = ~(changed_s > invited_s)
    at_dealer_domain = np.array([bool(email) and bool(then) and email.rsplit("@", 1)[-1].lower()
                                 in domains[dealer_index[d]]
                                 for email, d, then in zip(emails, dealer_ids, current_then, strict=True)], dtype=bool)
    keys = [template_key(d, text) if text else "" for d, text in zip(dealer_ids, verbatims, strict=True)]
    repeated = {key for key, count in Counter(keys).items() if key and count >= 2}  # one text alone is no template
    groups, _ = _dense([key if key in repeated else "" for key in keys])
    return Responses(
        response_id=np.array(pks, dtype=np.int64),
        dealer=dealer,
        touchpoint=np.array([touchpoint_index[t] for t in touchpoint_ids], dtype=np.int64),
        customer=_dense(list(customer_ids))[0],
        day=_days(submitted_s),
        score=np.array(scores, dtype=np.int8),
        seconds_to_answer=submitted_s - invited_s,
        device=_dense(list(devices))[0],
        network=_dense(list(networks))[0],
        contact=_dense(list(contacts))[0],
        contact_is_dealer_domain=at_dealer_domain,
        days_contact_changed_before_invite=before_invite,
        has_verbatim=np.array([bool(text and text.strip(TEMPLATE_TRIM)) for text in verbatims], dtype=bool),
        incentive_language=np.array([bool(flag) for flag in incentive], dtype=bool),
        negative_text=np.array([value == "negative" for value in sentiment], dtype=bool),
        template_group=groups,
    )


def _invitations(brand_id: int, since: datetime, until: datetime, dealer_index: dict[int, int],
                 touchpoint_index: dict[int, int]) -> Invitations:
    if connection.vendor == "postgresql":
        rows = _copy((("dealer", "i8", "i.dealer_id::int8"), ("touchpoint", "i8", "i.touchpoint_id::int8"),
                      ("day", "i4", "floor(extract(epoch FROM i.sent_at) / 86400)::int4"),
                      ("answered", "u1", "(i.status = 'answered')"),
                      ("undeliverable", "u1", "(i.delivery_status IN ('bounced', 'invalid'))")),
                     "FROM surveys_invitation i WHERE i.brand_id = %s AND i.purpose = 'survey' "
                     "AND i.sent_at >= %s AND i.sent_at < %s", [brand_id, since, until])
        return Invitations(dealer=np.searchsorted(np.array(sorted(dealer_index)), rows["dealer"].astype(np.int64)),
                           touchpoint=np.searchsorted(np.array(sorted(touchpoint_index)),
                                                      rows["touchpoint"].astype(np.int64)),
                           day=rows["day"].astype(np.int64), answered=rows["answered"].astype(bool),
                           undeliverable=rows["undeliverable"].astype(bool))
    return _invitations_portable(brand_id, since, until, dealer_index, touchpoint_index)


def _invitations_portable(brand_id: int, since: datetime, until: datetime, dealer_index: dict[int, int],
                          touchpoint_index: dict[int, int]) -> Invitations:
    rows = list(Invitation.objects.filter(brand_id=brand_id, purpose=Purpose.SURVEY, sent_at__gte=since,
                                          sent_at__lt=until)
                .order_by("pk").values_list("dealer_id", "touchpoint_id", "sent_at", "status", "delivery_status"))
    dealer_ids, touchpoint_ids, sent, statuses, deliveries = (list(zip(*rows, strict=True)) if rows else [()] * 5)
    return Invitations(
        dealer=np.array([dealer_index[d] for d in dealer_ids], dtype=np.int64),
        touchpoint=np.array([touchpoint_index[t] for t in touchpoint_ids], dtype=np.int64),
        day=_days(_seconds(list(sent))),
        answered=np.array([status == "answered" for status in statuses], dtype=bool),
        undeliverable=np.array([delivery in ("bounced", "invalid") for delivery in deliveries], dtype=bool),
    )


#: Events the contact policy itself kept from the survey (no rule, the customer surveyed recently, no consent, a
#: fleet or staff deal) are not the dealer's to invite, nor are invitations still waiting for their time, nor
#: events skipped because the address bounced before (the "undeliverable" signal weighs those): "not invited"
#: compares what is left, an event with no invitation or one the dealer's data prevented (no contact, reported too
#: late). A dealer whose clientele has more fleet cars or more repeat visits than the market is not suppressing
#: anyone (an honest demo dealer with 13% fleet deals against 10% was alerted for it).
POLICY_SKIPS = ("no_rule", "contacted_recently", "no_consent", "fleet_or_staff", "bounced")
_POLICY_SKIPS_SQL = ", ".join(f"'{reason}'" for reason in POLICY_SKIPS)  # constants, for the COPY statement


def _events(brand_id: int, since: datetime, until: datetime, dealer_index: dict[int, int],
            touchpoint_index: dict[int, int]) -> Events:
    if connection.vendor == "postgresql":
        rows = _copy((("dealer", "i8", "e.dealer_id::int8"), ("touchpoint", "i8", "e.touchpoint_id::int8"),
                      ("day", "i4", "floor(extract(epoch FROM e.occurred_at) / 86400)::int4"),
                      ("invited", "u1", "(i.sent_at IS NOT NULL)")),
                     "FROM surveys_operationalevent e JOIN journeys_touchpoint t ON t.id = e.touchpoint_id "
                     "LEFT JOIN surveys_invitation i ON i.event_id = e.id WHERE e.brand_id = %s AND t.is_surveyed "
                     "AND e.occurred_at >= %s AND e.occurred_at < %s "
                     f"AND NOT coalesce(i.status = 'pending' OR (i.status = 'skipped' AND i.skip_reason IN "
                     f"({_POLICY_SKIPS_SQL})), false)",
                     [brand_id, since, until])
        return Events(dealer=np.searchsorted(np.array(sorted(dealer_index)), rows["dealer"].astype(np.int64)),
                      touchpoint=np.searchsorted(np.array(sorted(touchpoint_index)),
                                                 rows["touchpoint"].astype(np.int64)),
                      day=rows["day"].astype(np.int64), invited=rows["invited"].astype(bool))
    return _events_portable(brand_id, since, until, dealer_index, touchpoint_index)


def _events_portable(brand_id: int, since: datetime, until: datetime, dealer_index: dict[int, int],
                     touchpoint_index: dict[int, int]) -> Events:
    rows = list(OperationalEvent.objects.filter(brand_id=brand_id, occurred_at__gte=since, occurred_at__lt=until,
                                                touchpoint__is_surveyed=True)
                .exclude(invitation__status="skipped", invitation__skip_reason__in=POLICY_SKIPS)
                .exclude(invitation__status="pending")
                .order_by("pk").values_list("dealer_id", "touchpoint_id", "occurred_at", "invitation__sent_at"))
    dealer_ids, touchpoint_ids, occurred, invited = (list(zip(*rows, strict=True)) if rows else [()] * 4)
    return Events(
        dealer=np.array([dealer_index[d] for d in dealer_ids], dtype=np.int64),
        touchpoint=np.array([touchpoint_index[t] for t in touchpoint_ids], dtype=np.int64),
        day=_days(_seconds(list(occurred))),
        invited=np.array([sent is not None for sent in invited], dtype=bool),
    )

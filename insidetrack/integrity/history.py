"""Build the detectors' frames (``policies.frames``) from the database, for one brand and a window of quarters.

Only what the statistics need leaves the database: integers, times and hashed fingerprints, never names or
addresses in clear (an address is reduced to "is it at the dealer's own domain?" here). Near-identical verbatims are
grouped by a normalised form (letters only, lower case) hashed per dealer, so "Super service!!" and "super service"
fall in one group; the detectors then ask whether a dealer has more such groups than the network.
"""

from __future__ import annotations

import hashlib
from collections import Counter
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
    touchpoints = list(Touchpoint.objects.filter(journey__brand_id=brand_id).order_by("pk").values_list("pk", "code"))
    touchpoint_index = {pk: i for i, (pk, _code) in enumerate(touchpoints)}
    network = Network(
        dealer_names=[code for _pk, code, *_rest in dealers],
        dealer_market=np.array([markets.index(country) for _pk, _code, country, *_rest in dealers], dtype=np.int64),
        dealer_region=np.array([regions.index(region) for _pk, _code, _country, region, _d in dealers],
                               dtype=np.int64),
        market_names=markets,
        region_names=[str(region) for region in regions],
        touchpoint_names=[code for _pk, code in touchpoints],
        dealer_domains=[frozenset({domain.lower().lstrip("@")} if domain else set())
                        for *_rest, domain in dealers],
    )
    return Loaded(history=History(network=network,
                                  responses=_responses(brand_id, since, until, dealer_index, touchpoint_index,
                                                       network.dealer_domains),
                                  invitations=_invitations(brand_id, since, until, dealer_index, touchpoint_index),
                                  events=_events(brand_id, since, until, dealer_index, touchpoint_index)),
                  dealer_ids=[pk for pk, *_rest in dealers], touchpoint_ids=[pk for pk, _code in touchpoints])


# PostgreSQL: the response frame leaves the database as one binary COPY of fixed-width columns (no NULLs), parsed by
# numpy in one call: ten million rows in seconds, where building Python tuples would take minutes. Text columns are
# reduced to 64-bit hashes inside the database (fingerprints, the invitation's contact, the verbatim's letters).
_COPY_COLUMNS = (
    ("response_id", "i8", "r.id::int8"),
    ("dealer", "i8", "r.dealer_id::int8"),
    ("touchpoint", "i8", "r.touchpoint_id::int8"),
    ("customer", "i8", "coalesce(r.customer_id, -1)::int8"),
    ("day", "i4", "floor(extract(epoch FROM r.submitted_at) / 86400)::int4"),
    ("score", "i2", "r.score::int2"),
    ("seconds", "f8", "coalesce(extract(epoch FROM r.submitted_at - r.invited_at), 'NaN')::float8"),
    ("device", "i8", "(CASE WHEN r.device_fingerprint = '' THEN 0 ELSE hashtextextended(r.device_fingerprint, 0) END)"),
    ("network", "i8",
     "(CASE WHEN r.network_fingerprint = '' THEN 0 ELSE hashtextextended(r.network_fingerprint, 0) END)"),
    ("contact", "i8",
     "(CASE WHEN coalesce(i.contact_hash, '') = '' THEN 0 ELSE hashtextextended(i.contact_hash, 0) END)"),
    ("dealer_domain", "u1",
     "coalesce(d.email_domain <> '' AND c.email <> '' AND lower(split_part(c.email, '@', 2)) = "
     "ltrim(lower(d.email_domain), '@') AND NOT coalesce(c.contact_updated_at > r.invited_at, false), false)"),
    ("changed", "f8", "coalesce(extract(epoch FROM r.invited_at - c.contact_updated_at) / 86400, 'NaN')::float8"),
    ("has_verbatim", "u1", "(l.letters <> '')"),
    ("incentive", "u1", "coalesce(a.is_incentive, false)"),
    ("negative", "u1", "coalesce(a.sentiment = 'negative', false)"),
    ("template", "i8", f"(CASE WHEN r.verbatim = '' THEN 0 WHEN octet_length(l.letters) >= {MIN_TEMPLATE_LETTERS} "
                       "THEN hashtextextended(r.dealer_id::text || ':' || l.letters, 0) ELSE 0 END)"),
)


def _copy_dtype(columns: tuple[tuple[str, str, str], ...]) -> np.dtype:
    """One row of PostgreSQL's binary COPY when every column is fixed-width and never NULL."""
    fields: list[tuple[str, str]] = [("_count", ">i2")]
    for name, kind, _sql in columns:
        fields += [(f"_{name}_length", ">i4"), (name, ">" + kind if kind != "u1" else "u1")]
    return np.dtype(fields)


def _copy(columns: tuple[tuple[str, str, str], ...], source: str, params: list[object]) -> np.ndarray:
    """``COPY (SELECT columns source) TO STDOUT (FORMAT BINARY)`` as a numpy structured array."""
    select = ", ".join(sql for _name, _kind, sql in columns)
    statement = f"COPY (SELECT {select} {source}) TO STDOUT (FORMAT BINARY)"
    connection.ensure_connection()
    chunks: list[bytes] = []
    with connection.connection.cursor() as cursor, cursor.copy(statement, params) as copy:
        for chunk in copy:
            chunks.append(bytes(chunk))
    data = b"".join(chunks)
    dtype = _copy_dtype(columns)
    if len(data) < 21:  # no rows: signature, flags and extension length, then the trailer
        return np.zeros(0, dtype=dtype)
    header = 19 + int.from_bytes(data[15:19], "big")
    return np.frombuffer(data, dtype=dtype, offset=header, count=(len(data) - header - 2) // dtype.itemsize)


def _dense_hashes(values: np.ndarray) -> np.ndarray:
    """Dense ids for 64-bit hashes, -1 for 0 (the database's "empty")."""
    out = np.full(len(values), -1, dtype=np.int64)
    present = values != 0
    if present.any():
        out[present] = np.unique(values[present], return_inverse=True)[1]
    return out


def _responses_postgres(brand_id: int, since: datetime, until: datetime, dealer_ids: np.ndarray,
                        touchpoint_ids: np.ndarray) -> Responses:
    rows = _copy(_COPY_COLUMNS, "FROM surveys_response r JOIN network_dealer d ON d.id = r.dealer_id "
                 "LEFT JOIN surveys_invitation i ON i.id = r.invitation_id "
                 "LEFT JOIN customers_customer c ON c.id = r.customer_id "
                 "LEFT JOIN verbatims_verbatimanalysis a ON a.response_id = r.id "
                 "CROSS JOIN LATERAL (SELECT btrim(r.verbatim, %s) AS letters) l "
                 "WHERE r.brand_id = %s AND r.purpose = 'survey' AND r.submitted_at >= %s AND r.submitted_at < %s "
                 "ORDER BY r.id", [TEMPLATE_TRIM, brand_id, since, until])
    before_invite = rows["changed"].astype(np.float64)
    before_invite[~(before_invite >= 0)] = np.nan
    templates = rows["template"].astype(np.int64)
    keys, inverse, counts = np.unique(templates, return_inverse=True, return_counts=True)
    repeated = (counts >= 2) & (keys != 0)
    group_of_key = np.full(len(keys), -1, dtype=np.int64)
    group_of_key[repeated] = np.arange(int(repeated.sum()))
    return Responses(
        response_id=rows["response_id"].astype(np.int64),
        dealer=np.searchsorted(dealer_ids, rows["dealer"].astype(np.int64)),
        touchpoint=np.searchsorted(touchpoint_ids, rows["touchpoint"].astype(np.int64)),
        customer=_dense_hashes(rows["customer"].astype(np.int64) + 1),
        day=rows["day"].astype(np.int64),
        score=rows["score"].astype(np.int8),
        seconds_to_answer=rows["seconds"].astype(np.float64),
        device=_dense_hashes(rows["device"].astype(np.int64)),
        network=_dense_hashes(rows["network"].astype(np.int64)),
        contact=_dense_hashes(rows["contact"].astype(np.int64)),
        contact_is_dealer_domain=rows["dealer_domain"].astype(bool),
        days_contact_changed_before_invite=before_invite,
        has_verbatim=rows["has_verbatim"].astype(bool),
        incentive_language=rows["incentive"].astype(bool),
        negative_text=rows["negative"].astype(bool),
        template_group=group_of_key[inverse] if len(templates) else np.zeros(0, dtype=np.int64),
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


def _events(brand_id: int, since: datetime, until: datetime, dealer_index: dict[int, int],
            touchpoint_index: dict[int, int]) -> Events:
    if connection.vendor == "postgresql":
        rows = _copy((("dealer", "i8", "e.dealer_id::int8"), ("touchpoint", "i8", "e.touchpoint_id::int8"),
                      ("day", "i4", "floor(extract(epoch FROM e.occurred_at) / 86400)::int4"),
                      ("invited", "u1", "(i.sent_at IS NOT NULL)")),
                     "FROM surveys_operationalevent e JOIN journeys_touchpoint t ON t.id = e.touchpoint_id "
                     "LEFT JOIN surveys_invitation i ON i.event_id = e.id WHERE e.brand_id = %s AND t.is_surveyed "
                     "AND e.occurred_at >= %s AND e.occurred_at < %s", [brand_id, since, until])
        return Events(dealer=np.searchsorted(np.array(sorted(dealer_index)), rows["dealer"].astype(np.int64)),
                      touchpoint=np.searchsorted(np.array(sorted(touchpoint_index)),
                                                 rows["touchpoint"].astype(np.int64)),
                      day=rows["day"].astype(np.int64), invited=rows["invited"].astype(bool))
    return _events_portable(brand_id, since, until, dealer_index, touchpoint_index)


def _events_portable(brand_id: int, since: datetime, until: datetime, dealer_index: dict[int, int],
                     touchpoint_index: dict[int, int]) -> Events:
    rows = list(OperationalEvent.objects.filter(brand_id=brand_id, occurred_at__gte=since, occurred_at__lt=until,
                                                touchpoint__is_surveyed=True)
                .order_by("pk").values_list("dealer_id", "touchpoint_id", "occurred_at", "invitation__sent_at"))
    dealer_ids, touchpoint_ids, occurred, invited = (list(zip(*rows, strict=True)) if rows else [()] * 4)
    return Events(
        dealer=np.array([dealer_index[d] for d in dealer_ids], dtype=np.int64),
        touchpoint=np.array([touchpoint_index[t] for t in touchpoint_ids], dtype=np.int64),
        day=_days(_seconds(list(occurred))),
        invited=np.array([sent is not None for sent in invited], dtype=bool),
    )

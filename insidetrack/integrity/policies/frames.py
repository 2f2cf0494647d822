"""The contract between where the data comes from and the gaming detectors: plain columnar arrays, no ORM.

The detectors are pure statistics over these frames, so the same code scores a simulated network in memory (the
evaluation runs 50 networks of 300 dealers), a history imported from CSV, and the live database (the scan builds the
frames with a few aggregate-friendly queries). Every array of a frame has one entry per row; integer ids are dense
indices (0..n-1) into the frame's own ``*_names`` lists, -1 meaning unknown.

Periods are calendar quarters (bonuses and the quarter-end push follow them); ``day`` is days since 1970-01-01 (UTC),
so the detectors can look at the time pattern inside a quarter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, slots=True)
class Network:
    """Who is who: dealers with their market (country) and region, touchpoints, and dealer e-mail domains."""

    dealer_names: list[str]                 # e.g. the dealer codes
    dealer_market: np.ndarray               # int, index into market_names
    dealer_region: np.ndarray               # int, index into region_names
    market_names: list[str]
    region_names: list[str]
    touchpoint_names: list[str]             # touchpoint codes
    #: E-mail domains of each dealer's own staff (lower case), for "dealer address used as a customer contact".
    dealer_domains: list[frozenset[str]] = field(default_factory=list)
    #: The department owning each touchpoint (codes such as "sales", "service"), or None if unknown: the detectors
    #: also pool a dealer's evidence per department, since a team games the touchpoints it owns.
    touchpoint_department: list[str] | None = None


@dataclass(frozen=True, slots=True)
class Responses:
    """One row per survey response (purpose "survey": follow-ups and re-contacts are not the dealer's scores)."""

    response_id: np.ndarray                 # int64, the database id (or the simulator's row number)
    dealer: np.ndarray                      # int
    touchpoint: np.ndarray                  # int
    customer: np.ndarray                    # int, dense customer index
    day: np.ndarray                         # int, day of submission
    score: np.ndarray                       # int8, 0..10
    seconds_to_answer: np.ndarray           # float, invitation sent -> submitted; NaN unknown
    device: np.ndarray                      # int, dense id of the device fingerprint; -1 unknown
    network: np.ndarray                     # int, dense id of the network (IP /24) fingerprint; -1 unknown
    contact: np.ndarray                     # int, dense id of the contact the invitation went to (hash); -1 unknown
    contact_is_dealer_domain: np.ndarray    # bool, the invitation's address is at one of the dealer's own domains
    #: Days between the customer's last contact-detail change and the invitation; NaN if never changed or unknown.
    days_contact_changed_before_invite: np.ndarray
    has_verbatim: np.ndarray                # bool
    incentive_language: np.ndarray          # bool, the verbatim pipeline's incentive/coaching flag
    negative_text: np.ndarray               # bool, the verbatim's own sentiment is negative
    #: Dense id of a group of near-identical verbatims written for the same dealer; -1 if the text is unique.
    template_group: np.ndarray


@dataclass(frozen=True, slots=True)
class Invitations:
    """One row per survey invitation sent (answered or not), for response rates and suppression."""

    dealer: np.ndarray                      # int
    touchpoint: np.ndarray                  # int
    day: np.ndarray                         # int, day sent
    answered: np.ndarray                    # bool
    undeliverable: np.ndarray               # bool, bounced or invalid address


@dataclass(frozen=True, slots=True)
class Events:
    """One row per operational event that should lead to a survey (a handover, a service), invited or not."""

    dealer: np.ndarray                      # int
    touchpoint: np.ndarray                  # int
    day: np.ndarray                         # int
    invited: np.ndarray                     # bool, an invitation was sent for it


@dataclass(frozen=True, slots=True)
class History:
    network: Network
    responses: Responses
    invitations: Invitations
    events: Events


def quarter_of(day: np.ndarray) -> np.ndarray:
    """Quarter index (year * 4 + quarter - 1) of each day since the epoch: the period the detectors work on."""
    dates = np.asarray(day, dtype="datetime64[D]")
    months = dates.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    return (months // 12 + 1970) * 4 + (months % 12) // 3


def days_to_quarter_end(day: np.ndarray) -> np.ndarray:
    """Days from each day to the last day of its quarter (0 on the last day)."""
    quarter = quarter_of(day)
    year, q = quarter // 4, quarter % 4
    next_start = np.array([np.datetime64(f"{y + (m > 12)}-{(m - 1) % 12 + 1:02d}-01")
                           for y, m in zip(year.tolist(), (q * 3 + 4).tolist(), strict=True)], dtype="datetime64[D]")
    return (next_start.astype(np.int64) - 1) - np.asarray(day, dtype=np.int64)

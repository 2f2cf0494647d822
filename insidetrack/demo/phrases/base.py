"""Shared vocabulary of the phrase banks: the result type, the code lists and the shape every language fills in.

Kept apart from the composer so that the language modules can import the shape without importing the engine,
and so that the engine can check at import time that every language fills every slot a touchpoint needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

THEMES: tuple[str, ...] = (
    "sales_process",
    "test_drive",
    "handover_experience",
    "finance_paperwork",
    "waiting_time",
    "courtesy_car",
    "communication",
    "price_value",
    "staff_attitude",
    "workmanship",
    "vehicle_quality",
    "facilities",
    "events",
    "digital_app",
)

TOUCHPOINTS: tuple[str, ...] = (
    "enquiry",
    "test_drive",
    "deposit",
    "experience_event",
    "finance_paperwork",
    "handover",
    "first_service",
    "service_visit",
    "ownership_checkin",
    "repurchase",
)

LANGUAGES: tuple[str, ...] = ("en", "de", "fr")

TONES: tuple[str, ...] = ("negative", "neutral", "positive", "mixed")

KINDS: tuple[str, ...] = ("organic", "incentive", "coached", "templated")


@dataclass(frozen=True, slots=True)
class Verbatim:
    """One free-text answer together with the truth about it, so later classifiers can be scored against it."""

    text: str
    themes: tuple[str, ...]
    sentiment: str
    kind: str


# Which themes a customer plausibly talks about after each touchpoint, and how often (relative weights).
# A service visit never produces a test-drive comment and a track day never produces a workmanship one.
TOUCHPOINT_THEMES: Mapping[str, Mapping[str, int]] = {
    "enquiry": {
        "communication": 5,
        "waiting_time": 4,
        "staff_attitude": 3,
        "digital_app": 2,
        "sales_process": 2,
        "price_value": 1,
    },
    "test_drive": {
        "test_drive": 7,
        "staff_attitude": 4,
        "vehicle_quality": 3,
        "sales_process": 2,
        "communication": 1,
    },
    "deposit": {
        "sales_process": 4,
        "price_value": 3,
        "communication": 3,
        "staff_attitude": 3,
        "waiting_time": 2,
        "finance_paperwork": 1,
    },
    "experience_event": {
        "events": 7,
        "staff_attitude": 3,
        "facilities": 3,
        "vehicle_quality": 2,
        "communication": 1,
    },
    "finance_paperwork": {
        "finance_paperwork": 6,
        "staff_attitude": 3,
        "price_value": 3,
        "waiting_time": 2,
        "communication": 2,
        "digital_app": 1,
    },
    "handover": {
        "handover_experience": 7,
        "staff_attitude": 3,
        "vehicle_quality": 2,
        "finance_paperwork": 2,
        "waiting_time": 2,
        "facilities": 2,
        "communication": 1,
    },
    "first_service": {
        "workmanship": 4,
        "waiting_time": 3,
        "communication": 3,
        "staff_attitude": 3,
        "courtesy_car": 2,
        "price_value": 2,
        "facilities": 1,
        "digital_app": 1,
    },
    "service_visit": {
        "workmanship": 4,
        "waiting_time": 4,
        "courtesy_car": 3,
        "communication": 3,
        "price_value": 3,
        "staff_attitude": 3,
        "facilities": 1,
        "digital_app": 1,
    },
    "ownership_checkin": {
        "communication": 4,
        "vehicle_quality": 4,
        "digital_app": 3,
        "staff_attitude": 2,
        "events": 1,
    },
    "repurchase": {
        "price_value": 5,
        "sales_process": 3,
        "staff_attitude": 3,
        "communication": 2,
        "vehicle_quality": 2,
        "finance_paperwork": 1,
    },
}

# Touchpoints that share wording. Banks are looked up touchpoint first, then group, then "*", so a language only
# writes a dedicated phrasing where the situation really differs (a service invoice is not a showroom price).
TOUCHPOINT_GROUP: Mapping[str, str] = {
    "enquiry": "sales",
    "test_drive": "sales",
    "deposit": "sales",
    "experience_event": "event",
    "finance_paperwork": "finance",
    "handover": "handover",
    "first_service": "service",
    "service_visit": "service",
    "ownership_checkin": "ownership",
    "repurchase": "repurchase",
}

Phrases = tuple[str, ...]
Short = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Bank:
    """Everything one language contributes; plain data so a native speaker can review it without reading code.

    Clause texts are lower-case sentence fragments without final punctuation, so the composer can join,
    capitalise and punctuate them freely. Placeholders: {car}/{mycar} (see ``car_forms``), {name}, {score}.
    """

    # theme -> context key (touchpoint, group or "*") -> (positive clauses, negative clauses)
    clauses: Mapping[str, Mapping[str, tuple[Phrases, Phrases]]]
    # theme -> context key -> noun phrases (with article, nominative) used for neutral remarks
    nouns: Mapping[str, Mapping[str, Phrases]]
    # neutral remark templates with {n} for one of the nouns above; must not need grammatical agreement
    neutral_templates: Phrases
    # (positive, negative) clauses about a named member of staff, {name}; theme staff_attitude
    name_clauses: tuple[Phrases, Phrases]
    # tone -> whole sentences
    openers: Mapping[str, Phrases]
    closers: Mapping[str, Phrases]
    score_closers: Mapping[str, Phrases]
    # separators between clauses of the same polarity / opposite polarity / positive followed by negative
    join_same: Phrases
    join_contrast: Phrases
    join_then_negative: Phrases
    # tone -> lead-ins put before the first clause ("Honestly, ", "Ganz ehrlich: ")
    lead_ins: Mapping[str, Phrases]
    # German starts a full sentence after a colon with a capital letter, English and French do not
    capitalise_after_colon: bool
    # theme-less fragments that turn a single-theme remark into a mixed one
    reservations: Phrases
    soft_positives: Phrases
    # very short answers: tone -> ((text, themes), ...); context key -> tone -> ...
    short: Mapping[str, Short]
    short_by_context: Mapping[str, Mapping[str, Short]]
    # neutral scene-setting sentences for longer stories: context key -> sentences
    stories: Mapping[str, Phrases]
    # incentive mentions (whole sentences) and coached mentions (sentence, tone of the sentence)
    incentive: Phrases
    coached: tuple[tuple[str, str], ...]
    # templated tablet texts: head with {w} slot + alternatives + themes, tails with {name} + themes
    templated_heads: tuple[tuple[str, Phrases, tuple[str, ...]], ...]
    templated_tails: tuple[tuple[str, tuple[str, ...]], ...]
    templated_endings: Phrases
    first_names: Phrases
    # placeholder -> (text without a model, text with {model}, the same before a vowel: French "l'{model}")
    car_forms: Mapping[str, tuple[str, str, str]]

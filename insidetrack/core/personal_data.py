"""Where each app says what personal data it holds about a customer, how to export it and how to erase it.

An owner's export and erasure must cover every app, yet an app low in the dependency order (core) cannot import the
ones above it. So each app registers its own section when it is ready, and the privacy service walks the registry:
a new app that stores something about a person adds one section, and the export and erasure pick it up.

The contract for ``erase``: remove or blank what identifies the person (names, contact details, free text they
wrote, photos, raw identifiers) but keep the rows that statistics count (a response's score, touchpoint, dealer and
date; a case's kind, deadlines and outcome; a telemetry count), so NPS, response rates and closed-loop figures read
the same before and after. It runs inside the caller's transaction and must be idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Section:
    """One app's part of a person's data: ``export`` returns JSON-ready data, ``erase`` returns rows it changed."""

    key: str
    title: Any  # a lazy translation, shown as the heading of the readable export
    purpose: Any  # why the data is held, shown to the owner beside it
    export: Callable[[int], Any]
    erase: Callable[[int, datetime], int]
    order: int = 100


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    """Add (or replace, on a reload) an app's section; call it from the app's ``ready()``."""
    _SECTIONS[section.key] = section


def sections() -> list[Section]:
    """Every registered section, in a stable order for the export."""
    return sorted(_SECTIONS.values(), key=lambda section: (section.order, section.key))

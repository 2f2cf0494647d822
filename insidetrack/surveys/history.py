"""The invitation audit trail: every change of an invitation writes a row here in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from insidetrack.core.bulk import copy_rows

from .models import InvitationEvent

_COLUMNS = ("invitation_id", "kind", "at", "detail")


def invitation_history_write(rows: Iterable[tuple[int, str, datetime, str]]) -> None:
    """Append (invitation key, kind, when, detail) rows; must run inside the transaction that made the change.

    Written with COPY / executemany: the scheduler records a row per event of an imported file.
    """
    copy_rows(InvitationEvent, _COLUMNS, [(pk, str(kind), at, detail or "") for pk, kind, at, detail in rows])

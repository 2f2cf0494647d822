"""The review workflow's transition table: which judgement may follow which.

Every move is a person's decision about a dealer, so each has a reason where a reader of the audit trail would ask
"why?" (dismissing or confirming), and a decision can always be revisited (reopened) rather than edited away.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insidetrack.core.errors import InvalidTransition


class AlertStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("To review")
    WATCHING = "watching", gettext_lazy("Watching")
    DISMISSED = "dismissed", gettext_lazy("Dismissed")
    CONFIRMED = "confirmed", gettext_lazy("Gaming confirmed")


TRANSITIONS: dict[str, frozenset[str]] = {
    AlertStatus.OPEN: frozenset({AlertStatus.WATCHING, AlertStatus.DISMISSED, AlertStatus.CONFIRMED}),
    AlertStatus.WATCHING: frozenset({AlertStatus.DISMISSED, AlertStatus.CONFIRMED, AlertStatus.OPEN}),
    AlertStatus.DISMISSED: frozenset({AlertStatus.OPEN}),
    AlertStatus.CONFIRMED: frozenset({AlertStatus.OPEN}),
}

#: Moves that must say why: the dealer's record depends on them.
REASON_REQUIRED = frozenset({AlertStatus.DISMISSED, AlertStatus.CONFIRMED, AlertStatus.OPEN})


def check_transition(current: str, target: str) -> None:
    """Raise ``InvalidTransition`` naming both states if ``target`` may not follow ``current``."""
    if target not in TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition(_("An alert in the state “%(current)s” cannot move to “%(target)s”.")
                                % {"current": AlertStatus(current).label, "target": AlertStatus(target).label})

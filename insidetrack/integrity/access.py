"""Who may use the integrity app: head office alone, for reads and writes alike (one rule, one place)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from insidetrack.core.actor import Actor
from insidetrack.core.errors import PermissionDenied


def require_head_office(actor: Actor) -> None:
    """Dealers never see the detectors' details, and regions do not review their own dealers' alerts."""
    if not (actor.is_system or actor.is_head_office):
        raise PermissionDenied(_("Only head office reviews integrity alerts."))

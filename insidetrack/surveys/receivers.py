"""Wiring for django-anymail's delivery webhooks: the provider's reports reach the invitation they concern."""

from __future__ import annotations

from typing import Any


def email_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """Anymail's ``tracking`` signal: pass bounces and deliveries of survey invitations to the service."""
    from .services import invitation_record_delivery

    invitation = (getattr(event, "metadata", None) or {}).get("invitation", "")
    if str(invitation).isdigit():
        invitation_record_delivery(invitation_pk=int(invitation), event_type=str(event.event_type))

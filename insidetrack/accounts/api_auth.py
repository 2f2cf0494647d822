"""A dealer system's bearer token on the API, resolved to the token's dealer as an Actor."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from insidetrack.core.actor import Actor

from .models import ApiToken
from .selectors import actor_for_api_token


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer it_...``: acts as the token's dealer."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        found = actor_for_api_token(token)
        if found is None:
            return None
        actor, api_token = found
        # A cheap conditional update: at most one write per token per minute, whatever the request rate.
        ApiToken.objects.filter(pk=api_token.pk).exclude(
            last_used_at__gte=timezone.now() - timezone.timedelta(minutes=1)
        ).update(last_used_at=timezone.now())
        return actor

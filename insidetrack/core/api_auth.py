"""API authentication: a dealer system's bearer token or a signed-in browser session, both resolved to an Actor."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from insidetrack.core.actor import Actor


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer it_...``: acts as the token's dealer."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        from insidetrack.accounts.models import ApiToken
        from insidetrack.accounts.selectors import actor_for_api_token

        found = actor_for_api_token(token)
        if found is None:
            return None
        actor, api_token = found
        # A cheap conditional update: at most one write per token per minute, whatever the request rate.
        ApiToken.objects.filter(pk=api_token.pk).exclude(
            last_used_at__gte=timezone.now() - timezone.timedelta(minutes=1)
        ).update(last_used_at=timezone.now())
        return actor


class SessionActorAuth(SessionAuth):
    """A signed-in browser session (CSRF-checked for writes) with an active membership."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if not request.user.is_authenticated:
            return None
        actor = request.actor
        return actor if actor.is_authenticated else None


def actor_of(request: HttpRequest) -> Actor:
    """The actor an authenticated API call runs as."""
    return request.auth

"""API authentication shared by every app's endpoints: the browser session's actor, and who a call runs as.

A dealer system's bearer token is checked by ``insidetrack.accounts.api_auth.ApiTokenAuth`` (accounts owns the tokens;
core imports no app).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import SessionAuth

from insidetrack.core.actor import Actor


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

"""A dealer system's bearer token on the API, resolved to the token's dealer as an Actor."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from insidetrack.core.actor import Actor

from . import services
from .selectors import actor_for_api_token


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer it_...``: acts as the token's dealer."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        found = actor_for_api_token(token)
        if found is None:
            return None
        actor, api_token = found
        services.api_token_mark_used(token_pk=api_token.pk)
        return actor

"""Attach the Actor to each request so views never work it out themselves (from the user's memberships, which
accounts owns)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from .selectors import actor_for_user

SESSION_MEMBERSHIP_KEY = "insidetrack_membership_pk"


class ActorMiddleware:
    """Sets ``request.actor`` lazily (no query for requests that never ask, such as static files)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        def build():
            return actor_for_user(getattr(request, "user", None), request.session.get(SESSION_MEMBERSHIP_KEY))

        request.actor = SimpleLazyObject(build)
        return self.get_response(request)

"""View guards by role. They check the role only; which rows a role sees is the scoping layer's job."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _role_required(predicate: Callable[[object], bool]):
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not predicate(request.actor):
                return render(request, "403.html", status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_role_required = _role_required(lambda actor: actor.is_staff_role)
head_office_required = _role_required(lambda actor: actor.is_head_office)
owner_required = _role_required(lambda actor: actor.is_owner)

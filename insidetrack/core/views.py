"""Helpers shared by thin views across apps."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from .errors import DomainError, NotFound


def run_step(request: HttpRequest, action: Callable[[], object], *, success: str, back_to: str) -> HttpResponse:
    """Run one step of a workflow from a POST and go back to the page it came from: a step the rules refuse (wrong
    state, missing reason) comes back as a message on that page, a thing the viewer may not see as a 404, never a
    500."""
    try:
        action()
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect(back_to)

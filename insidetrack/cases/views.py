"""Pages of the closed loop (being built): the dealer inbox and the case page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from insidetrack.core.decorators import staff_role_required


@staff_role_required
def inbox(request: HttpRequest) -> HttpResponse:
    return HttpResponse("inbox")


@staff_role_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(f"case {pk}")

"""Closed-loop measures page for head office and regions (being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from insidetrack.core.decorators import staff_role_required


@staff_role_required
def measures(request: HttpRequest) -> HttpResponse:
    return HttpResponse("measures")

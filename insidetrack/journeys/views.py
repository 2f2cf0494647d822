"""The journey as head office wrote it: stages, touchpoints, owning departments and customers' needs."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from insidetrack.core.decorators import staff_role_required

from .selectors import touchpoints_for


@staff_role_required
def journey_map(request: HttpRequest) -> HttpResponse:
    touchpoints = list(touchpoints_for(request.actor))
    stages = [(stage, list(items)) for stage, items in groupby(touchpoints, key=lambda t: t.stage)]
    return render(request, "journeys/map.html", {"stages": stages})

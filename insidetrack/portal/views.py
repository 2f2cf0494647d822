"""The owner's own landing page: vehicles, their dealer, and the feedback they gave."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from insidetrack.core.decorators import owner_required
from insidetrack.customers import selectors as customer_selectors
from insidetrack.surveys.models import Response


@owner_required
def home(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    customer = customer_selectors.customer_get(actor=actor, pk=actor.customer_id)
    return render(request, "portal/home.html", {
        "customer": customer,
        "vehicles": customer.vehicles.all(),
        "responses": Response.objects.visible_to(actor).select_related("touchpoint", "dealer")
        .order_by("-submitted_at")[:20],
    })

"""Customer list and profile for staff, scoped to what the viewer may see."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from insidetrack.core.decorators import staff_role_required
from insidetrack.core.errors import NotFound
from insidetrack.network.selectors import scores_visible_to

from . import selectors


@staff_role_required
def customer_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    page = Paginator(selectors.customer_list(actor=request.actor, search=search), 25).get_page(request.GET.get("page"))
    return render(request, "customers/list.html", {"page": page, "search": search})


@staff_role_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The profile with the customer's feedback: verbatims for everyone, scores only where the brand's policy lets
    the viewer see them."""
    actor = request.actor
    try:
        customer = selectors.customer_get(actor=actor, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return render(request, "customers/detail.html", {
        "customer": customer,
        "vehicles": customer.vehicles.all(),
        "responses": selectors.customer_responses(actor=actor, customer=customer),
        "show_scores": scores_visible_to(actor),
    })

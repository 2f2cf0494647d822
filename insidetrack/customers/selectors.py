"""Reads of customers, always through the scoping entry point."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from insidetrack.core.actor import Actor

from .models import Customer, Vehicle

if TYPE_CHECKING:
    from insidetrack.surveys.models import Response


def customer_list(*, actor: Actor, search: str = "") -> QuerySet[Customer]:
    """Customers the actor may see, newest first, optionally matching a name, e-mail or VIN."""
    customers = Customer.objects.visible_to(actor).select_related("dealer").filter(erased_at__isnull=True)
    search = search.strip()
    if search:
        customers = customers.filter(
            Q(first_name__icontains=search) | Q(last_name__icontains=search) | Q(email__icontains=search)
            | Q(vehicles__vin__iexact=search)
        ).distinct()
    return customers.order_by("-created_at", "-pk")


def customer_get(*, actor: Actor, pk: int) -> Customer:
    """One customer the actor may see, or NotFound; their vehicles come prefetched through the same scoping."""
    vehicles = Prefetch("vehicles", queryset=Vehicle.objects.visible_to(actor).order_by("-model_year", "vin"))
    return (Customer.objects.select_related("dealer", "dealer__region").prefetch_related(vehicles)
            .get_visible(actor, pk=pk))


def customer_responses(*, actor: Actor, customer: Customer, limit: int = 50) -> list[Response]:
    """The customer's survey responses the actor may see, newest first (through the reverse relation, so this app
    does not import surveys, which comes later). Rows carry the score: the profile page shows it only where
    ``scores_visible_to(actor)`` allows."""
    return list(customer.responses.visible_to(actor).select_related("touchpoint").order_by("-submitted_at", "-pk")
                [:limit])

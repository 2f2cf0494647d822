"""Reads of customers, always through the scoping entry point."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from insidetrack.core.actor import Actor

from .models import Customer, Vehicle


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


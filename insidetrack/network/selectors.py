"""Reads for the network. Dealer names are not customer data, but each role still gets its own slice by default."""

from __future__ import annotations

from django.db.models import QuerySet

from insidetrack.core.actor import Actor
from insidetrack.core.roles import Role

from .models import Brand, Dealer, Region


def dealers_visible_to(actor: Actor) -> QuerySet[Dealer]:
    """Head office: every dealer; region manager: the region's; dealer and owner: their own."""
    dealers = Dealer.objects.select_related("region")
    if actor.is_system:
        return dealers
    if actor.role == Role.HEAD_OFFICE:
        return dealers.filter(brand_id=actor.brand_id)
    if actor.role == Role.REGION_MANAGER:
        return dealers.filter(region_id=actor.region_id)
    if actor.is_dealer:
        return dealers.filter(pk=actor.dealer_id)
    if actor.is_owner:
        return dealers.filter(customers__pk=actor.customer_id)
    return dealers.none()


def regions_visible_to(actor: Actor) -> QuerySet[Region]:
    regions = Region.objects.all()
    if actor.is_system:
        return regions
    if actor.role == Role.HEAD_OFFICE:
        return regions.filter(brand_id=actor.brand_id)
    if actor.role is not None and actor.region_id is not None and actor.is_staff_role:
        return regions.filter(pk=actor.region_id)
    return regions.none()


def scores_visible_to(actor: Actor) -> bool:
    """Whether the actor may see 0-10 scores and NPS figures: the one switch every page, export, API and e-mail asks.

    Head office and regions always do; dealers only when head office turned the brand's policy on; an owner sees
    their own answers (the portal shows nothing else); anyone else sees none.
    """
    if actor.is_system or actor.role in (Role.HEAD_OFFICE, Role.REGION_MANAGER, Role.OWNER):
        return True
    if actor.is_dealer and actor.brand_id is not None:
        return Brand.objects.filter(pk=actor.brand_id, dealers_see_scores=True).exists()
    return False

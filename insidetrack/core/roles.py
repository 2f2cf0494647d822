"""The roles a person can hold. Pure data so that every layer (including policies) can use it without the ORM."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a membership lets a person do, and so which slice of the network they see."""

    HEAD_OFFICE = "head_office", _("Head office")
    REGION_MANAGER = "region_manager", _("Region manager")
    DEALER_PRINCIPAL = "dealer_principal", _("Dealer principal")
    DEALER_STAFF = "dealer_staff", _("Dealer staff")
    OWNER = "owner", _("Owner")


DEALER_ROLES = frozenset({Role.DEALER_PRINCIPAL, Role.DEALER_STAFF})
STAFF_ROLES = frozenset({Role.HEAD_OFFICE, Role.REGION_MANAGER, *DEALER_ROLES})

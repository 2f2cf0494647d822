"""Values every page's layout needs: the brand name and the navigation for the viewer's role."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role


def navigation_for(actor) -> list[tuple[str, str]]:
    """Menu entries (label, url) for a role; a role only sees links it can open."""
    if actor is None or actor.role is None:
        return []
    if actor.role == Role.OWNER:
        return [(_("My overview"), reverse("portal:home")), (_("My vehicles"), reverse("portal:vehicles")),
                (_("My dealer"), reverse("portal:dealer")), (_("My surveys"), reverse("portal:surveys")),
                (_("My events"), reverse("portal:events")), (_("My preferences"), reverse("portal:preferences")),
                (_("My issues"), reverse("portal:issue_list")),
                (_("My data"), reverse("portal:data")),
                (_("Notifications"), reverse("portal:notifications"))]
    items = [(_("Overview"), reverse("home")), (_("Inbox"), reverse("cases:inbox")),
             (_("Feedback"), reverse("analytics:responses")), (_("Themes"), reverse("verbatims:themes")),
             (_("Customers"), reverse("customers:list")),
             (_("Response rates"), reverse("analytics:response_rates"))]
    items.append((_("Scorecard"), reverse("analytics:scorecard")))
    items.append((_("Advocacy"), reverse("analytics:advocacy")))
    items.append((_("Events"), reverse("journeys:events")))
    if actor.role in (Role.HEAD_OFFICE, Role.REGION_MANAGER):
        items.insert(2, (_("Dashboard"), reverse("analytics:dashboard")))
        items.append((_("Closed loop"), reverse("cases:measures")))
    items.append((_("Journey"), reverse("journey_map:map")))  # every staff role: a dealer's map is its own figures
    if actor.role == Role.HEAD_OFFICE:
        items.append((_("Integrity"), reverse("integrity:queue")))
        items.append((_("Connected car"), reverse("connected:rules")))
        items.append((_("Personal data"), reverse("privacy:queue")))
    return items


def shell(request: HttpRequest) -> dict[str, object]:
    actor = getattr(request, "actor", None)
    return {
        "brand_name": settings.BRAND_NAME,
        "actor": actor,
        "navigation": navigation_for(actor) if getattr(request, "user", None) and request.user.is_authenticated
        else [],
    }

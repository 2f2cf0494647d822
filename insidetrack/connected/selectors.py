"""Reads of the connected car, always through the scoping entry point."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from insidetrack.core.actor import Actor

from .models import DataProvider, Notification, NotificationPreference, Rule, RuleMatch


def owner_notifications(*, actor: Actor, limit: int = 100) -> list[Notification]:
    """The owner's notifications, newest first, unread ones included whatever their age."""
    # Of alerts raised together, the safety one comes first.
    return list(Notification.objects.visible_to(actor).select_related("vehicle")
                .order_by("-created_at", "-is_safety", "-pk")[:limit])


def owner_unread_count(*, actor: Actor) -> int:
    return Notification.objects.visible_to(actor).filter(read_at__isnull=True).count()


def owner_preference(*, actor: Actor) -> NotificationPreference:
    """The owner's choices, or the defaults (unsaved) when they never chose."""
    found = NotificationPreference.objects.visible_to(actor).first()
    return found or NotificationPreference(customer_id=actor.customer_id)


def brand_rules(*, actor: Actor) -> QuerySet[Rule]:
    """Head office's rules with how often each tripped and how many cases it opened."""
    if not actor.is_head_office:
        return Rule.objects.none()
    return Rule.objects.filter(brand_id=actor.brand_id).annotate(
        match_count=Count("matches", distinct=True),
        notified_count=Count("matches", filter=Q(matches__outcome=RuleMatch.Outcome.NOTIFIED), distinct=True),
        case_count=Count("matches", filter=Q(matches__case__isnull=False), distinct=True),
    ).order_by("-is_active", "name")


def brand_rule(*, actor: Actor, pk: int) -> Rule | None:
    if not actor.is_head_office:
        return None
    return Rule.objects.filter(brand_id=actor.brand_id, pk=pk).first()


def brand_providers(*, actor: Actor) -> QuerySet[DataProvider]:
    if not actor.is_head_office:
        return DataProvider.objects.none()
    return DataProvider.objects.filter(brand_id=actor.brand_id).annotate(event_count=Count("events")).order_by(
        "revoked_at", "name")

"""Reads for accounts: turning a signed-in user or an API token into an Actor."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

from insidetrack.core.actor import Actor
from insidetrack.core.roles import Role

from .models import ApiToken, Membership, User, hash_token

# When a person holds several memberships and has not chosen one, the widest view is the useful default.
_ROLE_PRIORITY = [Role.HEAD_OFFICE, Role.REGION_MANAGER, Role.DEALER_PRINCIPAL, Role.DEALER_STAFF, Role.OWNER]


def memberships_for_user(user: User) -> list[Membership]:
    """A user's active memberships, widest first."""
    order = Case(*[When(role=r, then=Value(i)) for i, r in enumerate(_ROLE_PRIORITY)], output_field=IntegerField())
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("brand", "region", "dealer", "customer")
        .order_by(order, "pk")
    )


def actor_from_membership(membership: Membership) -> Actor:
    """The actor a membership makes; a dealer membership also carries the dealer's region for escalation."""
    return Actor(
        user_id=membership.user_id,
        role=Role(membership.role),
        brand_id=membership.brand_id,
        region_id=membership.region_id or (membership.dealer.region_id if membership.dealer_id else None),
        dealer_id=membership.dealer_id,
        customer_id=membership.customer_id,
        department=membership.department or None,
        membership_id=membership.pk,
    )


def actor_for_user(user: User | None, membership_pk: int | None = None) -> Actor:
    """The actor for a signed-in user; a user with no active membership is anonymous (sees nothing)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Actor.anonymous()
    memberships = memberships_for_user(user)
    chosen = next((m for m in memberships if m.pk == membership_pk), None) or (memberships[0] if memberships else None)
    if chosen is None:
        return Actor.anonymous()
    return actor_from_membership(chosen)


def actor_for_api_token(raw_token: str) -> tuple[Actor, ApiToken] | None:
    """A dealer system's token acts as that dealer's principal; revoked or unknown tokens are refused."""
    token = (
        ApiToken.objects.select_related("dealer")
        .filter(token_hash=hash_token(raw_token), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    actor = Actor(role=Role.DEALER_PRINCIPAL, brand_id=token.dealer.brand_id, region_id=token.dealer.region_id,
                  dealer_id=token.dealer_id, api_token_id=token.pk)
    return actor, token


def actor_display_name(actor: Actor) -> str:
    """The name an audit trail keeps for who acted (written as text, so it still reads once the account is gone)."""
    if actor.is_system:
        return "Inside Track"
    user = User.objects.filter(pk=actor.user_id).only("first_name", "last_name", "email").first()
    return (user.get_full_name() or user.email) if user else ""

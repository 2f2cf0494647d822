"""The one entry point through which customer data is read: ``Model.objects.visible_to(actor)``.

Each model that holds customer data subclasses :class:`ScopedModel` and declares, in a :class:`Scope`, the lookup
paths from the row to its brand, region, dealer and customer. ``visible_to`` turns the actor's role into a filter on
the matching path. It denies by default: an anonymous actor, an unknown role, or a role whose path the model does not
declare sees nothing. A test walks every registered model against every role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from django.apps import apps
from django.db import models

from .actor import Actor
from .errors import NotFound
from .roles import DEALER_ROLES, Role


@dataclass(frozen=True, slots=True)
class Scope:
    """Lookup paths from a row to the network node each role is scoped by; ``None`` means "that role sees none"."""

    brand: str | None = None
    region: str | None = None
    dealer: str | None = None
    customer: str | None = None

    def path_for(self, role: Role) -> tuple[str | None, str]:
        """The lookup path and the actor attribute holding the value it must equal."""
        if role == Role.HEAD_OFFICE:
            return self.brand, "brand_id"
        if role == Role.REGION_MANAGER:
            return self.region, "region_id"
        if role in DEALER_ROLES:
            return self.dealer, "dealer_id"
        if role == Role.OWNER:
            return self.customer, "customer_id"
        return None, ""


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what an actor may see."""

    def visible_to(self, actor: Actor) -> Self:
        if actor.is_system:
            return self
        if actor.role is None:
            return self.none()
        scope: Scope = self.model.scope
        path, attribute = scope.path_for(actor.role)
        value = getattr(actor, attribute, None) if path else None
        if not path or value is None:
            return self.none()
        return self.filter(**{path: value})

    def get_visible(self, actor: Actor, **lookup: object) -> models.Model:
        """Fetch one row the actor may see, or raise NotFound (never revealing that it exists elsewhere)."""
        try:
            return self.visible_to(actor).get(**lookup)
        except self.model.DoesNotExist as exc:
            raise NotFound(f"{self.model._meta.verbose_name} not found") from exc


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """Default manager of every scoped model."""


class ScopedModel(models.Model):
    """Base for every model holding customer data; subclasses must declare ``scope``."""

    scope: ClassVar[Scope]
    objects = ScopedManager()

    class Meta:
        abstract = True


def scoped_models() -> list[type[ScopedModel]]:
    """Every concrete model that goes through the scoping entry point (used by the scoping tests)."""
    return [m for m in apps.get_models() if issubclass(m, ScopedModel)]

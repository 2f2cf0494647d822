"""Who is asking. Every service and selector takes an ``Actor`` rather than a request or a user."""

from __future__ import annotations

from dataclasses import dataclass

from .roles import DEALER_ROLES, STAFF_ROLES, Role


@dataclass(frozen=True, slots=True)
class Actor:
    """The identity and scope a request runs with.

    It is a plain value (ids, not model instances) so it can be passed to tasks, compared in tests and built
    without a query; ``insidetrack.accounts.selectors.actor_for_user`` builds it from a membership.
    """

    user_id: int | None = None
    role: Role | None = None
    brand_id: int | None = None
    region_id: int | None = None
    dealer_id: int | None = None
    customer_id: int | None = None
    department: str | None = None
    membership_id: int | None = None
    api_token_id: int | None = None
    is_system: bool = False

    @classmethod
    def anonymous(cls) -> Actor:
        """Nobody: sees nothing."""
        return cls()

    @classmethod
    def system(cls) -> Actor:
        """The platform itself (sweeps, imports, the demo generator): sees everything."""
        return cls(is_system=True)

    @property
    def is_authenticated(self) -> bool:
        return self.is_system or self.role is not None

    @property
    def is_head_office(self) -> bool:
        return self.role == Role.HEAD_OFFICE

    @property
    def is_region_manager(self) -> bool:
        return self.role == Role.REGION_MANAGER

    @property
    def is_dealer(self) -> bool:
        return self.role in DEALER_ROLES

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

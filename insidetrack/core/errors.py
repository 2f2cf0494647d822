"""Typed business errors that carry their HTTP status, so an expected failure is never a 500."""

from __future__ import annotations


class DomainError(Exception):
    """An expected failure a user can act on; ``code`` is stable for API clients, ``message`` is for people."""

    status: int = 400
    code: str = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "detail": str(self.message), "field": self.field}


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know that it exists (scoping returns 404, never 403)."""

    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    """The actor can see the thing but may not do this to it."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (already used, already done, duplicate)."""

    status = 409
    code = "conflict"


class ValidationFailed(DomainError):
    """The input is well-formed but breaks a rule (out of range, too long, unknown reference)."""

    status = 422
    code = "validation_failed"


class InvalidTransition(Conflict):
    """A state machine was asked for a move its transition table does not allow."""

    code = "invalid_transition"

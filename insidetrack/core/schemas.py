"""Schemas shared by every API router."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """The body of every 4xx answer: a stable code, a sentence for people, and the field at fault if any."""

    code: str
    detail: str
    field: str | None = None

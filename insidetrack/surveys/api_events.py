"""Operational events in: ``POST /api/v1/events`` (built in the listen issue)."""

from ninja import Router

router = Router()

"""Cases and their actions over the JSON API (being built)."""

from ninja import Router

router = Router()

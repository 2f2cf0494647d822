"""Writes for journeys."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from insidetrack.network.models import Brand

from . import defaults
from .models import Journey, Stage, Theme, Touchpoint


@transaction.atomic
def journey_create_default(*, brand: Brand) -> Journey:
    """Give a brand the default premium-car journey, once; an existing default is returned untouched."""
    existing = Journey.objects.filter(brand=brand, is_default=True).first()
    if existing:
        return existing
    journey = Journey.objects.create(brand=brand, name="Premium car journey", is_default=True)
    stages = {}
    for position, stage in enumerate(defaults.STAGES, start=1):
        stages[stage["code"]] = Stage.objects.create(journey=journey, position=position, **stage)
    for position, item in enumerate(defaults.TOUCHPOINTS, start=1):
        Touchpoint.objects.create(
            journey=journey, stage=stages[str(item["stage"])], position=position, code=item["code"],
            name=item["name"], name_de=item["name_de"], name_fr=item["name_fr"], department=item["department"],
            rational_needs=item["rational"], emotional_needs=item["emotional"], is_surveyed=item["is_surveyed"],
        )
    themes_create_default(brand=brand)
    return journey


@transaction.atomic
def themes_create_default(*, brand: Brand) -> list[Theme]:
    """Give a brand the default taxonomy, once per theme code; themes head office edited are left as they are."""
    touchpoints = {t.code: t for t in Touchpoint.objects.filter(journey__brand=brand, journey__is_default=True)}
    existing = set(Theme.objects.filter(brand=brand).values_list("code", flat=True))
    created = []
    for item in defaults.THEMES:
        if item["code"] in existing:
            continue
        theme = Theme.objects.create(brand=brand, code=item["code"], name=item["name"], name_de=item["name_de"],
                                     name_fr=item["name_fr"])
        theme.touchpoints.set([touchpoints[code] for code in item["touchpoints"] if code in touchpoints])
        created.append(theme)
    return created


@transaction.atomic
def brand_setup(*, name: str | None = None) -> Brand:
    """The installation's brand, created on first use together with its default journey.

    It lives here rather than in the network app because the network must not depend on journeys.
    """
    name = name or settings.BRAND_NAME
    brand, _created = Brand.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    journey_create_default(brand=brand)
    themes_create_default(brand=brand)
    return brand

"""Writes for journeys."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from insidetrack.core.actor import Actor
from insidetrack.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
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


# A theme's code is what the models, the API and the seed examples know it by: lower case, starting with a letter,
# words joined by "_" or "-", so that it reads the same in a URL, a CSV column and a log line.
_THEME_CODE = re.compile(r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$")
_NAME_MAX = Theme._meta.get_field("name").max_length
_CODE_MAX = Theme._meta.get_field("code").max_length


def _require_taxonomy_editor(actor: Actor) -> int:
    """The brand whose taxonomy the actor edits; only head office edits it (the themes are the brand's words)."""
    if not actor.is_head_office or actor.brand_id is None:
        raise PermissionDenied(_("Only head office can edit the themes."))
    return actor.brand_id


def _clean_names(name: str, name_de: str, name_fr: str) -> tuple[str, str, str]:
    names = ((name or "").strip(), (name_de or "").strip(), (name_fr or "").strip())
    if not names[0]:
        raise ValidationFailed(_("Give the theme an English name."), field="name")
    for field, value in zip(("name", "name_de", "name_fr"), names, strict=True):
        if len(value) > _NAME_MAX:
            raise ValidationFailed(_("At most %(max)d characters.") % {"max": _NAME_MAX}, field=field)
    return names


def _theme_touchpoints(brand_id: int, touchpoint_codes: Sequence[str]) -> list[Touchpoint]:
    codes = list(dict.fromkeys(c.strip() for c in touchpoint_codes if c and c.strip()))
    touchpoints = list(Touchpoint.objects.filter(journey__brand_id=brand_id, journey__is_default=True,
                                                 code__in=codes))
    unknown = sorted(set(codes) - {t.code for t in touchpoints})
    if unknown:
        raise ValidationFailed(_("Unknown touchpoint: %(codes)s") % {"codes": ", ".join(unknown)},
                               field="touchpoint_codes")
    return touchpoints


@transaction.atomic
def theme_create(*, actor: Actor, code: str, name: str, name_de: str, name_fr: str,
                 touchpoint_codes: Sequence[str]) -> Theme:
    """Add a theme to the brand's taxonomy.

    The analysis only finds it once head office has labelled examples of it and the model was retrained: a new
    theme starts with no examples, which is why creating one does not retrain anything by itself.
    """
    brand_id = _require_taxonomy_editor(actor)
    code = (code or "").strip()
    if not code:
        raise ValidationFailed(_("Give the theme a code."), field="code")
    if len(code) > _CODE_MAX or not _THEME_CODE.match(code):
        raise ValidationFailed(
            _("Use lower-case letters, digits and “_” or “-” between words, starting with a letter "
              "(at most %(max)d characters).") % {"max": _CODE_MAX}, field="code")
    name, name_de, name_fr = _clean_names(name, name_de, name_fr)
    touchpoints = _theme_touchpoints(brand_id, touchpoint_codes)
    if Theme.objects.filter(brand_id=brand_id, code=code).exists():
        raise Conflict(_("A theme with the code “%(code)s” exists already.") % {"code": code}, field="code")
    try:
        with transaction.atomic():
            theme = Theme.objects.create(brand_id=brand_id, code=code, name=name, name_de=name_de, name_fr=name_fr)
    except IntegrityError as exc:  # created by someone else between the check and the insert
        raise Conflict(_("A theme with the code “%(code)s” exists already.") % {"code": code},
                       field="code") from exc
    theme.touchpoints.set(touchpoints)
    return theme


@transaction.atomic
def theme_update(*, actor: Actor, code: str, name: str, name_de: str, name_fr: str,
                 touchpoint_codes: Sequence[str], is_active: bool) -> Theme:
    """Rename a theme, change where it applies, or (de)activate it; its code never changes.

    The code stays because labels, analyses and trained models refer to it. A deactivated theme is kept with its
    history: the next model no longer learns it, and it can be reactivated.
    """
    brand_id = _require_taxonomy_editor(actor)
    theme = Theme.objects.select_for_update().filter(brand_id=brand_id, code=code).first()
    if theme is None:
        raise NotFound(_("theme not found"))
    theme.name, theme.name_de, theme.name_fr = _clean_names(name, name_de, name_fr)
    touchpoints = _theme_touchpoints(brand_id, touchpoint_codes)
    theme.is_active = bool(is_active)
    theme.save(update_fields=["name", "name_de", "name_fr", "is_active"])
    theme.touchpoints.set(touchpoints)
    return theme

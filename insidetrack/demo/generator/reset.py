"""Removing a demo world (``insidetrack demo --reset``) fast enough for millions of rows.

Deleting through the ORM would load every response to run cascades in Python. Instead the tables that hold only
demo-world data (network, customers, surveys, ground truth, and any table whose rows must point into them) are
emptied with one statement each, rows elsewhere that merely may point into them are deleted or un-linked through the
ORM, and the brand with its journey (which head office may have edited) and user accounts are kept.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models, transaction

from insidetrack.network.models import Dealer, Region

WIPED_APPS = ("customers", "surveys", "demo")


def _relations(model: type[models.Model]) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def _wiped_models() -> list[type[models.Model]]:
    """Every model whose rows all belong to the demo world, closed under "has a required link into one of them"."""
    wiped: set[type[models.Model]] = {Dealer, Region}
    for label in WIPED_APPS:
        wiped.update(apps.get_app_config(label).get_models(include_auto_created=True))
    every = apps.get_models(include_auto_created=True)
    changed = True
    while changed:
        changed = False
        for model in every:
            if model in wiped:
                continue
            if any(not f.null and f.remote_field.model in wiped for f in _relations(model)):
                wiped.add(model)
                changed = True
    return _children_first(wiped)


def _children_first(selected: set[type[models.Model]]) -> list[type[models.Model]]:
    ordered: list[type[models.Model]] = []
    visiting: set[type[models.Model]] = set()

    def visit(model: type[models.Model]) -> None:
        if model in ordered or model in visiting:
            return
        visiting.add(model)
        for other in sorted(selected, key=lambda m: m._meta.label):
            if other is not model and any(f.remote_field.model is model for f in _relations(other)):
                visit(other)
        visiting.discard(model)
        ordered.append(model)

    for model in sorted(selected, key=lambda m: m._meta.label):
        visit(model)
    return ordered


@transaction.atomic
def reset_demo_world() -> dict[str, int]:
    """Delete dealers, regions, customers, surveys and planted ground truth; returns rows deleted per table."""
    wiped = _wiped_models()
    wiped_set = set(wiped)
    deleted: dict[str, int] = {}
    # Rows elsewhere that may (nullable link) point into the wiped tables: delete or un-link them via the ORM,
    # which knows each relation's on_delete rule and their own cascades. These tables are small (memberships,
    # tokens) or hold only a few rows pointing into the demo world.
    for model in apps.get_models():
        if model in wiped_set:
            continue
        links = [f for f in _relations(model) if f.remote_field.model in wiped_set]
        if not links:
            continue
        set_null = [f for f in links if f.remote_field.on_delete is models.SET_NULL]
        others = [f for f in links if f not in set_null]
        if others:
            condition = models.Q()
            for f in others:
                condition |= models.Q(**{f"{f.name}__isnull": False})
            count, _ = model._base_manager.filter(condition).delete()
            deleted[model._meta.label] = count
        for f in set_null:
            model._base_manager.filter(**{f"{f.name}__isnull": False}).update(**{f.name: None})
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Memberships (and later apps) keep foreign keys into these tables, so PostgreSQL's TRUNCATE is not
        # allowed without CASCADE (which would also empty head office's memberships): plain DELETE, children first.
        for model in wiped:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
            deleted[model._meta.label] = cursor.rowcount
    return deleted

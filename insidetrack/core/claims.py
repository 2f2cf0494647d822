"""Atomic claims for sweeps: mark due rows and learn exactly which rows this call marked, in one statement.

``UPDATE ... WHERE pk IN (SELECT pk ... LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING pk`` runs on PostgreSQL and on
SQLite 3.35+. The ORM's ``update()`` says how many rows changed but not which, and a select-then-update would let
two sweeps both believe they own a row. On PostgreSQL the inner select skips rows another sweep holds, and rows it
committed meanwhile are re-checked against the filter before they are locked, so a claimed row is claimed once;
SQLite runs one writer at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import connections, models


def claim(queryset: models.QuerySet, *, values: Mapping[str, object], limit: int,
          order_by: Sequence[str] = ("pk",)) -> list[int]:
    """Set ``values`` on up to ``limit`` rows of ``queryset`` and return their primary keys (must run in atomic)."""
    model = queryset.model
    connection = connections[queryset.db]
    if not connection.in_atomic_block:
        raise RuntimeError("claim() must run inside transaction.atomic()")
    inner = queryset.order_by(*order_by).values("pk")[:limit]
    if connection.features.has_select_for_update_skip_locked:
        inner = inner.select_for_update(skip_locked=True, of=("self",))
    inner_sql, inner_params = inner.query.sql_with_params()
    quote = connection.ops.quote_name
    meta = model._meta
    assignments, params = [], []
    for name, value in values.items():
        field = meta.get_field(name)
        assignments.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    pk_column = quote(meta.pk.column)
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "
           f"WHERE {pk_column} IN ({inner_sql}) RETURNING {pk_column}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])
        return sorted(row[0] for row in cursor.fetchall())

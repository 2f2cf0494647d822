"""Bulk writes (imports, batch scheduling): ``COPY`` on PostgreSQL, ``executemany`` elsewhere, behind three functions.

The demo generator's :class:`~insidetrack.demo.generator.writer.BulkWriter` owns a freshly created database and
hands out keys from ``MAX(id)``; an import runs next to live traffic (the API, the survey page), so keys here come
from the database itself and duplicates are settled by the unique constraints, never by a check-then-insert.

Every function must run inside ``transaction.atomic()``: on PostgreSQL the staging table lives until commit, and on
SQLite the project opens transactions ``IMMEDIATE`` (see settings), so the write lock is held from the first
statement and ``id > MAX(id) read at the start`` names exactly the rows this transaction inserted.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import connection, models


def _quoted(model: type[models.Model], attributes: Sequence[str]) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    meta = model._meta
    return quote(meta.db_table), [quote(meta.get_field(attribute).column) for attribute in attributes]


def _adapted(rows: Sequence[tuple[object, ...]]) -> list[tuple[object, ...]] | Sequence[tuple[object, ...]]:
    """Datetimes as the backend stores them; sqlite3's own adapter would keep the "+00:00" Django never writes."""
    if connection.vendor == "postgresql":
        return rows
    adapt = connection.ops.adapt_datetimefield_value
    return [tuple(adapt(value) if isinstance(value, datetime.datetime) else value for value in row) for row in rows]


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def _max_pk(model: type[models.Model]) -> int:
    table, (pk,) = _quoted(model, [model._meta.pk.attname])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({pk}) FROM {table}")
        return cursor.fetchone()[0] or 0


def _assert_in_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("bulk import writes must run inside transaction.atomic()")


def reserve_pks(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, so children can point at parents written in the same batch.

    PostgreSQL hands them out from the table's sequence (safe next to concurrent inserts); on SQLite the write lock
    is already held, so the keys after the current maximum are ours.
    """
    _assert_in_transaction()
    if count == 0:
        return []
    if connection.vendor == "postgresql":
        meta = model._meta
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, count])
            return [row[0] for row in cursor.fetchall()]
    start = _max_pk(model) + 1
    return list(range(start, start + count))


def copy_rows(model: type[models.Model], attributes: Sequence[str], rows: Sequence[tuple[object, ...]]) -> None:
    """Write ``rows`` (tuples in ``attributes`` order, keys included) as fast as the database allows."""
    _assert_in_transaction()
    if not rows:
        return
    table, columns = _quoted(model, attributes)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor() as cursor, \
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_placeholders(len(columns))})",
                           _adapted(rows))


def insert_new(model: type[models.Model], attributes: Sequence[str], rows: Sequence[tuple[object, ...]], *,
               conflict_columns: Sequence[str], conflict_where: str, returning: Sequence[str]) -> list[tuple]:
    """Insert ``rows``, silently skipping those a unique constraint already holds; return the inserted rows.

    PostgreSQL: ``COPY`` into a temporary staging table, then one ``INSERT … SELECT … ON CONFLICT DO NOTHING
    RETURNING``. SQLite: ``executemany`` of ``INSERT … ON CONFLICT DO NOTHING`` (``executemany`` cannot return
    rows), then the rows above the key maximum read before the insert. ``conflict_where`` repeats the predicate of a
    partial unique index (PostgreSQL needs it to pick the index).
    """
    _assert_in_transaction()
    if not rows:
        return []
    table, columns = _quoted(model, attributes)
    _table, conflict = _quoted(model, conflict_columns)
    _table, returned = _quoted(model, returning)
    column_list, returned_list = ", ".join(columns), ", ".join(returned)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        staging = connection.ops.quote_name(f"import_staging_{model._meta.db_table}")
        with connection.connection.cursor() as cursor:
            # ON COMMIT DROP: each chunk's transaction gets a fresh, empty staging table, and no session keeps one.
            cursor.execute(f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
                           f"SELECT {column_list} FROM {table} WITH NO DATA")
            with cursor.copy(f"COPY {staging} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "
                           f"ON CONFLICT ({', '.join(conflict)}) WHERE {conflict_where} DO NOTHING "
                           f"RETURNING {returned_list}")
            inserted = cursor.fetchall()
            cursor.execute(f"DROP TABLE {staging}")
            return inserted
    before = _max_pk(model)
    _table, (pk,) = _quoted(model, [model._meta.pk.attname])
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({_placeholders(len(columns))}) "
                           f"ON CONFLICT DO NOTHING", _adapted(rows))
        cursor.execute(f"SELECT {returned_list} FROM {table} WHERE {pk} > %s ORDER BY {pk}", [before])
        # A raw read gives SQLite's stored (naive, UTC) datetimes back naive; hand them back aware, as the ORM does.
        return [tuple(value.replace(tzinfo=datetime.UTC)
                      if isinstance(value, datetime.datetime) and value.tzinfo is None else value for value in row)
                for row in cursor.fetchall()]

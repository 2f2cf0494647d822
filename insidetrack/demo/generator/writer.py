"""Bulk writing of generated rows: ``executemany`` on SQLite, ``COPY`` on PostgreSQL, keys assigned by us.

Creating model instances costs tens of microseconds each; a demo world has millions of rows. Rows are therefore
plain tuples in the column order declared here, primary keys are handed out from the table's current maximum so
that foreign keys can be filled in without a round trip, and each flush writes whole batches in parent-to-child
order (so PostgreSQL's foreign-key checks and SQLite's deferred ones always find their parents).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(slots=True)
class TableBuffer:
    """Rows waiting to be written to one table."""

    model: type[models.Model]
    attributes: tuple[str, ...]
    columns: tuple[str, ...] = ()
    statement: str = ""
    rows: list[tuple[object, ...]] = field(default_factory=list)
    next_pk: int = 1
    written: int = 0


class BulkWriter:
    """Buffers rows per table and writes them with the fastest portable statement the database offers.

    Tables are flushed in the order they were registered, which callers make parent-first.
    """

    def __init__(self, connection: BaseDatabaseWrapper, *, flush_rows: int = 50_000) -> None:
        connection.ensure_connection()
        self.connection = connection
        self.raw = connection.connection  # the DB-API connection: no Django cursor wrapper per batch
        self.vendor = connection.vendor
        self.flush_rows = flush_rows
        self.tables: dict[str, TableBuffer] = {}
        self.write_seconds = 0.0

    def register(self, name: str, model: type[models.Model], attributes: Sequence[str]) -> TableBuffer:
        """Declare a table and the attribute order of its row tuples; the first attribute must be the key."""
        meta = model._meta
        columns = tuple(meta.get_field(attribute).column for attribute in attributes)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({self.connection.ops.quote_name(meta.pk.column)}) "
                           f"FROM {self.connection.ops.quote_name(meta.db_table)}")
            current = cursor.fetchone()[0] or 0
        quote = self.connection.ops.quote_name
        table, column_list = quote(meta.db_table), ", ".join(quote(c) for c in columns)
        if self.vendor == "postgresql":
            statement = f"COPY {table} ({column_list}) FROM STDIN"
        else:
            placeholder = "?" if self.vendor == "sqlite" else "%s"
            statement = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(placeholder for _ in columns)})"
        buffer = TableBuffer(model=model, attributes=tuple(attributes), columns=columns, statement=statement,
                             next_pk=current + 1)
        self.tables[name] = buffer
        return buffer

    def add(self, buffer: TableBuffer, row: tuple[object, ...]) -> None:
        """Queue a row. Hot loops may append to ``buffer.rows`` directly, but must fetch the list again after a
        flush, which starts a new one (the generator flushes only between customers)."""
        buffer.rows.append(row)

    def maybe_flush(self) -> None:
        if sum(len(buffer.rows) for buffer in self.tables.values()) >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        batch = []
        for buffer in self.tables.values():
            if buffer.rows:
                batch.append((buffer, buffer.rows))
                buffer.written += len(buffer.rows)
                buffer.rows = []
        if not batch:
            return
        started = time.perf_counter()
        for buffer, rows in batch:
            self._write(buffer, rows)
        self.write_seconds += time.perf_counter() - started

    def _write(self, buffer: TableBuffer, rows: list[tuple[object, ...]]) -> None:
        if self.vendor == "postgresql":
            with self.raw.cursor() as cursor, cursor.copy(buffer.statement) as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        elif self.vendor == "sqlite":
            self.raw.executemany(buffer.statement, rows)
        else:  # any other backend Django supports: slower, but correct
            with self.connection.cursor() as cursor:
                cursor.executemany(buffer.statement, rows)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Drop the registered tables' secondary indexes (and on PostgreSQL their foreign keys) while loading.

        Building an index once over all keys is about twice as fast as updating eight of them per row, and
        PostgreSQL validates a re-added foreign key with one join instead of queueing a deferred check per row
        until commit (which at ten million responses would not even fit in memory). Drops and rebuilds happen in
        the caller's transaction, so a failure rolls the schema back with the data.
        """
        if self.vendor == "sqlite":
            restore = self._drop_sqlite_indexes()
        elif self.vendor == "postgresql":
            restore = self._drop_postgresql_indexes_and_foreign_keys()
        else:
            restore = []
        yield
        self.flush()
        with self.connection.cursor() as cursor:
            for statement in restore:
                cursor.execute(statement)

    def _table_names(self) -> list[str]:
        """Each table once, in registration order (several buffers may write to one table)."""
        return list(dict.fromkeys(buffer.model._meta.db_table for buffer in self.tables.values()))

    def _drop_sqlite_indexes(self) -> list[str]:
        tables = self._table_names()
        placeholders = ", ".join("%s" for _ in tables)
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                           f"AND tbl_name IN ({placeholders}) ORDER BY name", tables)
            indexes = cursor.fetchall()
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {self.connection.ops.quote_name(name)}")
        return [sql for _name, sql in indexes]

    def _drop_postgresql_indexes_and_foreign_keys(self) -> list[str]:
        quote = self.connection.ops.quote_name
        tables = self._table_names()
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                "WHERE c.contype = 'f' AND t.relname = ANY(%s) AND n.nspname = current_schema() "
                "ORDER BY 1, 2", [tables])
            foreign_keys = cursor.fetchall()
            # Pending deferred checks on the referenced tables would block ALTER TABLE: run them now. Django's
            # constraints are all INITIALLY DEFERRED, so DEFERRED is restored once the keys are back.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT i.schemaname, i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                "AND i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conname = i.indexname AND c.contype IN ('p', 'u', 'x')) ORDER BY 2", [tables])
            indexes = cursor.fetchall()
            for table, name, _definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
            for schema, name, _definition in indexes:
                cursor.execute(f"DROP INDEX {quote(schema)}.{quote(name)}")
        return ([definition for _schema, _name, definition in indexes]
                + [f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
                   for table, name, definition in foreign_keys]
                + ["SET CONSTRAINTS ALL DEFERRED"])

    def counts(self) -> dict[str, int]:
        return {name: buffer.written + len(buffer.rows) for name, buffer in self.tables.items()}

    def reset_sequences(self, extra: Iterable[type[models.Model]] = ()) -> None:
        """Move PostgreSQL's sequences past the keys we chose (SQLite's AUTOINCREMENT follows by itself)."""
        if self.vendor != "postgresql":
            return
        model_list = list(dict.fromkeys([b.model for b in self.tables.values()] + list(extra)))
        statements = self.connection.ops.sequence_reset_sql(no_style(), model_list)
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def analyze(self) -> None:
        """Refresh planner statistics after a bulk load, so the first dashboards do not pick bad plans."""
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                for table in self._table_names():
                    cursor.execute(f"ANALYZE {self.connection.ops.quote_name(table)}")
            elif self.vendor == "sqlite":
                cursor.execute("PRAGMA optimize")

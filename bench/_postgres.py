"""What the PostgreSQL benchmarks share: a throwaway database of their own, and Django migrated onto it.

Each benchmark names its own database, so a run never touches the development or test databases and two different
benchmarks can run at once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def recreate_database(url: str) -> None:
    """Drop and create the database ``url`` names (connecting to the server's ``postgres`` database to do it)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def django_on_fresh_database(url: str, *, env: dict[str, str] | None = None) -> None:
    """Recreate the database, point Django at it (plus ``env`` where not already set), set Django up and migrate."""
    if not url.startswith("postgres"):
        sys.exit("This benchmark measures PostgreSQL: set DATABASE_URL=postgres://...")
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insidetrack.settings")
    for key, value in (env or {}).items():
        os.environ.setdefault(key, value)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

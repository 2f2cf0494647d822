"""Helpers for page tests: a signed-in client per role of the ``world`` fixture, and a page's tables as text."""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import Client

from insidetrack.accounts.tests.factories import PASSWORD


def client_for(world, role: str) -> Client:
    """A test client signed in as the world's user for ``role`` (anonymous: signed out)."""
    client = Client()
    if role != "anonymous":
        assert client.login(username=world.users[role].email, password=PASSWORD)
    return client


class _Tables(HTMLParser):
    """Every table with an id, as rows of cell texts (header and data cells alike, whitespace collapsed)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id"):
            self._table = dict(attrs)["id"]
            self.tables[self._table] = []
        elif self._table and tag == "tr":
            self.tables[self._table].append([])
        elif self._table and tag in ("td", "th"):
            self._cell = []
        elif self._cell is not None and tag in ("br", "span"):
            self._cell.append(" ")  # a line break or a second figure in a cell reads as a separate word

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif self._cell is not None and tag in ("td", "th"):
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif self._cell is not None and tag == "span":
            self._cell.append(" ")

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables_of(page: str) -> dict[str, list[list[str]]]:
    """The page's tables that have an id, keyed by it."""
    parser = _Tables()
    parser.feed(page)
    return parser.tables

"""The apps' layering: an app imports only apps before it in ``ORDER``, except where ``ALLOWED`` says why.

The architecture's rule ("an app never imports one later in the list") keeps writes flowing one way: surveys may
open cases, cases never reach back into the survey intake. Its list put accounts before network, yet memberships
point at brands, regions and dealers, so network comes first here. The exceptions cross the order on purpose and say
why; a new crossing fails this test until it is removed or written down here with its reason. (The journey map, a
report on the journey that reads NPS and themes, moved from journeys to analytics rather than be one of them.)
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "insidetrack"
ORDER = ("core", "network", "accounts", "customers", "journeys", "surveys", "cases", "verbatims", "analytics",
         "integrity", "connected", "privacy", "portal", "demo")
ALLOWED = {
    ("accounts", "customers"): "an owner's sign-in link is sent to the address on their customer records",
    ("journeys", "surveys"): "an experience event records attendance as an operational event, which the survey "
                             "intake turns into the post-event survey",
    ("verbatims", "analytics"): "the verbatim pages take the dashboard's filters and its Wilson interval",
}


def _imported_apps(tree: ast.AST) -> list[tuple[str, int]]:
    """(app, line) for each import of an insidetrack app, skipping ``if TYPE_CHECKING:`` blocks (types only)."""
    found = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("insidetrack."):
            found.append((node.module.split(".")[1], node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((alias.name.split(".")[1], node.lineno) for alias in node.names
                         if alias.name.startswith("insidetrack."))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _crossings() -> dict[tuple[str, str], list[str]]:
    rank = {app: index for index, app in enumerate(ORDER)}
    crossings: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or parts[0] not in rank or "tests" in parts or "migrations" in parts:
            continue
        for target, line in _imported_apps(ast.parse(path.read_text(encoding="utf-8"))):
            if target in rank and rank[target] > rank[parts[0]]:
                crossings.setdefault((parts[0], target), []).append(f"{path.relative_to(PACKAGE)}:{line}")
    return crossings


def test_every_app_is_in_the_order():
    apps = {path.parent.name for path in PACKAGE.glob("*/apps.py")}
    assert apps == set(ORDER)


def test_no_app_imports_a_later_one_unless_it_says_why():
    crossings = _crossings()
    unexplained = {pair: places for pair, places in crossings.items() if pair not in ALLOWED}
    assert not unexplained, f"imports of a later app: {unexplained}"
    # An exception that is no longer needed is removed, so the list stays the truth.
    assert set(ALLOWED) <= set(crossings), set(ALLOWED) - set(crossings)


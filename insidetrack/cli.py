"""The ``insidetrack`` command: Django's management commands with the project's settings preselected."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. ``insidetrack demo`` or ``insidetrack migrate``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insidetrack.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["insidetrack", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

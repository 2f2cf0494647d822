"""Static files that ship inside installed Python packages, served like the project's own.

Plotly's JavaScript comes with the ``plotly`` package from PyPI (nothing is fetched from a CDN at run time, and its
version is pinned with the Python package). Django's ``FileSystemFinder`` with a prefix would expose the whole
``package_data`` folder (10 MB of datasets and a widget bundle) to ``collectstatic``; this finder exposes exactly the
files named in ``PACKAGE_FILES``.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

# Static path -> (package, file inside the package).
PACKAGE_FILES = {
    "vendor/plotly.min.js": ("plotly", "package_data/plotly.min.js"),
}


def _package_file(package: str, relative: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    candidate = Path(next(iter(spec.submodule_search_locations))) / relative
    return candidate if candidate.is_file() else None


class PackageFileFinder(BaseFinder):
    """Finds the files of ``PACKAGE_FILES`` inside their installed packages."""

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return [Error(f"{package} is not installed or lacks {relative} (needed for {path})", id="insidetrack.E010")
                for path, (package, relative) in PACKAGE_FILES.items() if _package_file(package, relative) is None]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        found = None
        if path in PACKAGE_FILES:
            found = _package_file(*PACKAGE_FILES[path])
        if found is None:
            return [] if find_all else None
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns: list[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        for path, (package, relative) in PACKAGE_FILES.items():
            found = _package_file(package, relative)
            if found is None:
                continue
            prefix, _slash, name = path.rpartition("/")
            storage = FileSystemStorage(location=str(found.parent))
            storage.prefix = prefix
            yield name, storage

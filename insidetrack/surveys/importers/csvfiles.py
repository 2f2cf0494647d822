"""Reading import CSV files strictly, and writing the rejects file that names every row left out and why.

A file is decoded and its header checked *before* anything is written: a wrong encoding or a missing column is a
mistake in the whole file, so the import stops with an :class:`ImportFormatError` instead of rejecting every row.
Row-level problems (a bad date, an unknown dealer) are the sender's data, so those rows go to the rejects file and
the good rows are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from insidetrack.core.errors import ValidationFailed

csv.field_size_limit(1_000_000)  # long verbatims are legitimate; the default 128 KiB limit is not a contract


class ImportFormatError(ValidationFailed):
    """The file as a whole cannot be read (encoding, header, CSV syntax): nothing is written."""

    code = "import_format"


class RowError(Exception):
    """One row is unusable; the message becomes its ``reason`` in the rejects file."""


@dataclass(slots=True)
class CsvTable:
    """A decoded CSV file: its header, a column-to-position map and its text, parsed lazily row by row."""

    path: Path
    header: list[str]
    positions: dict[str, int]
    text: str

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number of the row's first line, fields) for each data row; blank lines are skipped."""
        reader = csv.reader(io.StringIO(self.text, newline=""))
        try:
            next(reader)  # the header, already checked
            for fields in reader:
                if fields:
                    yield reader.line_num, fields
        except csv.Error as exc:
            raise ImportFormatError(f"{self.path.name}: CSV syntax error near line {reader.line_num}: {exc}") from exc


def read_csv(path: Path, *, required: Sequence[str], optional: Sequence[str] = (),
             one_of: Sequence[Sequence[str]] = ()) -> CsvTable:
    """Decode ``path`` as UTF-8 (a byte-order mark is allowed) and check its header.

    ``required`` columns must all be present, at least one column of each group in ``one_of`` must be present, and
    any other column is an error too: a misspelt optional column would otherwise be ignored silently.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFormatError(
            f"{path.name}: not UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}); save the file as UTF-8."
        ) from exc
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), None)
    except csv.Error as exc:
        raise ImportFormatError(f"{path.name}: the header line is not valid CSV ({exc}).") from exc
    if not header:
        raise ImportFormatError(f"{path.name}: empty file, expected a header line.")
    header = [name.strip().lower() for name in header]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise ImportFormatError(f"{path.name}: column(s) repeated in the header: {', '.join(duplicated)}.")
    missing = [name for name in required if name not in header]
    for group in one_of:
        if not any(name in header for name in group):
            missing.append(" or ".join(group))
    if missing:
        raise ImportFormatError(f"{path.name}: missing column(s) in the header: {', '.join(missing)}.")
    known = set(required) | set(optional) | {name for group in one_of for name in group}
    unknown = [name for name in header if name not in known]
    if unknown:
        raise ImportFormatError(f"{path.name}: unknown column(s) in the header: {', '.join(unknown)}.")
    return CsvTable(path=path, header=header, positions={name: i for i, name in enumerate(header)}, text=text)


def parse_datetime(value: str, column: str) -> dt.datetime:
    """An ISO 8601 time *with* its UTC offset: a time without one would be guessed in the wrong zone."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(f"malformed date in {column}: {value!r}") from None
    if parsed.tzinfo is None:
        raise RowError(f"date without UTC offset in {column}: {value!r}")
    return parsed


def optional_datetime(value: str, column: str) -> dt.datetime | None:
    return parse_datetime(value, column) if value else None


@dataclass
class Rejects:
    """Rows left out of one file: written as the original columns plus ``row`` (line number) and ``reason``."""

    file_name: str
    header: list[str]
    rows: list[tuple[int, list[str], str]] = field(default_factory=list)

    def add(self, line: int, fields: list[str], reason: str) -> None:
        self.rows.append((line, fields, reason))

    def __len__(self) -> int:
        return len(self.rows)

    def reasons(self) -> dict[str, int]:
        """Count per reason kind (the text before the first colon), for the summary."""
        counts: dict[str, int] = {}
        for _line, _fields, reason in self.rows:
            kind = reason.split(":", 1)[0]
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    def write(self, path: Path) -> None:
        """Write the rejects file; a row with too many fields keeps the extra ones in ``extra`` columns."""
        width = max([len(self.header), *(len(fields) for _line, fields, _reason in self.rows)])
        extra = [f"extra_{n}" for n in range(1, width - len(self.header) + 1)]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", *self.header, *extra, "reason"])
            for line, fields, reason in sorted(self.rows, key=lambda item: item[0]):
                padded = fields + [""] * (width - len(fields))
                writer.writerow([line, *padded, reason])

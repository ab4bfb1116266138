"""The one reader of cookie files: CSV with a header row, or JSON (a list or ``{cookies: [...]}``).

``cookiegov classify``, ``kb evaluate`` and ``kb import csv|json|open-cookie-database`` all read
their files here, so the same file reads the same way everywhere: UTF-8 with or without a BOM,
comma- or semicolon-separated (the delimiter is sniffed from the header line),
the format from the caller or the file's extension, rows numbered by CSV line or JSON item.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cookiegov.errors import InputError


@dataclass(frozen=True)
class CookieFile:
    """The rows of a cookie file as (number, row) pairs, and its columns in first-seen order."""

    format: str  # csv | json
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @property
    def unit(self) -> str:
        """How a row is numbered in messages: CSV lines, JSON items."""
        return "line" if self.format == "csv" else "item"


def file_format(path: Path, fmt: str | None = None) -> str:
    """``fmt`` if given, else ``json`` for a ``.json`` file and ``csv`` for anything else."""
    if fmt is not None:
        if fmt not in ("csv", "json"):
            raise InputError(f"unknown cookie file format {fmt!r} (csv or json)")
        return fmt
    return "json" if path.suffix.lower() == ".json" else "csv"


def read_cookie_file(
    path: Path,
    fmt: str | None = None,
    *,
    required: Iterable[str] = (),
    known: Iterable[str] = (),
) -> CookieFile:
    """Read ``path``; a CSV must have a header row holding the ``required`` columns.

    A CSV header naming a ``required`` or ``known`` column in another letter case or with
    spaces around it (``Name``, `` Domain``: spreadsheets' exports) names that column; a
    column named twice is an error (one of the two would be lost). A file that cannot be
    read as a whole (not UTF-8, not JSON, not a list of objects, no header) is an
    :class:`InputError`; checking each row's values is the caller's job. A row with more
    cells than the header has columns keeps them under the key ``None`` (csv's), for the
    caller to refuse.
    """
    fmt = file_format(path, fmt)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    needed = list(required)
    if fmt == "json":
        return _json_rows(path, text)
    reader = csv.DictReader(io.StringIO(text), delimiter=csv_delimiter(text))
    if not reader.fieldnames:
        raise InputError(f"{path}: empty file or no header row")
    spelled = {n.casefold(): n for n in (*known, *needed)}
    header = [spelled.get(h.strip().casefold(), h.strip()) for h in reader.fieldnames]
    # an unnamed column (a spreadsheet's trailing empty cells) is named by its place, so
    # that two of them keep their cells apart
    header = [h or f"column_{i}" for i, h in enumerate(header, start=1)]
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise InputError(f"{path}: the header names the column {twice[0]!r} more than once")
    reader.fieldnames = header
    missing = [c for c in needed if c not in header]
    if missing:
        wanted = " and ".join(repr(c) for c in needed)
        raise InputError(f"{path}: needs a header row with at least {wanted}")
    try:
        rows = [(reader.line_num, dict(row)) for row in reader]
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError(
                f"{path}: line {reader.line_num + 1}: a cell longer than "
                f"{csv.field_size_limit():,} characters (a cookie holds at most 4,096)"
            ) from exc
        raise InputError(f"{path}: line {reader.line_num + 1}: {exc}") from exc
    return CookieFile("csv", header, rows)


DELIMITERS = ",;\t|"


def csv_delimiter(text: str) -> str:
    """The delimiter of a CSV file: comma, or what spreadsheets save in many locales (``;``),
    tab or ``|``, told from the header line. A header with none of them is one column (``,``)."""
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _json_rows(path: Path, text: str) -> CookieFile:
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError as exc:
        raise InputError(f"{path}: not valid JSON (nested too deeply)") from exc
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from exc
    data = data.get("cookies", data) if isinstance(data, dict) else data
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of cookie objects")
    columns: list[str] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise InputError(f"{path}: item {number} is not an object ({item!r:.60})")
        for key in item:
            if key not in columns:
                columns.append(str(key))
        rows.append((number, item))
    return CookieFile("json", columns, rows)


def _finite(text: str) -> float | str:
    """A JSON number too large for a float (``1e999``) stays the text it was: read as a
    float it would be infinite, which no JSON writer can give back."""
    value = float(text)
    return value if math.isfinite(value) else text


def _no_constant(name: str) -> Any:
    """JSON has no NaN or Infinity; Python's reader would take them as numbers."""
    raise ValueError(f"{name} is not a JSON value")

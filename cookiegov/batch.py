"""``cookiegov classify``: classify a CSV or JSON file of cookies, row by row, in order."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cookiegov.classify import Classifier
from cookiegov.cookie_files import read_cookie_file
from cookiegov.csvcells import safe_row
from cookiegov.domains import host_of, is_third_party
from cookiegov.errors import InputError
from cookiegov.models import Classification, CookieInput

OUTPUT_COLUMNS = ("category", "vendor", "confidence", "needs_review", "reason")
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f", ""}


@dataclass(frozen=True)
class BadRow:
    line: int
    message: str


def _bool(value: Any, column: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(f"{column} must be true or false, not {value!r}")


# Other spellings of the columns, as CookieBlock's crawl CSV and browser exports write them.
ALIASES = {
    "expires_in": ("expires_in", "expiry_seconds"),
    "http_only": ("http_only", "httpOnly"),
    "same_site": ("same_site", "sameSite"),
    "site": ("site", "first_party_domain"),
    "consent_manager": ("consent_manager", "cmp_origin", "cmp"),
    "label": ("label", "category", "label_name"),
}


def column(row: dict[str, Any], name: str) -> Any:
    """The row's value for ``name`` under any of its spellings (:data:`ALIASES`)."""
    for key in ALIASES.get(name, (name,)):
        value = row.get(key)
        if value is not None and value != "":
            return value
    return None


def _has(row: dict[str, Any], name: str) -> bool:
    """Whether the row has the column at all (an empty cell of a CSV column counts)."""
    return any(key in row for key in ALIASES.get(name, (name,)))


def parse_row(row: dict[str, Any]) -> CookieInput:
    extra = [cell for cell in row.get(None) or () if str(cell or "").strip()]  # type: ignore[call-overload]
    if extra:
        raise InputError(f"{len(extra)} more cells than the header has columns: {extra[0]!r:.40}")
    for key in ("name", "domain"):
        if row.get(key) is not None and not isinstance(row[key], str):
            raise InputError(f"{key} must be text, not {row[key]!r:.40}")
    name = str(row.get("name") or "").strip()
    domain = str(row.get("domain") or "").strip()
    if not name or not domain:
        raise InputError("name and domain are required")
    raw_expiry = column(row, "expires_in")
    expires_in: float | None
    if raw_expiry in (None, "", "-1", -1):
        expires_in = None
    else:
        try:
            if isinstance(raw_expiry, bool):  # JSON true is not a number of seconds
                raise TypeError
            expires_in = float(raw_expiry)
            if not math.isfinite(expires_in):  # inf, nan
                raise ValueError(raw_expiry)
        except (TypeError, ValueError, OverflowError) as exc:  # OverflowError: a 400-digit int
            raise InputError(f"expires_in must be seconds, not {raw_expiry!r:.40}") from exc
        if expires_in < 0:
            expires_in = None
    session = _bool(row.get("session"), "session")
    if session:
        expires_in = None
    # A row that says nothing of the lifetime (no expires_in, no session column) is not a
    # session cookie: its lifetime is unknown, and the classifier says so.
    lifetime_known = (
        raw_expiry not in (None, "")  # seconds given
        or session is True
        or (session is None and _has(row, "expires_in"))  # an empty cell: a session cookie
    )  # else ("session: false" alone, or neither column) how long it lives is not known
    given_site = str(column(row, "site") or "").strip()
    site = host_of(given_site) or None
    if given_site and site is None:  # a URL no host can be read from ("http://[x")
        raise InputError(f"site is not a host or URL: {given_site!r}")
    manager = str(column(row, "consent_manager") or "").strip()[:64] or None
    return CookieInput(
        name=name,
        domain=domain,
        path=str(row.get("path") or "/"),
        value=None if row.get("value") is None else str(row.get("value")),
        expires_in=expires_in,
        http_only=_bool(column(row, "http_only"), "http_only"),
        secure=_bool(row.get("secure"), "secure"),
        same_site=str(column(row, "same_site") or "") or None,
        site=site,
        set_by=str(row.get("set_by") or "") or None,
        third_party=is_third_party(domain, site) if site else None,
        consent_manager=manager,
        lifetime_known=lifetime_known,
    )


#: The input columns :func:`parse_row` reads, in every spelling.
INPUT_COLUMNS = (
    "name",
    "domain",
    "path",
    "value",
    "session",
    "secure",
    "set_by",
    *(spelling for spellings in ALIASES.values() for spelling in spellings),
)


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """Columns and (line, row) pairs of a CSV (header row) or JSON (list of objects) file."""
    data = read_cookie_file(path, required=("name", "domain"), known=INPUT_COLUMNS)
    return data.columns, data.rows


def kept_as(columns: Iterable[str]) -> dict[str, str]:
    """The output name of each input column: one the classifier adds (``category``: the
    input's own label, say) is kept as ``input_category`` (``input_input_category`` if the
    input has that too), never overwritten."""
    given = list(dict.fromkeys(columns))
    taken = {*given, *OUTPUT_COLUMNS}
    names = {}
    for column in given:
        name = column
        if column in OUTPUT_COLUMNS:
            name = f"input_{column}"
            while name in taken:
                name = f"input_{name}"
            taken.add(name)
        names[column] = name
    return names


def classify_rows(
    classifier: Classifier, rows: list[tuple[int, dict[str, Any]]]
) -> tuple[list[dict[str, Any]], list[BadRow]]:
    out: list[dict[str, Any]] = []
    bad: list[BadRow] = []
    parsed: list[CookieInput | None] = []
    errors: dict[int, str] = {}
    for i, (line, row) in enumerate(rows):
        try:
            parsed.append(parse_row(row))
        except InputError as exc:
            bad.append(BadRow(line, exc.message))
            errors[i] = exc.message
            parsed.append(None)
    answers = iter(classifier.classify_many([p for p in parsed if p is not None]))
    names = kept_as(k for _, row in rows for k in row if k is not None)
    for i, ((_line, row), cookie) in enumerate(zip(rows, parsed, strict=True)):
        result: Classification | None = None if cookie is None else next(answers)
        out.append(
            {
                **{names[k]: v for k, v in row.items() if k is not None},
                "category": result.category.value if result else "",
                "vendor": (result.vendor or "") if result else "",
                "confidence": round(result.confidence, 2) if result else "",
                "needs_review": result.needs_review if result else "",
                "reason": result.reason if result else f"not classified: {errors[i]}",
            }
        )
    return out, bad


def write_rows(columns: list[str], rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    buffer = io.StringIO()
    fields = list(kept_as(columns).values()) + list(OUTPUT_COLUMNS)
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(safe_row({k: _cell(v) for k, v in row.items()}) for row in rows)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """A JSON input's value as a CSV cell: true/false, nested values as JSON (not Python's
    repr)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value

"""Where knowledge comes from besides the built-in base: site override files and imports.

- Site overrides: ``<overrides_dir>/<site>.json`` or ``.toml`` with a ``cookies`` list of
  ``{name | pattern, category, vendor?, purpose?}``. They always win.
- ``kb import open-cookie-database FILE.csv``: the Open Cookie Database's CSV format.
- ``kb import csv|json FILE``: a site's own declared cookies (same fields as overrides).
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path
from typing import Any

from cookiegov.classification.ocd import OCD_CATEGORIES
from cookiegov.classify import Classifier
from cookiegov.errors import InputError
from cookiegov.knowledge import KnownCookie, builtin_cookies, builtin_hosts
from cookiegov.models import Category
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.kb import load_entries

OCD_NAME = "Cookie / Data Key name"


def read_open_cookie_database(path: Path) -> tuple[list[KnownCookie], list[str]]:
    """Entries and problems (one per skipped line) from an Open Cookie Database CSV."""
    rows, problems = _csv_rows(path)
    entries: list[KnownCookie] = []
    for line, row in rows:
        name = (row.get(OCD_NAME) or "").strip()
        category = OCD_CATEGORIES.get((row.get("Category") or "").strip().lower())
        if not name or category is None:
            problems.append(f"line {line}: no name or unknown category {row.get('Category')!r}")
            continue
        wildcard = (row.get("Wildcard match") or "0").strip() == "1"
        entries.append(
            KnownCookie(
                pattern=f"{name}*" if wildcard and not name.endswith("*") else name,
                category=category,
                vendor=(row.get("Platform") or row.get("Data Controller") or "").strip() or None,
                purpose=(row.get("Description") or "").strip()[:500] or None,
                source="import:open-cookie-database",
            )
        )
    if not entries:
        raise InputError(f"{path}: no usable rows; is it the Open Cookie Database CSV format?")
    return entries, problems


def read_declared(path: Path, fmt: str) -> tuple[list[KnownCookie], list[str]]:
    """A site's own declared cookies from CSV (header row) or JSON (list or {cookies: [...]})."""
    items: list[tuple[int, dict[str, Any]]]
    if fmt == "json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: not valid JSON ({exc})") from exc
        data = data.get("cookies", data) if isinstance(data, dict) else data
        if not isinstance(data, list):
            raise InputError(f"{path}: expected a list of cookies")
        items = list(enumerate(data, start=1))
        problems: list[str] = []
    else:
        items, problems = _csv_rows(path)
    entries = []
    for line, item in items:
        try:
            entries.append(entry_from(item, source=f"import:{path.name}"))
        except (InputError, KeyError, TypeError, AttributeError) as exc:
            problems.append(f"{'line' if fmt == 'csv' else 'item'} {line}: {exc}")
    return entries, problems


def entry_from(item: dict[str, Any], *, source: str) -> KnownCookie:
    pattern = str(item.get("pattern") or item.get("name") or "").strip()
    if not pattern:
        raise InputError("missing name")
    try:
        category = Category.parse(str(item.get("category", "")))
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    return KnownCookie(
        pattern=pattern,
        category=category,
        vendor=(str(item["vendor"]) if item.get("vendor") else None),
        purpose=(str(item["purpose"]) if item.get("purpose") else None),
        source=source,
        domain=(str(item["domain"]).lstrip(".") if item.get("domain") else None),
    )


def _csv_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise InputError(f"{path}: empty file or no header row")
    rows = [(reader.line_num, row) for row in reader]
    return rows, []


def load_overrides(settings: Settings, site: str | None) -> list[KnownCookie]:
    if not settings.overrides_dir or not site:
        return []
    folder = Path(settings.overrides_dir)
    for suffix in (".json", ".toml"):
        path = folder / f"{site}{suffix}"
        if path.exists():
            try:
                raw = (
                    json.loads(path.read_text("utf-8"))
                    if suffix == ".json"
                    else tomllib.loads(path.read_text("utf-8"))
                )
                items = raw.get("cookies", []) if isinstance(raw, dict) else raw
                return [entry_from(i, source=f"override:{path.name}") for i in items]
            except (ValueError, tomllib.TOMLDecodeError, InputError) as exc:
                raise InputError(f"{path}: invalid overrides file ({exc})") from exc
    return []


def classifier_for(settings: Settings, db: Database | None, site: str | None) -> Classifier:
    """The full layered classifier for ``site``: overrides, imports, shipped knowledge, model."""
    declared = load_entries(db, "declared") if db else []
    imported = load_entries(db, "database") if db else []
    return Classifier(
        builtin=builtin_cookies(),
        hosts=builtin_hosts(),
        overrides=load_overrides(settings, site),
        declared=declared,
        imported=imported,
        review_threshold=settings.review_threshold,
    )

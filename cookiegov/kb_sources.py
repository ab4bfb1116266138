"""Where knowledge comes from besides the built-in base: site override files and imports.

- Site overrides: ``<overrides_dir>/<site>.json`` or ``.toml`` with a ``cookies`` list of
  ``{name | pattern, category, vendor?, purpose?}``. They always win.
- ``kb import open-cookie-database FILE.csv``: the Open Cookie Database's CSV format.
- ``kb import csv|json FILE``: a site's own declared cookies (same fields as overrides).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from cookiegov.classification.ocd import OCD_CATEGORIES
from cookiegov.classify import Classifier
from cookiegov.cookie_files import read_cookie_file
from cookiegov.errors import InputError
from cookiegov.knowledge import KnownCookie, cookie_domain, entry_from_dict
from cookiegov.models import Category
from cookiegov.settings import Settings
from cookiegov.storage import Database
from cookiegov.storage.kb import load_entries
from cookiegov.storage.site_admin import cookie_overrides_for

OCD_NAME = "Cookie / Data Key name"


def read_open_cookie_database(path: Path) -> tuple[list[KnownCookie], list[str]]:
    """Entries and problems (one per skipped line) from an Open Cookie Database CSV."""
    data = read_cookie_file(path, "csv", required=(OCD_NAME, "Category"))
    entries: list[KnownCookie] = []
    problems: list[str] = []
    for line, row in data.rows:
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


def read_declared(path: Path, fmt: str | None = None) -> tuple[list[KnownCookie], list[str]]:
    """A site's own declared cookies from CSV (header row) or JSON (list or {cookies: [...]}),
    and one problem per skipped row; a file without a usable entry is an :class:`InputError`."""
    data = read_cookie_file(path, fmt)
    entries, problems = [], []
    for number, item in data.rows:
        try:
            entries.append(entry_from(item, source=f"import:{path.name}"))
        except InputError as exc:
            problems.append(f"{data.unit} {number}: {exc.message}")
    if not entries:  # importing nothing would wipe the source: refuse
        first = f" ({problems[0]}{', …' if len(problems) > 1 else ''})" if problems else ""
        raise InputError(f"{path}: no usable entries{first}; nothing imported")
    return entries, problems


def entry_from(item: dict[str, Any], *, source: str) -> KnownCookie:
    """One override or declared entry: the knowledge base's one entry parser."""
    return entry_from_dict(item, source=source)


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
                if not isinstance(items, list):
                    raise InputError("expected a list of cookies")
                return [entry_from(i, source=f"override:{path.name}") for i in items]
            except (ValueError, RecursionError, UnicodeDecodeError, InputError) as exc:
                raise InputError(f"{path}: invalid overrides file ({exc})") from exc
    return []


def edited_overrides(db: Database, site: str) -> list[KnownCookie]:
    """What the site's admin set for its cookies in the dashboard's editor (they win over an
    overrides file: they are the later word)."""
    out = []
    for (name, domain), row in sorted(cookie_overrides_for(db, site).items()):
        try:
            category = Category(row["category"])
        except ValueError:  # pragma: no cover - the editor stores one of the four
            continue
        if "*" in name or name.startswith("re:"):
            continue  # a literal name the table would read as a pattern
        out.append(
            KnownCookie(
                pattern=name,
                category=category,
                vendor=row.get("vendor"),
                purpose=row.get("purpose"),
                source=f"editor:{site}",
                host=cookie_domain(domain) if domain else None,
            )
        )
    return out


def classifier_for(settings: Settings, db: Database | None, site: str | None) -> Classifier:
    """The full layered classifier for ``site``: overrides, imports, shipped knowledge, model."""
    declared = load_entries(db, "declared", site) if db else []
    imported = load_entries(db, "database") if db else []
    edited = edited_overrides(db, site) if db and site else []
    return Classifier(  # the shipped knowledge, hosts grown from the vendor facts included
        overrides=[*edited, *load_overrides(settings, site)],
        declared=declared,
        imported=imported,
        review_threshold=settings.review_threshold,
    )

"""Policy check: what a privacy or cookie policy declares, against what the scans found.

The policy is parsed with BeautifulSoup: tables (a name column, and category and provider
columns when present) and prose (cookie names in ``<code>`` or matching scanned names, under the
nearest heading, whose words give the category), plus the vendors it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, Tag

from cookiegov.knowledge import builtin_cookies, builtin_hosts
from cookiegov.models import Category, ScanResult

_CATEGORY_WORDS = (
    (Category.ADVERTISING, ("advertis", "marketing", "targeting", "retarget")),
    (Category.ANALYTICS, ("analytic", "statistic", "measurement", "performance", "audience")),
    (Category.FUNCTIONAL, ("preference", "functional", "personali", "remember")),
    (
        Category.NECESSARY,
        ("strictly necessary", "essential", "necessary", "session", "security", "required"),
    ),
)
_NAME = re.compile(r"^[A-Za-z0-9_.\-*:$@]{2,80}$")


def category_in(text: str) -> Category | None:
    low = text.lower()
    for category, words in _CATEGORY_WORDS:
        if any(w in low for w in words):
            return category
    return None


@dataclass
class Declared:
    cookies: dict[str, Category | None] = field(default_factory=dict)
    vendors: set[str] = field(default_factory=set)
    categories: set[Category] = field(default_factory=set)

    def add(self, name: str, category: Category | None) -> None:
        name = name.strip().strip(",;")
        if _NAME.match(name) and (name not in self.cookies or self.cookies[name] is None):
            self.cookies[name] = category


def _tables(soup: BeautifulSoup, declared: Declared) -> None:
    for table in soup.find_all("table"):
        rows = table.find_all("tr")
        if not rows:
            continue
        header = [c.get_text(" ", strip=True).lower() for c in rows[0].find_all(["th", "td"])]
        name_col = next((i for i, h in enumerate(header) if "cookie" in h or "name" in h), None)
        if name_col is None:
            continue
        cat_col = next(
            (
                i
                for i, h in enumerate(header)
                if any(w in h for w in ("category", "type", "purpose"))
            ),
            None,
        )
        vendor_col = next(
            (
                i
                for i, h in enumerate(header)
                if any(w in h for w in ("provider", "vendor", "company", "set by"))
            ),
            None,
        )
        for row in rows[1:]:
            cells = [c.get_text(" ", strip=True) for c in row.find_all(["td", "th"])]
            if len(cells) <= name_col:
                continue
            category = (
                category_in(cells[cat_col])
                if cat_col is not None and cat_col < len(cells)
                else None
            )
            for name in re.split(r"[,\s]+", cells[name_col]):
                if name:
                    declared.add(name, category)
            if vendor_col is not None and vendor_col < len(cells) and cells[vendor_col]:
                declared.vendors.add(cells[vendor_col])


def _heading_category(node: Tag) -> Category | None:
    heading = node.find_previous(["h1", "h2", "h3", "h4", "h5"])
    return category_in(heading.get_text(" ", strip=True)) if heading else None


def parse_policy(html: str, known_names: set[str] | None = None) -> Declared:
    soup = BeautifulSoup(html, "html.parser")
    for junk in soup(["script", "style", "nav", "footer"]):
        junk.decompose()
    declared = Declared()
    _tables(soup, declared)
    in_tables = {id(c) for t in soup.find_all("table") for c in t.find_all("code")}
    for code in soup.find_all("code"):
        if id(code) in in_tables:
            continue
        for name in re.split(r"[,\s]+", code.get_text(" ", strip=True)):
            if name:
                declared.add(name, _heading_category(code))
    text = soup.get_text(" ", strip=True)
    for name in known_names or ():
        if name not in declared.cookies and re.search(
            rf"(?<![\w.]){re.escape(name)}(?![\w])", text
        ):
            node = soup.find(string=re.compile(re.escape(name)))
            declared.add(name, _heading_category(node.parent) if node and node.parent else None)
    for heading in soup.find_all(["h1", "h2", "h3", "h4"]):
        category = category_in(heading.get_text(" ", strip=True))
        if category:
            declared.categories.add(category)
    low = text.lower()
    vendor_names = {e.vendor for e in builtin_cookies() if e.vendor} | {
        h.vendor for h in builtin_hosts()._hosts.values()
    }
    for vendor in vendor_names:
        if len(vendor) > 3 and re.search(rf"\b{re.escape(vendor.lower())}\b", low):
            declared.vendors.add(vendor)
    return declared


def _matches(declared: str, name: str) -> bool:
    if declared == name:
        return True
    stem = declared.rstrip("*")
    if declared.endswith("*"):
        return name.startswith(stem)
    return name.startswith(stem + ".") or (name.startswith(stem + "_") and len(stem) >= 3)


def compare(declared: Declared, scans: list[ScanResult]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for scan in scans:
        for c in scan.cookies:
            if not c.blocked_reason:
                found.setdefault(c.name, c)
    undeclared, mismatches = [], []
    for name, c in sorted(found.items()):
        match = next((d for d in declared.cookies if _matches(d, name)), None)
        if match is None:
            undeclared.append(
                {
                    "name": name,
                    "domain": c.domain,
                    "category": c.category.value,
                    "vendor": c.classification.vendor if c.classification else None,
                }
            )
            continue
        said = declared.cookies[match]
        if said is not None and c.category not in (said, Category.UNKNOWN):
            mismatches.append(
                {
                    "name": name,
                    "declared": said.value,
                    "found": c.category.value,
                    "declared_as": match,
                }
            )
    absent = sorted(d for d in declared.cookies if not any(_matches(d, n) for n in found))
    found_vendors = {
        c.classification.vendor
        for c in found.values()
        if c.classification and c.classification.vendor
    }
    return {
        "declared": {n: (c.value if c else None) for n, c in sorted(declared.cookies.items())},
        "declared_vendors": sorted(declared.vendors),
        "declared_categories": sorted(c.value for c in declared.categories),
        "undeclared": undeclared,
        "declared_but_absent": absent,
        "category_mismatches": mismatches,
        "vendors_not_named": sorted(v for v in found_vendors if v not in declared.vendors),
    }

"""Presenting a scan: a terminal table, JSON, CSV and a self-contained HTML report."""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from rich.console import Console
from rich.table import Table

from cookiegov.csvcells import safe_row
from cookiegov.models import Category, ObservedCookie, ScanResult, summarize

COLORS = {
    Category.NECESSARY: "#2e7d32",
    Category.FUNCTIONAL: "#1565c0",
    Category.ANALYTICS: "#ef6c00",
    Category.ADVERTISING: "#c62828",
    Category.UNKNOWN: "#757575",
}
_env = Environment(
    loader=PackageLoader("cookiegov", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def lifetime_text(cookie: ObservedCookie) -> str:
    seconds = cookie.lifetime
    if seconds is None:
        return "session"
    if seconds < 3600:
        return f"{max(0, round(seconds / 60))} min"
    if seconds < 86400 * 2:
        return f"{round(seconds / 3600)} h"
    if seconds < 86400 * 60:
        return f"{round(seconds / 86400)} days"
    months = seconds / (86400 * 30.44)
    return f"{round(months)} months" if months < 24 else f"{months / 12:.1f} years"


def inventory_table(result: ScanResult) -> Table:
    table = Table(
        title=f"{len(result.cookies)} cookies on {result.site} "
        f"({len(result.pages)} pages, consent: {result.consent})",
        header_style="bold",
        show_lines=False,
    )
    for column in ("Name", "Domain", "Category", "Party", "Lifetime", "Set by", "Pages"):
        table.add_column(column, overflow="fold")
    for c in result.cookies:
        style = {
            Category.NECESSARY: "green",
            Category.FUNCTIONAL: "blue",
            Category.ANALYTICS: "yellow",
            Category.ADVERTISING: "red",
        }.get(c.category, "dim")
        party = "3rd" if c.third_party else "1st"
        if c.blocked_reason:
            party += " (blocked)"
        how = "/".join(v.value for v in c.set_via)
        table.add_row(
            c.name,
            c.domain,
            f"[{style}]{c.category.value}[/]",
            party,
            lifetime_text(c),
            f"{how}: {_short(c.set_by)}",
            str(len(c.pages)),
        )
    return table


def _short(url: str | None, limit: int = 48) -> str:
    if not url:
        return "—"
    text = url.split("://", 1)[-1].split("?")[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_table(result: ScanResult, console: Console | None = None) -> None:
    """Print the inventory; wide enough to read even when stdout is not a terminal."""
    console = console or Console(width=None if sys.stdout.isatty() else 150)
    console.print(inventory_table(result))


def to_json(result: ScanResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)


CSV_COLUMNS = (
    "name",
    "domain",
    "path",
    "category",
    "vendor",
    "confidence",
    "third_party",
    "session",
    "lifetime",
    "http_only",
    "secure",
    "same_site",
    "set_via",
    "set_by",
    "blocked_reason",
    "pages",
    "reason",
)


def to_csv(result: ScanResult) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for c in result.cookies:
        row: dict[str, Any] = c.to_dict()
        row["set_via"] = "/".join(row["set_via"])
        row["pages"] = " ".join(row["pages"])
        writer.writerow(safe_row(row))
    return out.getvalue()


def to_html(result: ScanResult) -> str:
    summary = summarize(result.cookies)
    bars: list[dict[str, Any]] = []
    for category in Category:
        first = sum(1 for c in result.cookies if c.category == category and not c.third_party)
        third = sum(1 for c in result.cookies if c.category == category and c.third_party)
        bars.append(
            {"category": category.value, "first": first, "third": third, "color": COLORS[category]}
        )
    peak = max([int(b["first"]) + int(b["third"]) for b in bars] + [1])
    return _env.get_template("report.html").render(
        result=result,
        summary=summary,
        bars=bars,
        peak=peak,
        lifetime=lifetime_text,
        colors={k.value: v for k, v in COLORS.items()},
        errors=[p for p in result.pages if p.error],
    )


FORMATS = {"json": to_json, "csv": to_csv, "html": to_html}


def check_html(report: Any) -> str:
    from cookiegov.compliance import RULES

    return _env.get_template("check.html").render(report=report, rules=RULES)


def check_table(report: Any) -> Table:
    table = Table(
        title=f"Compliance of {report.url}: {len(report.violations)} violation(s), "
        f"{len(report.warnings)} warning(s)",
        header_style="bold",
    )
    for column in ("Severity", "Rule", "Finding", "State", "Evidence"):
        table.add_column(column, overflow="fold")
    for f in report.findings:
        style = "red" if f.severity == "violation" else "yellow"
        where = f.evidence.get("setter") or f.evidence.get("initiator") or f.evidence.get("page")
        table.add_row(f"[{style}]{f.severity}[/]", f.rule, f.message, f.state, _short(where, 60))
    return table

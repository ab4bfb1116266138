"""Presenting a scan: a terminal table, JSON, CSV and a self-contained HTML report."""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

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


#: Units of a duration, largest first: (unit, seconds, singular, plural).
DURATION_UNITS = (
    ("years", 365.25 * 86400, "year", "years"),
    ("months", 30.44 * 86400, "month", "months"),
    ("days", 86400, "day", "days"),
    ("hours", 3600, "hour", "hours"),
    ("minutes", 60, "minute", "minutes"),
    ("seconds", 1, "second", "seconds"),
)


def duration_parts(seconds: float | None) -> tuple[int, str]:
    """A lifetime as (count, unit): the one rule every surface uses (report, declaration,
    dashboard, banner). ``(0, "session")`` for a session cookie. The largest unit of which
    there is at least one, except that days go up to 59 and months up to 23."""
    if seconds is None:
        return 0, "session"
    seconds = max(0.0, float(seconds))
    limits: dict[str, float] = {
        "seconds": 60,
        "minutes": 3600,
        "hours": 86400,
        "days": 60 * 86400,
        "months": 24 * 30.44 * 86400,
    }
    for unit, size, _, _ in reversed(DURATION_UNITS):
        if unit == "years" or seconds < limits[unit]:
            return round(seconds / size), unit
    raise AssertionError("unreachable")  # pragma: no cover


def duration_text(seconds: float | None) -> str:
    """``"30 minutes"``, ``"1 hour"``, ``"13 months"``, ``"session"``."""
    count, unit = duration_parts(seconds)
    if unit == "session":
        return "session"
    singular, plural = next((s, p) for u, _, s, p in DURATION_UNITS if u == unit)
    return f"{count} {singular if count == 1 else plural}"


def lifetime_text(cookie: ObservedCookie) -> str:
    return duration_text(cookie.lifetime)


def inventory_table(result: ScanResult) -> Table:
    table = Table(
        title=f"{len(result.cookies)} cookies on {escape(result.site)} "
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
            Text(c.name),
            Text(c.domain),
            Text(c.category.value, style=style),
            party,
            lifetime_text(c),
            Text(f"{how}: {_short(c.set_by)}"),
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
        title=f"Compliance of {escape(report.url)}: {len(report.violations)} violation(s), "
        f"{len(report.warnings)} warning(s)",
        header_style="bold",
    )
    for column in ("Severity", "Rule", "Finding", "State", "Evidence"):
        table.add_column(column, overflow="fold")
    for f in report.findings:
        style = "red" if f.severity == "violation" else "yellow"
        where = f.evidence.get("setter") or f.evidence.get("initiator") or f.evidence.get("page")
        table.add_row(
            Text(f.severity, style=style),
            f.rule,
            Text(f.message),
            str(f.state),
            Text(_short(where, 60)),
        )
    return table


# -- consent-state comparison (scan --compare) -------------------------------------------
def comparison_table(data: dict[str, Any]) -> Table:
    """The comparison of :func:`cookiegov.compare.comparison` as a terminal table."""
    table = Table(title=f"Consent states on {escape(data['url'])}", header_style="bold")
    for column in ("State", "Banner", "Cookies", "Analytics", "Advertising", "Adds vs. none"):
        table.add_column(column, overflow="fold")
    for state, summary in data["states"].items():
        banner = summary.get("banner") or {}
        clicked = (
            banner.get("clicked")
            if banner.get("banner_found")
            else ("not found" if banner else "—")
        )
        adds = data["adds"].get(state, {}).get("cookies", [])
        table.add_row(
            str(state),
            Text(str(clicked)),
            str(summary["cookies"]),
            str(summary["by_category"]["analytics"]),
            str(summary["by_category"]["advertising"]),
            Text(", ".join(f"{c['name']} ({c['category']})" for c in adds) or "—"),
        )
    return table


def comparison_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2)


def comparison_csv(data: dict[str, Any]) -> str:
    """One row per consent state: its counts and the cookies it adds to "none"."""
    out = io.StringIO()
    columns = ["state", "scan_id", "cookies", *(c.value for c in Category), "adds", "hosts"]
    writer = csv.writer(out)
    writer.writerow(columns)
    for state, summary in data["states"].items():
        adds = data["adds"].get(state, {})
        writer.writerow(
            [
                state,
                summary.get("scan_id") or "",
                summary["cookies"],
                *(summary["by_category"].get(c.value, 0) for c in Category),
                " ".join(f"{c['name']}@{c['domain']}" for c in adds.get("cookies", [])),
                " ".join(adds.get("hosts", [])),
            ]
        )
    return out.getvalue()


def comparison_html(data: dict[str, Any]) -> str:
    return _env.get_template("compare.html").render(
        d=data,
        categories=[c.value for c in Category],
        colors={k.value: v for k, v in COLORS.items()},
    )


# -- ad opt-out status ---------------------------------------------------------------------
def optout_tables(data: dict[str, Any]) -> Group:
    """The opt-out report: refusals per day, and per ad vendor whether they are honoured."""
    days = Table(
        title=f"Advertising refused by {escape(data['site'])}'s visitors", header_style="bold"
    )
    for column in ("Day", "Choices", "Refused", "Share", "Banner refused", "GPC refused"):
        days.add_column(column)
    for d in data["series"]:
        days.add_row(
            d["day"],
            str(d["choices"]),
            str(d["refused_advertising"]),
            f"{d['share_refused']:.0%}",
            f"{d['by_banner']['refused']}/{d['by_banner']['choices']}",
            f"{d['by_gpc']['refused']}/{d['by_gpc']['choices']}",
        )
    vendors = Table(title="Is the opt-out honoured?", header_style="bold")
    for column in ("Vendor", "Cookies", "After Reject all", "With GPC"):
        vendors.add_column(column)

    def verdict(v: dict[str, Any]) -> Text:
        if v["honoured"] is None:
            return Text("not scanned")
        if v["honoured"]:
            return Text("honoured", style="green")
        return Text.assemble(
            ("not honoured", "red"), ": " + ", ".join(v["cookies"] + v["requests"])
        )

    for v in data["vendors"]:
        vendors.add_row(
            Text(v["vendor"]),
            Text(", ".join(v["cookies"])),
            verdict(v["reject"]),
            verdict(v["gpc"]),
        )
    return Group(days, vendors)


# -- policy check ----------------------------------------------------------------------------
def policy_text(result: dict[str, Any], policy_url: str, found: int) -> Group:
    """What a policy declares against what the scans found, section by section."""
    parts: list[Any] = [
        Text.from_markup(
            f"[bold]{escape(policy_url)}[/] declares {len(result['declared'])} "
            f"cookies; the scans found {found}."
        )
    ]
    sections = (
        (
            "Found but not declared",
            [f"{r['name']} ({r['category']})" for r in result["undeclared"]],
        ),
        ("Declared but not found", result["declared_but_absent"]),
        (
            "Category differs",
            [
                f"{m['name']}: policy says {m['declared']}, scan says {m['found']}"
                for m in result["category_mismatches"]
            ],
        ),
        ("Vendors found but not named", result["vendors_not_named"]),
    )
    for title, rows in sections:
        parts.append(Text.from_markup(f"\n[bold]{title}[/] ({len(rows)})"))
        parts.extend(Text(f"  • {row}") for row in rows)
    return Group(*parts)


# -- stored scans and schedules ------------------------------------------------------------
def scans_text(rows: list[dict[str, Any]]) -> str:
    return "".join(
        f"{r['id']:>5}  {r['started_at']}  {r['domain']:<24} {r['consent']:<6} "
        f"{r['page_count']:>4} pages {r['cookie_count']:>4} cookies  {r['url']}\n"
        for r in rows
    )


def diff_table(d: dict[str, Any]) -> Group:
    """What changed between two scans, section by section, for a terminal."""
    title = f"Scan {d['from_scan']} → scan {d['to_scan']} of {d['site']}"
    parts: list[Any] = [Text(title, style="bold")]
    for mismatch in ("site_mismatch", "state_mismatch"):
        if d.get(mismatch):
            parts.append(Text(f"warning: {d[mismatch]}", style="yellow"))
    cookie_cols = ("Name", "Domain", "Category", "Party", "Set by")

    def cookies(rows: list[dict[str, Any]], heading: str) -> Table:
        table = Table(title=f"{heading} ({len(rows)})", header_style="bold", title_justify="left")
        for column in cookie_cols:
            table.add_column(column, overflow="fold")
        for c in rows:
            party = "3rd" if c["third_party"] else "1st"
            table.add_row(c["name"], c["domain"], c["category"], party, _short(c["set_by"]))
        return table

    def changes(rows: list[dict[str, Any]], heading: str, show: Any) -> Table:
        table = Table(title=f"{heading} ({len(rows)})", header_style="bold", title_justify="left")
        for column in ("Name", "Domain", "Before", "After"):
            table.add_column(column, overflow="fold")
        for c in rows:
            table.add_row(c["name"], c["domain"], show(c["from"]), show(c["to"]))
        return table

    if not d["changed"]:
        parts.append(Text("No changes.", style="green"))
        return Group(*parts)
    if d["new_cookies"]:
        parts.append(cookies(d["new_cookies"], "New cookies"))
    if d["removed_cookies"]:
        parts.append(cookies(d["removed_cookies"], "Removed cookies"))
    if d["category_changes"]:
        parts.append(changes(d["category_changes"], "Category changes", str))
    if d["lifetime_changes"]:
        parts.append(changes(d["lifetime_changes"], "Lifetime changes", duration_text))
    if d["new_third_party_hosts"]:
        parts.append(Text(f"New third-party hosts ({len(d['new_third_party_hosts'])})", "bold"))
        parts.extend(Text(f"  • {h}") for h in d["new_third_party_hosts"])
    for key, label, style in (
        ("new_violations", "New violations", "red"),
        ("new_warnings", "New warnings", "yellow"),
    ):
        if d[key]:
            parts.append(Text(f"{label} ({len(d[key])})", style=f"bold {style}"))
            parts.extend(Text(f"  • {f['rule']}: {f['message']}") for f in d[key])
    return Group(*parts)


def schedules_text(rows: list[Any]) -> str:
    out = []
    for s in rows:
        state = "paused" if s.paused else f"next {s.next_run_at}"
        last = f"last scan {s.last_scan_id}" if s.last_scan_id else "never run"
        error = f" · error: {s.last_error}" if s.last_error else ""
        out.append(f"{s.id:>4}  {s.cron:<16} {s.consent:<7} {state:<34} {last}  {s.url}{error}\n")
    return "".join(out)

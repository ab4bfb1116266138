"""Advertising opt-out status for marketing: who refused, and do ad vendors honour it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cookiegov.consent_stats import optin_series  # noqa: F401  (moved; old import path)
from cookiegov.domains import registrable_domain
from cookiegov.models import Category, ConsentState, ScanResult
from cookiegov.storage import Database
from cookiegov.storage.consents import all_records
from cookiegov.storage.scans import baseline_scan, latest_scan


def refusal_series(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per day: choices made, and the share refusing advertising, by banner and by GPC."""
    days: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in records:
        day = str(r["created_at"])[:10]
        way = "gpc" if r["gpc"] else "banner"
        days[day][f"{way}_total"] += 1
        days[day][f"{way}_refused"] += int(not r["choices"].get("advertising", False))
        days[day]["gpc_overrides"] += int(bool(r.get("gpc_override")))
    out = []
    for day in sorted(days):
        d = days[day]
        total = d["banner_total"] + d["gpc_total"]
        refused = d["banner_refused"] + d["gpc_refused"]
        out.append(
            {
                "day": day,
                "choices": total,
                "refused_advertising": refused,
                "share_refused": round(refused / total, 4) if total else 0.0,
                "by_banner": {"choices": d["banner_total"], "refused": d["banner_refused"]},
                "by_gpc": {
                    "choices": d["gpc_total"],
                    "refused": d["gpc_refused"],
                    "overrides": d["gpc_overrides"],  # granted explicitly despite GPC
                },
            }
        )
    return out


def _vendor_of(c: Any) -> str:
    if c.classification and c.classification.vendor:
        return str(c.classification.vendor)
    return registrable_domain(c.domain if c.third_party else (c.set_by or c.domain))


def vendor_status(
    baseline: ScanResult | None, reject: ScanResult | None, gpc: ScanResult | None
) -> list[dict[str, Any]]:
    """Each advertising vendor seen on the site, and whether reject and GPC keep it quiet."""
    if baseline is None:
        return []
    vendors: dict[str, dict[str, Any]] = {}
    for c in baseline.cookies:
        if c.category is Category.ADVERTISING:
            v = vendors.setdefault(_vendor_of(c), {"cookies": set(), "domains": set()})
            v["cookies"].add(c.name)
            v["domains"].add(registrable_domain(c.domain if c.third_party else (c.set_by or "")))
    out = []
    for vendor, seen in sorted(vendors.items()):
        row: dict[str, Any] = {"vendor": vendor, "cookies": sorted(seen["cookies"])}
        for state, scan in ((ConsentState.REJECT, reject), (ConsentState.GPC, gpc)):
            if scan is None:
                row[state] = {"honoured": None, "evidence": "not scanned in this state"}
                continue
            cookies = sorted(
                c.name
                for c in scan.cookies
                if c.category is Category.ADVERTISING
                and _vendor_of(c) == vendor
                and not c.blocked_reason
            )
            requests = sorted(
                {
                    r.host
                    for r in scan.requests
                    if registrable_domain(r.host) in seen["domains"] - {""}
                }
            )
            row[state] = {
                "honoured": not cookies and not requests,
                "cookies": cookies,
                "requests": requests,
                "scan_id": scan.scan_id,
            }
        out.append(row)
    return out


def visitor_status(records: list[dict[str, Any]]) -> dict[str, Any]:
    """For one consent ID: is advertising refused now, since when, and by which signal."""
    last = records[-1]
    refused = not last["choices"].get("advertising", False)
    since = last["created_at"]
    for r in reversed(records):
        if (not r["choices"].get("advertising", False)) != refused:
            break
        since = r["created_at"]
    return {
        "consent_id": last["consent_id"],
        "advertising_refused": refused,
        "since": since,
        "gpc_override": bool(last.get("gpc_override")),
        "signal": _signal(last),
    }


def _signal(record: dict[str, Any]) -> str:
    if record.get("gpc_override"):
        return "gpc_override"  # GPC was sent, and the visitor explicitly granted anyway
    if record["gpc"]:
        return "gpc"
    return "withdrawal" if record["action"] == "withdraw" else str(record["method"])


def optout_report(db: Database, site: str) -> dict[str, Any]:
    """Refusals of advertising per day, and per ad vendor whether reject and GPC are honoured."""
    return {
        "site": site,
        "series": refusal_series([r for r in all_records(db, site) if r["action"] == "grant"]),
        "vendors": vendor_status(
            baseline_scan(db, site),
            latest_scan(db, site, ConsentState.REJECT),
            latest_scan(db, site, ConsentState.GPC),
        ),
    }

"""What changed between two scans of a site."""

from __future__ import annotations

from typing import Any

from cookiegov.compliance import CheckContext, Severity, check
from cookiegov.coverage import not_rescanned
from cookiegov.models import ScanResult


def diff_scans(old: ScanResult, new: ScanResult, ctx: CheckContext | None = None) -> dict[str, Any]:
    """What ``new`` changed against ``old``: cookies, categories, lifetimes, hosts, findings.

    Findings are judged against ``ctx`` (``CheckContext.from_settings(settings)``), as
    ``cookiegov check`` and the dashboard judge them. ``new_violations`` holds the new
    violations only, ``new_warnings`` the new warnings.
    """
    ctx = ctx or CheckContext()
    before = {c.key: c for c in old.cookies if not c.blocked_reason}
    after = {c.key: c for c in new.cookies if not c.blocked_reason}

    def brief(c: Any) -> dict[str, Any]:
        return {
            "name": c.name,
            "domain": c.domain,
            "category": c.category.value,
            "third_party": c.third_party,
            "set_by": c.set_by,
        }

    changed_category, changed_lifetime = [], []
    for key in before.keys() & after.keys():
        a, b = before[key], after[key]
        if a.category != b.category:
            changed_category.append(
                {
                    "name": b.name,
                    "domain": b.domain,
                    "from": a.category.value,
                    "to": b.category.value,
                }
            )
        if (
            (a.lifetime or 0)
            and (b.lifetime or 0)
            and abs((b.lifetime or 0) - (a.lifetime or 0)) > max(86400, 0.1 * (a.lifetime or 0))
        ) or (a.lifetime is None) != (b.lifetime is None):
            changed_lifetime.append(
                {"name": b.name, "domain": b.domain, "from": a.lifetime, "to": b.lifetime}
            )
    unvisited = {c.key for c in not_rescanned(old, new)}
    gone = before.keys() - after.keys()
    old_hosts = {r.host for r in old.requests}
    old_findings = {(f.rule, f.message) for f in check({old.consent: old}, ctx).findings}
    new_findings: dict[Severity, list[dict[str, Any]]] = {s: [] for s in Severity}
    for f in check({new.consent: new}, ctx).findings:
        if (f.rule, f.message) not in old_findings:
            item = f.to_dict()
            item["evidence"] = {k: v for k, v in item["evidence"].items() if k != "screenshot"}
            new_findings[f.severity].append(item)
    result: dict[str, Any] = {
        "site": new.site,
        "site_mismatch": (
            f"the scans are of different sites ({old.site} and {new.site}): what differs "
            "between them is no change of one site"
            if old.site != new.site
            else None
        ),
        "state_mismatch": (
            f"the scans are of different consent states ({old.consent} and {new.consent}): "
            "what one choice sets and the other does not shows as a change"
            if old.consent != new.consent
            else None
        ),
        "from_scan": old.scan_id,
        "to_scan": new.scan_id,
        "new_cookies": [brief(after[k]) for k in sorted(after.keys() - before.keys())],
        "removed_cookies": [brief(before[k]) for k in sorted(gone - unvisited)],
        # Seen before on pages this scan did not visit: not looked for, so not removed.
        "not_rescanned": [brief(before[k]) for k in sorted(unvisited)],
        "category_changes": sorted(changed_category, key=lambda x: str(x["name"])),
        "lifetime_changes": sorted(changed_lifetime, key=lambda x: str(x["name"])),
        "new_third_party_hosts": sorted({r.host for r in new.requests} - old_hosts),
        "new_violations": new_findings[Severity.VIOLATION],
        "new_warnings": new_findings[Severity.WARNING],
    }
    result["changed"] = any(
        result[k]
        for k in (
            "new_cookies",
            "removed_cookies",
            "category_changes",
            "lifetime_changes",
            "new_third_party_hosts",
            "new_violations",
            "new_warnings",
        )
    )
    return result


def summary_text(d: dict[str, Any]) -> str:
    parts = []
    for key, label in (
        ("new_cookies", "new cookies"),
        ("removed_cookies", "removed cookies"),
        ("category_changes", "category changes"),
        ("lifetime_changes", "lifetime changes"),
        ("new_third_party_hosts", "new third-party hosts"),
        ("new_violations", "new violations"),
        ("new_warnings", "new warnings"),
    ):
        if d[key]:
            parts.append(f"{len(d[key])} {label}")
    if d.get("not_rescanned"):
        parts.append(f"{len(d['not_rescanned'])} cookies not rescanned (pages not visited)")
    return f"{d['site']}: " + (", ".join(parts) if parts else "no changes")

"""Comparing scans of one site in different consent states: what each state adds."""

from __future__ import annotations

from typing import Any

from cookiegov.models import ConsentState, ScanResult, summarize


def comparison(results: dict[str, ScanResult]) -> dict[str, Any]:
    """``{"states": {state: summary}, "adds": {state: [cookies not seen without a choice]}}``."""
    base = results.get(ConsentState.NONE)
    base_keys = {c.key for c in base.cookies} if base else set()
    base_hosts = {r.host for r in base.requests} if base else set()
    out: dict[str, Any] = {"url": next(iter(results.values())).url, "states": {}, "adds": {}}
    for state, result in results.items():
        out["states"][state] = {
            "scan_id": result.scan_id,
            **summarize(result.cookies),
            "third_party_hosts": sorted({r.host for r in result.requests}),
            "banner": result.evidence[0] if result.evidence else None,
        }
        if out["states"][state]["banner"]:
            out["states"][state]["banner"] = {
                k: v for k, v in out["states"][state]["banner"].items() if k != "screenshot"
            }
        if state != ConsentState.NONE:
            out["adds"][state] = {
                "cookies": [
                    {
                        "name": c.name,
                        "domain": c.domain,
                        "category": c.category.value,
                        "third_party": c.third_party,
                    }
                    for c in result.cookies
                    if c.key not in base_keys
                ],
                "hosts": sorted({r.host for r in result.requests} - base_hosts),
            }
    return out

"""The evidence report of a check, for an auditor (modelled on what the EDPS Website Evidence
Collector hands over): per consent state the banner before and after the answer, what was
clicked and whether it was verified, the cookies, storage, third-party requests and beacons;
the findings with their evidence and legal basis; the scan settings.

Self-contained HTML (screenshots inlined as data URIs, styles inline, no script) that prints
well; ``cookiegov check --format pdf`` prints it to PDF with Chromium. Every scanned or
configured text is escaped by the template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cookiegov import __version__
from cookiegov.compliance import RULES
from cookiegov.models import COMPARE_ORDER, ConsentState, ScanResult
from cookiegov.report import COLORS, _env, lifetime_text

_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
STATE_MEANING = {
    "none": "The site as a first visit finds it: no answer given to the banner.",
    "reject": "After the banner's reject (or equivalent) choice.",
    "gpc": "With the Global Privacy Control signal (Sec-GPC: 1) and no answer.",
    "accept": "After the banner's accept choice.",
}


def _image(value: Any) -> str | None:
    """A base64 PNG, or None if ``value`` is not one (never pasted into the page as is)."""
    if isinstance(value, str) and len(value) > 16 and _BASE64.match(value):
        return value
    return None


def _get(item: Any, *names: str) -> Any:
    """The first field present in a consent evidence record (a dict today; attributes too),
    so that fields other versions of the scanner add show up when present."""
    for name in names:
        value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
        if value not in (None, "", [], {}):
            return value
    return None


def consent_steps(result: ScanResult) -> list[dict[str, Any]]:
    """What the scanner did with the consent banner in this state, one entry per record."""
    out = []
    for e in result.evidence:
        before = _image(_get(e, "screenshot_before", "screenshot"))
        after = _image(_get(e, "screenshot_after"))
        verified = _get(e, "verified")
        out.append(
            {
                "found": bool(_get(e, "banner_found", "found")),
                "cmp": _get(e, "cmp", "cmp_name"),
                "handler": _get(e, "handler", "method"),
                "clicked": _get(e, "clicked"),
                "verified": verified,
                "verification": _get(e, "verification"),
                "changed": _get(e, "changed") or [],
                "tcf": _get(e, "tcf"),
                "seconds": _get(e, "seconds"),
                "steps": _get(e, "steps") or [],
                "page": _get(e, "page"),
                "frame": _get(e, "frame"),
                "before": before,
                "after": after,
            }
        )
    return out


def evidence_model(
    results: Mapping[ConsentState, ScanResult] | Mapping[str, ScanResult], report: Any
) -> dict[str, Any]:
    """Everything the report shows, in consent-state order."""
    by_state = {ConsentState(k): v for k, v in results.items()}
    states = [s for s in COMPARE_ORDER if s in by_state] + [
        s for s in by_state if s not in COMPARE_ORDER
    ]
    first = by_state[states[0]] if states else None
    sections = []
    for state in states:
        r = by_state[state]
        sections.append(
            {
                "state": str(state),
                "meaning": STATE_MEANING.get(str(state), ""),
                "scan": r,
                "consent": consent_steps(r),
                "cookies": sorted(
                    r.cookies, key=lambda c: (c.third_party, c.category.value, c.name)
                ),
                "storage": r.storage,
                "requests": [q for q in r.requests if not q.beacon],
                "beacons": [q for q in r.requests if q.beacon],
                "errors": [p for p in r.pages if p.error],
                "findings": [f for f in report.findings if f.state == str(state)],
            }
        )
    return {
        "site": first.site if first else "",
        "url": report.url,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "version": __version__,
        "report": report,
        "other_findings": [f for f in report.findings if f.state not in {str(s) for s in states}],
        "sections": sections,
        "settings": first.settings if first else {},
    }


@dataclass(frozen=True)
class CheckRun:
    """A check as a command renders it: the scans per consent state and their report."""

    results: Mapping[ConsentState, ScanResult]
    report: Any
    settings: Any = None  # the run's Settings (the PDF uses its Chromium)


def evidence_html(
    results: Mapping[ConsentState, ScanResult] | Mapping[str, ScanResult], report: Any
) -> str:
    return _env.get_template("evidence.html").render(
        m=evidence_model(results, report),
        rules=RULES,
        lifetime=lifetime_text,
        colors={k.value: v for k, v in COLORS.items()},
    )

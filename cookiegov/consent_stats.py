"""Statistics over consent records: how visitors choose, per day and category."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def optin_series(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per day and category: the share of choices that granted it (for the dashboard chart)."""
    days: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for r in records:
        if r["action"] != "grant":
            continue
        day = str(r["created_at"])[:10]
        for category, granted in r["choices"].items():
            cell = days[day][category]
            cell[0] += int(bool(granted))
            cell[1] += 1
    return [
        {"day": day, **{c: round(g / n, 4) if n else 0.0 for c, (g, n) in cats.items()}}
        for day, cats in sorted(days.items())
    ]

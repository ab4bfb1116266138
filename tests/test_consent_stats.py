"""Opt-in shares per day and category from consent records (no database)."""

from __future__ import annotations

from cookiegov.consent_stats import optin_series
from cookiegov.optout import optin_series as old_path


def record(day: str, action: str = "grant", **choices: bool) -> dict:
    return {"created_at": f"2026-11-{day}T10:00:00+00:00", "action": action, "choices": choices}


def test_share_granted_per_day_and_category() -> None:
    records = [
        record("18", analytics=True, advertising=False),
        record("18", analytics=False, advertising=False),
        record("18", action="withdraw", analytics=False, advertising=False),  # not a choice
        record("19", analytics=True, advertising=True),
    ]
    assert optin_series(records) == [
        {"day": "2026-11-18", "analytics": 0.5, "advertising": 0.0},
        {"day": "2026-11-19", "analytics": 1.0, "advertising": 1.0},
    ]
    assert optin_series([]) == []
    assert old_path is optin_series  # the dashboard's import path still works

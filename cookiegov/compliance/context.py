"""What a compliance check needs besides the scans: the settings it judges against."""

from __future__ import annotations

from dataclasses import dataclass

from cookiegov.settings import Settings

MAX_LIFETIME = 395 * 86400  # 13 months (CNIL)


@dataclass(frozen=True, slots=True)
class CheckContext:
    """The configured limits every caller (CLI, dashboard, diff, schedules) checks against.

    Build it with :meth:`from_settings` so that all of them judge with the same consent period.
    """

    consent_days: int = 182
    consent_cookie: str = "cookiegov"
    max_lifetime: int = MAX_LIFETIME  # seconds

    @classmethod
    def from_settings(cls, settings: Settings) -> CheckContext:
        return cls(consent_days=settings.consent_days)

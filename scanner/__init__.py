"""The crawler: real Chromium through Playwright, driven over CDP."""

from scanner.scan import scan_site

__all__ = ["scan_site"]

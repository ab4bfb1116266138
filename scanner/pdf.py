"""Print an HTML document to PDF with Chromium (Playwright's ``page.pdf``): what
``cookiegov check --format pdf`` hands an auditor. The document is self-contained, so the
page loads nothing from the network (every request is refused)."""

from __future__ import annotations

from playwright.sync_api import sync_playwright

from cookiegov.errors import BrowserError
from cookiegov.settings import Settings
from scanner.browser import ensure_chromium, find_chromium


def html_to_pdf(html: str, settings: Settings | None = None) -> bytes:
    """``html`` as an A4 PDF with backgrounds, using the configured (or found) Chromium."""
    executable = find_chromium(settings.chromium if settings else "") or ensure_chromium()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=executable,
                args=["--no-sandbox", "--disable-background-networking", "--disable-sync"],
            )
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.abort())
                page.set_content(html, wait_until="load")
                page.emulate_media(media="print")
                return page.pdf(
                    format="A4",
                    print_background=True,
                    margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=(
                        '<div style="font-size:8px;width:100%;text-align:center;color:#555">'
                        '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
                    ),
                )
            finally:
                browser.close()
    except BrowserError:
        raise
    except Exception as exc:  # Playwright's own errors: one clear line, no traceback
        raise BrowserError(f"could not print the report to PDF: {exc}") from exc

"""Reports that need the browser: the evidence report of a check printed to PDF."""

from __future__ import annotations

from cookiegov.evidence import CheckRun, evidence_html
from cookiegov.settings import Settings


def evidence_pdf(run: CheckRun, settings: Settings | None = None) -> bytes:
    """The evidence report (HTML) printed by Chromium to an A4 PDF."""
    from scanner.pdf import html_to_pdf

    return html_to_pdf(evidence_html(run.results, run.report), settings or run.settings)

"""The compliance report rendered as a table and as HTML (hand-built scans, no browser)."""

from __future__ import annotations

from rich.console import Console

from cookiegov.compliance import check
from cookiegov.models import Category, ConsentState
from cookiegov.report import check_html, check_table
from tests.builders import DAY, banner, cookie, scan


def sample():  # type: ignore[no-untyped-def]
    return check(
        {
            ConsentState.NONE: scan(
                ConsentState.NONE,
                [cookie("<b>_ga</b>", Category.ANALYTICS, set_by="https://cdn.test/<x>.js")],
            ),
            ConsentState.REJECT: scan(
                ConsentState.REJECT, [cookie("keep", lifetime=500 * DAY)], evidence=[banner()]
            ),
        }
    )


def test_table_counts_and_lists_findings() -> None:
    console = Console(width=220, record=True)
    console.print(check_table(sample()))
    text = " ".join(console.export_text().split())
    assert "1 violation(s), 1 warning(s)" in text
    assert "pre-consent-cookie" in text and "lifetime" in text
    assert "cdn.test" in text  # the setter is the evidence


def test_html_escapes_scanned_text_and_names_the_basis() -> None:
    html = check_html(sample())
    assert "<b>_ga</b>" not in html and "&lt;b&gt;_ga&lt;/b&gt;" in html
    assert "1 violation(s), 1 warning(s)" in html
    assert "ePrivacy Art. 5(3)" in html  # the basis of pre-consent-cookie


def test_a_clean_report() -> None:
    report = check({ConsentState.NONE: scan(ConsentState.NONE, [cookie("sid")])})
    console = Console(width=200, record=True)
    console.print(check_table(report))
    assert "0 violation(s), 0 warning(s)" in " ".join(console.export_text().split())

"""Terminal tables print what a site set as text: square brackets in a cookie name, a setter
URL or a banner's button are not rich markup (hand-built scans, no browser)."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import Console

from cookiegov import report
from cookiegov.compare import comparison
from cookiegov.compliance import CheckContext, check
from cookiegov.models import Category, ConsentState
from tests.builders import banner, cookie, scan

#: Names a hostile site can set: a closing tag with nothing to close (MarkupError), a style
#: and a terminal hyperlink.
HOSTILE = ("[/]", "[bold red]loud", "[link=https://evil.test]click[/link]")


def _print(renderable: Any) -> str:
    console = Console(width=400, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def _scans() -> dict[ConsentState, Any]:
    cookies = [
        cookie(n, Category.ADVERTISING, set_by=f"https://ads.test/{n}.js", vendor=n)
        for n in HOSTILE
    ]
    return {
        ConsentState.NONE: scan(ConsentState.NONE, cookies, scan_id=1),
        ConsentState.REJECT: scan(
            ConsentState.REJECT, cookies, evidence=[banner(clicked="[/]")], scan_id=2
        ),
        ConsentState.GPC: scan(ConsentState.GPC, cookies, scan_id=3),
        ConsentState.ACCEPT: scan(ConsentState.ACCEPT, cookies, scan_id=4),
    }


@pytest.mark.parametrize("which", ["inventory", "check", "comparison", "optout"])
def test_scanned_text_is_printed_not_interpreted(which: str) -> None:
    """Before: a cookie named "[/]" ended `cookiegov scan` in a MarkupError traceback, and
    "[bold red]…" or "[link=…]" styled the terminal."""
    scans = _scans()
    renderable = {
        "inventory": lambda: report.inventory_table(scans[ConsentState.NONE]),
        "check": lambda: report.check_table(check(scans, CheckContext())),
        "comparison": lambda: report.comparison_table(
            comparison({**scans, ConsentState.NONE: scan(ConsentState.NONE, [])})
        ),
        "optout": lambda: report.optout_tables(
            {
                "site": "[/]",
                "series": [],
                "vendors": [
                    {
                        "vendor": n,
                        "cookies": [n],
                        "reject": {"honoured": False, "cookies": [n], "requests": []},
                        "gpc": {"honoured": None},
                    }
                    for n in HOSTILE
                ],
            }
        ),
    }[which]()
    text = _print(renderable)
    for name in HOSTILE:
        assert name in text, (name, text)

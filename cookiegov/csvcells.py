"""CSV cells safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is read
as a formula by Excel, LibreOffice and Google Sheets; recorded and scanned values (page URLs,
cookie names, user agents) come from visitors and sites, so such cells get a leading ``'``,
which spreadsheets show as text and do not evaluate. A plain number (``-1``) is read as a
number and kept as it is.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# A plain number ("-1", "+3.5e2") is read as that number, not run: it stays as it is (an
# apostrophe would turn a documented "-1" into text no reader takes back).
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def safe_cell(value: Any) -> Any:
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _NUMBER.fullmatch(value)  # the whole cell, ASCII digits only ("-1\n": no)
    ):
        return "'" + value
    return value


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}

"""CSV cells safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is read
as a formula by Excel, LibreOffice and Google Sheets; recorded and scanned values (page URLs,
cookie names, user agents) come from visitors and sites, so such cells get a leading ``'``,
which spreadsheets show as text and do not evaluate.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}

"""What a spreadsheet must never read as a formula: a cell of text that starts with `=`,
`+`, `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice, in a CSV
as in an XLSX, so a name typed as `=HYPERLINK(...)` could link, fetch or run on the HR
officer's machine. Every file of rows the product writes passes its text through here.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: Any) -> Any:
    """Text that a spreadsheet would take for a formula, quoted with a leading apostrophe
    (the mark both read as "this is text"); any other value as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

"""A streamed XLSX of plain sheets: text, whole numbers and dates (shown as dates), each
sheet with a frozen header row, its column widths and, if asked, a filter over its rows.

Written with XlsxWriter in its constant-memory mode: a country's compliance report has
over 100,000 cells, and openpyxl, even in write-only mode, spends about 35 µs on each (a
Python cell object, its type checks, lxml's incremental writer), four seconds of the
report's five; XlsxWriter writes a row straight to its sheet's XML. Every text is written
as a string, never read as a formula, a number or a link (the report neutralises formulas
before, notifications/spreadsheets.py), and XlsxWriter escapes the control characters XML
cannot hold. openpyxl still reads the workbooks HR uploads (orgimport/sheets.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Iterable, Sequence

import xlsxwriter

Cell = str | int | date | None
AS_TEXT = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


@dataclass(frozen=True)
class Sheet:
    title: str
    widths: Sequence[float]  # one per column, in characters
    lines: Iterable[Sequence[Cell]]  # the header first
    filter_rows: int | None = None  # the rows under the header a filter covers, if any


def write(path: Path, sheets: Sequence[Sheet]) -> Path:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, **AS_TEXT})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for sheet in sheets:
        _write_sheet(book.add_worksheet(sheet.title), sheet, day)
    book.close()
    return path


def _write_sheet(out: Any, sheet: Sheet, day: Any) -> None:
    """Row by row, in order: constant-memory mode flushes a row once the next begins."""
    for column, width in enumerate(sheet.widths):
        out.set_column(column, column, width)
    out.freeze_panes(1, 0)
    text, number, moment = out.write_string, out.write_number, out.write_datetime
    for row, line in enumerate(sheet.lines):
        for column, value in enumerate(line):
            if value is None:
                continue
            if isinstance(value, str):
                text(row, column, value)
            elif isinstance(value, date):
                moment(row, column, datetime.combine(value, time()), day)
            else:
                number(row, column, value)
    if sheet.filter_rows is not None:
        out.autofilter(0, 0, sheet.filter_rows, len(sheet.widths) - 1)

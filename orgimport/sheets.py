"""Reading the file: XLSX (its sheets «servants» and «absences») or CSV in UTF-8, each table
as text rows under a checked header, with the row numbers a spreadsheet shows."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from methodology import inputs
from orgimport.columns import ABSENCE_COLUMNS, SERVANT_COLUMNS, Column
from orgimport.report import Problem

SERVANTS, ABSENCES = "servants", "absences"  # the two tables of the file (XLSX sheet names)


@dataclass
class Sheet:
    """A table of the file as text: every row a mapping of column name to stripped text."""

    table: str
    columns: tuple[Column, ...]
    rows: list[tuple[int, dict[str, str | None]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    usable: bool = True  # False when the header lacks a required column: rows are not checked

    def problem(self, row: int | None, column: str, value: str, code: str, **params: Any) -> None:
        self.problems.append(Problem(self.table, row, column, value, code, params))


class MissingSheet(LookupError):
    """The workbook has no sheet of that name."""


def read_sources(servants: Path, absences: Path | None) -> tuple[Sheet, Sheet | None]:
    servant_sheet = read_sheet(servants, SERVANTS, SERVANT_COLUMNS, sheet_required=True)
    assert servant_sheet is not None  # a required sheet is read or reported, never skipped
    if absences is not None:
        return servant_sheet, read_sheet(absences, ABSENCES, ABSENCE_COLUMNS, sheet_required=True)
    if servants.suffix.lower() == ".xlsx":  # the absences are the workbook's sheet «absences», if any
        return servant_sheet, read_sheet(servants, ABSENCES, ABSENCE_COLUMNS, sheet_required=False)
    return servant_sheet, None


def read_sheet(path: Path, table: str, columns: tuple[Column, ...], sheet_required: bool) -> Sheet | None:
    sheet = Sheet(table, columns)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        sheet.problem(None, "", path.name, "org_format")
        return sheet
    try:
        lines = list(csv_lines(path) if suffix == ".csv" else xlsx_lines(path, table))
    except UnicodeDecodeError:
        sheet.problem(None, "", path.name, "org_encoding")
        return sheet
    except MissingSheet:
        if not sheet_required:
            return None
        sheet.problem(None, "", path.name, "org_sheet", sheet=table)
        return sheet
    except Exception as error:  # a missing file, a broken workbook: openpyxl raises many kinds
        sheet.problem(None, "", path.name, "org_file", detail=str(error) or type(error).__name__)
        return sheet
    fill(sheet, lines)
    return sheet


def csv_lines(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:  # utf-8-sig: Excel writes a BOM
        yield from csv.reader(handle)


def xlsx_lines(path: Path, sheet_name: str) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # only a workbook needs it

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet_name not in workbook.sheetnames:
            raise MissingSheet(sheet_name)
        for values in workbook[sheet_name].iter_rows(values_only=True):
            cells = [cell_text(value) for value in values]
            while cells and not cells[-1]:  # rows are padded to the widest row of the sheet
                cells.pop()
            yield cells
    finally:
        workbook.close()  # read-only mode keeps the file open until closed


def cell_text(value: Any) -> str:
    """A cell as the person typed it: Excel keeps dates as datetimes and numbers as floats."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a personnel number 1001 is stored as 1001.0
    return str(value)


def fill(sheet: Sheet, lines: list[list[str]]) -> None:
    """Check the header (row 1), then keep every non-blank row with its row number."""
    header = [name.strip().lower() for name in lines[0]] if lines else []
    if len(header) == 1 and ";" in header[0]:  # Excel in a Russian locale saves CSV with ';'
        sheet.problem(1, "", lines[0][0], "org_separator")
        sheet.usable = False
        return
    check_header(sheet, header)
    known = {column.name for column in sheet.columns}
    for number, cells in enumerate(lines[1:], start=2):
        cells = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))  # a short row: its missing cells are empty
        if not any(cells):
            continue
        row: dict[str, str | None] = {}
        for name, value in zip(header, cells):
            if value and (char := inputs.control_char(value)) is not None:  # a line break in a name would reach an e-mail header
                sheet.problem(number, name, value, "control_char", char=f"U+{ord(char):04X}")
                value = ""
            if value and inputs.is_blank(value):  # a zero-width space alone: nothing written, so a required cell is missing
                value = ""
            if name in known:
                row.setdefault(name, value or None)  # a column given twice: the first counts
            elif not name and value:
                sheet.problem(number, "", value, "org_extra_cells")
        if len(cells) > len(header):  # even if empty: the cells before it have shifted
            sheet.problem(number, "", ",".join(cells[len(header) :]), "org_extra_cells")
        sheet.rows.append((number, row))


def check_header(sheet: Sheet, header: list[str]) -> None:
    expected = [column.name for column in sheet.columns]
    seen: set[str] = set()
    for name in header:
        if name and name not in expected:
            sheet.problem(1, name, name, "org_unknown_column", expected=", ".join(expected))
        elif name and name in seen:
            sheet.problem(1, name, name, "org_duplicate_column")
        seen.add(name)
    for column in sheet.columns:
        if column.required and column.name not in seen:
            sheet.problem(1, column.name, "", "org_missing_column")
            sheet.usable = False

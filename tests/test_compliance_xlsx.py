"""The compliance report's XLSX as HR opens it: the header stays in view and filters every
column, the columns are wide enough to read, a date is a date (sortable, the reader's own
format), and each state body's totals are on a sheet of their own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from notifications.compliance_report import write_xlsx
from states.compliance import Row

DUE, DONE, TODAY = date(2026, 4, 10), date(2026, 4, 14), date(2026, 4, 20)


def _row(body: str, servant: str, done_on: date | None) -> Row:
    return Row(state_body=body, unit="Бөлім", responsible="Әлия Серікқызы Нұрланова", step="Тоқсандық бағалау", rule="mne2017 п.3.1",
               kind="тоқсандық", period="2026-Q1", servant=servant, due=DUE, done_on=done_on, days_overdue=6,
               status="late" if done_on else "overdue")


def test_the_xlsx_has_a_frozen_filtered_header_widths_dates_and_totals_per_body(tmp_path: Path) -> None:
    rows = [_row("Агенттік", "Бірінші", None), _row("Агенттік", "Екінші", DONE), _row("Агенттік", "Үшінші", None), _row("Министрлік", "Төртінші", DONE)]
    book = load_workbook(write_xlsx(rows, tmp_path / "report.xlsx", "kk", TODAY))
    sheet, totals = book.worksheets
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:L{len(rows) + 1}"
    header = [cell.value for cell in sheet[1]]
    assert len(set(header)) == len(header)  # no two columns headed alike
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKL"}
    assert all(width >= 6 for width in widths.values()) and widths["C"] > len("Әлия Серікқызы Нұрланова")
    cells = {name: cell for name, cell in zip(header, sheet[3])}
    assert cells["Мерзімі"].is_date and cells["Мерзімі"].value.date() == DUE
    assert cells["Орындалды"].is_date and cells["Орындалды"].value.date() == DONE
    assert totals.freeze_panes == "A2"
    assert [[cell.value for cell in line] for line in totals.iter_rows(min_row=2)] == [["Агенттік", 2, 1, 3], ["Министрлік", 0, 1, 1]]

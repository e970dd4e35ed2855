"""The compliance report's XLSX as HR opens it: the header stays in view and filters every
column, the columns are wide enough to read, a date is a date (sortable, the reader's own
format), and the totals per unit and per state body are on a sheet of their own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from notifications.compliance_report import write_xlsx
from states.compliance import Row

DUE, DONE, TODAY = date(2026, 4, 10), date(2026, 4, 14), date(2026, 4, 20)


def _row(body: str, servant: str, done_on: date | None, unit: str = "Бөлім") -> Row:
    return Row(state_body=body, unit=unit, responsible="Әлия Серікқызы Нұрланова", step="Тоқсандық бағалау", rule="mne2017 п.3.1",
               kind="тоқсандық", period="2026-Q1", servant=servant, due=DUE, done_on=done_on, days_overdue=6,
               status="late" if done_on else "overdue")


def test_the_xlsx_has_a_frozen_filtered_header_widths_dates_and_totals_per_unit_and_body(tmp_path: Path) -> None:
    rows = [_row("Агенттік", "Бірінші", None), _row("Агенттік", "Екінші", DONE), _row("Агенттік", "Үшінші", None, "Басқарма"),
            _row("Министрлік", "Төртінші", DONE)]  # sorted by body and unit, as states.compliance gives them
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
    assert [cell.value for cell in totals[1]] == ["Мемлекеттік орган", "Бөлімше", "Мерзімі өткені", "Кешіктіріп орындалғаны", "Барлығы"]
    assert [[cell.value for cell in line] for line in totals.iter_rows(min_row=2)] == [
        ["Агенттік", "Бөлім", 1, 1, 2],
        ["Агенттік", "Басқарма", 1, 0, 1],
        ["Агенттік", "Орган бойынша барлығы", 2, 1, 3],
        ["Министрлік", "Бөлім", 0, 1, 1],
        ["Министрлік", "Орган бойынша барлығы", 0, 1, 1],
    ]


def test_the_csv_and_the_html_give_the_same_totals_per_unit_and_body(tmp_path: Path) -> None:
    import csv
    import re

    from notifications.compliance_report import write_all

    rows = [_row("Агенттік", "Бірінші", None), _row("Агенттік", "Екінші", None, "Басқарма"), _row("Министрлік", "Үшінші", DONE)]
    files = write_all(rows, tmp_path, "ru", TODAY)
    assert [f.name for f in files] == [f"compliance-2026-04-20-ru{end}" for end in (".csv", "-totals.csv", ".xlsx", ".html")]
    with files[1].open(encoding="utf-8-sig", newline="") as source:
        lines = list(csv.reader(source))
    expected = [["Агенттік", "Бөлім", "1", "0", "1"], ["Агенттік", "Басқарма", "1", "0", "1"], ["Агенттік", "Итого по органу", "2", "0", "2"],
                ["Министрлік", "Бөлім", "0", "1", "1"], ["Министрлік", "Итого по органу", "0", "1", "1"]]
    assert lines == [["Государственный орган", "Подразделение", "Просрочено", "С опозданием", "Всего"], *expected]
    with files[0].open(encoding="utf-8-sig", newline="") as source:
        assert len(list(csv.reader(source))) == 1 + len(rows)  # the rows' CSV holds rows only
    html = files[3].read_text("utf-8").split('<table class="totals">', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert [cells[i:i + 5] for i in range(0, len(cells), 5)] == expected
    assert html.count('class="body-total"') == 2

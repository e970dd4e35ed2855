"""The compliance report as files: CSV for scripts, XLSX for HR, HTML for reading.

Headers are in the reader's language; the rows are `states.compliance.Row`s. Each file is
written in one pass over the rows, the cells of a row taken as a tuple (a country's report
has tens of thousands of rows); the XLSX is streamed (openpyxl's write-only mode). No text
reaches the CSV or the XLSX as a formula (spreadsheets.py).
"""

from __future__ import annotations

import csv
from dataclasses import fields
from datetime import date
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any, Iterator

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from openpyxl import Workbook

from methodology.i18n import Lang
from notifications.spreadsheets import as_text
from states.compliance import Row

TEMPLATES = Path(__file__).with_name("templates")
COLUMNS = [f.name for f in fields(Row)]
STATUS = COLUMNS.index("status")
_values = attrgetter(*COLUMNS)


@cache
def labels() -> dict[str, Any]:
    return yaml.safe_load((TEMPLATES / "compliance_labels.yaml").read_text("utf-8"))


def _headers(lang: Lang) -> list[str]:
    return [labels()["columns"][column][lang] for column in COLUMNS]


def _cells(rows: list[Row], lang: Lang) -> Iterator[list[Any]]:
    """Each row's cells in COLUMNS' order: its status in words, its text never a formula."""
    statuses = {status: names[lang] for status, names in labels()["statuses"].items()}
    for row in rows:
        cells = [as_text(value) for value in _values(row)]
        cells[STATUS] = statuses[row.status]
        yield cells


def write_csv(rows: list[Row], path: Path, lang: Lang) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as out:  # the BOM lets Excel read UTF-8
        writer = csv.writer(out)
        writer.writerow([as_text(header) for header in _headers(lang)])
        writer.writerows([value.isoformat() if isinstance(value, date) else value for value in cells] for cells in _cells(rows, lang))
    return path


def write_xlsx(rows: list[Row], path: Path, lang: Lang, today: date) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(today))
    sheet.append([as_text(header) for header in _headers(lang)])
    for cells in _cells(rows, lang):
        sheet.append(cells)
    book.save(path)
    return path


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined
    )


def write_html(rows: list[Row], path: Path, lang: Lang, today: date) -> Path:
    template = _environment().get_template("compliance.html.j2")
    path.write_text(template.render(rows=rows, columns=COLUMNS, labels=labels(), lang=lang, today=today), "utf-8")
    return path


def write_all(rows: list[Row], folder: Path, lang: Lang, today: date) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"compliance-{today.isoformat()}-{lang}"
    return [
        write_csv(rows, stem.with_suffix(".csv"), lang),
        write_xlsx(rows, stem.with_suffix(".xlsx"), lang, today),
        write_html(rows, stem.with_suffix(".html"), lang, today),
    ]

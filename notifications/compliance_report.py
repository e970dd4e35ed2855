"""The compliance report as files: CSV for scripts, XLSX for HR, HTML for reading.

Headers are in the reader's language; the rows are `states.compliance.Row`s.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, fields
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from openpyxl import Workbook

from methodology.i18n import Lang
from states.compliance import Row

TEMPLATES = Path(__file__).with_name("templates")
COLUMNS = [f.name for f in fields(Row)]


@cache
def labels() -> dict[str, Any]:
    return yaml.safe_load((TEMPLATES / "compliance_labels.yaml").read_text("utf-8"))


def _headers(lang: Lang) -> list[str]:
    return [labels()["columns"][column][lang] for column in COLUMNS]


def _cells(row: Row, lang: Lang) -> list[Any]:
    values = asdict(row)
    values["status"] = labels()["statuses"][row.status][lang]
    return [values[column] for column in COLUMNS]


def write_csv(rows: list[Row], path: Path, lang: Lang) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as out:  # the BOM lets Excel read UTF-8
        writer = csv.writer(out)
        writer.writerow(_headers(lang))
        writer.writerows([_csv(value) for value in _cells(row, lang)] for row in rows)
    return path


def _csv(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def write_xlsx(rows: list[Row], path: Path, lang: Lang, today: date) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(today))
    sheet.append(_headers(lang))
    for row in rows:
        sheet.append(_cells(row, lang))
    book.save(path)
    return path


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined
    )


def write_html(rows: list[Row], path: Path, lang: Lang, today: date) -> Path:
    template = _environment().get_template("compliance.html.j2")
    path.write_text(template.render(rows=[asdict(r) for r in rows], columns=COLUMNS, labels=labels(), lang=lang, today=today), "utf-8")
    return path


def write_all(rows: list[Row], folder: Path, lang: Lang, today: date) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"compliance-{today.isoformat()}-{lang}"
    return [
        write_csv(rows, stem.with_suffix(".csv"), lang),
        write_xlsx(rows, stem.with_suffix(".xlsx"), lang, today),
        write_html(rows, stem.with_suffix(".html"), lang, today),
    ]

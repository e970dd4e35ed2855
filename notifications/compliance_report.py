"""The compliance report as files: CSV for scripts, XLSX for HR, HTML for reading. The
rows come grouped by state body and unit; the totals (steps overdue, done late) are given
per unit and per body: a sheet of their own in the XLSX, a table of their own in the HTML,
a CSV of their own beside the rows' (a script reading the rows meets no total among them).

Headers are in the reader's language; the rows are `states.compliance.Row`s. Each file is
written in one pass over the rows, the cells of a row taken as a tuple (a country's report
has tens of thousands of rows); the XLSX is streamed (xlsx.py). No text reaches the CSV
or the XLSX as a formula (spreadsheets.py).
"""

from __future__ import annotations

import csv
from dataclasses import fields
from datetime import date
from functools import cache
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any, Iterator

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import escape

from methodology.i18n import Lang
from notifications import xlsx
from notifications.spreadsheets import as_text
from states.compliance import Row

TEMPLATES = Path(__file__).with_name("templates")
COLUMNS = [f.name for f in fields(Row)]
STATUS, DONE_ON = COLUMNS.index("status"), COLUMNS.index("done_on")
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
    """The rows on one sheet, HR's to sort and filter (a frozen header, a filter over every
    column, widths that fit, dates as dates), and each state body's totals on a second."""
    headers = _headers(lang)
    rows_sheet = xlsx.Sheet(str(today), _widths(rows, headers), chain([[as_text(h) for h in headers]], _cells(rows, lang)), len(rows))
    totals_sheet = xlsx.Sheet(labels()["totals"]["sheet"][lang], (40, 40, 16, 16, 16), _total_lines(rows, lang))
    return xlsx.write(path, [rows_sheet, totals_sheet])


def totals(rows: list[Row]) -> list[tuple[str, str | None, int, int]]:
    """In the rows' order (by body, then unit), each unit's steps overdue and done late,
    then its body's (unit None), in one pass."""
    counted: dict[str, dict[str, list[int]]] = {}
    for row in rows:
        counted.setdefault(row.state_body, {}).setdefault(row.unit, [0, 0])[row.status == "late"] += 1
    lines: list[tuple[str, str | None, int, int]] = []
    for body, units in counted.items():
        lines += [(body, unit, overdue, late) for unit, (overdue, late) in units.items()]
        lines.append((body, None, sum(o for o, _ in units.values()), sum(lt for _, lt in units.values())))
    return lines


def _total_lines(rows: list[Row], lang: Lang) -> Iterator[list[Any]]:
    """The totals' header, then a line per unit and per body: body, unit (the body's own
    line says so), overdue, late, all."""
    words, columns = labels()["totals"], labels()["columns"]
    yield [columns["state_body"][lang], columns["unit"][lang], *(words[name][lang] for name in ("overdue", "late", "all"))]
    for body, unit, overdue, late in totals(rows):
        yield [as_text(body), as_text(unit) if unit is not None else words["body_total"][lang], overdue, late, overdue + late]


def write_totals_csv(rows: list[Row], path: Path, lang: Lang) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        csv.writer(out).writerows(_total_lines(rows, lang))
    return path


def _widths(rows: list[Row], headers: list[str], sample: int = 500) -> list[float]:
    """Each column as wide as its header or its longest cell among the first rows, capped."""
    widths = [len(header) for header in headers]
    for row in rows[:sample]:
        for index, value in enumerate(_values(row)):
            text = value.isoformat() if isinstance(value, date) else str(value)
            widths[index] = max(widths[index], len(text))
    return [min(width, 50) + 2 for width in widths]


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined)


def write_html(rows: list[Row], path: Path, lang: Lang, today: date) -> Path:
    template = _environment().get_template("compliance.html.j2")
    cells = escaped_rows(rows, lang)
    path.write_text(template.render(rows=cells, totals=totals(rows), columns=COLUMNS, labels=labels(), lang=lang, today=today), "utf-8")
    return path


def escaped_rows(rows: list[Row], lang: Lang) -> list[tuple[str, ...]]:
    """Each row's status (its line's class), its cells as the template prints them (no
    date done: empty) and its status in words, escaped as the template would escape them.
    Escaped here, each distinct text once, because escaping every cell in the template
    cost a country's report more than all the rest of its HTML."""
    escaped = cache(lambda value: str(escape(value)))
    statuses = {status: escaped(names[lang]) for status, names in labels()["statuses"].items()}
    return [
        (
            escaped(row.status),
            *map(escaped, cells[:DONE_ON]),
            "" if row.done_on is None else escaped(row.done_on),
            *map(escaped, cells[DONE_ON + 1 : STATUS]),
            statuses[row.status],
        )
        for row, cells in zip(rows, map(_values, rows))
    ]


def write_all(rows: list[Row], folder: Path, lang: Lang, today: date) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"compliance-{today.isoformat()}-{lang}"
    return [
        write_csv(rows, stem.with_suffix(".csv"), lang),
        write_totals_csv(rows, stem.with_name(stem.name + "-totals.csv"), lang),
        write_xlsx(rows, stem.with_suffix(".xlsx"), lang, today),
        write_html(rows, stem.with_suffix(".html"), lang, today),
    ]

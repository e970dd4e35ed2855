"""`bagalau org import`: HR loads its organisation from a spreadsheet before opening cycles.

A file with problems is refused whole: every problem is listed (row, column, value, what is
wrong) and the command exits with code 2, so HR fixes the file and loads it again.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from bagalau.cli.common import LangOption, print_json, use_lang
from bagalau.cli.workdays import parse_date
from methodology.i18n import Lang
from models.db import database_url, engine
from models.migrate import upgrade
from orgimport import ImportReport
from services.org import import_and_apply
from states.staffing import Applied

app = typer.Typer(help="The organisation: state bodies, units, positions, servants.", no_args_is_help=True)


@app.callback()
def org() -> None:
    """The organisation HR loads before opening appraisal cycles."""  # keeps `import` a subcommand


@app.command("import")
def import_(
    servants: Path = typer.Argument(..., metavar="SERVANTS", help="Servants as CSV (UTF-8) or XLSX (sheet «servants»)."),
    absences: Optional[Path] = typer.Option(None, "--absences", help="Absences as CSV or XLSX; default: the sheet «absences» of an XLSX SERVANTS."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout."),
    on: Optional[str] = typer.Option(None, "--on", help="The day the changes of staff apply to the open appraisals (default: today)."),
    lang: str = LangOption,
) -> None:
    """Check the whole file, then load it in one transaction; load nothing if anything is wrong.
    A hire, a transfer or a dismissal is applied to the open appraisals in the same transaction."""
    reader = use_lang(lang)
    url = database_url()  # named, so the engine cache follows BAGALAU_DATABASE_URL
    upgrade(url)  # a first-time user needs no separate `db upgrade`; a no-op afterwards
    day = date.today() if on is None else parse_date(on, "--on")
    report, applied = import_and_apply(engine(url), servants, absences, on=day)
    if as_json:
        print_json({**report.as_dict(reader), "applied": [asdict(a) for a in applied]})
    elif report.ok:
        print_summary(report, reader)
        print_applied(applied, reader)
    else:
        print_problems(report, reader)
    if not report.ok:
        raise typer.Exit(2)


def print_summary(report: ImportReport, reader: Lang) -> None:
    created, updated, unchanged = _OUTCOMES[reader]
    for table, counts in report.counts.items():
        print(f"{_TABLES[reader][table]}: {created} {counts['created']}, {updated} {counts['updated']}, {unchanged} {counts['unchanged']}")


def print_applied(applied: list[Applied], reader: Lang) -> None:
    """Each change applied to an open appraisal, with its paragraph."""
    for change in applied:
        print(f"{_APPLIED[reader]}: {change.event} #{change.appraisal_id} ({change.paragraph})")


def print_problems(report: ImportReport, reader: Lang) -> None:
    heading = _PROBLEMS[reader]
    table = Table(title=heading["title"].format(count=len(report.problems)))
    for name in ("table", "row", "column", "value", "problem"):
        table.add_column(heading[name], overflow="fold")
    for problem in report.problems:
        row = "" if problem.row is None else str(problem.row)
        table.add_row(problem.table, row, problem.column, problem.value, problem.message(reader))
    Console(stderr=True).print(table)


_TABLES = {
    "kk": {
        "state_body": "Мемлекеттік органдар",
        "unit": "Бөлімшелер",
        "position": "Лауазымдар",
        "servant": "Қызметшілер",
        "absence": "Жұмыста болмаған кезеңдер",
        "past_result": "Бұрынғы жылдық нәтижелер",
    },
    "ru": {
        "state_body": "Госорганы",
        "unit": "Подразделения",
        "position": "Должности",
        "servant": "Служащие",
        "absence": "Отсутствия",
        "past_result": "Прежние годовые результаты",
    },
    "en": {
        "state_body": "State bodies",
        "unit": "Units",
        "position": "Positions",
        "servant": "Servants",
        "absence": "Absences",
        "past_result": "Past annual results",
    },
}
_APPLIED = {"kk": "Ашық бағалауға қолданылды", "ru": "Применено к открытой оценке", "en": "Applied to an open appraisal"}
_OUTCOMES = {
    "kk": ("жаңа", "өзгертілген", "өзгеріссіз"),
    "ru": ("создано", "изменено", "без изменений"),
    "en": ("created", "updated", "unchanged"),
}
_PROBLEMS = {
    "kk": {"title": "Файл жүктелмеді: {count} қате", "table": "кесте", "row": "жол", "column": "баған", "value": "мән", "problem": "қате"},
    "ru": {"title": "Файл не загружен: ошибок {count}", "table": "таблица", "row": "строка", "column": "столбец", "value": "значение", "problem": "ошибка"},
    "en": {"title": "Nothing loaded: {count} problems", "table": "table", "row": "row", "column": "column", "value": "value", "problem": "problem"},
}

"""`bagalau appraisals list|search`, `bagalau cycles list`, `bagalau people list|search`:
what HR looks up before `show`, `act` or `document`, in the reader's words.

A person gets a table with headers and values in their language (states, kinds and steps
labelled, never an id); a script gets `--json` with the ids. The queries are the service
layer's (states/listing.py), which the web console calls too.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable, Optional

import typer
from rich.console import Console
from rich.table import Table

from bagalau.cli.common import LangOption, print_json, use_lang
from bagalau.cli.workdays import parse_date
from methodology.i18n import Lang
from methodology.labels import columns, label, message
from models.db import engine, transaction
from states import listing
from states.listing import AppraisalRow, Filters, Page

appraisals_app = typer.Typer(help="Appraisals: list and find them.", no_args_is_help=True)
cycles_app = typer.Typer(help="Appraisal cycles: list them.", no_args_is_help=True)
people_app = typer.Typer(help="Servants: list and find them.", no_args_is_help=True)

BodyOption = typer.Option(None, "--body", help="State body code.")
UnitOption = typer.Option(None, "--unit", help="Unit code.")
KindOption = typer.Option(None, "--kind", help="quarterly, annual, plan, kpi, differentiation or 360.")
PeriodOption = typer.Option(None, "--period", help="2026-Q1 or 2026.")
StateOption = typer.Option(None, "--state", help="A state id, as --json prints it.")
OverdueOption = typer.Option(False, "--overdue", help="Only appraisals with a step past its day.")
OnOption = typer.Option(None, "--on", help="The day overdue is counted on (default: today).")
JsonOption = typer.Option(False, "--json", help="Print JSON with ids, for scripts.")
LimitOption = typer.Option(50, "--limit", min=1, max=1000, help="At most this many.")
OffsetOption = typer.Option(0, "--offset", min=0, help="Skip this many first.")


@appraisals_app.command("list")
def appraisals_list(
    body: Optional[str] = BodyOption,
    unit: Optional[str] = UnitOption,
    kind: Optional[str] = KindOption,
    period: Optional[str] = PeriodOption,
    state: Optional[str] = StateOption,
    name: Optional[str] = typer.Option(None, "--name", help="Part of the servant's name, any case."),
    overdue: bool = OverdueOption,
    on: Optional[str] = OnOption,
    as_json: bool = JsonOption,
    limit: int = LimitOption,
    offset: int = OffsetOption,
    lang: str = LangOption,
) -> None:
    """Appraisals with their servant, kind, period and state; overdue steps when asked."""
    filters = Filters(body, unit, kind, period, state, name, _day(on) if overdue else None)
    _print_appraisals(filters, as_json, limit, offset, use_lang(lang))


@appraisals_app.command("search")
def appraisals_search(
    name: str = typer.Argument(..., help="Part of the servant's name (surname, name or patronymic), any case."),
    body: Optional[str] = BodyOption,
    kind: Optional[str] = KindOption,
    period: Optional[str] = PeriodOption,
    as_json: bool = JsonOption,
    limit: int = LimitOption,
    offset: int = OffsetOption,
    lang: str = LangOption,
) -> None:
    """Appraisals of the servants whose name holds NAME."""
    _print_appraisals(Filters(body=body, kind=kind, period=period, name=name), as_json, limit, offset, use_lang(lang))


@cycles_app.command("list")
def cycles_list(
    body: Optional[str] = BodyOption,
    as_json: bool = JsonOption,
    limit: int = LimitOption,
    offset: int = OffsetOption,
    lang: str = LangOption,
) -> None:
    """Cycles opened, with how many appraisals each holds."""
    reader = use_lang(lang)
    with transaction(engine()) as session:
        page = listing.cycles(session, body, limit, offset)
    if as_json:
        print_json(_json(page))
        return
    rows = [(str(c.id), c.body, c.methodology, label("kind", c.kind, reader), c.period, c.opened_on.isoformat(), str(c.appraisals)) for c in page.rows]
    _table(("cycle", "body", "methodology", "kind", "period", "opened_on", "appraisals"), rows, page, reader)


@people_app.command("list")
def people_list(
    body: Optional[str] = BodyOption,
    unit: Optional[str] = UnitOption,
    as_json: bool = JsonOption,
    limit: int = LimitOption,
    offset: int = OffsetOption,
    lang: str = LangOption,
) -> None:
    """Servants with their unit, position, manager and roles."""
    _print_people(Filters(body=body, unit=unit), as_json, limit, offset, use_lang(lang))


@people_app.command("search")
def people_search(
    name: str = typer.Argument(..., help="Part of the name, any case."),
    body: Optional[str] = BodyOption,
    as_json: bool = JsonOption,
    limit: int = LimitOption,
    offset: int = OffsetOption,
    lang: str = LangOption,
) -> None:
    """Servants whose name holds NAME."""
    _print_people(Filters(body=body, name=name), as_json, limit, offset, use_lang(lang))


def _print_appraisals(filters: Filters, as_json: bool, limit: int, offset: int, reader: Lang) -> None:
    with transaction(engine()) as session:
        page = listing.appraisals(session, filters, limit, offset)
    if as_json:
        print_json(_json(page))
        return
    headers = ["appraisal", "body", "unit", "personnel_no", "name", "kind", "period", "state"]
    if filters.overdue_on:
        headers.append("overdue")
    _table(headers, [_appraisal_cells(row, reader, bool(filters.overdue_on)) for row in page.rows], page, reader)


def _appraisal_cells(row: AppraisalRow, reader: Lang, overdue: bool) -> list[str]:
    cells = [
        str(row.id),
        row.body,
        row.unit or "",
        row.personnel_no,
        row.name,
        label("kind", row.kind, reader),
        row.period,
        label("state", row.state, reader, row.methodology, row.kind),
    ]
    if overdue:
        cells.append("\n".join(f"{label('step', step, reader, row.methodology)}: {due.isoformat()}" for step, due in row.overdue))
    return cells


def _print_people(filters: Filters, as_json: bool, limit: int, offset: int, reader: Lang) -> None:
    with transaction(engine()) as session:
        page = listing.people(session, filters, limit, offset)
    if as_json:
        print_json(_json(page))
        return
    rows = [
        (
            p.body,
            p.personnel_no,
            p.name,
            p.unit or "",
            p.position or "",
            p.category or "",
            p.manager or "",
            ", ".join(label("role", role, reader) for role in p.roles),
        )
        for p in page.rows
    ]
    _table(("body", "personnel_no", "name", "unit", "position", "category", "manager", "roles"), rows, page, reader)


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]], page: Page[Any], reader: Lang) -> None:
    console = Console(width=None if Console().is_terminal else 200)
    if not page.rows:
        console.print(message("cli_nothing_found", reader))
        return
    table = Table(caption=message("cli_shown", reader, shown=len(page.rows), total=page.total))
    for header in columns(tuple(headers), reader):
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _json(page: Page[Any]) -> dict[str, Any]:
    return {"total": page.total, "rows": [vars(row) for row in page.rows]}


def _day(text: Optional[str]) -> date:
    return date.today() if text is None else parse_date(text, "--on")

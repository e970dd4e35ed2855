"""`bagalau schedule draft | approve | show`: the body's appraisal schedule, per unit the
day its appraisal starts (mne2017 п.14, typical2023 п.11). Each prints the schedule as JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

import typer

from bagalau.cli.common import LangOption, print_json, use_lang
from bagalau.cli.workdays import day_or_today, parse_date
from methodology.i18n import Lang
from models.db import engine
from services import schedule

app = typer.Typer(help="The appraisal schedule: HR drafts, the appointing official approves.", no_args_is_help=True)
BodyOption = typer.Option(..., "--body", help="Code of the state body.")
KindOption = typer.Option(..., "--kind", help="Kind of appraisal (quarterly, annual, kpi, ...).")
PeriodOption = typer.Option(..., "--period", help="Period: 2026-Q3 or 2026.")
OnOption = typer.Option(None, "--on", help="The day of the step (default: today).")


@app.command("draft")
def draft(
    body: str = BodyOption,
    kind: str = KindOption,
    period: str = PeriodOption,
    unit: str = typer.Option(..., "--unit", help="Code of the unit."),
    starts: str = typer.Option(..., "--starts", help="The day the unit's appraisal starts (YYYY-MM-DD)."),
    person: str = typer.Option(..., "--as", help="Personnel number of the HR officer."),
    on: Optional[str] = OnOption,
    lang: str = LangOption,
) -> None:
    """HR sets the day a unit's appraisal starts, with the commission chair (mne2017 п.14)."""
    _print(lang, lambda reader: schedule.draft(engine(), body, kind, period, unit, parse_date(starts, "--starts"), person, on=day_or_today(on), lang=reader))


@app.command("approve")
def approve(
    body: str = BodyOption,
    kind: str = KindOption,
    period: str = PeriodOption,
    person: str = typer.Option(..., "--as", help="Personnel number of the appointing official."),
    on: Optional[str] = OnOption,
    lang: str = LangOption,
) -> None:
    """The appointing official approves the drafted schedule (typical2023 п.11)."""
    _print(lang, lambda reader: schedule.approve(engine(), body, kind, period, person, on=day_or_today(on), lang=reader))


@app.command("show")
def show(body: str = BodyOption, kind: str = KindOption, period: str = PeriodOption, lang: str = LangOption) -> None:
    """The schedule of a kind and period, with the deadlines each unit's day opens."""
    _print(lang, lambda reader: schedule.show(engine(), body, kind, period, lang=reader))


def _print(lang: str, step: Callable[[Lang], list[dict[str, Any]]]) -> None:
    """What every command does around its step: check the reader's language first (so a bad
    day or a refusal is told in it), take the step, print the schedule it leaves."""
    print_json(step(use_lang(lang)))

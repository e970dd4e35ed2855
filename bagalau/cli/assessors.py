"""Commands of who appraises whom: `assessor assign` (HR: a head's assessor outside the B
corps, a deputy for an absent or dismissed one, mne2017 п.4) and `assessor delegate` (the
assessor of a unit of more than fifty, typical2023 п.32). Both print the change as JSON."""

from __future__ import annotations

from datetime import date
from typing import Optional

import typer

from bagalau.cli.common import LangOption, print_json, use_lang
from bagalau.cli.workdays import parse_date
from models.db import engine
from services.appraisals import person_on
from states import assessors
from states.assessors import Change

app = typer.Typer(help="Who appraises whom: assignment, substitution, delegation.", no_args_is_help=True)
OnOption = typer.Option(None, "--on", help="The day of the change (default: today).")


@app.command("assign")
def assign(
    appraisal: int = typer.Argument(..., help="Appraisal id."),
    person: str = typer.Option(..., "--as", help="Personnel number of the HR officer."),
    to: str = typer.Option(..., "--to", help="Personnel number of the assessor (or the deputy)."),
    reason: Optional[str] = typer.Option(None, "--reason", help="Why, for the audit trail (e.g. the order number)."),
    on: Optional[str] = OnOption,
    lang: str = LangOption,
) -> None:
    """HR records the appraisal's assessor, or substitutes a deputy for the one it has."""
    use_lang(lang)
    db = engine()
    change = assessors.assign(db, appraisal, person_on(db, appraisal, person), person_on(db, appraisal, to, person_field="--to"), on=_day(on), reason=reason)
    print_json(_shown(change))


@app.command("delegate")
def delegate(
    appraisal: int = typer.Argument(..., help="Appraisal id."),
    person: str = typer.Option(..., "--as", help="Personnel number of the assessor."),
    to: str = typer.Option(..., "--to", help="Personnel number of the person who appraises instead."),
    reason: Optional[str] = typer.Option(None, "--reason", help="Why, for the audit trail."),
    on: Optional[str] = OnOption,
    lang: str = LangOption,
) -> None:
    """The assessor names a person who appraises in their place (typical2023 п.32)."""
    use_lang(lang)
    db = engine()
    change = assessors.delegate(db, appraisal, person_on(db, appraisal, person), person_on(db, appraisal, to, person_field="--to"), on=_day(on), reason=reason)
    print_json(_shown(change))


def _day(text: str | None) -> date:
    return date.today() if text is None else parse_date(text, "--on")


def _shown(change: Change) -> dict[str, object]:
    return {
        "appraisal": change.appraisal_id,
        "action": change.action,
        "previous": change.previous,
        "assessor": change.assessor,
        "paragraph": change.paragraph,
        "deadlines_moved": change.deadlines,
    }

"""`bagalau deadlines`: every statutory deadline of one appraisal kind and period."""

from __future__ import annotations

from datetime import date
from typing import List, Optional

import typer

from bagalau.cli.common import LangOption, print_json, use_lang
from bagalau.cli.workdays import CalendarOption, calendar_from, parse_date
from methodology import loader
from methodology.deadlines import Period
from methodology.deadlines import deadlines as compute
from methodology.errors import InvalidInput
from methodology.schema import Methodology


def deadlines(
    methodology: str = typer.Option(..., "--methodology", "-m", help="Definition id, e.g. typical2023."),
    kind: str = typer.Option(..., "--kind", "-k", help="Appraisal kind, e.g. kpi."),
    period: str = typer.Option(..., "--period", "-p", help="2026-Q3 for a quarter, 2026 for a year."),
    event: List[str] = typer.Option([], "--event", "-e", help="NAME=DATE of an anchor event; repeatable."),
    calendar: Optional[str] = CalendarOption,
    lang: str = LangOption,
) -> None:
    """Print a JSON list of {step, due, rule, ...} for each deadline of the appraisal."""
    reader = use_lang(lang)
    definition = find(methodology)
    if kind not in definition.kinds:
        raise InvalidInput("unknown", field="--kind", value=kind, rule="docs/cli.md", expected=", ".join(definition.kinds))
    when = Period.parse(period, definition.rules_of(kind).period)
    events = parse_events(event, definition)
    out = []
    for due in compute(definition, kind, when, events, calendar_from(calendar)):
        out.append(
            {
                "step": due.step,
                "due": due.due,
                "rule": f"{definition.id} {due.rule.paragraph}",
                "label": due.rule.label(reader),
                "responsible": due.rule.responsible,
                **({"waits_for": due.waits_for} if due.waits_for else {}),
            }
        )
    print_json(out)


def find(name: str) -> Methodology:
    known = loader.available()
    if name not in known:
        raise InvalidInput("unknown", field="--methodology", value=name, rule="docs/cli.md", expected=", ".join(known))
    return loader.load(name)


def parse_events(items: list[str], definition: Methodology) -> dict[str, date]:
    events: dict[str, date] = {}
    for item in items:
        name, sep, day = item.partition("=")
        if not sep or name not in definition.events:
            raise InvalidInput("event", field="--event", value=item, rule="docs/cli.md", expected=", ".join(definition.events))
        events[name] = parse_date(day, f"--event {name}")
    return events

"""Commands of the lifecycle: `db upgrade`, `cycle open`, `act`, `show`, `diagrams`.

People are named by their personnel number, as HR knows them; appraisals by their id,
as `cycle open` and `show` print them. A result is shown only to those who may know it
(typical2023 п.16, п.21): `show` asks who is looking.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any, Optional

import typer
from sqlmodel import Session, select

from bagalau import simulation
from bagalau.cli.common import LangOption, print_json, use_lang
from bagalau.cli.workdays import parse_date
from methodology import inputs, loader
from methodology.errors import InvalidInput
from methodology.i18n import Lang
from models import Appraisal, Cycle, Deadline, Servant
from models.db import engine, transaction
from models.migrate import upgrade
from states import machines, service
from states.confidentiality import result_view
from states.cycles import open_cycle

db_app = typer.Typer(help="The database.", no_args_is_help=True)
cycle_app = typer.Typer(help="Appraisal cycles.", no_args_is_help=True)
OnOption = typer.Option(None, "--on", help="The day of the action (default: today).")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database named by BAGALAU_DATABASE_URL (default: SQLite file)."""
    upgrade()
    print("ok")


@cycle_app.command("open")
def cycle_open(
    body: str = typer.Argument(..., help="State body code."),
    kind: str = typer.Argument(..., help="quarterly, annual, plan, kpi, differentiation or 360."),
    period: str = typer.Argument(..., help="2026-Q1 or 2026."),
    on: Optional[str] = OnOption,
    lang: str = LangOption,
) -> None:
    """Create the appraisals of a period: who is appraised, exempt, deferred, and why."""
    use_lang(lang)
    upgrade()
    report = open_cycle(engine(), body, kind, inputs.period_held(period, "PERIOD", "docs/lifecycle.md", on=_day(on)), on=_day(on))
    print_json({
        "cycle": report.cycle_id,
        "created": [vars(p) for p in report.created],
        "not_appraised": [vars(p) for p in report.not_appraised],
    })


def act(
    appraisal: int = typer.Argument(..., min=1, max=2**63 - 1, help="Appraisal id."),
    action: str = typer.Argument(..., help="The action, as `show` lists it."),
    person: str = typer.Option(..., "--as", help="Personnel number of who acts."),
    data: Optional[str] = typer.Option(None, "--data", help="The action's data: JSON text, @FILE, or - for stdin."),
    on: Optional[str] = OnOption,
    version: Optional[int] = typer.Option(None, "--version", help="The version you saw; refused if it changed."),
    lang: str = LangOption,
) -> None:
    """Take an action on an appraisal; prints the new state as JSON."""
    use_lang(lang)
    actor = _person(appraisal, person)
    day = _acting_day(appraisal, _day(on))
    outcome = service.act(engine(), appraisal, actor, action, _payload(data), on=day, expected_version=version)
    print_json({"appraisal": appraisal, "action": action, "from": outcome.from_state, "to": outcome.to_state, "version": outcome.version})


def show(
    appraisal: int = typer.Argument(..., min=1, max=2**63 - 1, help="Appraisal id."),
    person: str = typer.Option(..., "--as", help="Personnel number of who is looking."),
    lang: str = LangOption,
) -> None:
    """An appraisal with its history, open deadlines and what the person may do now."""
    reader = use_lang(lang)
    actor_id = _person(appraisal, person)
    with transaction(engine()) as session:
        row = session.get(Appraisal, appraisal)
        actor = session.get(Servant, actor_id)
        assert row is not None and actor is not None
        print_json(_view(session, row, actor, reader))


def _view(session: Session, row: Appraisal, actor: Servant, lang: Lang) -> dict[str, Any]:
    definition = loader.load(row.methodology)
    flow = definition.flow(row.kind)  # type: ignore[arg-type]
    servant = session.get(Servant, row.servant_id)
    deadlines = session.exec(select(Deadline).where(Deadline.appraisal_id == row.id, Deadline.status == "open"))
    return {
        "appraisal": row.id, "servant": servant.full_name if servant else None,
        "methodology": row.methodology, "kind": row.kind, "period": row.period,
        "state": row.state, "state_label": flow.states[row.state].label(lang), "version": row.version,
        "participation": row.participation, "reason": row.reason,
        **result_view(session, actor, row),
        "open_deadlines": [
            {"step": d.step, "due": d.due, "rule": f"{row.methodology} {d.paragraph}", "responsible": d.responsible_role}
            for d in deadlines
        ],
        "you_may": [{"action": t.action, "label": t.label(lang), "rule": t.paragraph} for t in service.allowed(session, row, actor)],
        "history": [
            {"at": e.at, "action": e.action, "from": e.from_state, "to": e.to_state, "by": e.actor_role, "reason": e.reason}
            for e in service.history(session, row.id)  # type: ignore[arg-type]
        ],
    }


def diagrams(
    out: Path = typer.Option(Path("docs/diagrams.md"), "--out", help="Markdown file to write."),
) -> None:
    """Write the state diagram of every machine (mermaid) into one Markdown file."""
    parts = ["# State diagrams\n", "Generated by `bagalau diagrams` from the workflow tables of the definitions.\n"]
    for name in loader.available():
        definition = loader.load(name)
        for kind in definition.workflow:
            parts.append(f"\n## {name} · {kind}\n\n```mermaid\n{machines.mermaid(name, kind)}```\n\n")  # type: ignore[arg-type]
            parts.append(_table(definition.flow(kind)))  # type: ignore[arg-type]
    out.write_text("".join(parts), "utf-8")
    print(out)


def _table(flow: Any) -> str:
    lines = ["| from | who | action | to | opens | closes | rule |", "|---|---|---|---|---|---|---|"]
    for row in flow.transitions:
        lines.append(
            f"| {', '.join(row.source)} | {', '.join(row.roles)} | `{row.action}` | {row.to} "
            f"| {', '.join(row.opens)} | {', '.join(row.closes)} | {row.paragraph} |"
        )
    return "\n".join(lines) + "\n"


def _day(text: str | None) -> date:
    return date.today() if text is None else parse_date(text, "--on")


def _acting_day(appraisal_id: int, day: date) -> date:
    """The day of an action: not after today (only `simulate` plays days ahead), nor before
    the appraisal's cycle was opened."""
    inputs.not_after(day, "--on", "docs/lifecycle.md", today=date.today())
    with transaction(engine()) as session:
        appraisal = session.get(Appraisal, appraisal_id)
        cycle = session.get(Cycle, appraisal.cycle_id) if appraisal else None
        if cycle is not None and day < cycle.opened_on:
            raise InvalidInput("range", field="--on", value=day.isoformat(), rule="docs/lifecycle.md",
                               low=cycle.opened_on.isoformat(), high=date.today().isoformat())
    return day


def _person(appraisal_id: int, personnel_no: str) -> int:
    """The servant of the appraisal's state body with that personnel number."""
    with transaction(engine()) as session:
        appraisal = session.get(Appraisal, appraisal_id)
        if appraisal is None:
            raise InvalidInput("not_found", field="APPRAISAL", value=appraisal_id, rule="docs/lifecycle.md")
        owner = session.get(Servant, appraisal.servant_id)
        assert owner is not None
        query = select(Servant.id).where(Servant.state_body_id == owner.state_body_id, Servant.personnel_no == personnel_no)
        found = session.exec(query).first()
        if found is None:
            raise InvalidInput("not_found", field="--as", value=personnel_no, rule="docs/lifecycle.md")
        return found


def _payload(data: str | None) -> dict[str, Any]:
    if data is None:
        return {}
    from bagalau.cli.score import read_json

    text_source = data[1:] if data.startswith("@") else ("-" if data == "-" else None)
    payload = read_json(text_source) if text_source else _parse_inline(data)
    if not isinstance(payload, dict):
        raise InvalidInput("type_object", field="--data", value=data, rule="docs/lifecycle.md")
    return payload


def _parse_inline(text: str) -> Any:
    return inputs.parse_json(text, "--data", "docs/lifecycle.md")


def simulate(
    scenario: Path = typer.Argument(..., help="Scenario file (YAML), see docs/simulate.md."),
    database: Optional[str] = typer.Option(None, "--database", help="Database URL to keep (default: a fresh temporary SQLite file)."),
    lang: str = LangOption,
) -> None:
    """Play a scenario on a fresh database with a simulated clock; print its JSON summary.
    Exits 1 when a step was refused that the scenario did not expect."""
    use_lang(lang)
    plan = simulation.load(scenario)
    with tempfile.TemporaryDirectory() as folder:
        summary = simulation.run(plan, database or f"sqlite:///{Path(folder) / 'simulation.sqlite3'}")
    print_json(summary)
    if summary["unexpected"]:
        raise typer.Exit(1)

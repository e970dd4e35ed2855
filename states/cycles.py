"""Opening a cycle: who of a state body is appraised for a period, who is not, and why.

For every servant of the body the cycle's kind concerns (heads by KPI, staff by
differentiation, everyone otherwise), the definition's scope decides: exempt with under
three months in the position or on probation (mne2017 п.3, typical2023 п.6), deferred
while absent or appraised without participation (п.6), appraised without participation or
not at all when dismissed (typical2023 п.7). Opening twice creates nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from sqlalchemy.engine import Engine
from sqlalchemy import JSON, ColumnElement, Date, DateTime, Integer, and_, func, insert, literal
from sqlmodel import Session, select

from methodology import loader
from methodology.deadlines import Period, due_of
from methodology.errors import InvalidInput
from methodology.schema import Methodology, Workflow
from methodology.workdays import ALMATY, WorkCalendar, default_calendar
from models import Absence, Appraisal, AuditEvent, Cycle, Deadline, Position, Servant, StateBody
from models.db import insert_rows, transaction
from states import timeline


@dataclass
class Placement:
    servant_id: int
    full_name: str
    state: str
    participation: str = "full"
    reason: str | None = None


@dataclass
class OpenedCycle:
    cycle_id: int
    created: list[Placement] = field(default_factory=list)
    not_appraised: list[Placement] = field(default_factory=list)


def open_cycle(
    engine: Engine, body_code: str, kind: str, period_text: str, *, on: date, calendar: WorkCalendar | None = None
) -> OpenedCycle:
    calendar = calendar or default_calendar()
    with transaction(engine) as session:
        body = session.exec(select(StateBody).where(StateBody.code == body_code)).first()
        if body is None:
            raise InvalidInput("not_found", field="state_body", value=body_code, rule="docs/lifecycle.md")
        definition = loader.load(body.methodology)
        if kind not in definition.workflow:
            raise InvalidInput("unknown", field="kind", value=kind, rule="docs/lifecycle.md", expected=", ".join(definition.workflow))
        flow = definition.flow(kind)  # type: ignore[arg-type]
        period = Period.parse(period_text, definition.rules(kind).period, source=definition.id)  # type: ignore[arg-type, union-attr]
        cycle = _cycle(session, body, definition, kind, period, on)
        done = set(session.exec(select(Appraisal.servant_id).where(Appraisal.cycle_id == cycle.id)))
        absent = _absences(session, body, definition, on)
        report = OpenedCycle(cycle.id)  # type: ignore[arg-type]
        managers: dict[int, int | None] = {}
        # Fewer than N months in the position during the period: started after this day.
        latest_start = period.end + relativedelta(days=1) - relativedelta(months=definition.scope.min_months_in_position)  # type: ignore[union-attr]
        for servant in _population(session, body, definition, flow):
            if servant.id in done:
                continue
            placement = _place(definition, flow, servant, period, on, latest_start, absent.get(servant.id))
            (report.not_appraised if placement.state == "not_appraised" else report.created).append(placement)
            managers[servant.id] = servant.manager_id
        _create(session, definition, flow, cycle, period, report.created, managers, on, calendar, body.id)  # type: ignore[arg-type]
        return report


def _cycle(session: Session, body: StateBody, definition: Methodology, kind: str, period: Period, on: date) -> Cycle:
    query = select(Cycle).where(Cycle.state_body_id == body.id, Cycle.kind == kind, Cycle.period == str(period))
    cycle = session.exec(query).first()
    if cycle is None:
        cycle = Cycle(state_body_id=body.id, methodology=definition.id, kind=kind, period=str(period), opened_on=on)  # type: ignore[arg-type]
        session.add(cycle)
        session.flush()
    return cycle


def _population(session: Session, body: StateBody, definition: Methodology, flow: Workflow) -> list[Any]:
    """The body's servants the kind concerns, as plain rows (a body can have thousands)."""
    query = (
        select(
            Servant.id, Servant.full_name, Servant.manager_id, Servant.position_start,
            Servant.probation_end, Servant.dismissed_on, Position.category,
        )
        .join(Position, Position.id == Servant.position_id, isouter=True)
        .where(Servant.state_body_id == body.id)
        .order_by(Servant.id)  # type: ignore[arg-type]
    )
    rows = list(session.execute(query))
    if flow.population == "all":
        return rows
    heads = flow.population == "heads"
    return [row for row in rows if definition.is_head(row.category) == heads]


def _place(
    definition: Methodology, flow: Workflow, servant: Any, period: Period, on: date, latest_start: date, absence: Absence | None
) -> Placement:
    scope = definition.scope
    assert scope is not None, f"{definition.id} has no scope"
    placement = Placement(servant.id, servant.full_name, flow.initial)
    if servant.dismissed_on is not None and servant.dismissed_on <= on:
        if scope.when_dismissed == "not_appraised" or servant.dismissed_on < period.start:
            return _mark(placement, "not_appraised", f"dismissed {servant.dismissed_on} ({scope.dismissed_paragraph})")
        placement.participation = "without"
        return _mark(placement, flow.initial, f"dismissed {servant.dismissed_on} ({scope.dismissed_paragraph})")
    if servant.position_start > latest_start:
        return _mark(placement, "exempt", f"in the position since {servant.position_start} ({scope.exempt_paragraph})")
    if scope.exempt_on_probation and servant.probation_end and servant.probation_end > period.end:
        return _mark(placement, "exempt", f"on probation until {servant.probation_end} ({scope.exempt_paragraph})")
    if absence is not None and flow.when_absent != "none":
        reason = f"{absence.kind} {absence.start}–{absence.end} ({scope.absences_paragraph})"
        if flow.when_absent == "defer":
            return _mark(placement, "deferred", reason)
        placement.participation = "without"
        return _mark(placement, flow.initial, reason)
    return placement


def _mark(placement: Placement, state: str, reason: str) -> Placement:
    placement.state, placement.reason = state, reason
    return placement


def _absences(session: Session, body: StateBody, definition: Methodology, on: date) -> dict[int, Absence]:
    """Who of the body is away on the opening day, for a reason the methodology names."""
    assert definition.scope is not None
    query = (
        select(Absence)
        .join(Servant, Servant.id == Absence.servant_id)
        .where(
            Servant.state_body_id == body.id, Absence.kind.in_(definition.scope.absences),  # type: ignore[attr-defined]
            Absence.start <= on, Absence.end >= on,
        )
    )
    return {absence.servant_id: absence for absence in session.exec(query)}


def _create(
    session: Session,
    definition: Methodology,
    flow: Workflow,
    cycle: Cycle,
    period: Period,
    placements: list[Placement],
    managers: dict[int, int | None],
    on: date,
    calendar: WorkCalendar,
    body_id: int,
) -> None:
    """Insert the appraisals, then derive their first deadlines and opening audit events
    from those rows inside the database (INSERT … SELECT): a handful of statements per
    state body, whatever its size."""
    if not placements:
        return
    connection = session.connection()
    before = connection.execute(select(func.coalesce(func.max(Appraisal.id), 0))).scalar_one()
    rows = [
        {
            "cycle_id": cycle.id, "servant_id": p.servant_id, "assessor_id": managers[p.servant_id],
            "methodology": definition.id, "kind": cycle.kind, "period": cycle.period, "state": p.state,
            "version": 1, "participation": p.participation, "reason": p.reason, "events": {},
            "closed_on": on if flow.states[p.state].final else None, "legal_hold": False,
        }
        for p in placements
    ]
    insert_rows(connection, Appraisal.__table__, rows)  # type: ignore[attr-defined]
    new = and_(Appraisal.cycle_id == cycle.id, Appraisal.id > before)  # type: ignore[arg-type, operator]
    _first_deadlines(session, definition, flow, period, new, calendar, body_id)
    at = datetime.combine(on, time(9, 0), ALMATY)
    for participation in {p.participation for p in placements}:
        opened = select(
            Appraisal.id, literal(at, DateTime(timezone=True)), literal("system"), literal("open"),
            Appraisal.state, Appraisal.reason, literal({"participation": participation}, JSON),
        ).where(new, Appraisal.participation == participation)
        columns = ["appraisal_id", "at", "actor_role", "action", "to_state", "reason", "data"]
        connection.execute(insert(AuditEvent).from_select(columns, opened))


def _first_deadlines(
    session: Session,
    definition: Methodology,
    flow: Workflow,
    period: Period,
    new: ColumnElement[bool],
    calendar: WorkCalendar,
    body_id: int,
) -> None:
    """The deadlines an appraisal opens with depend on the period alone: computed once per
    step, then written for every new appraisal in the initial state by one statement."""
    offices = timeline.Offices.of(session, body_id)
    for step in flow.opens:
        due = due_of(definition, step, period, {}, calendar)
        if due.due is None:
            continue
        role = due.rule.responsible
        who = {"servant": Appraisal.servant_id, "direct_manager": Appraisal.assessor_id}.get(role)
        rows = select(
            Appraisal.id, literal(step), literal(due.due, Date), literal(due.rule.paragraph), literal(role),
            who if who is not None else literal(offices.holder(role, 0, None), Integer),
            literal("open"), literal(0), literal(timeline.first_fire(definition, step, due.due, calendar), Date),
        ).where(new, Appraisal.state == flow.initial)
        columns = ["appraisal_id", "step", "due", "paragraph", "responsible_role", "responsible_id", "status", "level", "next_fire"]
        session.connection().execute(insert(Deadline).from_select(columns, rows))

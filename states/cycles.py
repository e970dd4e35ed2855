"""Opening a cycle: who of a state body is appraised for a period, who is not, and why.

For every servant of the body the cycle's kind concerns (heads by KPI, staff by
differentiation, everyone otherwise), the definition's scope decides: exempt with under
three months in the position or on probation (mne2017 п.3, typical2023 п.6), deferred
while absent or appraised without participation (п.6), appraised without participation or
not at all when dismissed (typical2023 п.7); states/placement.py holds those rules.
Opening twice creates nothing new. A servant with no assessor in service (mne2017 п.4,
typical2023 п.3) stops the opening before anything is written, with everyone named, rather
than leaving appraisals nobody may act on.

A body can have thousands of servants and a country a hundred thousand, so nothing here
loops over them in Python but the audit chain's hash: the appraisals and their first
deadlines are each written by one INSERT … SELECT per state body; their opening audit events
are selected, hashed onto their bodies' chains and inserted once, sealed
(states/audit_chain.py `insert_events`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, ColumnElement, Date, DateTime, Integer, SQLColumnExpression, and_, case, exists, func, insert, literal, null, or_, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from methodology import loader
from methodology.deadlines import Period, due_of
from methodology.errors import InvalidInput
from methodology.schema import Methodology, Workflow
from methodology.workdays import ALMATY, WorkCalendar, default_calendar
from models import Appraisal, Cycle, Deadline, ScheduleEntry, Servant, StateBody
from models.db import id_of, transaction
from states import appointments, audit_chain, people, schedule, timeline
from states.placement import Placing, placing


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


@dataclass
class OpenedCycles:
    """What an opening for many bodies did, in numbers: a country's cycle is not listed."""

    cycles: int
    created: int
    not_appraised: int


def open_cycle(engine: Engine, body_code: str, kind: str, period_text: str, *, on: date, calendar: WorkCalendar | None = None) -> OpenedCycle:
    """Open one body's cycle and name everyone it placed, and how (for a person)."""
    with transaction(engine) as session:
        opening = _open(session, [body_code], kind, period_text, on, calendar or default_calendar())
        return OpenedCycle(opening.cycle_ids[0], _placements(session, opening.new), _not_appraised(session, opening.placed))


def open_cycles(engine: Engine, body_codes: list[str], kind: str, period_text: str, *, on: date, calendar: WorkCalendar | None = None) -> OpenedCycles:
    """Open one kind and period for many state bodies of one methodology in one transaction,
    by the same handful of statements as for one body (the scheduled opening)."""
    with transaction(engine) as session:
        opening = _open(session, body_codes, kind, period_text, on, calendar or default_calendar())
        created = session.connection().execute(select(func.count()).where(opening.new)).scalar_one()
        left_out = opening.placed.select.with_only_columns(func.count()).where(opening.placed.state == "not_appraised")
        return OpenedCycles(len(opening.cycle_ids), created, session.connection().execute(left_out).scalar_one())


def open_in(session: Session, body_codes: list[str], kind: str, period_text: str, on: date, calendar: WorkCalendar) -> None:
    """Open (again) inside the caller's transaction: a hire joins the cycles already open
    (states/staffing.py)."""
    _open(session, body_codes, kind, period_text, on, calendar)


@dataclass
class _Opening:
    cycle_ids: list[int]
    placed: Placing
    new: ColumnElement[bool]  # picks out the appraisals this opening wrote


def _open(session: Session, body_codes: list[str], kind: str, period_text: str, on: date, calendar: WorkCalendar) -> _Opening:
    bodies = list(session.exec(select(StateBody).where(col(StateBody.code).in_(body_codes))))
    missing = sorted(set(body_codes) - {body.code for body in bodies})
    if missing:
        raise InvalidInput("not_found", field="state_body", value=missing[0], rule="docs/lifecycle.md")
    if len({body.methodology for body in bodies}) != 1:
        raise ValueError(f"one opening is for bodies of one methodology: {body_codes}")
    definition = loader.load(bodies[0].methodology)
    if kind not in definition.workflow:
        raise InvalidInput("unknown", field="kind", value=kind, rule="docs/lifecycle.md", expected=", ".join(definition.workflow))
    flow = definition.flow(kind)
    period = Period.parse(period_text, definition.rules_of(kind).period, source=definition.id)
    placed = placing(definition, flow, kind, [id_of(body) for body in bodies], period, on, session.connection().dialect.name)
    _check_assessors(session, definition, flow, kind, period, placed, on)
    cycle_ids = _cycles(session, bodies, definition, kind, period, on)
    new = _create(session, definition, flow, kind, period, cycle_ids, placed, on)
    _first_deadlines(session, definition, flow, kind, period, new, calendar, bodies)
    _opening_events(session, new, on)
    appointments.record_at_opening(session, definition, kind, period, new, calendar, datetime.combine(on, time(9, 0), ALMATY))
    _scheduled(session, cycle_ids, on, calendar)
    return _Opening(cycle_ids, placed, new)


def _check_assessors(session: Session, definition: Methodology, flow: Workflow, kind: str, period: Period, placed: Placing, on: date) -> None:
    """Refuse, before anything is written, to open appraisals nobody could act on: every
    servant the opening would create an appraisal for in a state that is not final needs an
    assessor in service (mne2017 п.4, typical2023 п.3); all of them are named at once."""
    assessor = aliased(Servant)
    finals = [name for name, state in flow.states.items() if state.final]
    has_one = exists().where(
        col(Appraisal.servant_id) == col(Servant.id),
        col(Appraisal.cycle_id) == col(Cycle.id),
        col(Cycle.state_body_id) == col(Servant.state_body_id),
        col(Cycle.kind) == kind,
        col(Cycle.period) == str(period),
    )
    in_service = or_(col(assessor.dismissed_on).is_(None), col(assessor.dismissed_on) > on)
    query = (
        placed.select.join(assessor, col(assessor.id) == col(Servant.manager_id), isouter=True)
        .with_only_columns(col(Servant.personnel_no), col(Servant.full_name))
        .where(placed.state.not_in(["not_appraised", *finals]), ~has_one, or_(col(assessor.id).is_(None), ~in_service))
        .order_by(col(Servant.personnel_no))
    )
    lacking = [f"{number} {name}" for number, name in session.connection().execute(query)]
    if lacking:
        assert definition.scope is not None
        raise InvalidInput("no_assessor", field="servants", value=lacking, rule=definition.scope.assessor_paragraph, source=definition.id, count=len(lacking))


def _cycles(session: Session, bodies: list[StateBody], definition: Methodology, kind: str, period: Period, on: date) -> list[int]:
    """Each body's cycle of the kind and period, created where it does not exist yet."""
    query = select(Cycle).where(col(Cycle.state_body_id).in_([b.id for b in bodies]), col(Cycle.kind) == kind, col(Cycle.period) == str(period))
    cycles = {cycle.state_body_id: cycle for cycle in session.exec(query)}
    for body in bodies:
        if id_of(body) not in cycles:
            cycles[id_of(body)] = Cycle(state_body_id=id_of(body), methodology=definition.id, kind=kind, period=str(period), opened_on=on)
            session.add(cycles[id_of(body)])
    session.flush()
    return [id_of(cycles[id_of(body)]) for body in bodies]


def _create(
    session: Session, definition: Methodology, flow: Workflow, kind: str, period: Period, cycle_ids: list[int], placed: Placing, on: date
) -> ColumnElement[bool]:
    """Insert an appraisal for every placed servant their body's cycle has none for yet,
    by one INSERT … SELECT; return the condition that picks out the rows it wrote."""
    connection = session.connection()
    before = connection.execute(select(func.coalesce(func.max(col(Appraisal.id)), 0))).scalar_one()
    finals = [name for name, state in flow.states.items() if state.final]
    their_cycle = and_(col(Cycle.state_body_id) == col(Servant.state_body_id), col(Cycle.kind) == kind, col(Cycle.period) == str(period))
    rows = (
        placed.select.join(Cycle, their_cycle)
        .with_only_columns(
            col(Cycle.id),
            col(Servant.id),
            col(Servant.manager_id),
            literal(definition.id),
            literal(kind),
            literal(str(period)),
            placed.state,
            literal(1),
            placed.participation,
            placed.reason,
            literal({}, JSON),
            case((placed.state.in_(finals), literal(on, Date)), else_=null()),
            literal(False),
        )
        .where(placed.state != "not_appraised", ~exists().where(col(Appraisal.cycle_id) == col(Cycle.id), col(Appraisal.servant_id) == col(Servant.id)))
    )
    columns = [
        "cycle_id",
        "servant_id",
        "assessor_id",
        "methodology",
        "kind",
        "period",
        "state",
        "version",
        "participation",
        "reason",
        "events",
        "closed_on",
        "legal_hold",
    ]
    connection.execute(insert(Appraisal).from_select(columns, rows))
    return and_(col(Appraisal.cycle_id).in_(cycle_ids), col(Appraisal.id) > before)


def _opening_events(session: Session, new: ColumnElement[bool], on: date) -> None:
    """The audit trail's first event of each new appraisal, derived from its row."""
    at = datetime.combine(on, time(9, 0), ALMATY)
    for participation in ("full", "without"):
        opened = sa_select(
            col(Appraisal.id),
            literal(at, DateTime(timezone=True)),
            literal("system"),
            literal("open"),
            col(Appraisal.state),
            col(Appraisal.reason),
            literal({"participation": participation}, JSON),
        ).where(new, col(Appraisal.participation) == participation)
        columns = ["appraisal_id", "at", "actor_role", "action", "to_state", "reason", "data"]
        audit_chain.insert_events(session, columns, opened)


def _scheduled(session: Session, cycle_ids: list[int], on: date, calendar: WorkCalendar) -> None:
    """Appraisals opened after their unit's schedule was approved are dated by it at once
    (mne2017 п.14; states/schedule.py); only bodies with a schedule have rows to read."""
    dated = select(ScheduleEntry.state_body_id).where(col(ScheduleEntry.approved_on).is_not(None))
    for found in session.exec(select(Cycle).where(col(Cycle.id).in_(cycle_ids), col(Cycle.state_body_id).in_(dated))):
        schedule.apply(session, found, None, on, datetime.combine(on, time(9, 0), ALMATY), calendar)


def _placements(session: Session, new: ColumnElement[bool]) -> list[Placement]:
    query = (
        sa_select(col(Appraisal.servant_id), col(Servant.full_name), col(Appraisal.state), col(Appraisal.participation), col(Appraisal.reason))
        .join(Servant, col(Servant.id) == col(Appraisal.servant_id))
        .where(new)
        .order_by(col(Appraisal.servant_id))
    )
    return [Placement(*row) for row in session.connection().execute(query)]


def _not_appraised(session: Session, placed: Placing) -> list[Placement]:
    """Who the cycle leaves out altogether (dismissed before or during it, typical2023 п.7):
    they have no appraisal, so they are named again on every opening."""
    query = (
        placed.select.with_only_columns(col(Servant.id), col(Servant.full_name), placed.state, placed.participation, placed.reason)
        .where(placed.state == "not_appraised")
        .order_by(col(Servant.id))
    )
    return [Placement(*row) for row in session.connection().execute(query)]


def _first_deadlines(
    session: Session,
    definition: Methodology,
    flow: Workflow,
    kind: str,
    period: Period,
    new: ColumnElement[bool],
    calendar: WorkCalendar,
    bodies: list[StateBody],
) -> None:
    """The deadlines an appraisal opens with depend on the period alone: computed once per
    step, then written for every new appraisal in the initial state by one statement (but
    for an appointee's, states/appointments.py)."""
    offices: dict[int, people.Offices] = {}
    for step in flow.opens:
        due = due_of(definition, step, period, {}, calendar)
        if due.due is None:
            continue
        role = due.rule.responsible
        who: SQLColumnExpression[Any] | None = {"servant": col(Appraisal.servant_id), "direct_manager": col(Appraisal.assessor_id)}.get(role)
        if who is None:  # an office of the appraisal's body: its holder, body by body
            offices = offices or people.offices_of(session, [body.id for body in bodies if body.id is not None])
            who = type_coerce(case(*_office_whens(offices, role), else_=null()), Integer)
        rows = (
            sa_select(
                col(Appraisal.id),
                literal(step),
                literal(due.due, Date),
                literal(due.rule.paragraph),
                literal(role),
                who,
                literal("open"),
                literal(0),
                literal(timeline.first_fire(definition, step, due.due, calendar), Date),
            )
            .join(Cycle, col(Cycle.id) == Appraisal.cycle_id)
            .join(Servant, col(Servant.id) == Appraisal.servant_id)
            .where(new, col(Appraisal.state) == flow.initial, appointments.owes_period_step(definition, kind, step, period))
        )
        columns = ["appraisal_id", "step", "due", "paragraph", "responsible_role", "responsible_id", "status", "level", "next_fire"]
        session.connection().execute(insert(Deadline).from_select(columns, rows))


def _office_whens(offices: dict[int, people.Offices], role: str) -> list[tuple[ColumnElement[bool], ColumnElement[Any]]]:
    """A body's office holder for its appraisals, but for HR's own appraisals, whose HR steps
    go to someone else (states/people.py: conflict of interest)."""

    def value(person: int | None) -> ColumnElement[Any]:
        return null() if person is None else literal(person, Integer)

    own = [
        (and_(col(Cycle.state_body_id) == body, col(Appraisal.servant_id) == person), value(o.holder(role, person, None)))
        for body, o in offices.items()
        for person in o.conflicted()
    ]
    return own + [(col(Cycle.state_body_id) == body, value(o.holder(role, 0, None))) for body, o in offices.items()]

"""The appraisal schedule of a state body: drafted, approved, and applied to appraisals.

HR drafts, per unit, the day the unit's appraisal of a kind and period starts, with the
chair of the body's commission where it has one (mne2017 п.14); the appointing official
approves it (typical2023 п.11). Approving records the day on the unit's appraisals as the
events the definition names (`schedule.events`), which open the deadlines counted from them:
mne2017's schedule notice, due 10 calendar days before the start (п.14), and the annual
score, due 5 working days before the commission meets (п.32). A cycle opened after the
approval gets the same on opening (states/cycles.py), and the scheduled opening comes early
enough for the first of those deadlines (states/scheduling.py). Each appraisal the schedule
dates gets an audit event with the paragraph, in the approval's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from methodology import labels, loader
from methodology.deadlines import Period, due_of
from methodology.errors import InvalidInput
from methodology.schema import Kind, Methodology, ScheduleRules, as_kind
from methodology.workdays import ALMATY, WorkCalendar, default_calendar
from models import Appraisal, Cycle, Position, ScheduleEntry, Servant, StateBody, Unit
from models.db import id_of, transaction
from states import people, timeline
from states.errors import Refused
from states.service import audit, claim, opened_by_events


@dataclass(frozen=True)
class Entry:
    """One unit's row of the schedule as a person reads it."""

    methodology: str
    unit: str
    unit_name: str
    starts_on: date
    opens: dict[str, date]  # the deadlines the day opens, with their due days
    drafted_by: str
    chair: str | None
    approved_by: str | None
    approved_on: date | None


@dataclass(frozen=True)
class _Cycle:
    body: StateBody
    definition: Methodology
    rules: ScheduleRules
    kind: Kind
    period: Period


def draft(
    engine: Engine,
    body_code: str,
    kind: str,
    period_text: str,
    unit_code: str,
    starts_on: date,
    actor_no: str,
    *,
    on: date,
    calendar: WorkCalendar | None = None,
) -> list[Entry]:
    """HR sets (or moves) the day a unit's appraisal starts, with the commission chair."""
    with transaction(engine) as session:
        cycle = _cycle(session, body_code, kind, period_text)
        actor = _person(session, cycle.body, actor_no)
        offices = people.offices_of(session, [actor.state_body_id])[actor.state_body_id]
        if not (actor.is_hr or actor.is_head_of_hr):
            raise _not_your_role(cycle, actor, "hr", cycle.rules.paragraph)
        if starts_on < on:
            raise InvalidInput(
                "schedule_in_past", field="--starts", value=starts_on.isoformat(), rule=cycle.rules.paragraph, source=cycle.definition.id, on=on.isoformat()
            )
        unit = _unit(session, cycle.body, unit_code)
        entry = next((e for e in _entries(session, cycle) if e.unit_id == unit.id), None) or ScheduleEntry(
            state_body_id=id_of(cycle.body),
            kind=kind,
            period=str(cycle.period),
            unit_id=id_of(unit),
            starts_on=starts_on,
            drafted_by=id_of(actor),
            drafted_on=on,
        )
        if entry.approved_on is not None:
            raise Refused(
                "schedule_approved",
                field="--unit",
                value=unit_code,
                rule=cycle.rules.approval_paragraph,
                source=cycle.definition.id,
                on=entry.approved_on.isoformat(),
            )
        entry.starts_on, entry.drafted_by, entry.drafted_on, entry.chair_id = starts_on, id_of(actor), on, offices.chair
        session.add(entry)
        session.flush()
        return _shown(session, cycle, calendar or default_calendar())


def approve(
    engine: Engine, body_code: str, kind: str, period_text: str, actor_no: str, *, on: date, at: datetime | None = None, calendar: WorkCalendar | None = None
) -> list[Entry]:
    """The appointing official approves every drafted unit; their appraisals are dated."""
    calendar = calendar or default_calendar()
    with transaction(engine) as session:
        cycle = _cycle(session, body_code, kind, period_text)
        actor = _person(session, cycle.body, actor_no)
        if not actor.is_appointing_official:
            raise _not_your_role(cycle, actor, "appointing_official", cycle.rules.approval_paragraph)
        drafts = [entry for entry in _entries(session, cycle) if entry.approved_on is None]
        if not drafts:
            raise Refused("schedule_empty", field="period", value=str(cycle.period), rule=cycle.rules.approval_paragraph, source=cycle.definition.id)
        for entry in drafts:
            entry.approved_by, entry.approved_on = actor.id, on
            session.add(entry)
        session.flush()
        found = session.exec(select(Cycle).where(Cycle.state_body_id == cycle.body.id, Cycle.kind == kind, Cycle.period == str(cycle.period))).first()
        if found is not None:
            apply(session, found, actor.id, on, at or datetime.combine(on, time(12, 0), ALMATY), calendar)
        return _shown(session, cycle, calendar)


def show(engine: Engine, body_code: str, kind: str, period_text: str, *, calendar: WorkCalendar | None = None) -> list[Entry]:
    with transaction(engine) as session:
        cycle = _cycle(session, body_code, kind, period_text)
        return _shown(session, cycle, calendar or default_calendar())


def apply(session: Session, found: Cycle, actor_id: int | None, on: date, at: datetime, calendar: WorkCalendar) -> int:
    """Date the cycle's appraisals still in their initial state by their unit's approved day:
    record the schedule's events and open what they open; how many were dated."""
    definition = loader.load(found.methodology)
    kind = found.kind
    names = definition.schedule.events.get(as_kind(kind), []) if definition.schedule else []
    if not names:
        return 0
    flow = definition.flow(as_kind(kind))
    starts = {
        unit_id: day
        for unit_id, day in session.exec(
            select(col(ScheduleEntry.unit_id), col(ScheduleEntry.starts_on)).where(
                ScheduleEntry.state_body_id == found.state_body_id,
                ScheduleEntry.kind == kind,
                ScheduleEntry.period == found.period,
                col(ScheduleEntry.approved_on).is_not(None),
            )
        )
    }
    rows = session.exec(
        select(Appraisal, Position.unit_id)
        .join(Servant, col(Servant.id) == Appraisal.servant_id)
        .join(Position, col(Position.id) == Servant.position_id)
        .where(Appraisal.cycle_id == found.id, Appraisal.state == flow.initial)
        .order_by(col(Appraisal.id))
    ).all()
    dated = 0
    for appraisal, unit_id in rows:
        day = starts.get(unit_id)
        if day is None or all(appraisal.events.get(name) == day.isoformat() for name in names):
            continue
        claim(session, appraisal, None)
        appraisal.events = {**appraisal.events, **{name: day.isoformat() for name in names}}
        session.add(appraisal)
        timeline.open_rows(session, definition, appraisal, opened_by_events(definition, appraisal, names), calendar)
        assert definition.schedule is not None
        data = {"starts_on": day.isoformat(), "paragraph": definition.schedule.paragraph, "source": definition.id}
        audit(session, appraisal, actor_id, "appointing_official" if actor_id else "system", "schedule", appraisal.state, appraisal.state, data, at)
        dated += 1
    return dated


def first_days(session: Session, calendar: WorkCalendar) -> dict[tuple[int, str, str], date]:
    """The earliest day a deadline opened by an approved schedule falls on, per (body, kind,
    period): the scheduled opening must come by then, or the first notice is late at birth."""
    earliest: dict[tuple[int, str, str], date] = {}
    query = select(ScheduleEntry, StateBody.methodology).join(StateBody, col(StateBody.id) == ScheduleEntry.state_body_id)
    for entry, methodology in session.exec(query.where(col(ScheduleEntry.approved_on).is_not(None))):
        definition = loader.load(methodology)
        for day in _opened(definition, as_kind(entry.kind), entry.period, entry.starts_on, calendar).values():
            key = (entry.state_body_id, entry.kind, entry.period)
            earliest[key] = min(day, earliest.get(key, day))
    return earliest


def _opened(definition: Methodology, kind: Kind, period_text: str, starts_on: date, calendar: WorkCalendar) -> dict[str, date]:
    """The deadlines a unit's day opens on its appraisals, and their due days."""
    rules = definition.rules(kind)
    names = definition.schedule.events.get(kind, []) if definition.schedule and rules else []
    if not names or rules is None:
        return {}
    period = Period.parse(period_text, rules.period)
    events = {name: starts_on for name in names}
    steps = [step for name in names for step in definition.events[name].opens if kind in definition.deadlines[step].kinds]
    dues = {step: due_of(definition, step, period, events, calendar).due for step in steps}
    return {step: day for step, day in dues.items() if day is not None}


def _cycle(session: Session, body_code: str, kind: str, period_text: str) -> _Cycle:
    body = session.exec(select(StateBody).where(StateBody.code == body_code)).first()
    if body is None:
        raise InvalidInput("not_found", field="--body", value=body_code, rule="docs/cli.md")
    definition = loader.load(body.methodology)
    if kind not in definition.workflow:
        raise InvalidInput("unknown", field="--kind", value=kind, rule="docs/cli.md", expected=", ".join(definition.workflow))
    if definition.schedule is None:
        raise InvalidInput("no_schedule", field="--body", value=body_code, rule="docs/cli.md", source=definition.id)
    rules = definition.rules(kind)
    assert rules is not None
    period = Period.parse(period_text, rules.period, source=definition.id)
    return _Cycle(body, definition, definition.schedule, kind, period)


def _person(session: Session, body: StateBody, personnel_no: str) -> Servant:
    person = session.exec(select(Servant).where(Servant.state_body_id == body.id, Servant.personnel_no == personnel_no)).first()
    if person is None:
        raise InvalidInput("not_found", field="--as", value=personnel_no, rule="docs/cli.md")
    return person


def _unit(session: Session, body: StateBody, code: str) -> Unit:
    unit = session.exec(select(Unit).where(Unit.state_body_id == body.id, Unit.code == code)).first()
    if unit is None:
        raise InvalidInput("not_found", field="--unit", value=code, rule="docs/cli.md")
    return unit


def _not_your_role(cycle: _Cycle, actor: Servant, role: str, paragraph: str) -> Refused:
    """The role the step is for and the office the actor holds, in the reader's words."""
    words = labels.catalogue()["roles"]
    offices = (("head_of_hr", actor.is_head_of_hr), ("hr", actor.is_hr), ("appointing_official", actor.is_appointing_official))
    yours = next((words[office] for office, held in offices if held), "—")
    return Refused("not_your_role", field="--as", value=actor.personnel_no, rule=paragraph, source=cycle.definition.id, roles=words[role], yours=yours)


def _entries(session: Session, cycle: _Cycle) -> list[ScheduleEntry]:
    query = select(ScheduleEntry).where(
        ScheduleEntry.state_body_id == cycle.body.id, ScheduleEntry.kind == cycle.kind, ScheduleEntry.period == str(cycle.period)
    )
    return list(session.exec(query))


def _shown(session: Session, cycle: _Cycle, calendar: WorkCalendar) -> list[Entry]:
    names = {s.id: s.personnel_no for s in session.exec(select(Servant).where(Servant.state_body_id == cycle.body.id))}
    units = {u.id: u for u in session.exec(select(Unit).where(Unit.state_body_id == cycle.body.id))}
    rows = sorted(_entries(session, cycle), key=lambda e: (e.starts_on, units[e.unit_id].code))
    return [
        Entry(
            cycle.definition.id,
            units[e.unit_id].code,
            units[e.unit_id].name,
            e.starts_on,
            _opened(cycle.definition, cycle.kind, str(cycle.period), e.starts_on, calendar),
            names[e.drafted_by],
            names.get(e.chair_id) if e.chair_id else None,
            names.get(e.approved_by) if e.approved_by else None,
            e.approved_on,
        )
        for e in rows
    ]

"""Who is late now: every open deadline of a state body past its day, with the working
days it is overdue and the escalation rung it reached, most overdue first.

HR's console asks it per body, with filters (unit, kind, period, step); the sweep asks it
of every body at once for the summary it publishes, with each body's notices of the run
(`notices_of`). It lists steps and people, never results (typical2023
п.16). The day comes from the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from methodology import loader
from methodology.i18n import Lang
from methodology.notices import table
from methodology.workdays import WorkCalendar
from models import Appraisal, Deadline, Notice, Position, Servant, StateBody, Unit


@dataclass(frozen=True)
class Filters:
    """What HR narrows the list to; None: everything."""

    unit: int | None = None
    kind: str | None = None
    period: str | None = None
    step: str | None = None


@dataclass(frozen=True)
class Late:
    appraisal: int
    servant: str
    unit: str
    kind: str
    period: str
    step: str  # the deadline's id in the definition
    step_label: str
    rule: str
    responsible: str
    due: date
    working_days_overdue: int
    rung: int  # the escalation ladder's rung reached (0: none yet)
    state_body: str = "—"


def late_now(session: Session, body_ids: list[int] | None, today: date, calendar: WorkCalendar, lang: Lang, filters: Filters = Filters()) -> list[Late]:
    """Open deadlines of these bodies (None: of every body) due before `today`, most
    working days overdue first."""
    owner = aliased(Servant)
    query = (
        select(
            col(Appraisal.id),
            col(Servant.full_name),
            col(Unit.name),
            col(Appraisal.methodology),
            col(Appraisal.kind),
            col(Appraisal.period),
            col(Deadline.step),
            col(Deadline.paragraph),
            col(Deadline.responsible_role),
            col(owner.full_name),
            col(Deadline.due),
            col(Deadline.level),
            col(StateBody.name),
        )
        .join(Appraisal, col(Appraisal.id) == Deadline.appraisal_id)
        .join(Servant, col(Servant.id) == Appraisal.servant_id)
        .join(StateBody, col(StateBody.id) == Servant.state_body_id)
        .join(Position, col(Position.id) == Servant.position_id, isouter=True)
        .join(Unit, col(Unit.id) == Position.unit_id, isouter=True)
        .join(owner, col(owner.id) == Deadline.responsible_id, isouter=True)
        .where(col(Deadline.status) == "open", col(Deadline.due) < today)
    )
    if body_ids is not None:
        query = query.where(col(Servant.state_body_id).in_(body_ids))
    for column, value in (
        (col(Unit.id), filters.unit),
        (col(Appraisal.kind), filters.kind),
        (col(Appraisal.period), filters.period),
        (col(Deadline.step), filters.step),
    ):
        if value is not None:
            query = query.where(column == value)
    rows = []
    for appraisal, servant, unit, methodology, kind, period, step, paragraph, role, person, due, level, body in session.execute(query):
        rule = loader.load(methodology).deadlines.get(step)
        if rule and rule.window:  # a window left unused is nobody's breach (an appeal not filed)
            continue
        rows.append(
            Late(
                appraisal=appraisal,
                servant=servant,
                unit=unit or "—",
                kind=kind,
                period=period,
                step=step,
                step_label=rule.label(lang) if rule else step,
                rule=f"{methodology} {paragraph}",
                responsible=person or table().labels["roles"].get(role, {}).get(lang, role),
                due=due,
                working_days_overdue=working_days_between(due, today, calendar),
                rung=max(0, level - 2),
                state_body=body,
            )
        )
    return sorted(rows, key=lambda r: (-r.working_days_overdue, r.due, r.servant, r.step))


def notices_of(session: Session, at: datetime) -> dict[str, tuple[int, int]]:
    """Per state body, the notices recorded at `at` and those delivered at `at`: what one
    sweep (its moment stamps both) did. A notice's body is its own (the weekly report's)
    or its appraisal's servant's."""
    body = func.coalesce(col(Notice.state_body_id), col(Servant.state_body_id))
    query = (
        select(col(StateBody.name), func.count().filter(col(Notice.created_at) == at), func.count().filter(col(Notice.sent_at) == at))
        .select_from(Notice)
        .join(Appraisal, col(Appraisal.id) == Notice.appraisal_id, isouter=True)
        .join(Servant, col(Servant.id) == Appraisal.servant_id, isouter=True)
        .join(StateBody, col(StateBody.id) == body)
        .where((col(Notice.created_at) == at) | (col(Notice.sent_at) == at))
        .group_by(col(StateBody.name))
    )
    return {name: (recorded, delivered) for name, recorded, delivered in session.execute(query)}


def working_days_between(due: date, today: date, calendar: WorkCalendar) -> int:
    """Working days after `due` up to and including `today`: a step due on Friday is one
    working day overdue on Monday."""
    count, day = 0, due
    while day < today:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count

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
from typing import Any

from sqlalchemy import and_, false, func, not_, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from methodology import loader
from methodology.i18n import Lang
from methodology.notices import table
from methodology.workdays import WorkCalendar
from models import Appraisal, Cycle, Deadline, Notice, Position, Servant, StateBody, Unit
from models.db import among, planned_for_values, table_of


@dataclass(frozen=True)
class Filters:
    """What HR narrows the list to; None: everything."""

    unit: int | None = None
    kind: str | None = None
    period: str | None = None
    step: str | None = None
    body: int | None = None  # one of the bodies asked about (a ministry's HR narrowing to one)


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
    state_body_code: str = ""


def late_now(
    session: Session,
    body_ids: list[int] | None,
    today: date,
    calendar: WorkCalendar,
    lang: Lang,
    filters: Filters = Filters(),
    limit: int | None = None,
    offset: int = 0,
) -> list[Late]:
    """Open deadlines of these bodies (None: of every body) due before `today`, most
    working days overdue first; `limit` of them from `offset` (a page of HR's list).

    The days overdue only grow as the due day moves back, so the database sorts by due
    day, then by deadline (a stable order to page by, which the (status, due, id) index
    gives already: a ministry's first page does not sort the whole country's), and only
    the page's rows have their working days counted. The page's rows are found first,
    then named (body, unit, the responsible person): PostgreSQL plans two small joins in
    a fraction of the time it took for the one of eight tables (6 ms a ministry's page)."""
    rows = _late(session, select(*_FOUND), body_ids, today, filters).order_by(col(Deadline.due), col(Deadline.id))
    if limit is not None:
        rows = rows.limit(limit).offset(offset)
    roles, overdue = table().labels["roles"], _Overdue(today, calendar)
    return [
        Late(
            appraisal=appraisal,
            servant=servant,
            unit=unit or "—",
            kind=kind,
            period=period,
            step=step,
            step_label=rule.label(lang) if (rule := loader.load(methodology).deadlines.get(step)) else step,
            rule=f"{methodology} {paragraph}",
            responsible=person or roles.get(role, {}).get(lang, role),
            due=due,
            working_days_overdue=overdue(due),
            rung=max(0, level - 2),
            state_body=body,
            state_body_code=code,
        )
        for appraisal, servant, unit, methodology, kind, period, step, paragraph, role, person, due, level, body, code in session.execute(
            _named(rows.subquery())
        )
    ]


def count_late(session: Session, body_ids: list[int] | None, today: date, filters: Filters = Filters(), at_most: int | None = None) -> int:
    """How many rows `late_now` has in all, for "51–100 of 340"; counting stops past
    `at_most` (then `at_most` + 1): a ministry's list over the country would otherwise
    join every overdue row of it on each page, to say a number nobody pages to the end of."""
    rows = _late(session, select(col(Deadline.id)), body_ids, today, filters)
    if at_most is not None:
        rows = rows.limit(at_most + 1)
    return session.execute(select(func.count()).select_from(rows.subquery())).scalar_one()


_OWNER = aliased(Servant)
# What the list reads of a deadline and its appraisal, to find its rows and then name them.
_FOUND: tuple[Any, ...] = (
    col(Deadline.id),
    col(Deadline.due),
    col(Deadline.step),
    col(Deadline.paragraph),
    col(Deadline.responsible_role),
    col(Deadline.responsible_id),
    col(Deadline.level),
    col(Appraisal.id).label("appraisal_id"),
    col(Appraisal.methodology),
    col(Appraisal.kind),
    col(Appraisal.period),
    col(Appraisal.servant_id),
)


def _named(found: Any) -> Any:
    """The rows `found` with their servant's name, unit and body and the name of the
    person responsible, in the list's order."""
    return (
        select(
            found.c.appraisal_id,
            col(Servant.full_name),
            col(Unit.name),
            found.c.methodology,
            found.c.kind,
            found.c.period,
            found.c.step,
            found.c.paragraph,
            found.c.responsible_role,
            col(_OWNER.full_name),
            found.c.due,
            found.c.level,
            col(StateBody.name),
            col(StateBody.code),
        )
        .select_from(found)
        .join(Servant, col(Servant.id) == found.c.servant_id)
        .join(StateBody, col(StateBody.id) == Servant.state_body_id)
        .join(_OWNER, col(_OWNER.id) == found.c.responsible_id, isouter=True)
        .join(Position, col(Position.id) == Servant.position_id, isouter=True)
        .join(Unit, col(Unit.id) == Position.unit_id, isouter=True)
        .order_by(found.c.due, found.c.id)
    )


def _late(session: Session, query: Any, body_ids: list[int] | None, today: date, filters: Filters) -> Any:
    """The rows of the list, as one query whatever is selected of them: the open steps past
    their day, but a window left unused, which is nobody's breach (an appeal not filed).
    Of the tables the page shows, only those it filters on are joined."""
    query = (
        query.select_from(Deadline)
        .join(Appraisal, col(Appraisal.id) == Deadline.appraisal_id)
        .join(Servant, col(Servant.id) == Appraisal.servant_id)
        .where(col(Deadline.status) == "open", col(Deadline.due) < today, not_(_windows()))
    )
    if filters.unit is not None:
        query = query.join(Position, col(Position.id) == Servant.position_id, isouter=True).join(Unit, col(Unit.id) == Position.unit_id, isouter=True)
    if body_ids is not None:
        # An appraisal's cycle is its servant's body's (the one INSERT … SELECT that creates
        # appraisals joins them so, states/cycles.py, and a servant never changes body): asked
        # by the cycle, the database goes from the bodies' few cycles to their appraisals by
        # index, where asked by the servant it read every appraisal of the country to find
        # one body's. Once, not by both, and as one array: a ministry's list names its 200
        # bodies in one parameter.
        if len(body_ids) == 1:
            bodies = col(Cycle.state_body_id) == body_ids[0]
        else:  # a plan kept for any array would be one for a few bodies (models/db.py)
            bodies = among(session, table_of(Cycle).c.state_body_id, body_ids)
            planned_for_values(session)
        their_cycles = select(col(Cycle.id)).where(bodies)
        query = query.where(col(Appraisal.cycle_id).in_(their_cycles))
    for column, value in (
        (col(Unit.id), filters.unit),
        (col(Appraisal.kind), filters.kind),
        (col(Appraisal.period), filters.period),
        (col(Deadline.step), filters.step),
        (col(Servant.state_body_id), filters.body),
    ):
        if value is not None:
            query = query.where(column == value)
    return query


def _windows() -> Any:
    """The steps that are windows (a term a person may use, not one they owe), per methodology."""
    windows = [(m.id, [name for name, rule in m.deadlines.items() if rule.window]) for m in loader.loadable()[0]]
    return or_(false(), *(and_(col(Appraisal.methodology) == m, col(Deadline.step).in_(steps)) for m, steps in windows if steps))


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


class _Overdue:
    """Working days overdue by due day, each day counted once: a page's rows share a few."""

    def __init__(self, today: date, calendar: WorkCalendar) -> None:
        self.today, self.calendar, self.known = today, calendar, dict[date, int]()

    def __call__(self, due: date) -> int:
        if due not in self.known:
            self.known[due] = working_days_between(due, self.today, self.calendar)
        return self.known[due]


def working_days_between(due: date, today: date, calendar: WorkCalendar) -> int:
    """Working days after `due` up to and including `today`: a step due on Friday is one
    working day overdue on Monday."""
    count, day = 0, due
    while day < today:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count

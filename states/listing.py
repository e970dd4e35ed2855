"""What HR looks up: appraisals, cycles and people, filtered and a page at a time.

Pure reads for the command line and the web console alike: each function takes a session,
returns plain rows with ids (the caller puts labels on them in the reader's language) and
the total the filters match, so a page can say "20 of 340". A name is found whatever its
case, Kazakh and Russian letters included: SQLite's lower() folds only ASCII, so the
names of the filtered servants are folded in Python (casefold) and the ids matched fed
back into the query. What is overdue is asked of the deadlines' (status, due) index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Optional, TypeVar

from sqlalchemy import and_, exists, func, not_, or_
from sqlmodel import Session, col, select

from methodology import loader
from models import Appraisal, Cycle, Deadline, Position, Servant, StateBody, Unit
from models.db import id_of

Row = TypeVar("Row")
LIMIT = 100


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: list[Row]
    total: int  # how many the filters match, of which `rows` is one page


@dataclass(frozen=True)
class AppraisalRow:
    id: int
    body: str
    unit: Optional[str]
    personnel_no: str
    name: str
    methodology: str
    kind: str
    period: str
    state: str
    participation: str
    overdue: list[tuple[str, date]]  # (step, due) of the open deadlines past their day


@dataclass(frozen=True)
class CycleRow:
    id: int
    body: str
    methodology: str
    kind: str
    period: str
    opened_on: date
    appraisals: int


@dataclass(frozen=True)
class PersonRow:
    id: int
    body: str
    personnel_no: str
    name: str
    unit: Optional[str]
    position: Optional[str]
    category: Optional[str]
    manager: Optional[str]
    roles: list[str]
    dismissed_on: Optional[date]


@dataclass(frozen=True)
class Filters:
    """What the lists are narrowed by; None: no narrowing."""

    body: Optional[str] = None  # state body code
    unit: Optional[str] = None  # unit code within the body
    kind: Optional[str] = None
    period: Optional[str] = None
    state: Optional[str] = None
    name: Optional[str] = None  # part of a name, any case
    overdue_on: Optional[date] = None  # only appraisals with a step overdue on this day


def appraisals(session: Session, filters: Filters, limit: int = LIMIT, offset: int = 0) -> Page[AppraisalRow]:
    query = _people_query(select(Appraisal, Servant, StateBody, Unit), filters, session)
    query = query.join(Appraisal, Appraisal.servant_id == Servant.id)
    for column, value in ((Appraisal.kind, filters.kind), (Appraisal.period, filters.period), (Appraisal.state, filters.state)):
        if value is not None:
            query = query.where(column == value)
    if filters.overdue_on is not None:
        query = query.where(exists().where(*_overdue(filters.overdue_on), col(Deadline.appraisal_id) == Appraisal.id))
    total = _count(session, query)
    found = session.exec(query.order_by(Appraisal.id).offset(offset).limit(limit)).all()
    late = _overdue_steps(session, [a.id for a, *_ in found], filters.overdue_on)
    rows = [
        AppraisalRow(
            a.id,
            body.code,
            unit.name if unit else None,
            s.personnel_no,
            s.full_name,
            a.methodology,
            a.kind,
            a.period,
            a.state,
            a.participation,
            late.get(a.id, []),
        )
        for a, s, body, unit in found
    ]
    return Page(rows, total)


def cycles(session: Session, body: Optional[str] = None, limit: int = LIMIT, offset: int = 0) -> Page[CycleRow]:
    counted = select(col(Appraisal.cycle_id), func.count().label("n")).group_by(col(Appraisal.cycle_id)).subquery()
    query = (
        select(Cycle, StateBody.code, func.coalesce(counted.c.n, 0))
        .join(StateBody, col(StateBody.id) == Cycle.state_body_id)
        .outerjoin(counted, counted.c.cycle_id == Cycle.id)
    )
    if body is not None:
        query = query.where(StateBody.code == body)
    total = _count(session, query)
    found = session.exec(query.order_by(col(Cycle.id)).offset(offset).limit(limit)).all()
    return Page([CycleRow(id_of(c), code, c.methodology, c.kind, c.period, c.opened_on, n) for c, code, n in found], total)


def people(session: Session, filters: Filters, limit: int = LIMIT, offset: int = 0) -> Page[PersonRow]:
    query = _people_query(select(Servant, StateBody, Unit), filters, session)
    total = _count(session, query)
    found = session.exec(query.order_by(StateBody.code, Servant.personnel_no).offset(offset).limit(limit)).all()
    positions = _by_id(session, Position, {s.position_id for s, *_ in found})
    managers = _by_id(session, Servant, {s.manager_id for s, *_ in found})
    rows = []
    for s, body, unit in found:
        position, manager = positions.get(s.position_id), managers.get(s.manager_id)
        rows.append(
            PersonRow(
                s.id,
                body.code,
                s.personnel_no,
                s.full_name,
                unit.name if unit else None,
                position.title if position else None,
                position.category if position else None,
                manager.full_name if manager else None,
                roles_of(s),
                s.dismissed_on,
            )
        )
    return Page(rows, total)


def roles_of(servant: Servant) -> list[str]:
    """The roles beyond being appraised that a servant holds (labels: `role` group)."""
    held = (("hr", servant.is_hr), ("head_of_hr", servant.is_head_of_hr), ("appointing_official", servant.is_appointing_official))
    return [role for role, holds in held if holds]


def _people_query(query: Any, filters: Filters, session: Session) -> Any:
    """Servants joined to their body and (through the position) their unit, narrowed."""
    query = (
        query.select_from(Servant)
        .join(StateBody, StateBody.id == Servant.state_body_id)
        .outerjoin(Position, Position.id == Servant.position_id)
        .outerjoin(Unit, Unit.id == Position.unit_id)
    )
    if filters.body is not None:
        query = query.where(StateBody.code == filters.body)
    if filters.unit is not None:
        query = query.where(Unit.code == filters.unit)
    if filters.name:
        query = query.where(col(Servant.id).in_(_named(session, filters)))
    return query


def _named(session: Session, filters: Filters) -> list[int]:
    assert filters.name, "asked only when a name is given"
    wanted = " ".join(filters.name.split()).casefold()
    names = select(Servant.id, Servant.full_name)
    if filters.body is not None:
        names = names.join(StateBody, col(StateBody.id) == Servant.state_body_id).where(StateBody.code == filters.body)
    return [id_ for id_, name in session.exec(names) if id_ is not None and wanted in " ".join(name.split()).casefold()]


def _overdue(on: date) -> tuple[Any, ...]:
    """Open past its day, and a duty: a window left unused is nobody's breach (typical2023 п.38)."""
    windows = [
        and_(col(Appraisal.methodology) == definition.id, col(Deadline.step) == step)
        for definition in loader.loadable()[0]
        for step, rule in definition.deadlines.items()
        if rule.window
    ]
    return (Deadline.status == "open", Deadline.due < on, *([not_(or_(*windows))] if windows else []))


def _overdue_steps(session: Session, ids: list[int], on: Optional[date]) -> dict[int, list[tuple[str, date]]]:
    if on is None or not ids:
        return {}
    query = (
        select(col(Deadline.appraisal_id), col(Deadline.step), col(Deadline.due))
        .join(Appraisal, col(Appraisal.id) == Deadline.appraisal_id)
        .where(*_overdue(on), col(Deadline.appraisal_id).in_(ids))
    )
    late: dict[int, list[tuple[str, date]]] = {}
    for appraisal_id, step, due in session.exec(query.order_by(col(Deadline.due))):
        late.setdefault(appraisal_id, []).append((step, due))
    return late


def _count(session: Session, query: Any) -> int:
    return session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()


def _by_id(session: Session, table: Any, ids: set[Optional[int]]) -> dict[int, Any]:
    wanted = [i for i in ids if i is not None]
    return {row.id: row for row in session.exec(select(table).where(table.id.in_(wanted)))} if wanted else {}

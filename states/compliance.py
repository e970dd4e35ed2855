"""The compliance report: every statutory step overdue or done late, by state body, unit,
responsible person and step, with the working days overdue (every term is in working days,
methodology/workdays.py). Auditors ask for it; HR gets it weekly. Ids never reach it: the
kind and the step are in the reader's words, and a step whose role nobody holds says so.

It lists steps, never results: no score or band leaves through it (typical2023 п.16).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from methodology import loader
from methodology.i18n import Lang
from methodology.labels import label, message
from methodology.notices import table
from methodology.workdays import WorkCalendar, default_calendar
from models import Appraisal, Cycle, Deadline, Position, Servant, StateBody, Unit
from models.db import transaction
from states.late import working_days_between


@dataclass(frozen=True)
class Row:
    state_body: str
    unit: str
    responsible: str
    step: str
    rule: str
    kind: str
    period: str
    servant: str
    due: date
    done_on: date | None
    days_overdue: int  # working days after `due`, to the day done or to the report's day
    status: str  # overdue (still open) or late (done after its day)


def compliance_rows(engine: Engine, today: date, lang: Lang, since: date | None = None, calendar: WorkCalendar | None = None) -> list[Row]:
    """Steps open past their day on `today`, and steps done late by then (since `since`, if
    given)."""
    with transaction(engine) as session:
        return rows_of(session, today, lang, since, calendar=calendar)


def rows_of(
    session: Session,
    today: date,
    lang: Lang,
    since: date | None = None,
    body_id: int | None = None,
    calendar: WorkCalendar | None = None,
    done_late_only: bool = False,
) -> list[Row]:
    """The same, inside a unit of work, of one state body or of all; `done_late_only`: the
    steps done late alone (HR's console lists those beside who is late now, which it reads
    a page at a time), so the database never reads the open ones for it."""
    calendar = calendar or default_calendar()
    owner = aliased(Servant)
    # As things stood on `today`, so a report of a past day says what it said then: open
    # then means open now or done after it.
    due, status, closed_on = col(Deadline.due), col(Deadline.status), col(Deadline.closed_on)
    was_open = and_(due < today, or_(status == "open", and_(status == "done", closed_on > today)))
    late = and_(status == "done", closed_on > due, closed_on <= today)
    if since is not None:
        late = and_(late, closed_on >= since)
    query = (
        select(
            col(StateBody.name),
            col(Unit.name),
            col(owner.full_name),
            col(Deadline.responsible_role),
            col(Deadline.step),
            col(Deadline.paragraph),
            col(Appraisal.methodology),
            col(Appraisal.kind),
            col(Appraisal.period),
            col(Servant.full_name),
            col(Deadline.due),
            col(Deadline.closed_on),
            col(Deadline.status),
        )
        .join(Appraisal, col(Appraisal.id) == col(Deadline.appraisal_id))
        .join(Servant, col(Servant.id) == col(Appraisal.servant_id))
        .join(StateBody, col(StateBody.id) == col(Servant.state_body_id))
        .join(Position, col(Position.id) == col(Servant.position_id), isouter=True)
        .join(Unit, col(Unit.id) == col(Position.unit_id), isouter=True)
        .join(owner, col(owner.id) == col(Deadline.responsible_id), isouter=True)
        .where(late if done_late_only else or_(was_open, late))
    )
    if body_id is not None:
        # The cycle's body is the servant's (states/cycles.py): said too, it leads the
        # database from the body's few cycles to its appraisals by index (states/late.py).
        query = query.where(col(StateBody.id) == body_id, col(Appraisal.cycle_id).in_(select(col(Cycle.id)).where(col(Cycle.state_body_id) == body_id)))
    # A country has a few dozen steps, two kinds, a few roles and a few hundred distinct
    # days: each looked up or counted once per report, not once per row.
    about = cache(lambda methodology, step: (_window(methodology, step), _label(methodology, step, lang)))
    kind_in_words = cache(lambda kind: label("kind", kind, lang))
    nobody = cache(lambda role: _nobody(role, lang))
    overdue = cache(lambda due, until: working_days_between(due, until, calendar))
    rows = []
    for body, unit, person, role, step, paragraph, methodology, kind, period, servant, due, closed_on, status in session.connection().execute(query):
        window, step_in_words = about(methodology, step)
        if window:
            continue
        done = closed_on if status == "done" and closed_on <= today else None
        rows.append(
            Row(
                state_body=body,
                unit=unit or "—",
                responsible=person or nobody(role),
                step=step_in_words,
                rule=f"{methodology} {paragraph}",
                kind=kind_in_words(kind),
                period=period,
                servant=servant,
                due=due,
                done_on=done,
                days_overdue=overdue(due, done or today),
                status="late" if done else "overdue",
            )
        )
    return sorted(rows, key=lambda r: (r.state_body, r.unit, -r.days_overdue, r.responsible, r.step))


def _window(methodology: str, step: str) -> bool:
    """A window left unused is nobody's breach (an appeal not filed, п.38)."""
    rule = loader.load(methodology).deadlines.get(step)
    return bool(rule and rule.window)


def _label(methodology: str, step: str, lang: Lang) -> str:
    rule = loader.load(methodology).deadlines.get(step)
    return rule.label(lang) if rule else step


def _nobody(role: str, lang: Lang) -> str:
    """A step whose role nobody holds (the head of a body has no direct manager): a finding
    of its own for HR, the role in words."""
    return message("report_nobody_holds", lang, role=table().labels["roles"].get(role, {}).get(lang, role))

"""The deadline sweep: what needs attention by today, in bulk.

It asks the deadline table one question, "open rows whose next_fire is on or before today"
(an index range), takes a batch of them, decides which reminders and rungs of the ladder
are due, records one notice per (deadline, due day, kind, level) in the outbox, and moves
each row's level and next_fire forward, all in one transaction per batch. So:

- killed half-way, a batch rolls back whole and the rerun does it again, once;
- rerun or retried, rows already advanced are not selected and keys already recorded are
  not inserted again;
- on PostgreSQL, workers take their rows with FOR UPDATE SKIP LOCKED: two sweeps share
  the work and never take the same row; on SQLite a sweep holds the write lock per batch.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from methodology import loader
from methodology.schema import Escalation
from methodology.workdays import WorkCalendar, default_calendar
from models import Appraisal, Deadline, Servant
from models.db import transaction
from states import escalation, outbox, people


@dataclass
class SweepReport:
    deadlines: int = 0  # rows handled
    notices: int = 0  # notices newly recorded
    batches: int = 0
    kinds: Counter[str] = field(default_factory=Counter)


def sweep(
    engine: Engine,
    today: date,
    *,
    at: datetime,
    batch: int = 5000,
    max_batches: int | None = None,
    calendar: WorkCalendar | None = None,
) -> SweepReport:
    """Fire every stage due by `today`; `at` stamps the notices."""
    calendar = calendar or default_calendar()
    report = SweepReport()
    while max_batches is None or report.batches < max_batches:
        with transaction(engine) as session:
            rows = _claim(session, today, batch)
            if not rows:
                break
            notices, advances = _decide(session, rows, today, at, calendar)
            recorded = outbox.record(session, notices)
            _advance(session, advances)
        report.batches += 1
        report.deadlines += len(rows)
        report.notices += len(recorded)
        report.kinds.update(recorded)
    return report


def _claim(session: Session, today: date, batch: int) -> list[Any]:
    query = (
        select(
            col(Deadline.id),
            col(Deadline.appraisal_id),
            col(Deadline.step),
            col(Deadline.due),
            col(Deadline.level),
            col(Deadline.responsible_id),
            col(Appraisal.methodology),
            col(Servant.state_body_id),
            col(Appraisal.servant_id),
        )
        .join(Appraisal, col(Appraisal.id) == Deadline.appraisal_id)
        .join(Servant, col(Servant.id) == Appraisal.servant_id)
        .where(col(Deadline.status) == "open", col(Deadline.next_fire) <= today)
        .order_by(col(Deadline.next_fire), col(Deadline.id))
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Deadline, skip_locked=True)
    # The session's connection, not Session.execute: plain columns need none of the ORM's
    # result handling, which costs more than the query on a batch of thousands.
    return list(session.connection().execute(query).all())


def _decide(
    session: Session, rows: list[Any], today: date, at: datetime, calendar: WorkCalendar
) -> tuple[list[dict[str, Any]], dict[tuple[int, date | None], list[int]]]:
    offices = people.offices_of(session, {row.state_body_id for row in rows})
    managers = people.managers_of(session, {row.responsible_id for row in rows if row.responsible_id})
    ladders = {name: loader.load(name).escalation for name in {row.methodology for row in rows}}
    # A batch holds thousands of rows but a few dozen (methodology, due day, level): what
    # fires today and where the row goes next is decided once for each, on the calendar.
    plans: dict[tuple[str, date, int], _Plan] = {}
    notices: list[dict[str, Any]] = []
    advances: dict[tuple[int, date | None], list[int]] = {}
    for id, appraisal_id, step, due, level, responsible, methodology, body, servant in rows:
        plan = plans.get((methodology, due, level))
        if plan is None:
            plan = plans[methodology, due, level] = _plan(ladders[methodology], due, level, today, calendar)
        for stage in plan.fire:
            notices.append(
                {
                    "key": outbox.stage_key(id, due, stage.kind, stage.level),
                    "deadline_id": id,
                    "appraisal_id": appraisal_id,
                    "step": step,
                    "due": due,
                    "recipient_id": people.rung_holder(offices[body], servant, responsible, managers.get(responsible), stage.rung),
                    "kind": stage.kind,
                    "level": stage.level,
                    "created_at": at,
                    "status": "pending",
                    "attempts": 0,
                }
            )
        advances.setdefault((plan.level, plan.next_fire), []).append(id)
    return notices, advances


@dataclass(frozen=True)
class _Plan:
    fire: list[escalation.Stage]  # the stages due today
    level: int  # the row's level after them
    next_fire: date | None


def _plan(ladder: Escalation | None, due: date, level: int, today: date, calendar: WorkCalendar) -> _Plan:
    assert ladder is not None, "a deadline with next_fire has a ladder"
    all_stages = escalation.stages(due, ladder, calendar)
    after = escalation.level_after(level, all_stages, today)
    return _Plan(escalation.due_now(level, due, all_stages, today), after, escalation.next_fire(after, all_stages))


def _advance(session: Session, advances: dict[tuple[int, date | None], list[int]]) -> None:
    """Move the rows on: one UPDATE per (new level, next fire day), a handful per batch."""
    for (level, next_fire), ids in advances.items():
        statement = update(Deadline).where(col(Deadline.id).in_(ids)).values(level=level, next_fire=next_fire)
        session.connection().execute(statement)

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

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from methodology import loader
from methodology.workdays import ALMATY, WorkCalendar, default_calendar
from models import Appraisal, Deadline, Notice, Servant
from models.db import transaction
from states import escalation


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
    at: datetime | None = None,
    batch: int = 5000,
    max_batches: int | None = None,
    calendar: WorkCalendar | None = None,
) -> SweepReport:
    """Fire every stage due by `today`; `at` stamps the notices (default: now)."""
    calendar = calendar or default_calendar()
    report = SweepReport()
    while max_batches is None or report.batches < max_batches:
        with transaction(engine) as session:
            rows = _claim(session, today, batch)
            if not rows:
                break
            notices, advances = _decide(session, rows, today, at or datetime.now(ALMATY), calendar)
            recorded = _record(session, notices)
            _advance(session, advances)
        report.batches += 1
        report.deadlines += len(rows)
        report.notices += len(recorded)
        report.kinds.update(recorded)
    return report


def _claim(session: Session, today: date, batch: int) -> list[Any]:
    query = (
        select(
            Deadline.id, Deadline.appraisal_id, Deadline.step, Deadline.due, Deadline.level,
            Deadline.responsible_id, Appraisal.methodology, Servant.state_body_id,
        )
        .join(Appraisal, Appraisal.id == Deadline.appraisal_id)
        .join(Servant, Servant.id == Appraisal.servant_id)
        .where(Deadline.status == "open", Deadline.next_fire <= today)  # type: ignore[operator]
        .order_by(Deadline.next_fire, Deadline.id)  # type: ignore[arg-type]
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Deadline, skip_locked=True)  # type: ignore[arg-type]
    return list(session.execute(query))


def _decide(
    session: Session, rows: list[Any], today: date, at: datetime, calendar: WorkCalendar
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    people = _People(session, rows)
    notices, advances = [], []
    for row in rows:
        ladder = loader.load(row.methodology).escalation
        assert ladder is not None, "a deadline with next_fire has a ladder"
        all_stages = escalation.stages(row.due, ladder, calendar)
        for stage in escalation.due_now(row.level, row.due, all_stages, today):
            notices.append({
                "key": f"{row.id}:{row.due.isoformat()}:{stage.kind}:{stage.level}",
                "deadline_id": row.id, "appraisal_id": row.appraisal_id, "step": row.step, "due": row.due,
                "recipient_id": people.recipient(row, stage.rung), "kind": stage.kind, "level": stage.level,
                "created_at": at, "status": "pending", "attempts": 0,
            })
        level = escalation.level_after(row.level, all_stages, today)
        advances.append({"row": row.id, "new_level": level, "new_next": escalation.next_fire(level, all_stages)})
    return notices, advances


class _People:
    """Who each rung of the ladder is, for one batch, in three queries."""

    def __init__(self, session: Session, rows: list[Any]) -> None:
        responsible = {row.responsible_id for row in rows if row.responsible_id}
        self.managers = dict(session.execute(select(Servant.id, Servant.manager_id).where(Servant.id.in_(responsible))).all())  # type: ignore[union-attr]
        bodies = {row.state_body_id for row in rows}
        holders = session.execute(
            select(Servant.state_body_id, Servant.id, Servant.is_head_of_hr)
            .where(Servant.state_body_id.in_(bodies), or_(Servant.is_head_of_hr, Servant.is_appointing_official))  # type: ignore[attr-defined]
            .order_by(Servant.id)  # type: ignore[arg-type]
        )
        self.head_of_hr: dict[int, int] = {}
        self.official: dict[int, int] = {}
        for body, person, is_head_of_hr in holders:
            (self.head_of_hr if is_head_of_hr else self.official).setdefault(body, person)

    def recipient(self, row: Any, rung: str | None) -> int | None:
        hr = self.head_of_hr.get(row.state_body_id)
        if rung in (None, "responsible"):
            return row.responsible_id or hr  # an outside body's step: HR follows it up
        if rung == "manager":
            return self.managers.get(row.responsible_id) or hr
        if rung == "head_of_hr":
            return hr
        return self.official.get(row.state_body_id) or hr


def _record(session: Session, notices: list[dict[str, Any]]) -> list[str]:
    """Insert the notices whose keys are new; return the kinds of those inserted."""
    if not notices:
        return []
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Notice).on_conflict_do_nothing(index_elements=["key"]).returning(Notice.kind)
    return list(session.execute(statement, notices).scalars())


def _advance(session: Session, advances: list[dict[str, Any]]) -> None:
    statement = (
        update(Deadline)
        .where(Deadline.id == bindparam("row"))  # type: ignore[arg-type]
        .values(level=bindparam("new_level"), next_fire=bindparam("new_next"))
    )
    session.connection().execute(statement, advances)

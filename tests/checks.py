"""Checks and reads the tests share: a refused action must leave every table as it was;
an appraisal's rows, trail, deadlines and consequences; the outbox."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from methodology.errors import InvalidInput
from models import Appraisal, AuditEvent, Consequence, Deadline, Notice
from models.db import transaction
from states.service import act


def snapshot(db: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, so a refusal can be shown to have changed nothing."""
    with transaction(db) as session:
        return {
            table.name: sorted((tuple(row) for row in session.execute(sa.select(table))), key=repr)
            for table in SQLModel.metadata.sorted_tables
        }


def refuse(db: Engine, appraisal_id: int, actor: int, action: str, payload: dict[str, Any] | None = None, *, on: date) -> InvalidInput:
    """Take an action that must be refused; the database must be exactly as before."""
    before = snapshot(db)
    with pytest.raises(InvalidInput) as caught:
        act(db, appraisal_id, actor, action, payload, on=on)
    assert snapshot(db) == before, f"refused {action!r} changed the database"
    return caught.value


def appraisal_of(db: Engine, appraisal_id: int) -> Appraisal:
    with transaction(db) as session:
        appraisal = session.get(Appraisal, appraisal_id)
        assert appraisal is not None
        return appraisal


def deadlines_of(db: Engine, appraisal_id: int) -> dict[str, tuple[date, str, date | None]]:
    with transaction(db) as session:
        rows = session.exec(select(Deadline).where(Deadline.appraisal_id == appraisal_id))
        return {row.step: (row.due, row.status, row.closed_on) for row in rows}


def rows_of(db: Engine, table: Any, appraisal_id: int) -> list[Any]:
    with transaction(db) as session:
        return list(session.exec(select(table).where(table.appraisal_id == appraisal_id).order_by(table.id)))


def trail_of(db: Engine, appraisal_id: int) -> list[AuditEvent]:
    return rows_of(db, AuditEvent, appraisal_id)


def consequences_of(db: Engine, appraisal_id: int) -> dict[str, Consequence]:
    return {c.kind: c for c in rows_of(db, Consequence, appraisal_id)}


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in after.items() if before.get(key) != value}


def outbox(db: Engine) -> list[Notice]:
    with transaction(db) as session:
        return list(session.exec(select(Notice).order_by(Notice.id)))  # type: ignore[arg-type]

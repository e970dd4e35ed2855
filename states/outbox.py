"""The one writer of the outbox: every notice the lifecycle causes is recorded here, inside
the transaction of its cause, under a key that names the cause, so recording it twice (a
rerun, a retry, a flow killed half-way and run again) is a no-op and each notice goes out
exactly once.

One key format per cause (at most 80 characters, `Notice.key`):

- a deadline's stage (states/sweep.py):   `{deadline}:{due day}:{kind}:{level}`
- an action, an opening or a reminder (states/notices.py):
                                          `a{appraisal}:{action}:{kind}:{recipient}:{day}`
- a state body's weekly report (states/notices.py):
                                          `b{body}:report:{kind}:{recipient or 0}:{day}`
- an invitation to the console (states/invitations.py):
                                          `i{invitation}:invite:invitation:{recipient}:{day}`

The day of an action's key is the day it is about (the action's day, the cycle's opening,
the reminded step's due day), so a notice is owed once per that day and recipient. The
notice's `due` is the deadline it is about (states/notices.py), not part of the key.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from models import Notice
from models.db import insert_ignoring_rows, rowcount, table_of

KEY_LENGTH = 80  # Notice.key


def stage_key(deadline_id: int, due: date, kind: str, level: int) -> str:
    return _checked(f"{deadline_id}:{due.isoformat()}:{kind}:{level}")


def action_key(appraisal_id: int, action: str, kind: str, recipient: int, day: date) -> str:
    return _checked(f"a{appraisal_id}:{action}:{kind}:{recipient}:{day.isoformat()}")


def body_key(body_id: int, action: str, kind: str, recipient: int | None, day: date) -> str:
    return _checked(f"b{body_id}:{action}:{kind}:{recipient or 0}:{day.isoformat()}")


def invitation_key(invitation_id: int, recipient: int, day: date) -> str:
    return _checked(f"i{invitation_id}:invite:invitation:{recipient}:{day.isoformat()}")


def day_of(key: str) -> date | None:
    """The day an action's key is about (its last part): the action's day, the opening's;
    None for a key written some other way (by hand, or before keys carried the day)."""
    try:
        return date.fromisoformat(key.rsplit(":", 1)[-1])
    except ValueError:
        return None


def record(session: Session, rows: list[dict[str, Any]]) -> list[str]:
    """Insert the notices whose keys are new; the kinds of those inserted.

    Core, not the ORM's bulk insert: the ORM sends a row at a time once conflicts may skip
    rows; Core batches many rows per statement (models/db.insert_ignoring_rows)."""
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(insert_ignoring_rows(session, Notice, rows, ["key"], returning=table_of(Notice).c.kind).scalars())
    return _record_by_kind(session, rows)


def _record_by_kind(session: Session, rows: list[dict[str, Any]]) -> list[str]:
    """SQLite: one executemany per kind, without RETURNING: the driver loops over the rows
    in C, and the statement's row count (the rows inserted, not those a key skipped) is how
    many of that kind were recorded. Reading RETURNING back row by row cost more than the
    insert itself on a sweep's batch of thousands."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(row)
    recorded: list[str] = []
    for kind, of_kind in by_kind.items():
        recorded += [kind] * rowcount(insert_ignoring_rows(session, Notice, of_kind, ["key"]))
    return recorded


def _checked(key: str) -> str:
    assert len(key) <= KEY_LENGTH, key
    return key

"""The sweep and the delivery of the outbox: what the deadline-sweep flow's two tasks do,
and `bagalau sweep` / `bagalau notices deliver` without Prefect."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from notifications.delivery import deliver
from states.notices import announce_openings, remind
from states.sweep import sweep


def sweep_deadlines(engine: Engine, at: datetime, batch: int = 5000) -> dict[str, Any]:
    """Fire every reminder and rung due by `at`'s day (states/sweep.py), stamped `at`."""
    report = sweep(engine, at.date(), at=at, batch=batch)
    return {"deadlines": report.deadlines, "notices": report.notices, "batches": report.batches, "kinds": dict(report.kinds)}


def deliver_notices(engine: Engine, at: datetime) -> dict[str, Any]:
    """Record what the calendar owes besides the deadlines (the notices of cycles opened
    lately, the 360 respondents' reminders), then deliver what is due from the outbox."""
    announced, reminded = announce_openings(engine, at.date(), at), remind(engine, at.date(), at)
    report = deliver(engine, at)
    return {
        "announced": announced,
        "reminded": reminded,
        "sent": report.sent,
        "retried": report.retried,
        "dead": report.dead,
        "channels": report.channels,
    }

"""The sweep and the delivery of the outbox: what the deadline-sweep flow's two tasks do,
and `bagalau sweep` / `bagalau notices deliver` without Prefect; and the summary of a
sweep that the flow publishes for HR (who is late now, the notices of the run)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from methodology.i18n import Lang
from methodology.labels import message
from methodology.workdays import default_calendar
from models.db import transaction
from notifications.delivery import deliver
from notifications.run_summary import LateStep, summary
from states.late import late_now, notices_of
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


def sweep_summary(engine: Engine, at: datetime, lang: Lang) -> str:
    """The markdown of a sweep at `at`: per state body, the steps open past their day (the
    working days overdue) and the notices recorded and delivered at `at`."""
    with transaction(engine) as session:
        late = late_now(session, None, at.date(), default_calendar(), lang)
        notices = notices_of(session, at)
    steps = sorted(
        (
            LateStep(
                state_body=r.state_body,
                unit=r.unit,
                servant=r.servant,
                step=r.step_label,
                responsible=r.responsible,
                due=r.due,
                days_overdue=r.working_days_overdue,
            )
            for r in late
        ),
        key=lambda s: s.state_body,
    )
    return summary(message("flow_sweep_title", lang, at=at.strftime("%Y-%m-%d %H:%M")), steps, notices, lang)

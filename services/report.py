"""The compliance report: its files for the whole installation, to each state body's head
of HR their own body's report as a notice (states/notices.py report_weekly), and the
summary the report's flow publishes for HR."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from methodology.i18n import Lang
from methodology.labels import message
from models import Cycle, StateBody
from models.db import transaction
from notifications.compliance_report import write_all
from notifications.run_summary import LateStep, summary
from states.audit_chain import trail_status
from states.compliance import compliance_rows
from states.late import notices_of
from states.notices import report_weekly


def build_report(engine: Engine, on: date, at: datetime, lang: Lang, folder: Path, since: date | None = None) -> dict[str, Any]:
    """The report of `on` as CSV, XLSX and HTML in `folder`, and its notices stamped `at`."""
    rows = compliance_rows(engine, on, lang, since)
    files = write_all(rows, folder, lang, on)
    sent = report_weekly(engine, on, at)
    return {
        "rows": len(rows),
        "overdue": sum(r.status == "overdue" for r in rows),
        "files": [str(f) for f in files],
        "notices": sent,
        "audit_trail": trail_status(engine),
    }  # the report states whether the trail verified


def report_summary(engine: Engine, on: date, at: datetime, lang: Lang, since: date | None = None) -> tuple[str, list[str]]:
    """The markdown of the report of `on`: per state body, the steps overdue or done late
    (working days) and the notices to its head of HR recorded at `at`; and the codes of the
    bodies that run appraisals (those the report went to), for the run's tags."""
    rows = compliance_rows(engine, on, lang, since)
    with transaction(engine) as session:
        notices = notices_of(session, at)
        bodies = sorted(session.exec(select(StateBody.code).join(Cycle, col(Cycle.state_body_id) == StateBody.id).distinct()))
    steps = [
        LateStep(
            state_body=r.state_body,
            unit=r.unit,
            servant=r.servant,
            step=r.step,
            responsible=r.responsible,
            due=r.due,
            days_overdue=r.days_overdue,
            status=r.status,
        )
        for r in rows
    ]
    return summary(message("flow_report_title", lang, on=on.isoformat()), steps, notices, lang), bodies

"""The compliance report: its files for the whole installation, and to each state body's
head of HR their own body's report as a notice (states/notices.py report_weekly)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from methodology.i18n import Lang
from notifications.compliance_report import write_all
from states.audit_chain import trail_status
from states.compliance import compliance_rows
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

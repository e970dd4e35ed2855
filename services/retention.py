"""Purging what is past retention (typical2023 п.15): the nightly flow, `bagalau purge`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine

from states.retention import purge


def purge_expired(engine: Engine, on: date, at: datetime) -> dict[str, Any]:
    """Purge what is past retention on `on`; each purge's audit event is stamped `at`."""
    report = purge(engine, on, at=at)
    return {"purged": len(report.purged), "kept_on_hold": len(report.kept_on_hold), "rows": report.rows, "reports": report.reports}

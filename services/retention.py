"""Purging what is past retention (typical2023 п.15): the nightly flow, `bagalau purge`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine

from states.retention import purge


def purge_expired(engine: Engine, on: date, at: datetime, *, dry_run: bool = False) -> dict[str, Any]:
    """Purge what is past retention on `on`; each purge's audit event is stamped `at`. With
    `dry_run`, only list what would go."""
    report = purge(engine, on, at=at, dry_run=dry_run)
    if dry_run:
        return {"dry_run": True, "purged": report.purged, "kept_on_hold": report.kept_on_hold}
    return {"purged": len(report.purged), "kept_on_hold": len(report.kept_on_hold), "rows": report.rows, "reports": report.reports}

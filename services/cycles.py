"""Opening the cycles whose day has come, for every active state body (the opening flows,
`bagalau open-cycles`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology.schema import Granularity
from models import Appraisal
from models.db import transaction
from states.scheduling import open_due


def open_due_cycles(engine: Engine, on: date, granularity: Granularity, kinds: list[str] | None = None) -> dict[str, Any]:
    """Open every cycle of `granularity` (only `kinds`, if given) due by `on`."""
    report = open_due(engine, on, granularity, kinds)
    return {
        "opened": [f"{o.body}/{o.kind}/{o.period}" for o in report.opened],
        "appraisals": report.appraisals,
        "not_appraised": report.not_appraised,
    }


def appraisal_ids(engine: Engine, cycle_id: int) -> dict[int, int]:
    """Each servant's appraisal in a cycle, by servant id: what `show` and `act` are given."""
    with transaction(engine) as session:
        query = select(Appraisal.servant_id, Appraisal.id).where(Appraisal.cycle_id == cycle_id)
        return {servant: appraisal for servant, appraisal in session.exec(query).all() if appraisal is not None}

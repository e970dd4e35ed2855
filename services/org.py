"""Loading HR's file again: the organisation written, then what changed of its staff (a
hire, a transfer, a dismissal) applied to the open appraisals in the same transaction
(states/staffing.py), so a file that breaks a rule of the lifecycle (a hire nobody could
appraise, mne2017 п.4) leaves the database as it was, and a file that changes nothing
writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from methodology.workdays import WorkCalendar, default_calendar
from orgimport import ImportReport, import_organisation
from states.staffing import Applied, apply_changes, staffing


def import_and_apply(
    engine: Engine, servants: Path, absences: Path | None = None, *, on: date, calendar: WorkCalendar | None = None
) -> tuple[ImportReport, list[Applied]]:
    """Import the file; apply its changes of staff to the open appraisals as of `on`."""
    applied: list[Applied] = []

    def watch(session: Session) -> Callable[[], None]:
        before = staffing(session)
        return lambda: applied.extend(apply_changes(session, before, on=on, calendar=calendar or default_calendar()))

    return import_organisation(engine, servants, absences, watch), applied

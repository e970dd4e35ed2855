"""The appraisal schedule as the CLI and the web console use it (`bagalau schedule draft |
approve | show`): HR drafts a unit's start day with the commission chair (mne2017 п.14), the
appointing official approves (typical2023 п.11), anyone of the body's HR reads it. Each
row says, in the reader's language, which deadlines the day opens and when they fall due.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine

from methodology.i18n import Lang
from methodology.labels import label
from methodology.workdays import WorkCalendar
from states import schedule
from states.schedule import Entry


def draft(
    engine: Engine, body: str, kind: str, period: str, unit: str, starts_on: date, actor: str, *, on: date, lang: Lang, calendar: WorkCalendar | None = None
) -> list[dict[str, Any]]:
    entries = schedule.draft(engine, body, kind, period, unit, starts_on, actor, on=on, calendar=calendar)
    return shown(entries, lang)


def approve(
    engine: Engine, body: str, kind: str, period: str, actor: str, *, on: date, at: datetime | None = None, lang: Lang, calendar: WorkCalendar | None = None
) -> list[dict[str, Any]]:
    entries = schedule.approve(engine, body, kind, period, actor, on=on, at=at, calendar=calendar)
    return shown(entries, lang)


def show(engine: Engine, body: str, kind: str, period: str, *, lang: Lang, calendar: WorkCalendar | None = None) -> list[dict[str, Any]]:
    return shown(schedule.show(engine, body, kind, period, calendar=calendar), lang)


def shown(entries: list[Entry], lang: Lang) -> list[dict[str, Any]]:
    """Each unit's row, the steps its day opens named in the reader's language."""
    return [
        {
            "unit": e.unit,
            "unit_name": e.unit_name,
            "starts_on": e.starts_on,
            "opens": [{"step": step, "label": label("step", step, lang, e.methodology), "due": due} for step, due in e.opens.items()],
            "drafted_by": e.drafted_by,
            "chair": e.chair,
            "approved_by": e.approved_by,
            "approved_on": e.approved_on,
        }
        for e in entries
    ]

"""The announcement of an opening is written in bulk inside the database (states/notices.py
`announce_openings`); it must record exactly what the lifecycle's one-appraisal path
(`_rows`, which every transition's notices go through) gives each appraisal still to be
announced: the same keys, recipients, steps, tasks and columns, on SQLite and PostgreSQL,
over several bodies of both methodologies, with an appraisal acted on meanwhile, a
recipient who left before the opening and a body whose HR has no head."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from methodology.notices import table
from models import Appraisal, Cycle, Notice
from models.db import transaction
from states.cycles import open_cycle
from states.notices import ANNOUNCE_WITHIN, OPEN, _dues, _initial, _rows, announce_openings
from states.people import People
from states.service import act
from tests.factories import noon, organisation

OPENED = date(2026, 4, 1)
COLUMNS = ("key", "appraisal_id", "recipient_id", "kind", "level", "step", "due", "status", "attempts", "event", "task", "delivered")
OPENINGS = {"mne2017": [("quarterly", "2026-Q1"), ("annual", "2025")], "typical2023": [("kpi", "2026-Q1"), ("differentiation", "2026-Q1"), ("360", "2025"), ("annual", "2025")]}


def _one_at_a_time(engine: Engine, today: date) -> set[tuple[Any, ...]]:
    """What the per-appraisal path records for the appraisals an announcement is owed."""
    with transaction(engine) as session:
        query = (
            select(Appraisal, col(Cycle.opened_on))
            .join(Cycle, col(Cycle.id) == Appraisal.cycle_id)
            .where(col(Cycle.opened_on) >= today - ANNOUNCE_WITHIN, col(Cycle.opened_on) <= today, Appraisal.participation == "full")
        )
        found = list(session.exec(query))
        people, rows, dues = People(session), [], _dues(session, [appraisal for appraisal, _ in found])
        for appraisal, opened_on in found:
            if appraisal.state == _initial(appraisal.methodology, appraisal.kind):
                rows += _rows(session, appraisal, OPEN, opened_on, opened_on, noon(today), people, dues)
        return {tuple(row[c] for c in COLUMNS) for row in rows}


def test_the_bulk_announcement_records_what_the_per_appraisal_path_would(db: Engine) -> None:
    orgs = [organisation(db, name, f"b{n}") for n, name in enumerate(["mne2017", "typical2023", "mne2017", "typical2023"])]
    for org, name in zip(orgs, ["mne2017", "typical2023", "mne2017", "typical2023"]):
        for kind, period in OPENINGS[name]:
            open_cycle(db, org.code, kind, period, on=OPENED)
    submitted = orgs[0].appraisal("servant", "quarterly", "2026-Q1").id
    assert submitted is not None
    act(db, submitted, orgs[0].ids["servant"], "submit", {"bonus_items": []}, on=OPENED)  # acted on: not announced
    with db.begin() as connection:
        servant = sa.table("servant", sa.column("id"), sa.column("dismissed_on"), sa.column("is_head_of_hr"), sa.column("is_hr"))
        connection.execute(servant.update().where(servant.c.id == orgs[1].ids["manager"]).values(dismissed_on=OPENED))  # left: told nothing
        connection.execute(servant.update().where(servant.c.id == orgs[3].ids["hr"]).values(is_head_of_hr=False))  # HR without a head
        connection.execute(servant.update().where(servant.c.id == orgs[3].ids["official"]).values(is_hr=True))  # the lowest-id HR officer
    expected = _one_at_a_time(db, OPENED)
    assert announce_openings(db, OPENED, noon(OPENED)) == len(expected)
    with transaction(db) as session:
        recorded = {tuple(getattr(n, c) for c in COLUMNS) for n in session.exec(select(Notice).where(Notice.event == OPEN))}
    assert recorded == expected
    # every entry of the table for an opening is among them, and the exclusions were exercised
    assert {(row[3], row[5]) for row in expected} >= {(e.notice, e.step[0]) for kind in ("quarterly", "kpi", "360") for e in table().entries(kind, OPEN)}
    assert not any(row[1] == submitted for row in expected) and not any(row[2] == orgs[1].ids["manager"] for row in expected)
    assert any(row[2] == orgs[3].ids["official"] and row[3] == "sheet_to_fill" for row in expected)
    assert announce_openings(db, OPENED + timedelta(days=1), noon(OPENED + timedelta(days=1))) == 0  # once

"""A notice's stored `due` is the deadline it is about, the one its text names (typical2023
and mne2017 alike keep terms per step): a sheet sent to the manager on 2 April is due for
agreement by the quarterly step's day, not on 2 April. The key keeps the action's day, as it
always did, so a rerun recorded before this change does not send the notice twice."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import select

from models import Deadline, Notice
from models.db import transaction
from notifications.render import day, render_notice
from states.cycles import open_cycle
from states.notices import enqueue_for_transition
from states.service import act
from tests.factories import noon, organisation

QA = "quarterly_appraisal"
SENT = date(2026, 4, 2)


def test_an_action_notice_is_due_on_its_steps_day_and_keyed_by_the_actions_day(db: Engine) -> None:
    made = organisation(db, "mne2017")
    open_cycle(db, "body", "quarterly", "2026-Q1", on=date(2026, 4, 1))
    appraisal = made.appraisal("servant", "quarterly", "2026-Q1")
    act(db, appraisal.id, made.ids["servant"], "submit", {"bonus_items": [{"description": "Extra work", "points": 2}]}, on=SENT)  # type: ignore[arg-type]
    with transaction(db) as session:
        step_due = session.exec(select(Deadline.due).where(Deadline.appraisal_id == appraisal.id, Deadline.step == QA)).one()
        notice = session.exec(select(Notice).where(Notice.appraisal_id == appraisal.id, Notice.event == "submit")).one()
        assert step_due != SENT  # the case the issue saw: the action's day is not the deadline
        assert (notice.kind, notice.step, notice.due) == ("sheet_to_agree", QA, step_due)
        assert notice.key == f"a{appraisal.id}:submit:sheet_to_agree:{made.ids['manager']}:{SENT.isoformat()}"
        for lang in ("kk", "ru", "en"):
            text = render_notice(session, notice, lang).text
            assert day(step_due, lang) in text and day(SENT, lang) in text  # by when, and when it was sent
        again = session.get(type(appraisal), appraisal.id)
        assert again is not None and enqueue_for_transition(session, again, "submit", SENT, noon(SENT)) == 0  # same key: once

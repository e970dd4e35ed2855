"""The appraisal schedule (mne2017 п.14, typical2023 п.11), on both databases.

HR drafts per unit the day the appraisal starts, the appointing official approves; the day
opens HR's schedule notice, due on the 10th calendar day before the start (not the 9th nor
the 11th), met when HR sends the schedule and the sheets; a cycle opened after the approval
is dated on opening. Whoever else tries is refused and nothing changes.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from methodology.errors import InvalidInput
from models import Notice, Servant
from notifications.render import render_notice
from states import schedule
from states.cycles import open_cycle
from states.service import act
from tests.checks import appraisal_of, deadlines_of, snapshot
from tests.factories import organisation

D = date
START = D(2026, 4, 6)  # Monday: the 10th calendar day before is Friday 27 March


def drafted(db: Engine, on: date = D(2026, 3, 16)) -> None:
    schedule.draft(db, "body", "quarterly", "2026-Q1", "u1", START, "hr", on=on)


def test_the_notice_is_due_on_the_10th_calendar_day_before_the_start(db: Engine) -> None:
    org = organisation(db)
    open_cycle(db, "body", "quarterly", "2026-Q1", on=D(2026, 3, 16))
    appraisal_id = org.appraisal("servant", "quarterly", "2026-Q1").id
    drafted(db)
    assert "schedule_notice" not in deadlines_of(db, appraisal_id)  # a draft dates nothing
    (entry,) = schedule.approve(db, "body", "quarterly", "2026-Q1", "official", on=D(2026, 3, 17))
    assert (entry.unit, entry.starts_on, entry.chair, entry.approved_by) == ("u1", START, "official", "official")
    due = deadlines_of(db, appraisal_id)["schedule_notice"]
    assert due == (D(2026, 3, 27), "open", None)
    assert due[0] - START == D(2026, 3, 27) - D(2026, 4, 6)  # -10 days
    assert due[0] not in (D(2026, 3, 26), D(2026, 3, 28))  # not the 11th nor the 9th
    assert appraisal_of(db, appraisal_id).events["appraisal_start"] == "2026-04-06"


@pytest.mark.parametrize("sent_on, late", [(D(2026, 3, 26), False), (D(2026, 3, 27), False), (D(2026, 3, 30), True)])
def test_the_notice_sent_on_the_due_day_is_on_time_and_a_day_after_late(db: Engine, sent_on: date, late: bool) -> None:
    org = organisation(db)
    drafted(db)
    schedule.approve(db, "body", "quarterly", "2026-Q1", "official", on=D(2026, 3, 17))
    open_cycle(db, "body", "quarterly", "2026-Q1", on=D(2026, 3, 20))  # opened after the approval: dated at once
    appraisal_id = org.appraisal("servant", "quarterly", "2026-Q1").id
    act(db, appraisal_id, org.ids["hr"], "notify", on=sent_on)
    due, status, closed_on = deadlines_of(db, appraisal_id)["schedule_notice"]
    assert (due, status, closed_on) == (D(2026, 3, 27), "done", sent_on)
    assert (closed_on > due) is late  # what the compliance report counts as late


@pytest.mark.parametrize("step, code", [
    (lambda db: schedule.draft(db, "body", "quarterly", "2026-Q1", "u1", START, "servant", on=D(2026, 3, 16)), "not_your_role"),
    (lambda db: schedule.draft(db, "body", "quarterly", "2026-Q1", "u1", D(2026, 3, 15), "hr", on=D(2026, 3, 16)), "schedule_in_past"),
    (lambda db: schedule.draft(db, "body", "quarterly", "2026-Q1", "nowhere", START, "hr", on=D(2026, 3, 16)), "not_found"),
    (lambda db: schedule.approve(db, "body", "quarterly", "2026-Q1", "hr", on=D(2026, 3, 17)), "not_your_role"),
    (lambda db: schedule.approve(db, "body", "annual", "2026", "official", on=D(2026, 3, 17)), "schedule_empty"),
], ids=["draft-not-hr", "start-before-draft", "unknown-unit", "approve-not-official", "approve-nothing"])
def test_a_wrong_step_is_refused_and_changes_nothing(db: Engine, step, code: str) -> None:
    organisation(db)
    drafted(db)
    before = snapshot(db)
    with pytest.raises(InvalidInput) as caught:
        step(db)
    assert snapshot(db) == before
    assert caught.value.code == code
    assert all(caught.value.render(lang) for lang in ("kk", "ru", "en"))


def test_an_approved_unit_is_not_redrafted(db: Engine) -> None:
    organisation(db)
    drafted(db)
    schedule.approve(db, "body", "quarterly", "2026-Q1", "official", on=D(2026, 3, 17))
    with pytest.raises(InvalidInput) as caught:
        drafted(db, on=D(2026, 3, 18))
    assert caught.value.code == "schedule_approved" and "2026-03-17" in caught.value.render("en")


def rendered_schedules(db: Engine) -> dict[str, dict[str, str]]:
    """The schedule notices recorded, by recipient, as each reads them in kk, ru and en."""
    with Session(db) as session:
        found = [n for n in session.exec(select(Notice)) if n.kind == "schedule"]
        names = {n.recipient_id: session.get(Servant, n.recipient_id).personnel_no for n in found}  # type: ignore[union-attr]
        return {names[n.recipient_id]: {lang: render_notice(session, n, lang).text for lang in ("kk", "ru", "en")} for n in found}


def test_the_notice_tells_the_day_the_appraisal_will_start(db: Engine) -> None:
    """Sent 10 calendar days before (mne2017 п.14), it says the appraisal starts on its day,
    not that it has started on the day it was sent."""
    org = organisation(db)
    drafted(db)
    schedule.approve(db, "body", "quarterly", "2026-Q1", "official", on=D(2026, 3, 17))
    open_cycle(db, "body", "quarterly", "2026-Q1", on=D(2026, 3, 20))
    act(db, org.appraisal("servant", "quarterly", "2026-Q1").id, org.ids["hr"], "notify", on=D(2026, 3, 27))
    texts = rendered_schedules(db)
    assert set(texts) == {"servant", "manager"}  # the servant and the assessor (п.14)
    for text in texts.values():
        assert "The quarterly appraisal for Q1 2026 starts on 6 April 2026." in text["en"]
        assert "6 апреля 2026 года начинается квартальная оценка за I квартал 2026 года." in text["ru"]
        assert "2026 жылғы 1-тоқсан бойынша тоқсандық бағалау басталатын күн: 2026 жылғы 6 сәуір." in text["kk"]
        assert "has started" not in text["en"] and "Началась" not in text["ru"] and "Басталған" not in text["kk"]


def test_a_typical2023_notice_tells_the_units_approved_day_or_none(db: Engine) -> None:
    """typical2023 п.11: the approved schedule counts no deadline, but its day is the start the
    head is told of (п.27); with no schedule approved the notice names no day."""
    org = organisation(db, "typical2023")
    open_cycle(db, "body", "kpi", "2026-Q2", on=D(2026, 4, 1))
    appraisal_id = org.appraisal("manager", "kpi", "2026-Q2").id
    act(db, appraisal_id, org.ids["hr"], "notify", on=D(2026, 4, 2))
    assert "You are informed of the KPI appraisal for Q2 2026." in rendered_schedules(db)["manager"]["en"]
    schedule.draft(db, "body", "kpi", "2026-Q2", "u1", D(2026, 7, 1), "hr", on=D(2026, 4, 3))
    assert "starts on" not in rendered_schedules(db)["manager"]["en"]  # a draft is not the schedule
    schedule.approve(db, "body", "kpi", "2026-Q2", "official", on=D(2026, 4, 6))
    texts = rendered_schedules(db)["manager"]
    assert "The KPI appraisal for Q2 2026 starts on 1 July 2026." in texts["en"]
    assert "1 июля 2026 года начинается оценка по целевым индикаторам за II квартал 2026 года." in texts["ru"]

"""Appointments during the year (#10 item 2): a servant appointed after the period's own
deadline owes the step counted from the appointment (mne2017 п.11, typical2023 п.23), with
the event recorded and audited; a re-import with a hire, a transfer or a dismissal applies
them to the open appraisals, and a re-import that changes nothing writes nothing. Every
test runs on SQLite and PostgreSQL (the `db` fixture)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import Appraisal, AuditEvent, Deadline, Servant
from models.db import transaction
from states.cycles import open_cycle
from tests.factories import Org, hire, organisation


def appointed(org: Org, name: str, on: date, **more: object) -> None:
    with transaction(org.engine) as session:
        servant = session.get(Servant, org.ids[name])
        assert servant is not None
        servant.position_start = on
        for key, value in more.items():
            setattr(servant, key, value)
        session.add(servant)


def deadlines(db: Engine, appraisal_id: int | None) -> dict[str, tuple[date, str]]:
    with Session(db) as session:
        rows = session.exec(select(Deadline).where(Deadline.appraisal_id == appraisal_id))
        return {row.step: (row.due, row.status) for row in rows}


def trail(db: Engine, appraisal_id: int | None) -> list[AuditEvent]:
    with Session(db) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == appraisal_id).order_by(AuditEvent.id)))  # type: ignore[arg-type]


@pytest.mark.parametrize(("start", "expected"), [
    (date(2026, 1, 10), {"plan_drawn_up": (date(2026, 1, 12), "open")}),  # on 10 January: by 10 January (a Saturday)
    (date(2026, 1, 11), {"plan_after_appointment": (date(2026, 1, 23), "open")}),  # after it: 10 working days (п.11)
    (date(2026, 2, 15), {"plan_after_appointment": (date(2026, 2, 27), "open")}),  # the case
])
def test_mne2017_plan_of_an_appointee_is_due_ten_working_days_after_the_appointment(db: Engine, start: date, expected: dict[str, tuple[date, str]]) -> None:
    org = organisation(db)
    hire(org, "newcomer")
    appointed(org, "newcomer", start)
    open_cycle(db, "body", "plan", "2026", on=date(2026, 1, 5))
    plan = org.appraisal("newcomer", "plan", "2026")
    assert deadlines(db, plan.id) == expected
    events = [e for e in trail(db, plan.id) if e.action == "appointment"]
    if "plan_after_appointment" in expected:
        assert plan.events == {"appointment": start.isoformat()}
        assert [(e.data["paragraph"], e.data["appointed_on"], e.data["due"]) for e in events] == [
            ("п.11", start.isoformat(), expected["plan_after_appointment"][0].isoformat())]
    else:
        assert plan.events == {} and events == []
    # a colleague appointed long ago keeps the 10 January deadline
    assert deadlines(db, org.appraisal("servant", "plan", "2026").id) == {"plan_drawn_up": (date(2026, 1, 12), "open")}


@pytest.mark.parametrize(("start", "state"), [(date(2026, 10, 1), "draft"), (date(2026, 10, 2), "exempt")])
def test_typical2023_no_kpis_with_fewer_than_three_months_left_in_the_year(db: Engine, start: date, state: str) -> None:
    org = organisation(db, methodology="typical2023")
    hire(org, "newhead", category="C-3")
    appointed(org, "newhead", start)
    open_cycle(db, "body", "kpi", "2026-Q4", on=date(2027, 1, 4))
    kpi = org.appraisal("newhead", "kpi", "2026-Q4")
    assert kpi.state == state
    if state == "exempt":  # п.23 named, not only the months in the position of п.6
        assert kpi.reason == "appointed 2026-10-02, fewer than 3 months left (п.23)"
    else:  # exactly three months left: KPIs within 10 working days of the appointment
        assert kpi.events == {"appointment": "2026-10-01"}
        assert deadlines(db, kpi.id)["kpi_set_after_appointment"] == (date(2026, 10, 15), "open")

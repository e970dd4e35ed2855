"""Appointments during the year (#10 item 2): a servant appointed after the period's own
deadline owes the step counted from the appointment (mne2017 п.11, typical2023 п.23), with
the event recorded and audited; a re-import with a hire, a transfer or a dismissal applies
them to the open appraisals, and a re-import that changes nothing writes nothing. Every
test runs on SQLite and PostgreSQL (the `db` fixture)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from methodology import loader
from methodology.deadlines import Period
from methodology.errors import InvalidInput
from models import Appraisal, AuditEvent, Deadline, Servant
from models.db import transaction
from services.org import import_and_apply
from states import appointments
from states.cycles import open_cycle
from states.staffing import Applied
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
    else:  # exactly three months left, appointed on Q4's first day: the quarter's own KPIs, 1 October + 10 wd
        assert kpi.events == {}
        assert deadlines(db, kpi.id)["kpi_set"] == (date(2026, 10, 15), "open")


# --- a re-import of HR's file ----------------------------------------------------------

HEADER = ["state_body_code", "state_body_name", "methodology", "unit_code", "unit_name", "position_code", "position_title",
          "category", "personnel_no", "full_name", "position_start", "manager_personnel_no", "dismissed_on", "roles"]


def row(number: str, category: str, manager: str, methodology: str = "mne2017", **changes: str) -> dict[str, str]:
    return {"state_body_code": "b1", "state_body_name": "Орган", "methodology": methodology, "unit_code": "u1",
            "unit_name": "Бөлім", "position_code": number, "position_title": "Лауазым", "category": category,
            "personnel_no": number, "full_name": f"Қызметші {number}", "position_start": "2020-01-06",
            "manager_personnel_no": manager, "dismissed_on": "", "roles": ""} | changes


def staff(methodology: str = "mne2017") -> list[dict[str, str]]:
    return [row("vice", "A-1", "", methodology, roles="outside_b_corps"),
            row("head", "C-1", "vice", methodology, roles="appointing_official"),
            row("hr", "C-4", "head", methodology, roles="hr;head_of_hr"),
            row("boss", "C-3", "head", methodology),
            row("servant", "C-4", "boss", methodology),
            row("colleague", "C-4", "boss", methodology)]


def load(db: Engine, tmp_path: Path, rows: list[dict[str, str]], on: date) -> list[Applied]:
    path = tmp_path / f"servants-{len(list(tmp_path.iterdir()))}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    report, applied = import_and_apply(db, path, on=on)
    assert report.ok, [p.as_dict("en") for p in report.problems]
    return applied


def ids(db: Engine) -> dict[str, int]:
    with Session(db) as session:
        return {s.personnel_no: s.id for s in session.exec(select(Servant))}  # type: ignore[misc]


def appraisal_of(db: Engine, name: str, kind: str, period: str) -> Appraisal:
    with Session(db) as session:
        query = select(Appraisal).where(Appraisal.servant_id == ids(db)[name], Appraisal.kind == kind, Appraisal.period == period)
        return session.exec(query).one()


def counts(db: Engine) -> tuple[int, int, list[int]]:
    with Session(db) as session:
        events = len(session.exec(select(AuditEvent.id)).all())
        rows = len(session.exec(select(Deadline.id)).all())
        versions = list(session.exec(select(Appraisal.version).order_by(Appraisal.id)))  # type: ignore[arg-type]
        return events, rows, versions


def test_a_hire_joins_the_open_plan_cycle_owing_the_appointees_plan_and_a_second_load_writes_nothing(db: Engine, tmp_path: Path) -> None:
    assert load(db, tmp_path, staff(), date(2026, 1, 5)) == []
    open_cycle(db, "b1", "plan", "2026", on=date(2026, 1, 5))
    hired = [*staff(), row("newbie", "C-4", "boss", position_start="2026-02-15")]
    applied = load(db, tmp_path, hired, date(2026, 2, 16))
    plan = appraisal_of(db, "newbie", "plan", "2026")
    assert [(a.event, a.appraisal_id) for a in applied] == [("hire", plan.id)]
    assert deadlines(db, plan.id) == {"plan_after_appointment": (date(2026, 2, 27), "open")}  # not 12 January (п.11)
    assert [e.data["paragraph"] for e in trail(db, plan.id) if e.action == "appointment"] == ["п.11"]
    before = counts(db)
    assert load(db, tmp_path, hired, date(2026, 2, 17)) == []
    assert counts(db) == before


def test_a_transfer_moves_the_assessor_and_the_steps_he_owes(db: Engine, tmp_path: Path) -> None:
    load(db, tmp_path, staff(), date(2026, 1, 5))
    open_cycle(db, "b1", "plan", "2026", on=date(2026, 1, 5))
    moved = [row("servant", "C-4", "head") if r["personnel_no"] == "servant" else r for r in staff()]
    applied = load(db, tmp_path, moved, date(2026, 1, 6))
    plan = appraisal_of(db, "servant", "plan", "2026")
    assert [(a.event, a.paragraph) for a in applied] == [("transfer_assessor", "п.4")]
    assert plan.assessor_id == ids(db)["head"]
    [event] = [e for e in trail(db, plan.id) if e.action == "transfer_assessor"]
    assert (event.data["previous_assessor_id"], event.data["assessor_id"]) == (ids(db)["boss"], ids(db)["head"])


def test_a_transfer_to_a_new_position_after_10_january_is_an_appointment(db: Engine, tmp_path: Path) -> None:
    load(db, tmp_path, staff(), date(2026, 1, 5))
    open_cycle(db, "b1", "plan", "2026", on=date(2026, 1, 5))
    moved = [row("servant", "C-4", "boss", position_code="p2", position_start="2026-01-11") if r["personnel_no"] == "servant" else r
             for r in staff()]
    applied = load(db, tmp_path, moved, date(2026, 1, 12))
    plan = appraisal_of(db, "servant", "plan", "2026")
    assert [(a.event, a.paragraph) for a in applied] == [("appointment", "п.11")]
    assert deadlines(db, plan.id) == {"plan_drawn_up": (date(2026, 1, 12), "cancelled"),
                                      "plan_after_appointment": (date(2026, 1, 23), "open")}


def test_mne2017_a_dismissal_withdraws_the_open_appraisal(db: Engine, tmp_path: Path) -> None:
    load(db, tmp_path, staff(), date(2026, 1, 5))
    open_cycle(db, "b1", "plan", "2026", on=date(2026, 1, 5))
    gone = [row("colleague", "C-4", "boss", dismissed_on="2026-03-02") if r["personnel_no"] == "colleague" else r for r in staff()]
    applied = load(db, tmp_path, gone, date(2026, 3, 2))
    plan = appraisal_of(db, "colleague", "plan", "2026")
    assert [(a.event, a.paragraph) for a in applied] == [("withdraw", "п.3")]
    assert (plan.state, plan.closed_on, plan.reason) == ("withdrawn", date(2026, 3, 2), "dismissed")
    assert deadlines(db, plan.id) == {"plan_drawn_up": (date(2026, 1, 12), "cancelled")}


def test_typical2023_a_dismissal_is_appraised_without_participation(db: Engine, tmp_path: Path) -> None:
    load(db, tmp_path, staff("typical2023"), date(2026, 4, 1))
    open_cycle(db, "b1", "differentiation", "2026-Q1", on=date(2026, 4, 1))
    gone = [row("colleague", "C-4", "boss", "typical2023", dismissed_on="2026-04-03") if r["personnel_no"] == "colleague" else r
            for r in staff("typical2023")]
    applied = load(db, tmp_path, gone, date(2026, 4, 3))
    sheet = appraisal_of(db, "colleague", "differentiation", "2026-Q1")
    assert [(a.event, a.paragraph) for a in applied] == [("dismissal", "п.7")]
    assert (sheet.state, sheet.participation, sheet.reason) == ("draft", "without", "dismissed")
    assert deadlines(db, sheet.id)["differentiation_appraisal"][1] == "open"  # on the normal deadline (п.7)


def test_a_hire_nobody_could_appraise_leaves_the_database_as_it_was(db: Engine, tmp_path: Path) -> None:
    load(db, tmp_path, staff(), date(2026, 1, 5))
    open_cycle(db, "b1", "plan", "2026", on=date(2026, 1, 5))
    before = counts(db), set(ids(db))
    with pytest.raises(InvalidInput) as caught:
        load(db, tmp_path, [*staff(), row("orphan", "C-4", "", position_start="2026-02-15")], date(2026, 2, 16))
    assert caught.value.code == "no_assessor"
    assert (counts(db), set(ids(db))) == before


@pytest.mark.parametrize("start", [date(2026, 4, 1), date(2026, 4, 2)])
def test_typical2023_appointed_on_the_quarters_first_day_is_not_appointed_later(db: Engine, start: date) -> None:
    """п.23: KPIs within 10 working days after the period starts; "appointed later", within
    10 working days of the appointment. On the quarter's first day the quarter's own deadline
    applies (1 April + 10 wd = 15 April); a day later the appointment is later (the rule's
    boundary), and with fewer than three months in the position in the quarter the head is
    not appraised in it at all (п.6), so nothing is owed."""
    rule = appointments.rule_for(loader.load("typical2023"), "kpi")
    assert rule is not None
    assert appointments.applies(rule, Period.parse("2026-Q2", "quarter"), start) is (start == date(2026, 4, 2))
    org = organisation(db, methodology="typical2023")
    hire(org, "newhead", category="C-3")
    appointed(org, "newhead", start)
    open_cycle(db, "body", "kpi", "2026-Q2", on=date(2026, 4, 2))
    kpi = org.appraisal("newhead", "kpi", "2026-Q2")
    setting = {name: row for name, row in deadlines(db, kpi.id).items() if name.startswith("kpi_set")}
    if start == date(2026, 4, 1):
        assert (kpi.state, kpi.events, setting) == ("draft", {}, {"kpi_set": (date(2026, 4, 15), "open")})
    else:
        assert (kpi.state, kpi.reason, setting) == ("exempt", "in the position since 2026-04-02 (п.6)", {})


def test_typical2023_an_appointee_owes_every_later_quarters_own_kpis(db: Engine) -> None:
    """Appointed on 15 February (Q1 exempt: fewer than three months in it, п.6), the head
    owes each later quarter's KPIs from its first day (п.23), not none at all."""
    org = organisation(db, methodology="typical2023")
    hire(org, "newhead", category="C-3")
    appointed(org, "newhead", date(2026, 2, 15))
    for quarter, opened in (("2026-Q1", date(2026, 2, 16)), ("2026-Q2", date(2026, 4, 1)), ("2026-Q3", date(2026, 7, 1))):
        open_cycle(db, "body", "kpi", quarter, on=opened)

    def setting(quarter: str) -> dict[str, tuple[date, str]]:
        return {k: v for k, v in deadlines(db, org.appraisal("newhead", "kpi", quarter).id).items() if k.startswith("kpi_set")}

    assert org.appraisal("newhead", "kpi", "2026-Q1").state == "exempt"
    assert setting("2026-Q2") == {"kpi_set": (date(2026, 4, 15), "open")}  # 1 April + 10 working days
    assert setting("2026-Q3") == {"kpi_set": (date(2026, 7, 16), "open")}  # 1 July + 10: 6 July, Capital Day, is off
    assert all(org.appraisal("newhead", "kpi", q).events == {} for q in ("2026-Q2", "2026-Q3"))

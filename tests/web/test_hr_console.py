"""HR's console of a state body (issue #12): who is late now with working days overdue
and the rung reached, filtered and sorted; the cycles with who is set apart and why;
dead letters resent and audited; the compliance downloads; the head of HR's results
(typical2023 п.21); an auditor's compliance without a score; 404 to anyone else."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology.workdays import default_calendar
from models import Account, AuditEvent, Auditor, Deadline, Notice, Servant, StateBody
from models.db import transaction
from states.cycles import open_cycle
from states.late import Filters, late_now, working_days_between
from states.service import act
from tests.factories import hire, organisation
from tests.web.conftest import accounts, signed_in
from web.app import create_app
from web.hr.reasons import reason_in
from web.settings import Settings

LATE_DAY = date(2026, 4, 20)  # Monday; the Q1 sheets were due Friday 10 April (mne2017 п.3.1)


def _body(db: Engine, code: str = "body", newcomer: bool = True):  # type: ignore[no-untyped-def]
    org = organisation(db, "mne2017", code=code)
    if newcomer:
        hire(org, f"newcomer{code}")
        with transaction(db) as session:
            person = session.get(Servant, org.ids[f"newcomer{code}"])
            assert person is not None
            person.position_start = date(2026, 3, 2)  # under three months in the position: exempt (mne2017 п.3)
            session.add(person)
    open_cycle(db, org.code, "quarterly", "2026-Q1", on=date(2026, 4, 1))
    return org


def _accounts(org, prefix: str = "") -> None:  # type: ignore[no-untyped-def]
    if prefix:
        org.ids = {prefix + name: servant for name, servant in org.ids.items()}
    accounts(org)


def _dead_notice(db: Engine, appraisal: int, recipient: int) -> int:
    with transaction(db) as session:
        notice = Notice(key=f"test-dead-{appraisal}", appraisal_id=appraisal, recipient_id=recipient, kind="overdue", level=2,
                        step="quarterly_appraisal", due=date(2026, 4, 10), created_at=datetime(2026, 4, 13, tzinfo=timezone.utc),
                        status="dead", attempts=4, last_error="email: 550 mailbox unavailable")
        session.add(notice)
        session.flush()
        return notice.id  # type: ignore[return-value]


def test_a_reason_set_apart_reads_in_the_readers_language() -> None:
    reason = "in the position since 2026-03-02 (п.3)"  # as states/placement.py writes it
    assert reason_in(reason, "kk") == "лауазымға тағайындалған күні: 2026 жылғы 2 наурыз (п.3)"
    assert reason_in(reason, "ru") == "в должности с 2 марта 2026 года (п.3)"
    assert reason_in("maternity 2026-01-01–2026-12-31 (п.6)", "kk") == "maternity 2026-01-01–2026-12-31 (п.6)"  # unknown: as written


def test_working_days_overdue_at_their_boundaries() -> None:
    calendar = default_calendar()
    assert working_days_between(date(2026, 4, 10), date(2026, 4, 10), calendar) == 0  # due today: not late
    assert working_days_between(date(2026, 4, 10), date(2026, 4, 12), calendar) == 0  # the weekend does not count
    assert working_days_between(date(2026, 4, 10), date(2026, 4, 13), calendar) == 1  # Friday → Monday
    assert working_days_between(date(2026, 3, 20), date(2026, 3, 26), calendar) == 1  # Nauryz, 21–25 March 2026


def test_late_now_is_sorted_by_working_days_and_filtered(db: Engine) -> None:
    org = _body(db)
    own = org.appraisal("servant", "quarterly", "2026-Q1").id
    with transaction(db) as session:  # one sheet due earlier, and already escalated twice
        row = session.exec(select(Deadline).where(Deadline.appraisal_id == own)).one()
        row.due, row.level = date(2026, 4, 6), 4
        session.add(row)
    with transaction(db) as session:
        body = session.exec(select(StateBody).where(StateBody.code == "body")).one()
        found = late_now(session, [body.id], LATE_DAY, default_calendar(), "en")  # type: ignore[list-item]
        assert [r.working_days_overdue for r in found] == sorted((r.working_days_overdue for r in found), reverse=True)
        assert (found[0].servant, found[0].working_days_overdue, found[0].rung) == ("Servant", 10, 2)
        assert {r.working_days_overdue for r in found[1:]} == {6}
        assert "Newcomerbody" not in {r.servant for r in found}  # exempt: nothing owed
        assert late_now(session, [body.id], date(2026, 4, 10), default_calendar(), "en", Filters()) == [  # type: ignore[list-item]
            r for r in late_now(session, [body.id], date(2026, 4, 10), default_calendar(), "en") if r.servant == "Servant"]  # type: ignore[list-item]
        assert late_now(session, [body.id], LATE_DAY, default_calendar(), "en", Filters(step="no_such_step")) == []  # type: ignore[list-item]
        assert late_now(session, [body.id], LATE_DAY, default_calendar(), "en", Filters(period="2026-Q2")) == []  # type: ignore[list-item]
        assert len(late_now(session, [body.id], LATE_DAY, default_calendar(), "en", Filters(kind="quarterly"))) == len(found)  # type: ignore[list-item]


def test_hr_finds_the_late_person_and_resends_a_dead_letter(db: Engine) -> None:
    org = _body(db)
    _accounts(org)
    own = org.appraisal("servant", "quarterly", "2026-Q1").id
    act(db, own, org.ids["servant"], "submit", {"bonus_items": []}, on=date(2026, 4, 2))
    dead = _dead_notice(db, own, org.ids["manager"])
    app = create_app(db, Settings(today=LATE_DAY))
    hr = signed_in(app, "hr")
    page = hr.get("/hr/body")
    assert page.status_code == 200, page.text
    assert "Who is late now" in page.text and "Colleague1" in page.text
    assert "Newcomerbody" in page.text and "in the position since 2 March 2026 (п.3)" in page.text  # set apart, with why
    assert ">6<" in page.text  # working days overdue on 20 April
    assert "550 mailbox unavailable" in page.text
    filtered = hr.get("/hr/body", params={"step": "quarterly_appraisal", "unit": "999999"})
    assert "Colleague1" not in filtered.text.split('id="late"')[1].split("</section>")[0]
    assert hr.post(f"/hr/body/notices/{dead}/resend", data={"csrf": "wrong"}, follow_redirects=False).status_code == 403
    with transaction(db) as session:
        assert session.get(Notice, dead).status == "dead"  # type: ignore[union-attr]
    token = hr.get("/api/v1/me").json()["csrf"]
    answer = hr.post(f"/hr/body/notices/{dead}/resend", data={"csrf": token}, follow_redirects=False)
    assert answer.status_code == 303
    with transaction(db) as session:
        notice = session.get(Notice, dead)
        assert notice is not None and (notice.status, notice.attempts, notice.last_error) == ("pending", 0, None)
        audit = session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == own, AuditEvent.action == "resend_notice")).one()
        assert audit.actor_id == org.ids["hr"] and audit.reason == "email: 550 mailbox unavailable"
    again = hr.post(f"/hr/body/notices/{dead}/resend", data={"csrf": token})
    assert again.status_code == 422 and "a dead notice of your state body" in again.text  # no longer dead


def test_compliance_downloads_of_the_body(db: Engine) -> None:
    org = _body(db)
    _accounts(org)
    hr = signed_in(create_app(db, Settings(today=LATE_DAY)), "hr")
    as_csv = hr.get("/hr/body/compliance.csv")
    assert as_csv.status_code == 200 and "attachment" in as_csv.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 8 and {"Colleague1", "Servant"} <= {cell for row in rows for cell in row}
    sheet = load_workbook(io.BytesIO(hr.get("/hr/body/compliance.xlsx").content)).active
    assert sheet.max_row == 1 + 8  # type: ignore[union-attr]
    assert "Colleague1" in hr.get("/hr/body/compliance.html").text
    assert hr.get("/hr/body/compliance.pdf").status_code == 404


def test_only_the_bodys_hr_or_its_auditor_open_it(db: Engine) -> None:
    org = _body(db)
    _accounts(org)
    other = _body(db, "other", newcomer=False)
    _accounts(other, "o_")
    own = org.appraisal("servant", "quarterly", "2026-Q1").id
    dead = _dead_notice(db, own, org.ids["manager"])
    with transaction(db) as session:
        inspector = session.exec(select(Account).where(Account.login == "o_member")).one()
        body = session.exec(select(StateBody).where(StateBody.code == "body")).one()
        session.add(Auditor(account_id=inspector.id, state_body_id=body.id))  # type: ignore[arg-type]
    app = create_app(db, Settings(today=LATE_DAY))
    for stranger in ("servant", "manager", "official", "o_hr"):
        client = signed_in(app, stranger)
        token = client.get("/api/v1/me").json()["csrf"]
        for path in ("/hr/body", "/hr/body/compliance.csv", "/hr/body/compliance.xlsx", "/hr/body/compliance.html"):
            assert client.get(path).status_code == 404, (stranger, path)
        assert client.post(f"/hr/body/notices/{dead}/resend", data={"csrf": token}).status_code == 404, stranger
        assert client.get("/hr/nowhere").status_code == 404
    assert signed_in(app, "o_hr").get("/hr/other").status_code == 200  # their own body
    auditor = signed_in(app, "o_member")
    page = auditor.get("/hr/body")
    assert page.status_code == 200 and "As an auditor" in page.text
    assert "Colleague1" in page.text  # who is late: compliance
    assert "550 mailbox" not in page.text and "in the position since" not in page.text  # no dead letters, no reasons
    assert auditor.get("/hr/body/compliance.csv").status_code == 200
    token = auditor.get("/api/v1/me").json()["csrf"]
    assert auditor.post(f"/hr/body/notices/{dead}/resend", data={"csrf": token}).status_code == 404
    assert auditor.get("/hr", follow_redirects=False).headers["location"] == "/hr/body"


SCORES = {name: {"score": 4, "justification": f"{name}: as the records show"} for name in ("quality", "deadlines", "initiative", "discipline")}


@pytest.mark.parametrize("head", [True, False], ids=["head-of-hr", "hr-clerk"])
def test_the_head_of_hr_reads_the_bodys_results_and_no_one_else_there(db: Engine, head: bool) -> None:
    """typical2023 п.21: the head of HR reads the results; an HR employee who is not its
    head, and an auditor, never see a score."""
    org = organisation(db, "typical2023")
    with transaction(db) as session:
        lead = session.get(Servant, org.ids["hr"])
        assert lead is not None
        clerk = Servant(state_body_id=lead.state_body_id, personnel_no="clerk", full_name="Clerk", position_id=lead.position_id,
                        position_start=lead.position_start, manager_id=org.ids["official"], is_hr=True)
        session.add(clerk)
        session.flush()
        org.ids["clerk"] = clerk.id  # type: ignore[assignment]
    open_cycle(db, org.code, "differentiation", "2026-Q1", on=date(2026, 4, 1))
    accounts(org)
    own = org.appraisal("servant", "differentiation", "2026-Q1").id
    act(db, own, org.ids["manager"], "score", {"scores": SCORES}, on=date(2026, 4, 2))
    page = signed_in(create_app(db, Settings(today=date(2026, 4, 2))), "hr" if head else "clerk").get("/hr/body")
    assert page.status_code == 200
    assert ("results-table" in page.text) is head
    assert ("4.00" in page.text) is head


def test_the_head_of_hrs_results_take_the_same_queries_however_many_are_scored(db: Engine) -> None:
    """The results section reads the scored appraisals and the reader's standing once, not
    per appraisal (issue #12: it asked four queries for each)."""
    from sqlalchemy import event

    org = organisation(db, "typical2023")
    open_cycle(db, org.code, "differentiation", "2026-Q1", on=date(2026, 4, 1))
    accounts(org)
    client = signed_in(create_app(db, Settings(today=date(2026, 4, 2))), "hr")
    statements: list[str] = []
    event.listen(db, "before_cursor_execute", lambda *args: statements.append(args[2]))

    def asked() -> int:
        statements.clear()
        page = client.get("/hr/body")
        assert page.status_code == 200
        return len(statements)

    for name in ("servant",):
        act(db, org.appraisal(name, "differentiation", "2026-Q1").id, org.ids["manager"], "score", {"scores": SCORES}, on=date(2026, 4, 2))
    one = asked()
    for name in ("colleague1", "colleague2", "colleague3"):
        act(db, org.appraisal(name, "differentiation", "2026-Q1").id, org.ids["manager"], "score", {"scores": SCORES}, on=date(2026, 4, 2))
    assert asked() == one
    assert client.get("/hr/body").text.count("4.00") >= 4

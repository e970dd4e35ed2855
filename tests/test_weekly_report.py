"""The weekly compliance report to each state body's head of HR (states/notices.py
report_weekly, rendered by notifications/render.py), on SQLite and PostgreSQL: their own
body's steps only, once per week, in their language, through the outbox like every notice;
and the report as things stood on its day (states/compliance.py).

Three mne2017 bodies open Q1 2026 on 1 April; the quarterly appraisal is due Fri 10 April
(п.3.1) and nobody acts, so on Mon 20 April every one of them is 6 working days overdue.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology.workdays import ALMATY
from models import Appraisal, Deadline, Notice, Servant
from models.db import transaction
from models.outbox import InboxMessage
from notifications.delivery import deliver
from states.notices import report_weekly
from states import compliance
from states.cycles import open_cycle
from tests.factories import Org, organisation

D = date
MONDAY = D(2026, 4, 20)
AT = datetime(2026, 4, 20, 9, 0, tzinfo=ALMATY)  # the flow's Monday morning (flows/deployments.py)


@pytest.fixture
def bodies(db: Engine) -> dict[str, Org]:
    made = {code: organisation(db, "mne2017", code) for code in ("one", "two", "three")}
    with transaction(db) as session:
        two = session.get(Servant, made["two"].ids["hr"]).state_body_id  # type: ignore[union-attr]
        for servant in session.exec(select(Servant).where(Servant.state_body_id == two)):
            servant.full_name = "Two " + servant.full_name  # so a row of body two shows as such
            servant.lang = "ru" if servant.personnel_no == "hr" else servant.lang
            session.add(servant)
        nobody = session.get(Servant, made["three"].ids["hr"])
        assert nobody is not None
        nobody.is_hr = nobody.is_head_of_hr = False  # body three has no one in HR
        session.add(nobody)
    for code in made:
        open_cycle(db, code, "quarterly", "2026-Q1", on=D(2026, 4, 1))
    return made


def inbox(db: Engine) -> dict[int, InboxMessage]:
    with transaction(db) as session:
        return {m.recipient_id: m for m in session.exec(select(InboxMessage))}


def test_each_head_of_hr_gets_their_own_body_s_report_once_a_week(db: Engine, bodies: dict[str, Org]) -> None:
    assert report_weekly(db, MONDAY, AT) == 3
    assert report_weekly(db, MONDAY, AT) == 0  # a rerun, a retry: nothing twice
    report = deliver(db, datetime(2026, 4, 20, 9, 15, tzinfo=ALMATY), channels=[])
    assert (report.sent, report.dead) == (2, 1)

    got = inbox(db)
    one, two = got[bodies["one"].ids["hr"]], got[bodies["two"].ids["hr"]]
    assert set(got) == {bodies["one"].ids["hr"], bodies["two"].ids["hr"]}
    lines = {code: [line for line in message.text.splitlines() if line.startswith("- ") and "п.3.1" in line]
             for code, message in (("one", one), ("two", two))}
    assert len(lines["one"]) == len(lines["two"]) == 8  # the eight appraisals of each body, 6 working days overdue
    assert not any("Two " in line for line in lines["one"]) and all("Two " in line for line in lines["two"])
    assert one.subject == "Мерзімдердің сақталуы туралы есеп, State body one, 2026 жылғы 20 сәуір: мерзімі өткені 8, кешіктірілгені 0"
    assert two.subject.startswith("Отчёт о соблюдении сроков, State body two, 20 апреля 2026 года: просрочено 8")
    assert "<li>" in one.html and "State body two" not in one.html + one.text

    with transaction(db) as session:
        orphan = session.exec(select(Notice).where(Notice.recipient_id == None)).one()  # noqa: E711
        assert orphan.state_body_id == session.get(Servant, bodies["three"].ids["hr"]).state_body_id  # type: ignore[union-attr]
    assert (orphan.status, orphan.recipient_id) == ("dead", None)
    assert orphan.last_error == "no recipient: nobody holds the position this notice is for"

    assert report_weekly(db, D(2026, 4, 27), AT + timedelta(days=7)) == 3  # next Monday: a new report


def test_a_report_names_steps_and_never_a_result(db: Engine, bodies: dict[str, Org]) -> None:
    """typical2023 п.16: whatever the appraisals' scores, the report shows none of them."""
    with transaction(db) as session:
        session.execute(sa.update(Appraisal).values(score=97, band="satisfactory"))
    report_weekly(db, MONDAY, AT)
    deliver(db, datetime(2026, 4, 20, 9, 15, tzinfo=ALMATY), channels=[])
    for message in inbox(db).values():
        for shown in ("97", "қанағаттанарлық", "удовлетворительно", "satisfactory"):
            assert shown not in message.subject + message.text + message.html


def test_a_report_says_how_things_stood_on_its_day(db: Engine, bodies: dict[str, Org]) -> None:
    """The servant's appraisal of body one, due Fri 10 April, is done on Wed 15 April: on
    Mon 13 April it was 1 working day overdue; on 20 April it was done 3 working days late, and a report
    of late steps since 16 April leaves it out."""
    servant = bodies["one"].appraisal("servant", "quarterly", "2026-Q1").id
    with transaction(db) as session:
        session.execute(sa.update(Deadline).where(Deadline.appraisal_id == servant).values(status="done", closed_on=D(2026, 4, 15)))  # type: ignore[arg-type]
        body = session.get(Servant, bodies["one"].ids["servant"]).state_body_id  # type: ignore[union-attr]

        def row(today: date, since: date | None = None) -> tuple[object, ...] | None:
            found = [r for r in compliance.rows_of(session, today, "en", since, body) if r.servant == "Servant"]
            return (found[0].status, found[0].days_overdue, found[0].done_on) if found else None

        assert row(D(2026, 4, 13)) == ("overdue", 1, None)  # the weekend is no working day
        assert row(D(2026, 4, 14)) == ("overdue", 2, None)
        assert row(D(2026, 4, 15)) == ("late", 3, D(2026, 4, 15))
        assert row(MONDAY, since=D(2026, 4, 15)) == ("late", 3, D(2026, 4, 15))
        assert row(MONDAY, since=D(2026, 4, 16)) is None
        assert row(D(2026, 4, 10)) is None  # due that day: not overdue yet

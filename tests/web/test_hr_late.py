"""Who is late now at a country's scale (issue #12): a page at a time, the filters kept
from page to page, and for the HR of a ministry the bodies under it too, without a way
into an appraisal that is another body's."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology.workdays import default_calendar
from models import Account, Auditor, Deadline, StateBody
from models.db import transaction
from states.bodies import under
from states.late import Filters, count_late, late_now
from tests.web.conftest import signed_in
from tests.web.test_hr_console import LATE_DAY, _accounts, _body
from web.app import create_app
from web.hr import late as late_pages
from web.settings import Settings


def _ministry(db: Engine):  # type: ignore[no-untyped-def]
    """A ministry and a committee under it, each with its Q1 sheets a week late."""
    ministry, committee = _body(db, "ministry"), _body(db, "committee")
    _accounts(ministry, "m_")
    _accounts(committee, "c_")
    with transaction(db) as session:
        bodies = {b.code: b for b in session.exec(select(StateBody))}
        bodies["committee"].parent_id = bodies["ministry"].id
        session.add(bodies["committee"])
    return ministry, committee


def _late_rows(page: str) -> list[str]:
    table = page.split('id="late-table"')[1].split("</table>")[0]
    return [row.split('"')[0] for row in table.split('data-appraisal="')[1:]]


def test_bodies_under_a_body_are_found_down_the_tree_and_a_loop_ends(db: Engine) -> None:
    with transaction(db) as session:
        top, middle, low, apart = (StateBody(code=c, name=c, methodology="mne2017") for c in ("top", "middle", "low", "apart"))
        session.add_all([top, middle, low, apart])
        session.flush()
        middle.parent_id, low.parent_id = top.id, middle.id
        session.flush()
        assert [b.code for b in under(session, top.id)] == ["low", "middle", "top"]  # type: ignore[arg-type]
        assert [b.code for b in under(session, middle.id)] == ["low", "middle"]  # type: ignore[arg-type]
        assert [b.code for b in under(session, apart.id)] == ["apart"]  # type: ignore[arg-type]
        top.parent_id = low.id  # a loop typed by hand: each body once, and it ends
        session.flush()
        assert [b.code for b in under(session, middle.id)] == ["low", "middle", "top"]  # type: ignore[arg-type]


def test_late_now_pages_add_up_to_the_whole_list_and_a_window_is_nobodys_breach(db: Engine) -> None:
    ministry, _ = _ministry(db)
    own = ministry.appraisal("m_servant", "quarterly", "2026-Q1").id
    with transaction(db) as session:  # an appeal window left unused (mne2017 п.38), past its day
        session.add(Deadline(appraisal_id=own, step="appeal", due=date(2026, 4, 1), paragraph="п.38", responsible_role="servant"))
    with transaction(db) as session:
        ids = [b.id for b in session.exec(select(StateBody))]
        whole = late_now(session, ids, LATE_DAY, default_calendar(), "en")  # type: ignore[arg-type]
        assert "appeal" not in {r.step for r in whole} and len(whole) > 3
        assert count_late(session, ids, LATE_DAY) == len(whole)  # type: ignore[arg-type]
        paged = [r for offset in range(0, len(whole), 3) for r in late_now(session, ids, LATE_DAY, default_calendar(), "en", limit=3, offset=offset)]  # type: ignore[arg-type]
        assert paged == whole
        assert [r.working_days_overdue for r in whole] == sorted((r.working_days_overdue for r in whole), reverse=True)
        committee = session.exec(select(StateBody).where(StateBody.code == "committee")).one()
        narrowed = late_now(session, ids, LATE_DAY, default_calendar(), "en", Filters(body=committee.id))  # type: ignore[arg-type]
        assert narrowed and {r.state_body_code for r in narrowed} == {"committee"}
        assert count_late(session, ids, LATE_DAY, Filters(body=committee.id)) == len(narrowed)  # type: ignore[arg-type]


@pytest.mark.parametrize("db", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)  # plans are kept on PostgreSQL
def test_a_list_of_many_bodies_is_planned_for_them_and_one_body_keeps_the_kept_plan(db: Engine) -> None:
    _ministry(db)
    mode = "show plan_cache_mode"
    with transaction(db) as session:
        ids = [b.id for b in session.exec(select(StateBody))]
        assert late_now(session, ids[:1], LATE_DAY, default_calendar(), "en", limit=50)  # type: ignore[arg-type]
        assert session.execute(sa.text(mode)).scalar() == "auto"  # one body: the kept plan is the right one
        count_late(session, ids, LATE_DAY)  # type: ignore[arg-type]
        assert session.execute(sa.text(mode)).scalar() == "force_custom_plan"  # an array of bodies: planned for it
    with transaction(db) as session:  # for that transaction only
        assert session.execute(sa.text(mode)).scalar() == "auto"


def test_a_ministrys_hr_follows_the_bodies_under_it_and_no_one_else_does(db: Engine) -> None:
    _ministry(db)
    app = create_app(db, Settings(today=LATE_DAY))
    hr = signed_in(app, "m_hr")
    page = hr.get("/hr/ministry/late")
    assert page.status_code == 200, page.text
    assert "State body committee" in page.text and "State body ministry" in page.text
    with transaction(db) as session:
        committee = session.exec(select(StateBody).where(StateBody.code == "committee")).one()
        theirs = {r.appraisal for r in late_now(session, [committee.id], LATE_DAY, default_calendar(), "en")}  # type: ignore[list-item]
    assert theirs and set(_late_rows(page.text)) >= {str(a) for a in theirs}
    assert not any(f'href="/appraisals/{a}"' in page.text for a in theirs)  # another body's appraisal: no way in
    assert 'href="/appraisals/' in page.text  # the ministry's own
    narrowed = hr.get("/hr/ministry/late", params={"body": "committee"})
    assert set(_late_rows(narrowed.text)) == {str(a) for a in theirs}
    assert "Nobody is late." in hr.get("/hr/ministry/late", params={"body": "elsewhere"}).text  # not under it: nothing
    committee_hr = signed_in(app, "c_hr")
    own = committee_hr.get("/hr/committee/late")
    assert own.status_code == 200 and "State body ministry" not in own.text
    assert set(_late_rows(own.text)) == {str(a) for a in theirs}
    assert committee_hr.get("/hr/ministry/late").status_code == 404  # upward: nothing
    assert signed_in(app, "m_servant").get("/hr/ministry/late").status_code == 404
    with transaction(db) as session:  # the ministry's auditor: the ministry's steps only
        inspector = session.exec(select(Account).where(Account.login == "c_member")).one()
        body = session.exec(select(StateBody).where(StateBody.code == "ministry")).one()
        session.add(Auditor(account_id=inspector.id, state_body_id=body.id))  # type: ignore[arg-type]
    audited = signed_in(app, "c_member").get("/hr/ministry/late")
    assert audited.status_code == 200 and "State body committee" not in audited.text and 'href="/appraisals/' not in audited.text


def test_the_list_goes_a_page_at_a_time_with_its_filters(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    _ministry(db)
    monkeypatch.setattr(late_pages, "PAGE", 3)
    hr = signed_in(create_app(db, Settings(today=LATE_DAY)), "m_hr")
    first = hr.get("/hr/ministry/late", params={"kind": "quarterly"})
    total = int(first.text.split('id="late-count">')[1].split("</p>")[0].split()[-1])
    assert total > 3 and "1–3 of" in first.text
    assert 'href="?kind=quarterly&amp;page=2#late"' in first.text and "late-prev" not in first.text
    seen = []
    for number in range(1, -(-total // 3) + 1):
        seen += _late_rows(hr.get("/hr/ministry/late", params={"kind": "quarterly", "page": str(number)}).text)
    with transaction(db) as session:
        ids = [b.id for b in session.exec(select(StateBody))]
        assert seen == [str(r.appraisal) for r in late_now(session, ids, LATE_DAY, default_calendar(), "en")]  # type: ignore[arg-type]
    last = hr.get("/hr/ministry/late", params={"kind": "quarterly", "page": "999"})  # past the end: the last page
    assert "late-next" not in last.text and "late-prev" in last.text
    assert "1–3 of" in hr.get("/hr/ministry/late", params={"page": "x"}).text  # not a number: the first page
    console = hr.get("/hr/ministry", params={"step": "quarterly_appraisal"})
    assert console.status_code == 200 and 'href="/hr/ministry/late"' in console.text
    assert "State body committee" not in console.text  # the console's own list is its body's


def test_a_long_list_is_counted_only_so_far_past_the_page(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    _ministry(db)
    with transaction(db) as session:
        ids = [b.id for b in session.exec(select(StateBody))]
        whole = count_late(session, ids, LATE_DAY)  # type: ignore[arg-type]
        assert whole > 3
        assert count_late(session, ids, LATE_DAY, at_most=2) == 3  # type: ignore[arg-type]  # past the ceiling: one more, no further
        assert count_late(session, ids, LATE_DAY, at_most=whole) == whole  # type: ignore[arg-type]
    monkeypatch.setattr(late_pages, "PAGE", 1)
    monkeypatch.setattr(late_pages, "COUNTED", 2)
    hr = signed_in(create_app(db, Settings(today=LATE_DAY)), "m_hr")
    first = hr.get("/hr/ministry/late")
    assert "1–1 of more than 2" in first.text and "Page 1 of more than 2" in first.text and "late-next" in first.text
    last = hr.get("/hr/ministry/late", params={"page": str(whole)})  # near the end the count is exact again
    assert f"{whole}–{whole} of {whole}<" in last.text and "late-next" not in last.text

"""The appraisal schedule's page (mne2017 п.14, typical2023 п.11): HR drafts a unit's day,
the appointing official approves, the approved schedule is read-only and dates the unit's
appraisals (the notice due 10 calendar days before the start); a bad day, a unit not of
the body, an approval by someone else are refused in one line in the reader's language,
nothing changed; the page does not exist for anyone but the body's HR and its official."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from models import Account, Auditor, StateBody, Unit
from models.db import transaction
from tests.checks import deadlines_of, snapshot
from tests.factories import Org, organisation
from tests.web.conftest import DAY, accounts, signed_in
from web.app import create_app
from web.settings import Settings

PAGE = "/hr/body/schedule"
CHOSEN = {"kind": "quarterly", "period": "2026-Q1"}
START = "2026-04-20"  # Monday: the schedule notice falls due on Friday 10 April


def _draft(client, starts: str = START, unit: str = "u1", lang: str = ""):  # type: ignore[no-untyped-def]
    form = {**CHOSEN, "unit": unit, "starts_on": starts, "csrf": client.headers["X-CSRF-Token"]}
    return client.post(PAGE + (f"?lang={lang}" if lang else ""), data=form, follow_redirects=False)


def _approve(client):  # type: ignore[no-untyped-def]
    return client.post(PAGE + "/approve", data={**CHOSEN, "csrf": client.headers["X-CSRF-Token"]}, follow_redirects=False)


def _tables(db: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row but the sessions' (a request marks its session seen)."""
    return {name: rows for name, rows in snapshot(db).items() if name != "web_session"}


@pytest.fixture
def world(org: Org):  # type: ignore[no-untyped-def]
    other = organisation(org.engine, "mne2017", code="other")
    with transaction(org.engine) as session:
        body = session.exec(select(StateBody).where(StateBody.code == "other")).one()
        session.add(Unit(state_body_id=body.id, code="u9", name="A unit of another body"))  # type: ignore[arg-type]
    other.ids = {f"o_{name}": servant for name, servant in other.ids.items()}
    accounts(other)
    return create_app(org.engine, Settings(today=DAY))


def test_hr_drafts_the_official_approves_and_the_schedule_dates_the_sheets(world, org: Org) -> None:  # type: ignore[no-untyped-def]
    hr, official = signed_in(world, "hr"), signed_in(world, "official")
    assert _draft(hr).status_code == 303
    shown = hr.get(PAGE, params=CHOSEN).text
    assert 'data-status="draft"' in shown and 'data-approved="no"' in shown and 'id="draft-form"' in shown
    assert 'id="approve-form"' not in shown  # HR drafts; approving is not offered to it
    own = org.appraisal("servant", "quarterly", "2026-Q1").id
    assert "schedule_notice" not in deadlines_of(org.engine, own)  # a draft dates nothing
    page = official.get(PAGE, params=CHOSEN).text
    assert 'id="approve-form"' in page and 'id="draft-form"' not in page  # the official approves, does not draft
    assert _approve(official).status_code == 303
    approved = hr.get(PAGE, params=CHOSEN).text
    assert 'data-status="approved"' in approved and 'data-approved="yes"' in approved
    assert 'id="draft-form"' not in approved and 'id="approve-form"' not in approved  # read-only now
    assert '<time datetime="2026-04-10">' in approved  # the notice's due day, shown in its row
    assert deadlines_of(org.engine, own)["schedule_notice"] == (date(2026, 4, 10), "open", None)  # 10 calendar days before


@pytest.mark.parametrize("step, field, status, words", [
    (lambda c: _draft(c, starts="2026-04-01"), "starts_on", 422, "cannot start before"),  # the day before today
    (lambda c: _draft(c, starts="2026-02-31"), "starts_on", 422, "no such day"),
    (lambda c: _draft(c, unit="u9"), "unit", 422, "not found"),  # a unit of another body
    (_approve, "refusal", 403, "for the appointing official; here you act as the head of HR"),
], ids=["day-in-the-past", "no-such-day", "unit-of-another-body", "hr-approves"])
def test_a_wrong_step_is_one_line_beside_its_field_and_changes_nothing(world, org: Org, step, field: str, status: int, words: str) -> None:  # type: ignore[no-untyped-def]
    hr = signed_in(world, "hr")
    if field == "refusal":
        assert _draft(hr).status_code == 303
    before = _tables(org.engine)
    answer = step(hr)
    assert answer.status_code == status
    shown = answer.text.split(f'id="{field}-error">' if field != "refusal" else 'id="refusal">')[1].split("</p>")[0]
    assert words in shown.replace("&#39;", "'"), shown
    assert _tables(org.engine) == before


def test_a_refusal_reads_in_the_readers_language(world) -> None:  # type: ignore[no-untyped-def]
    hr = signed_in(world, "hr")
    with transaction(world.state.console.engine) as session:
        account = session.exec(select(Account).where(Account.login == "hr")).one()
        account.lang = "kk"
        session.add(account)
    assert "бағалау кестесі жасалған күннен" in _draft(hr, starts="2026-04-01").text
    assert "тағайындау құқығы бар лауазымды адам үшін" in _approve(hr).text


@pytest.mark.parametrize("person", ["servant", "manager", "o_hr", "o_official", "auditor"])
def test_the_page_does_not_exist_for_anyone_else(world, person: str) -> None:  # type: ignore[no-untyped-def]
    if person == "auditor":  # an auditor of the body reads compliance and protocols, not the schedule
        with transaction(world.state.console.engine) as session:
            account = session.exec(select(Account).where(Account.login == "o_member")).one()
            body = session.exec(select(StateBody).where(StateBody.code == "body")).one()
            session.add(Auditor(account_id=account.id, state_body_id=body.id))  # type: ignore[arg-type]
        person = "o_member"  # a member of the other body's commission, and this body's auditor
    client = signed_in(world, person)
    assert client.get(PAGE).status_code == 404
    assert _draft(client).status_code == 404 and _approve(client).status_code == 404
    if person in ("servant", "manager", "o_member"):  # the other body's HR and official have a schedule of their own
        assert client.get("/schedule", follow_redirects=False).status_code == 404
        assert 'id="schedule-link"' not in client.get("/work").text


def test_the_header_leads_hr_and_the_official_to_their_bodys_schedule(world) -> None:  # type: ignore[no-untyped-def]
    for person in ("hr", "official"):
        client = signed_in(world, person)
        assert 'id="schedule-link"' in client.get("/work").text
        assert client.get("/schedule", follow_redirects=False).headers["location"] == PAGE
    assert 'id="console-schedule-link"' in signed_in(world, "hr").get("/hr/body").text

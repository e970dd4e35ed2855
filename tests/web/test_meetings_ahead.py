"""The meetings HR prepares (issue #12): the sheets waiting for the Evaluation Commission
(mne2017 п.35) or a calibration session (typical2023 п.40), read from the workflow table,
each with the deadline the meeting must meet; never a score; only the body's HR sees them."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import StateBody
from models.db import id_of, transaction
from states.cycles import open_cycle
from states.meetings_ahead import meetings_ahead
from tests.factories import organisation
from tests.web.conftest import DAY, accounts, signed_in
from tests.web.test_calibration import SESSION_DAY, convened
from tests.web.test_commission import before_the_commission
from web.app import create_app
from web.settings import Settings


def _body(session: Session, code: str) -> int:
    return id_of(session.exec(select(StateBody).where(StateBody.code == code)).one())


def test_a_signed_sheet_waits_for_the_commission_and_leaves_the_list_once_decided(db: Engine) -> None:
    org, own = before_the_commission(db)
    with transaction(db) as session:
        [meeting] = meetings_ahead(session, _body(session, org.code), "en")
    assert (meeting.meeting, meeting.kind, meeting.period) == ("commission", "quarterly", "2026-Q1")
    [sheet] = meeting.sheets
    assert (sheet.appraisal, sheet.step_label, sheet.due) == (own, "quarterly appraisal", date(2026, 4, 10))  # п.3.1
    assert meeting.due == date(2026, 4, 10)
    page = signed_in(create_app(db, Settings(today=DAY)), "hr").get(f"/hr/{org.code}")
    section = page.text.split('id="ahead"')[1].split("</section>")[0]
    assert "Evaluation Commission meeting" in section and f'data-appraisal="{own}"' in section
    assert "10 April 2026" in section


def test_a_convened_calibration_waits_for_its_session_without_its_score(db: Engine) -> None:
    org, own = convened(db)
    with transaction(db) as session:
        [meeting] = meetings_ahead(session, _body(session, org.code), "kk")
    assert meeting.meeting == "calibration" and [s.appraisal for s in meeting.sheets] == [own]
    assert meeting.sheets[0].due is not None  # within 10 working days of the application (п.40)
    app = create_app(db, Settings(today=SESSION_DAY))
    section = signed_in(app, "hr").get(f"/hr/{org.code}").text.split('id="ahead"')[1].split("</section>")[0]
    assert 'data-meeting="calibration"' in section and "4.57" not in section and "4,57" not in section


def test_nothing_waits_in_a_cycle_just_opened(db: Engine) -> None:
    org = organisation(db, "mne2017")
    open_cycle(db, org.code, "quarterly", "2026-Q1", on=date(2026, 4, 1))
    accounts(org)
    with transaction(db) as session:
        assert meetings_ahead(session, _body(session, org.code), "en") == []
    page = signed_in(create_app(db, Settings(today=DAY)), "hr").get(f"/hr/{org.code}")
    assert "No sheet is waiting for a meeting." in page.text

"""The confidentiality matrix of part 1 carried to every page of part 2 (typical2023 п.16,
п.21, п.34): HR's console and its downloads, the organisation upload, the 360
questionnaire, the meetings, the appraisal schedule, for HR (the head of HR), the appointing
official, a 360 respondent, a colleague, an auditor of the body and the HR of another body.
Each is shown (200) or does not exist (404); no score reaches an auditor, a respondent or a
colleague."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from models import Account, Auditor, StateBody
from models.db import transaction
from states.cycles import open_cycle
from states.service import act
from tests.factories import organisation
from tests.web.conftest import accounts, signed_in
from tests.web.test_hr_console import SCORES
from tests.web.test_survey import THREE
from web.app import create_app
from web.settings import Settings

DAY = date(2026, 4, 2)
SCORE = "4.00"  # colleague3's differentiation, scored by the manager

PAGES = ("/hr/body", "/hr/body/compliance.csv", "/hr/body/compliance.html", "/hr/body/organisation", "/hr/body/schedule",
         "/survey/{survey}", "/appraisals/{survey}", "/meetings/commission/{survey}", "/meetings/calibration/{scored}")
# person → the pages of PAGES shown to them (every other answers 404)
SHOWN = {
    "hr": {"/hr/body", "/hr/body/compliance.csv", "/hr/body/compliance.html", "/hr/body/organisation", "/hr/body/schedule", "/appraisals/{survey}"},
    # the appointing official: approves the schedule (typical2023 п.11), sees an appraisal where the workflow gives them a step; no console
    "official": {"/hr/body/schedule", "/appraisals/{survey}"},
    "colleague1": {"/survey/{survey}"},  # a 360 respondent: the questionnaire only, never the appraisal
    "colleague3": set(),
    "o_member": {"/hr/body", "/hr/body/compliance.csv", "/hr/body/compliance.html"},  # the body's auditor
    "o_hr": set(),  # HR of another body
}
READS_SCORE = {"hr"}


@pytest.fixture
def world(db: Engine):  # type: ignore[no-untyped-def]
    org = organisation(db, "typical2023")
    open_cycle(db, org.code, "360", "2025", on=date(2025, 12, 15))
    open_cycle(db, org.code, "differentiation", "2026-Q1", on=date(2026, 4, 1))
    accounts(org)
    other = organisation(db, "typical2023", code="other")
    other.ids = {f"o_{name}": servant for name, servant in other.ids.items()}
    accounts(other)
    survey = org.appraisal("servant", "360", "2025").id
    act(db, survey, org.ids["hr"], "invite", {"respondents": [{"servant": org.ids[n], "role": r} for n, r in THREE.items()]}, on=date(2026, 1, 5))
    scored = org.appraisal("colleague3", "differentiation", "2026-Q1").id
    act(db, scored, org.ids["manager"], "score", {"scores": SCORES}, on=DAY)
    with transaction(db) as session:
        inspector = session.exec(select(Account).where(Account.login == "o_member")).one()
        body = session.exec(select(StateBody).where(StateBody.code == "body")).one()
        session.add(Auditor(account_id=inspector.id, state_body_id=body.id))  # type: ignore[arg-type]
    return create_app(db, Settings(today=DAY)), {"survey": survey, "scored": scored}


@pytest.mark.parametrize("person", sorted(SHOWN))
def test_every_part_two_page_is_shown_only_to_whom_it_belongs(world, person: str) -> None:  # type: ignore[no-untyped-def]
    app, ids = world
    client = signed_in(app, person)
    for template in PAGES:
        answer = client.get(template.format(**ids))
        assert answer.status_code == (200 if template in SHOWN[person] else 404), (person, template)
        assert (SCORE in answer.text) is (person in READS_SCORE and template == "/hr/body"), (person, template)

"""Who sees an appraisal at all and who reads its result, over the API and in the pages
(typical2023 п.16, п.21; mne2017 п.32, п.35): role × endpoint (the API, the page, a
document) → shown or 404, result present or absent; a commission member, a reader of
results, gets no document of a sheet not yet before the commission. A 404 is the same as for an id that does not exist: no hint."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine

from models import Servant
from models.db import transaction
from states.cycles import open_cycle
from states.service import act
from tests.factories import LONG_AGO, organisation
from tests.web.conftest import DAY, accounts, signed_in
from web.app import create_app
from web.settings import Settings

BONUS = {"bonus_items": [{"description": "Seminar", "points": 3}, {"description": "Working group", "points": 4}]}
SCORE = "107.00"  # 100 + 3 + 4 (mne2017 п.16–18)


def _quarter(db: Engine, until: str):  # type: ignore[no-untyped-def]
    """The servant's Q1 sheet agreed by the manager (scored), and signed when asked."""
    org = organisation(db, "mne2017")
    open_cycle(db, org.code, "quarterly", "2026-Q1", on=date(2026, 4, 1))
    accounts(org)
    own = org.appraisal("servant", "quarterly", "2026-Q1").id
    act(db, own, org.ids["servant"], "submit", BONUS, on=DAY)
    act(db, own, org.ids["manager"], "agree", BONUS, on=DAY)
    if until == "signed":
        act(db, own, org.ids["servant"], "sign", on=DAY)
    return org, own


# state of the sheet, person → (shown, result readable)
MATRIX = [
    ("agreed", "servant", True, True),
    ("agreed", "manager", True, True),  # the assessor
    ("agreed", "hr", True, True),  # HR of the body: a reader under mne2017 (п.35: it prepares the commission)
    ("agreed", "colleague1", False, False),  # a colleague: the appraisal does not exist for them
    ("agreed", "member", False, False),  # the commission: not yet before it
    ("agreed", "official", False, False),  # the chair: not yet before the commission
    ("signed", "member", True, True),  # now before the commission (п.35)
    ("signed", "official", True, True),
    ("signed", "colleague2", False, False),
]


@pytest.mark.parametrize("state, person, shown, readable", MATRIX, ids=[f"{s}-{p}" for s, p, *_ in MATRIX])
def test_mne2017_matrix_over_the_api_and_the_pages(db: Engine, state: str, person: str, shown: bool, readable: bool) -> None:
    org, own = _quarter(db, state)
    client = signed_in(create_app(db, Settings(today=DAY)), person)
    answer = client.get(f"/api/v1/appraisals/{own}")
    page = client.get(f"/appraisals/{own}")
    missing = client.get("/api/v1/appraisals/999999")
    document = client.get(f"/appraisals/{own}/documents/quarterly-sheet.pdf")  # the sheet prints the result
    assert document.status_code == (200 if shown and readable else 404)  # as the page: no hint that it exists
    if not shown:
        assert answer.status_code == 404 and page.status_code == 404
        assert answer.json() == missing.json()  # no hint that it exists
        assert SCORE not in page.text
        assert all(t["appraisal"] != own for t in client.get("/api/v1/me/tasks").json())
        return
    assert answer.status_code == 200 and page.status_code == 200
    body = answer.json()
    assert (body.get("score") == SCORE) is readable and ("score" in body) is readable
    assert (SCORE in page.text) is readable


def test_typical2023_hr_sees_the_appraisal_but_never_its_result(db: Engine) -> None:
    """typical2023 п.21: the servant, the assessor, the head of HR and the calibration
    participants read a result; an HR employee who is not its head does not."""
    org = organisation(db, "typical2023")
    with transaction(db) as session:
        head = session.get(Servant, org.ids["hr"])
        assert head is not None
        clerk = Servant(state_body_id=head.state_body_id, personnel_no="clerk", full_name="Clerk", position_id=head.position_id,
                        position_start=LONG_AGO, manager_id=org.ids["official"], is_hr=True)
        session.add(clerk)
        session.flush()
        org.ids["clerk"] = clerk.id  # type: ignore[assignment]
    open_cycle(db, org.code, "differentiation", "2026-Q1", on=date(2026, 4, 1))
    accounts(org)
    own = org.appraisal("servant", "differentiation", "2026-Q1").id
    scores = {name: {"score": 4, "justification": f"{name}: as the records show"} for name in ("quality", "deadlines", "initiative", "discipline")}
    app = create_app(db, Settings(today=DAY))
    scored = signed_in(app, "manager").post(f"/api/v1/appraisals/{own}/actions/score", json={"data": {"scores": scores}, "version": 1})
    assert scored.status_code == 200, scored.text
    for person, readable in (("servant", True), ("manager", True), ("hr", True), ("clerk", False)):
        client = signed_in(app, person)
        body = client.get(f"/api/v1/appraisals/{own}").json()
        assert body["state"] == "scored"
        assert ("score" in body and "band" in body) is readable, person
        assert ("4.00" in client.get(f"/appraisals/{own}").text) is readable, person
        assert "4.00" not in client.get("/work").text or readable, person
        pdf = client.get(f"/appraisals/{own}/documents/differentiation-sheet.pdf")
        assert pdf.status_code == (200 if readable else 404), person

"""The 360 questionnaire in the console (typical2023 п.34–37, Annexes 5–6): only those
invited open it, it names the assessee and never the other respondents, it is sent as a
whole and refused beside the question left blank, the self-assessment is told apart, and
the result is read once HR closes the survey, by those who may read it (п.21)."""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import escape
from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology import loader
from models import SurveyInvitation
from models.db import transaction
from states.cycles import open_cycle
from states.service import act
from tests.factories import Org, organisation
from tests.web.conftest import accounts, signed_in
from web.app import create_app
from web.settings import Settings

DAY = date(2026, 1, 6)  # the 360 of 2025: invited on 5 January, due 12 January (п.5)
THREE = {"manager": "manager", "colleague1": "peer", "colleague2": "peer"}


def surveyed(db: Engine) -> tuple[Org, int]:
    org = organisation(db, "typical2023")
    open_cycle(db, org.code, "360", "2025", on=date(2025, 12, 15))
    accounts(org)
    own = org.appraisal("servant", "360", "2025").id
    invited = {"respondents": [{"servant": org.ids[name], "role": role} for name, role in THREE.items()]}
    act(db, own, org.ids["hr"], "invite", invited, on=date(2026, 1, 5))
    return org, own


def filled(value: int = 4, blank: tuple[str, int] | None = None) -> dict[str, Any]:
    """Every question of Annex 6 (staff) answered `value`, one left blank if asked."""
    rules = loader.load("typical2023").survey360
    assert rules is not None
    return {f"a.{c.id}.{q}": str(value) for c in rules.competencies["staff"] for q in range(3) if (c.id, q) != blank}


def send(client, own: int, data: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post(f"/survey/{own}", data={**data, "csrf": client.get("/api/v1/me").json()["csrf"]}, follow_redirects=False)


def test_a_respondent_sees_the_questionnaire_and_never_who_else_was_asked(db: Engine) -> None:
    org, own = surveyed(db)
    app = create_app(db, Settings(today=DAY))
    peer = signed_in(app, "colleague1")
    page = peer.get(f"/survey/{own}")
    assert page.status_code == 200
    rules = loader.load("typical2023").survey360
    assert rules is not None
    staff = rules.competencies["staff"]
    assert all(escape(c.name("en")) in page.text for c in staff) and all(escape(q("en")) in page.text for c in staff for q in c.questions)
    assert page.text.count('type="radio"') == len(staff) * 3 * len(rules.answer_scale)
    assert "Servant" in page.text and "Manager" not in page.text.split("<main")[1] and "Colleague2" not in page.text
    assert f'href="/survey/{own}"' in peer.get("/work").text  # the task leads to the questionnaire
    assert peer.get(f"/appraisals/{own}").status_code == 404  # never the appraisal (п.34)
    for stranger in ("colleague3", "member"):
        assert signed_in(app, stranger).get(f"/survey/{own}").status_code == 404
    assert signed_in(app, "hr").get(f"/survey/{own}").status_code == 404  # HR invites; it does not answer


def test_the_questionnaire_is_sent_whole_and_refused_beside_a_blank_question(db: Engine) -> None:
    org, own = surveyed(db)
    peer = signed_in(create_app(db, Settings(today=DAY)), "colleague1")
    first = loader.load("typical2023").survey360.competencies["staff"][0].id  # type: ignore[union-attr]
    refused = send(peer, own, filled(blank=(first, 1)))
    assert refused.status_code == 422
    assert f'name="a.{first}.1"' in refused.text and 'class="question wrong"' in refused.text
    assert refused.text.count("checked") == len(filled()) - 1  # what was given is kept
    with transaction(db) as session:
        assert not session.exec(select(SurveyInvitation).where(SurveyInvitation.respondent_id == org.ids["colleague1"])).one().answered
    assert send(peer, own, filled()).status_code == 303
    again = peer.get(f"/survey/{own}")
    assert 'id="answered"' in again.text and 'id="questionnaire"' not in again.text
    assert send(peer, own, filled()).status_code in (403, 422)  # once only


def test_the_result_is_read_only_after_hr_closes_the_survey(db: Engine) -> None:
    org, own = surveyed(db)
    app = create_app(db, Settings(today=DAY))
    servant = signed_in(app, "servant")
    own_page = servant.get(f"/survey/{own}")
    assert "self-assessment" in own_page.text and "shown apart" in own_page.text
    assert send(servant, own, filled(1)).status_code == 303
    hr = signed_in(app, "hr")
    for index, name in enumerate(THREE):
        assert send(signed_in(app, name), own, filled(5 if name == "manager" else 4)).status_code == 303
        assert 'id="result-section"' not in servant.get(f"/survey/{own}").text
        if index < 2:
            closing = hr.post(f"/api/v1/appraisals/{own}/actions/close_survey", json={"data": {}})
            assert closing.status_code == 422 and closing.json()["code"] == "too_few_answers"
    assert hr.post(f"/api/v1/appraisals/{own}/actions/close_survey", json={"data": {}}).status_code == 200
    page = servant.get(f"/survey/{own}")
    assert 'id="result-section"' in page.text
    assert servant.get(f"/appraisals/{own}/documents/360-result.html").status_code == 200
    peer = signed_in(app, "colleague1").get(f"/survey/{own}")
    assert peer.status_code == 200 and 'id="result-section"' not in peer.text  # a respondent never reads the result

"""The steps HR and the appointing official take on an appraisal's page, each with a form of
its own (no data typed as JSON): the respondents of a 360 chosen by name and relation
(typical2023 п.36), the calibration's participants (п.39), an absence that defers
(mne2017 п.3), a dismissal that withdraws, the authority's decision on an appeal
(п.39–40); a step taken at a meeting or in the questionnaire is a link to its page."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology import loader
from models import Appraisal, CalibrationParticipant, CalibrationSession, SurveyInvitation
from models.db import transaction
from states.cycles import open_cycle
from states.service import act
from tests.factories import Org, organisation
from tests.test_lifecycle_typical2023 import K_ACTUALS, K_APPLY, K_FAMILIARISE, K_PLACE, K_SCORE, K_SET, kpi
from tests.web.conftest import accounts, signed_in
from tests.web.test_commission import before_the_commission, form
from states.handlers import load_all
from web.app import create_app
from web.forms import MAKERS, PAGES
from web.settings import Settings


def post(client, own: int, action: str, fields: dict[str, object]):  # type: ignore[no-untyped-def]
    """The action's form sent as a browser sends it, with the page's version."""
    page = client.get(f"/appraisals/{own}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version and f'id="form-{action}"' in page, action
    data = {"csrf": client.get("/api/v1/me").json()["csrf"], "version": version.group(1), **fields}
    return client.post(f"/appraisals/{own}/actions/{action}", data=data, follow_redirects=False)


def state_of(db: Engine, own: int) -> tuple[str, str | None]:
    with transaction(db) as session:
        found = session.get(Appraisal, own)
        assert found is not None
        return found.state, found.reason


def opened(db: Engine, methodology: str, kind: str, period: str, on: date) -> tuple[Org, int]:
    """A body of `methodology` with accounts, its cycle opened on `on`: the servant's appraisal."""
    org = organisation(db, methodology)
    open_cycle(db, org.code, kind, period, on=on)
    accounts(org)
    return org, org.appraisal("servant", kind, period).id


def test_hr_chooses_the_360_respondents_by_name_and_relation(db: Engine) -> None:
    org, own = opened(db, "typical2023", "360", "2025", date(2025, 12, 15))
    app = create_app(db, Settings(today=date(2026, 1, 5)))
    hr = signed_in(app, "hr")
    page = hr.get(f"/appraisals/{own}").text
    most = loader.load("typical2023").survey360.respondents.max  # type: ignore[union-attr]
    assert f'name="respondents[{most - 1}].servant"' in page and f'name="respondents[{most}].servant"' not in page  # п.36
    assert f'<option value="{org.ids["servant"]}">' not in page  # never the assessee
    assert 'name="data"' not in page
    chosen = {"colleague1": "peer", "manager": "manager", "colleague2": "peer"}
    rows = {}
    for index, (name, relation) in enumerate(chosen.items()):
        rows |= {f"respondents[{index + 1}].servant": str(org.ids[name]), f"respondents[{index + 1}].role": relation}  # row 0 left empty
    assert post(hr, own, "invite", rows).status_code == 303
    with transaction(db) as session:
        invited = {(i.respondent_id, i.role) for i in session.exec(select(SurveyInvitation).where(SurveyInvitation.appraisal_id == own))}
    assert invited == {(org.ids[n], r) for n, r in chosen.items()} | {(org.ids["servant"], "self")}
    assert f'href="/survey/{own}"' in signed_in(app, "colleague1").get("/work").text


def test_an_unknown_respondent_is_refused_beside_the_row_it_was_typed_in(db: Engine) -> None:
    org, own = opened(db, "typical2023", "360", "2025", date(2025, 12, 15))
    hr = signed_in(create_app(db, Settings(today=date(2026, 1, 5))), "hr")
    twice = {"respondents[0].servant": str(org.ids["manager"]), "respondents[0].role": "manager",
             "respondents[1].servant": str(org.ids["colleague1"]), "respondents[1].role": "peer",
             "respondents[3].servant": str(org.ids["manager"]), "respondents[3].role": "peer"}  # row 2 left empty
    refused = post(hr, own, "invite", twice)
    assert refused.status_code == 422 and 'id="invite--respondents-3-servant-error"' in refused.text
    too_few = post(hr, own, "invite", {k: v for k, v in twice.items() if not k.startswith("respondents[3]")})
    assert too_few.status_code == 422 and 'id="invite--respondents-error"' in too_few.text  # from 3 to 7 (п.36)
    assert state_of(db, own)[0] == "draft"


def test_the_official_approves_the_calibration_participants_by_ticking_them(db: Engine) -> None:
    org = organisation(db, "typical2023")
    accounts(org)
    own = kpi(org, [K_SET, K_PLACE, K_ACTUALS, K_SCORE, K_FAMILIARISE, K_APPLY])
    official = signed_in(create_app(db, Settings(today=date(2026, 4, 16))), "official")
    page = official.get(f"/appraisals/{own}").text
    assert f'name="participants" value="{org.ids["member"]}"' in page and f'name="participants" value="{org.ids["manager"]}"' not in page
    done = post(official, own, "convene_calibration", {"participants": [str(org.ids[n]) for n in ("member", "colleague1", "colleague2")]})
    assert done.status_code == 303, done.text
    with transaction(db) as session:
        held = session.exec(select(CalibrationSession).where(CalibrationSession.appraisal_id == own)).one()
        people = set(session.exec(select(CalibrationParticipant.servant_id).where(CalibrationParticipant.session_id == held.id)))
    assert people == {org.ids[n] for n in ("member", "colleague1", "colleague2")}


def test_an_absence_defers_and_one_the_methodology_does_not_name_is_refused(db: Engine) -> None:
    org, own = opened(db, "mne2017", "quarterly", "2026-Q1", date(2026, 4, 1))
    hr = signed_in(create_app(db, Settings(today=date(2026, 4, 2))), "hr")
    page = hr.get(f"/appraisals/{own}").text
    assert '<option value="sick_leave">' in page and '<option value="business_trip">' not in page  # mne2017 п.3 names two
    refused = post(hr, own, "defer", {"kind": "business_trip", "start": "2026-04-01", "end": ""})
    assert refused.status_code == 422 and 'id="defer--kind-error"' in refused.text
    assert post(hr, own, "defer", {"kind": "sick_leave", "start": "2026-04-01", "end": ""}).status_code == 303  # the end not yet known
    assert state_of(db, own) == ("deferred", "sick_leave")


def test_a_dismissal_withdraws_the_appraisal_on_its_day(db: Engine) -> None:
    org, own = opened(db, "mne2017", "quarterly", "2026-Q1", date(2026, 4, 1))
    hr = signed_in(create_app(db, Settings(today=date(2026, 4, 2))), "hr")
    refused = post(hr, own, "withdraw", {"dismissed_on": "1 April"})
    assert refused.status_code == 422 and 'id="withdraw--dismissed_on-error"' in refused.text
    assert post(hr, own, "withdraw", {"dismissed_on": "2026-04-01"}).status_code == 303
    assert state_of(db, own) == ("withdrawn", "dismissed")


def test_the_authoritys_decision_on_an_appeal_rejects_or_revises_with_its_score(db: Engine) -> None:
    org, own = before_the_commission(db)
    day = date(2026, 4, 6)
    app = create_app(db, Settings(today=day))
    chair = signed_in(app, "official")
    voters = ["official", "manager", "member"]
    chair.post(f"/meetings/commission/{own}", data=form(org, chair, voters, {n: "approve" for n in voters}))
    act(db, own, org.ids["hr"], "familiarise", on=day)
    act(db, own, org.ids["servant"], "appeal", {"authority": "Agency for Civil Service Affairs", "text": "The bonus was not counted"}, on=day)
    hr = signed_in(app, "hr")
    refused = post(hr, own, "record_appeal_decision", {"outcome": "revised", "score": ""})
    assert refused.status_code == 422 and 'id="record_appeal_decision--score-error"' in refused.text  # п.40: a revision has its score
    assert post(hr, own, "record_appeal_decision", {"outcome": "rejected", "score": ""}).status_code == 303
    assert state_of(db, own)[0] == "appeal_reviewed"


def test_a_step_taken_at_a_meeting_is_a_link_to_its_page(db: Engine) -> None:
    org, own = before_the_commission(db)
    page = signed_in(create_app(db, Settings(today=date(2026, 4, 6))), "official").get(f"/appraisals/{own}").text
    card = page[page.index('id="form-decide"'):]
    assert card.index(f'href="/meetings/commission/{own}"') < card.index("</div>")
    assert f'action="/appraisals/{own}/actions/decide"' not in page


def test_every_handler_has_a_form_or_a_page_of_its_own() -> None:
    """A step whose data has no form would leave its person nothing to type it in."""
    assert set(load_all()) == set(MAKERS) | set(PAGES) and not set(MAKERS) & set(PAGES)

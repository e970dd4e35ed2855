"""The calibration session in the console (typical2023 п.38–43): HR holds it with the
participants the appointing official approved; the majority's score becomes the result,
no majority is refused with nothing written; the protocol follows."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from models import Appraisal
from models.db import transaction
from tests.factories import Org, organisation
from tests.test_lifecycle_typical2023 import K_ACTUALS, K_APPLY, K_FAMILIARISE, K_PLACE, K_SCORE, K_SET, convening, kpi
from tests.web.conftest import accounts, signed_in
from web.app import create_app
from web.settings import Settings

SESSION_DAY = date(2026, 4, 22)  # within 10 working days of the application (п.40)


def convened(db: Engine) -> tuple[Org, int]:
    """The manager's KPI quarter scored 4.57, calibration applied for and convened with
    member, colleague1 and colleague2 (п.39)."""
    org = organisation(db, "typical2023")
    accounts(org)
    own = kpi(org, [K_SET, K_PLACE, K_ACTUALS, K_SCORE, K_FAMILIARISE, K_APPLY, convening(org)])
    return org, own


def votes(org: Org, client, **given: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"csrf": client.get("/api/v1/me").json()["csrf"], **{f"vote.{org.ids[n]}": v for n, v in given.items()}}


def score_of(db: Engine, own: int) -> tuple[str, str | None, str | None]:
    with transaction(db) as session:
        found = session.get(Appraisal, own)
        assert found is not None
        return found.state, None if found.score is None else str(found.score), found.band


def test_the_majority_corrects_the_score_and_no_majority_is_refused(db: Engine) -> None:
    org, own = convened(db)
    app = create_app(db, Settings(today=SESSION_DAY))
    hr = signed_in(app, "hr")
    page = hr.get(f"/meetings/calibration/{own}")
    assert page.status_code == 200
    assert "The second KPI was cut by a budget change" in page.text  # the servant's argument
    assert all(f'name="vote.{org.ids[n]}"' in page.text for n in ("member", "colleague1", "colleague2"))
    split = hr.post(f"/meetings/calibration/{own}", data=votes(org, hr, member="3.50", colleague1="4.00", colleague2="4.57"))
    assert split.status_code == 422 and 'id="refusal"' in split.text and 'value="4.00"' in split.text
    assert score_of(db, own) == ("calibration_scheduled", "4.57", "effective")
    done = hr.post(f"/meetings/calibration/{own}", data=votes(org, hr, member="3.50", colleague1="3.50", colleague2="4.57"),
                   follow_redirects=False)
    assert done.status_code == 303, done.text
    assert score_of(db, own) == ("calibrated", "3.50", "proper")  # п.8, п.42
    assert hr.get(f"/appraisals/{own}/documents/calibration-protocol.html").status_code == 200
    assert hr.get(f"/meetings/calibration/{own}").status_code == 404  # held: no longer to hold


def test_only_who_holds_the_session_opens_it(db: Engine) -> None:
    org, own = convened(db)
    app = create_app(db, Settings(today=SESSION_DAY))
    for stranger in ("colleague3", "servant", "member"):  # a participant votes in the room; HR records it
        client = signed_in(app, stranger)
        assert client.get(f"/meetings/calibration/{own}").status_code == 404, stranger
        assert client.post(f"/meetings/calibration/{own}", data=votes(org, client, member="3.50")).status_code == 404, stranger
    assert score_of(db, own)[0] == "calibration_scheduled"

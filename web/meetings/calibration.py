"""The calibration session (typical2023 п.38–43) as HR holds it: the servant's application
(their argument), the score it calibrates, the participants the appointing official
approved (п.39), and each participant's vote: the score they support, the present one or
another (п.41); sent as the workflow's `hold_calibration` action, whose majority sets the
score (п.42). The session's page exists only for whom the workflow gives the session now;
the protocol is the appraisal's `calibration-protocol` document.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from models import CalibrationApplication, CalibrationParticipant, CalibrationSession, Servant
from models.db import transaction
from web import views
from web.app import console, lang_of
from web.forms import number
from web.identity.sessions import Signed
from web.meetings.sitting import seated, sit
from web.pages import _who
from web.rendering import page

router = APIRouter(include_in_schema=False)
HOLD = "hold_calibration"


def participants(session: Session, appraisal_id: int) -> tuple[CalibrationSession | None, list[dict[str, Any]]]:
    convened = session.exec(
        select(CalibrationSession).where(CalibrationSession.appraisal_id == appraisal_id, col(CalibrationSession.held_on).is_(None))
    ).first()
    if convened is None:
        return None, []
    rows = session.exec(
        select(Servant)
        .join(CalibrationParticipant, col(CalibrationParticipant.servant_id) == Servant.id)
        .where(CalibrationParticipant.session_id == convened.id)
        .order_by(Servant.full_name)
    )
    return convened, [{"id": s.id, "name": s.full_name} for s in rows]


@router.get("/meetings/calibration/{appraisal_id}", response_class=HTMLResponse)
def calibration(appraisal_id: int, request: Request) -> Response:
    return _page(request, _who(request), appraisal_id)


def _page(
    request: Request, who: Signed, appraisal_id: int, refusal: dict[str, Any] | None = None, status: int = 200, posted: dict[str, str] | None = None
) -> Response:
    lang, app = lang_of(request), console(request)
    with transaction(app.engine) as session:
        appraisal = seated(session, who.person, appraisal_id, HOLD)
        convened, people = participants(session, appraisal_id)
        applied = session.exec(
            select(CalibrationApplication).where(CalibrationApplication.appraisal_id == appraisal_id).order_by(col(CalibrationApplication.filed_on).desc())
        ).first()
        sheet = views.summary(session, who.person, appraisal, lang)
    return HTMLResponse(
        page(
            "meetings/calibration.html.j2",
            lang,
            me=who.person,
            csrf=who.csrf,
            path=f"/meetings/calibration/{appraisal_id}",
            sheet=sheet,
            people=people,
            convened=convened,
            application=applied,
            refusal=refusal,
            posted=posted or {},
        ),
        status,
    )


@router.post("/meetings/calibration/{appraisal_id}")
async def hold(appraisal_id: int, request: Request) -> Response:
    def again(refusal: dict[str, Any], status: int, fields: dict[str, str], multi: dict[str, list[str]]) -> Response:
        return _page(request, _who(request), appraisal_id, refusal, status, fields)

    return await sit(request, appraisal_id, HOLD, votes, again)


def votes(fields: dict[str, str], multi: dict[str, list[str]]) -> dict[str, Any]:
    """The form as the `hold_calibration` action's data: the score each participant supports."""
    return {"votes": {key.removeprefix("vote."): number(value) for key, value in fields.items() if key.startswith("vote.") and value.strip()}}

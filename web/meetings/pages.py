"""The Evaluation Commission's meeting (mne2017 п.6–9, п.34–35): the agenda of sheets before
it, and for each the attendance with the two-thirds quorum counted as members are ticked,
the open vote, the chair's casting vote on a tie, the secretary who does not vote, and the
revision with its explanation; sent as the workflow's `decide` action (states.service.act),
which holds every rule, so a refusal here is the handler's, beside its input.

A sheet's meeting page exists only for a member the workflow gives the decision to now;
anyone else gets 404. The protocol is the appraisal's `commission-protocol` form.
"""

from __future__ import annotations

from datetime import date
from math import ceil
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from methodology.i18n import Lang
from models import Commission, CommissionMember, Servant
from models.db import transaction
from web import views
from web.app import console, lang_of
from web.forms import number
from web.identity.sessions import Signed
from web.meetings.sitting import seated, sit, takes
from web.pages import _who
from web.rendering import page

router = APIRouter(include_in_schema=False)
DECIDE = "decide"


def agenda(session: Session, person: Servant, lang: Lang) -> list[dict[str, Any]]:
    """The sheets before the commission now, for this member."""
    return [views.summary(session, person, a, lang) for a in views.candidates(session, person) if takes(session, person, a, DECIDE)]


def members(session: Session, person: Servant, day: date) -> list[dict[str, Any]]:
    """The commission in force on the day (its latest order), chair first, secretary last."""
    commission = session.exec(
        select(Commission).where(Commission.state_body_id == person.state_body_id, col(Commission.formed_on) <= day).order_by(col(Commission.formed_on).desc())
    ).first()
    if commission is None:
        return []
    rows = session.exec(
        select(CommissionMember, Servant).join(Servant, col(Servant.id) == CommissionMember.servant_id).where(CommissionMember.commission_id == commission.id)
    )
    order = {"chair": 0, "member": 1, "secretary": 2}
    return sorted(({"id": s.id, "name": s.full_name, "role": m.role} for m, s in rows), key=lambda m: (order.get(m["role"], 1), m["name"]))


@router.get("/meetings", response_class=HTMLResponse)
def meetings(request: Request) -> Response:
    who, lang, app = _who(request), lang_of(request), console(request)
    with transaction(app.engine) as session:
        sheets = agenda(session, who.person, lang)
    return HTMLResponse(page("meetings/agenda.html.j2", lang, me=who.person, csrf=who.csrf, path="/meetings", sheets=sheets))


@router.get("/meetings/commission/{appraisal_id}", response_class=HTMLResponse)
def meeting(appraisal_id: int, request: Request) -> Response:
    return _meeting(request, _who(request), appraisal_id)


def _meeting(
    request: Request, who: Signed, appraisal_id: int, refusal: dict[str, Any] | None = None, status: int = 200, posted: dict[str, list[str]] | None = None
) -> Response:
    lang, app = lang_of(request), console(request)
    today = app.settings.day()
    with transaction(app.engine) as session:
        appraisal = seated(session, who.person, appraisal_id, DECIDE)
        people = members(session, who.person, today)
        sheet = views.summary(session, who.person, appraisal, lang)
    voting = [m for m in people if m["role"] != "secretary"]
    return HTMLResponse(
        page(
            "meetings/commission.html.j2",
            lang,
            me=who.person,
            csrf=who.csrf,
            path=f"/meetings/commission/{appraisal_id}",
            sheet=sheet,
            members=people,
            voting=len(voting),
            needed=ceil(len(voting) * 2 / 3),
            today=today,
            refusal=refusal,
            posted=posted or {},
        ),
        status,
    )


@router.post("/meetings/commission/{appraisal_id}")
async def decide(appraisal_id: int, request: Request) -> Response:
    def again(refusal: dict[str, Any], status: int, fields: dict[str, str], multi: dict[str, list[str]]) -> Response:
        return _meeting(request, _who(request), appraisal_id, refusal, status, multi)

    return await sit(request, appraisal_id, DECIDE, decision, again)


def decision(fields: dict[str, str], multi: dict[str, list[str]]) -> dict[str, Any]:
    """The form as the `decide` action's data: who was present, each vote, the proposal."""
    data: dict[str, Any] = {
        "held_on": fields.get("held_on", ""),
        "present": [int(v) for v in multi.get("present", []) if v.isdigit()],
        "votes": {key.removeprefix("vote."): value for key, value in fields.items() if key.startswith("vote.") and value},
    }
    if fields.get("score") or fields.get("explanation"):
        data["proposal"] = {"score": number(fields.get("score", "")), "explanation": fields.get("explanation", "")}
    return data

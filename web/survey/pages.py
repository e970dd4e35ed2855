"""The 360 questionnaire (typical2023 п.34–37, Annexes 5–6) as a respondent fills it: the
competencies of the assessee's annex, three questions each, a five-step answer to each,
sent as a whole through the workflow's `answer` action (states.service.act).

It exists only for those invited: anyone else gets 404, as for an appraisal that does not
exist. It names the assessee and never who else was asked (п.34: anonymous); the
assessee's own page is the self-assessment, shown apart from the respondents' (п.36). Once
HR closes the survey, the assessee and the others who may read the result (Annexes 7–8,
with the spider chart) find it here and on the appraisal's page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, select

from methodology import loader
from methodology.errors import BagalauError
from methodology.i18n import Lang
from models import Appraisal, Servant, SurveyInvitation
from models.db import id_of, transaction
from notifications.forms.survey import group_of
from notifications.render import period
from states import service
from states.confidentiality import may_read_result
from web import views
from web.app import console, lang_of
from web.identity.sessions import Signed
from web.pages import _posted, _who
from web.refusals import body_of, status_of
from web.rendering import page

router = APIRouter(include_in_schema=False)
OPEN = "surveying"


def _invitation(session: Session, who: Signed, appraisal_id: int) -> tuple[Appraisal, SurveyInvitation]:
    query = select(SurveyInvitation).where(SurveyInvitation.appraisal_id == appraisal_id, SurveyInvitation.respondent_id == who.person.id)
    invitation = session.exec(query).first()
    appraisal = session.get(Appraisal, appraisal_id) if invitation else None
    if invitation is None or appraisal is None:
        raise HTTPException(404)
    return appraisal, invitation


def questionnaire(session: Session, appraisal: Appraisal, lang: Lang) -> list[dict[str, Any]]:
    """The assessee's annex: each competency with its questions, in the reader's words."""
    rules = loader.load(appraisal.methodology).survey360
    assert rules is not None
    group = group_of(session, appraisal, loader.load(appraisal.methodology))
    return [{"id": c.id, "name": c.name(lang), "questions": [q(lang) for q in c.questions]} for c in rules.competencies[group]]


def scale(appraisal: Appraisal, lang: Lang) -> list[tuple[int, str]]:
    rules = loader.load(appraisal.methodology).survey360
    assert rules is not None
    return [(option.value, option.label(lang)) for option in rules.answer_scale]


@router.get("/survey/{appraisal_id}", response_class=HTMLResponse)
def survey_page(appraisal_id: int, request: Request) -> Response:
    return _page(request, appraisal_id)


def _page(request: Request, appraisal_id: int, refusal: dict[str, Any] | None = None, status: int = 200, posted: dict[str, str] | None = None) -> Response:
    who, lang, app = _who(request), lang_of(request), console(request)
    with transaction(app.engine) as session:
        appraisal, invitation = _invitation(session, who, appraisal_id)
        assessee = session.get(Servant, appraisal.servant_id)
        closed = appraisal.state not in ("draft", OPEN)
        context = {
            "appraisal": appraisal,
            "invitation": invitation,
            "assessee": assessee.full_name if assessee else "—",
            "own": invitation.role == "self",
            "period_label": period(appraisal.period, lang),
            "competencies": questionnaire(session, appraisal, lang),
            "scale": scale(appraisal, lang),
            "may_answer": appraisal.state == OPEN and not invitation.answered,
            "result": views.summary(session, who.person, appraisal, lang) if closed and may_read_result(session, who.person, appraisal) else None,
        }
    return HTMLResponse(
        page(
            "survey/questionnaire.html.j2",
            lang,
            me=who.person,
            csrf=who.csrf,
            path=f"/survey/{appraisal_id}",
            refusal=refusal,
            posted=posted or {},
            done=request.query_params.get("done"),
            **context,
        ),
        status,
    )


@router.post("/survey/{appraisal_id}")
async def answer(appraisal_id: int, request: Request) -> Response:
    """The whole questionnaire at once; a refusal comes back beside the question it names,
    with every answer given kept."""
    who, lang, app = _who(request), lang_of(request), console(request)
    with transaction(app.engine) as session:
        appraisal, _ = _invitation(session, who, appraisal_id)
        competencies = questionnaire(session, appraisal, lang)
    posted: dict[str, str] = {}
    try:
        posted, _ = await _posted(request, who)
        service.act(
            app.engine, appraisal_id, id_of(who.person), "answer", {"answers": _answers(competencies, posted)}, on=app.settings.day(), at=app.settings.moment()
        )
    except BagalauError as error:
        return _page(request, appraisal_id, body_of(error, lang), status_of(error), posted)
    return RedirectResponse(f"/survey/{appraisal_id}?done=answer", 303)


def _answers(competencies: list[dict[str, Any]], posted: dict[str, str]) -> dict[str, list[int]]:
    """`a.{competency}.{question}` → the action's answers; a question left blank is 0, which
    the scale refuses by name (answers.{competency}[{question}])."""
    given = {}
    for item in competencies:
        values = [posted.get(f"a.{item['id']}.{index}", "") for index in range(len(item["questions"]))]
        given[item["id"]] = [int(value) if value.isdigit() else 0 for value in values]
    return given

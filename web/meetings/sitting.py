"""What the commission's meeting and the calibration session share: the page exists only
for whom the workflow gives the meeting's action now (else 404, as if it did not exist),
and the form is sent as that action (web/acting.take) at the version just read; a refusal
re-renders the meeting's page with what was typed, anything else goes to the appraisal."""

from __future__ import annotations

from typing import Any, Callable

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from methodology.errors import BagalauError
from models import Appraisal, Servant
from models.db import transaction
from states import service
from web import acting, views
from web.app import console, lang_of
from web.pages import _posted, _who
from web.refusals import body_of, status_of

Fields = dict[str, str]
Multi = dict[str, list[str]]


def takes(session: Session, person: Servant, appraisal: Appraisal, action: str) -> bool:
    return any(row.action == action for row in service.allowed(session, appraisal, person))


def seated(session: Session, person: Servant, appraisal_id: int, action: str) -> Appraisal:
    """The appraisal whose meeting this person holds now, or the 404 of one that does not exist."""
    appraisal = views.visible(session, person, appraisal_id)
    if appraisal is None or not takes(session, person, appraisal, action):
        raise HTTPException(404)
    return appraisal


async def sit(
    request: Request,
    appraisal_id: int,
    action: str,
    data: Callable[[Fields, Multi], dict[str, Any]],
    again: Callable[[dict[str, Any], int, Fields, Multi], Response],
) -> Response:
    """The meeting's form sent as `action`: `data` turns it into the action's data, `again`
    shows the page once more with the refusal and what was typed."""
    who, lang, app = _who(request), lang_of(request), console(request)
    fields: Fields = {}
    multi: Multi = {}
    try:
        fields, multi = await _posted(request, who)
        with transaction(app.engine) as session:
            version = seated(session, who.person, appraisal_id, action).version
        acting.take(app, who, appraisal_id, action, data(fields, multi), version)
    except BagalauError as error:
        return again(body_of(error, lang), status_of(error), fields, multi)
    return RedirectResponse(f"/appraisals/{appraisal_id}?done={action}", 303)

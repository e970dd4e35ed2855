"""A protocol of a state body's meeting as its auditor reads it: the procedure without the
results (notifications/forms/audit_copy.py), as HTML or PDF. HR opens the same copy here
and the full protocol on the appraisal's page.

The protocol must be one the body's meetings left (states/protocols.py); any other
appraisal, form or body is the console's 404.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from models import Appraisal
from models.db import id_of, transaction
from notifications.forms.audit_copy import audit_copy
from states.protocols import protocols_of
from web.app import console, lang_of
from web.hr.access import desk
from web.pages import _who

router = APIRouter(include_in_schema=False)


@router.get("/hr/{code}/protocols/{appraisal_id}/{name}.{fmt}")
def protocol(code: str, appraisal_id: int, name: str, fmt: str, request: Request) -> Response:
    who, lang = _who(request), lang_of(request)
    if fmt not in ("html", "pdf"):
        raise HTTPException(404)
    with transaction(console(request).engine) as session:
        seat = desk(session, who, code)
        held = {(h.form, h.appraisal) for h in protocols_of(session, id_of(seat.body))}
        if (name, appraisal_id) not in held:
            raise HTTPException(404)
        appraisal = session.get(Appraisal, appraisal_id)
        assert appraisal is not None
        form, document = audit_copy(session, name, appraisal, lang)
    if fmt == "html":
        return HTMLResponse(form.html(document, lang))
    return Response(
        form.pdf(document, lang), media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}-{appraisal_id}-audit.pdf"'}
    )

"""HR prints a unit's or the whole body's forms for a period in one click: one PDF per
document in a ZIP, or one merged PDF (notifications/forms/bulk.print_forms, the same as
`bagalau forms`). Each form is drawn for the HR officer who asks, so a form whose result
they may not read (typical2023 п.21) is withheld, and the download's header says how many.

Only the body's HR opens it: an auditor reads the protocols' copies, not the sheets.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from models.db import transaction
from notifications.forms.bulk import print_forms
from web.app import console, lang_of
from web.hr.access import desk
from web.pages import _who

router = APIRouter(include_in_schema=False)


@router.get("/hr/{code}/forms")
def bulk_print(code: str, request: Request) -> Response:
    who, lang, app = _who(request), lang_of(request), console(request)
    with transaction(app.engine) as session:
        seat = desk(session, who, code)
    if not seat.hr:
        raise HTTPException(404)
    period = request.query_params.get("period", "")
    unit = request.query_params.get("unit") or None
    merged = request.query_params.get("as") == "pdf"
    printed = print_forms(app.engine, code, period, who.person.personnel_no, lang, unit=unit, merged=merged)  # a refusal: the console's error page
    name = f"forms-{code}-{unit + '-' if unit else ''}{period}-{lang}.{'pdf' if merged else 'zip'}"
    return Response(
        printed.content,
        media_type="application/pdf" if merged else "application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Bagalau-Documents": str(printed.documents),
            "X-Bagalau-Withheld": str(printed.withheld),
        },
    )

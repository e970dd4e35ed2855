"""HR's console of one state body: its cycles and the opening of one, who is late now (filtered by unit, kind,
period, step), the steps done late, the dead-lettered notices with resend, the
compliance report to download, and, for the head of HR, the body's results.

Every view is per body and answers 404 to anyone but the body's HR or its auditor
(web/hr/access.py), so a body's console does not even exist for a stranger.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from methodology import inputs, loader
from methodology.errors import BagalauError, InvalidInput
from methodology.i18n import Lang
from models import Appraisal, Servant
from models.db import id_of, transaction
from notifications import compliance_report, dead_letters
from notifications.render import label, period
from states import invitations
from states.compliance import rows_of
from states.cycle_summary import cycles_of
from states.cycles import open_cycle
from states.meetings_ahead import meetings_ahead
from states.people import Standing
from states.protocols import protocols_of
from web import views
from web.app import console, lang_of
from web.hr.access import desk, home_body
from web.hr.late import Scope, late_context
from web.hr.reasons import reason_in
from web.pages import _posted, _who
from web.refusals import body_of, status_of
from web.rendering import page

router = APIRouter(include_in_schema=False)
DOWNLOADS = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "html": "text/html; charset=utf-8"}


@router.get("/hr")
def hr_home(request: Request) -> Response:
    who = _who(request)
    with transaction(console(request).engine) as session:
        code = home_body(session, who)
    if code is None:
        raise HTTPException(404)
    return RedirectResponse(f"/hr/{code}", 303)


@router.get("/hr/{code}", response_class=HTMLResponse)
def body_console(code: str, request: Request) -> Response:
    return _console(request, code)


def _console(request: Request, code: str, refusal: dict[str, Any] | None = None, status: int = 200, typed: dict[str, str] | None = None) -> Response:
    """The console; after a refused opening, with the kind and period typed kept."""
    who, lang, app = _who(request), lang_of(request), console(request)
    today = app.settings.day()
    with transaction(app.engine) as session:
        seat = desk(session, who, code)
        body_id = id_of(seat.body)
        late = late_context(session, seat, Scope([seat.body]), request, lang, today)
        context = {
            **late,
            "seat": seat,
            "today": today,
            "step_labels": dict(late["choices"]["step"]),
            "done_late": rows_of(session, today, lang, body_id=body_id, done_late_only=True),
            "cycles": cycles_of(session, body_id, lang),
            "meetings": meetings_ahead(session, body_id, lang) if seat.hr else [],
            "protocols": protocols_of(session, body_id),
            "dead": dead_letters.dead_of(session, body_id) if seat.hr else [],
            "kinds": [(k, label("kinds", k, lang)) for k in loader.load(seat.body.methodology).workflow] if seat.hr else [],
            "results": _results(session, who.person, body_id, lang) if seat.head_of_hr else [],
        }
    return HTMLResponse(
        page(
            "hr/console.html.j2",
            lang,
            me=who.person,
            csrf=who.csrf,
            path=f"/hr/{code}",
            refusal=refusal,
            done=request.query_params.get("done"),
            label=label,
            period=period,
            reason_in=reason_in,
            typed=typed or {},
            **context,
        ),
        status,
    )


def _results(session: Session, person: Servant, body_id: int, lang: Lang) -> list[dict[str, Any]]:
    """The body's scored appraisals, each as the head of HR may read it (typical2023 п.21):
    one query for them all, and the reader's standing read once, not once per appraisal."""
    scored = views.listed(
        session, col(Servant.state_body_id) == body_id, col(Appraisal.score).is_not(None), order_by=[col(Appraisal.period).desc(), col(Appraisal.id)]
    )
    return [line for line in views.lines(Standing.of(session, person), scored, lang) if "score" in line]


@router.get("/hr/{code}/compliance.{fmt}")
def compliance(code: str, fmt: str, request: Request) -> Response:
    """The compliance report of this body as of the console's day, by the report writers."""
    if fmt not in DOWNLOADS:
        raise HTTPException(404)
    who, lang, app = _who(request), lang_of(request), console(request)
    today = app.settings.day()
    with transaction(app.engine) as session:
        seat = desk(session, who, code)
        rows = rows_of(session, today, lang, body_id=seat.body.id)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"compliance-{code}-{today.isoformat()}-{lang}.{fmt}"
        _write(fmt, rows, path, lang, today)
        content = path.read_bytes()
    return Response(content, media_type=DOWNLOADS[fmt], headers={"Content-Disposition": f'attachment; filename="{path.name}"'})


def _write(fmt: str, rows: list[Any], path: Path, lang: Lang, today: date) -> None:
    if fmt == "csv":
        compliance_report.write_csv(rows, path, lang)
    elif fmt == "xlsx":
        compliance_report.write_xlsx(rows, path, lang, today)
    else:
        compliance_report.write_html(rows, path, lang, today)


@router.post("/hr/{code}/cycles")
async def open_one(code: str, request: Request) -> Response:
    """HR opens a cycle of its body on the console's day: the same opening as `bagalau
    cycle open`, refused whole (an unknown kind, a malformed or far period, a servant
    without an assessor), the refusal shown beside the field."""
    who, lang, app = _who(request), lang_of(request), console(request)
    with transaction(app.engine) as session:
        seat = desk(session, who, code)
    if not seat.hr:
        raise HTTPException(404)
    today = app.settings.day()
    fields: dict[str, str] = {}
    try:
        fields, _ = await _posted(request, who)
        held = inputs.period_held(fields.get("period", ""), "period", "docs/lifecycle.md", on=today)
        open_cycle(app.engine, code, fields.get("kind", ""), held, on=today)
    except BagalauError as error:
        return _console(request, code, body_of(error, lang), status_of(error), typed=fields)
    return RedirectResponse(f"/hr/{code}?done=opened#cycles", 303)


@router.post("/hr/{code}/invitations")
async def invite(code: str, request: Request) -> Response:
    """HR invites a servant of its body to set their password: the next delivery e-mails
    the one-time link (states/invitations.py); a personnel number not of the body is
    refused beside the field, as the CLI's `users invite` refuses it."""
    who, lang, app = _who(request), lang_of(request), console(request)
    with transaction(app.engine) as session:
        seat = desk(session, who, code)
    if not seat.hr:
        raise HTTPException(404)
    fields: dict[str, str] = {}
    try:
        fields, _ = await _posted(request, who)
        number = fields.get("personnel_no", "").strip()
        with transaction(app.engine) as session:
            invited = session.exec(select(Servant).where(Servant.state_body_id == seat.body.id, Servant.personnel_no == number)).first()
            if invited is None:
                raise InvalidInput("not_found", field="personnel_no", value=number, rule="docs/api.md#accounts")
            invitations.invite(session, invited, app.settings.moment(), by=who.person)
    except BagalauError as error:
        return _console(request, code, body_of(error, lang), status_of(error), typed=fields)
    return RedirectResponse(f"/hr/{code}?done=invited#invite", 303)


@router.post("/hr/{code}/notices/{notice_id}/resend")
async def resend(code: str, notice_id: int, request: Request) -> Response:
    """HR puts a dead notice back to pending; audited on its appraisal."""
    who, lang, app = _who(request), lang_of(request), console(request)
    with transaction(app.engine) as session:
        seat = desk(session, who, code)
    if not seat.hr:
        raise HTTPException(404)
    try:
        await _posted(request, who)
        with transaction(app.engine) as session:
            dead_letters.resend(session, id_of(seat.body), notice_id, who.person, app.settings.moment())
    except BagalauError as error:
        return _console(request, code, body_of(error, lang), status_of(error))
    return RedirectResponse(f"/hr/{code}?done=resend#dead", 303)

"""The scheduled flows as HR supervises them (PREFECT_API_URL set): each flow's last run, its
state and the next run, with a link into the Prefect UI; a page of its own, so the console
never waits for the Prefect server.

Only the body's HR opens it (web/hr/access.py): auditors read compliance and protocols, not
the operation of the flows. Without PREFECT_API_URL the flows run without a server
(`bagalau sweep`, `bagalau report`) and the page says so.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from flows import status
from methodology.workdays import ALMATY
from models.db import transaction
from web.app import console, lang_of
from web.hr.access import desk
from web.pages import _who
from web.rendering import page

router = APIRouter(include_in_schema=False)


@router.get("/hr/{code}/runs", response_class=HTMLResponse)
async def runs(code: str, request: Request) -> Response:
    who, lang = _who(request), lang_of(request)
    with transaction(console(request).engine) as session:
        seat = desk(session, who, code)
    if not seat.hr:
        raise HTTPException(404)
    configured = status.configured()
    panel = await status.panel() if configured else status.Panel(False)
    return HTMLResponse(
        page("hr/runs.html.j2", lang, me=who.person, csrf=who.csrf, path=f"/hr/{code}/runs", seat=seat, configured=configured, panel=panel, local=_local)
    )


def _local(moment: datetime) -> datetime:
    """A run's time as HR reads it, in Asia/Almaty like the schedules."""
    return moment.astimezone(ALMATY)

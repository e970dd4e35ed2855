"""HR loads its organisation by upload: the same importer as `bagalau org import`
(orgimport/, with its changes of staff applied to the open appraisals: services/org.py), all or nothing, its report shown as a table (row, column, value,
what is wrong, in the reader's language). HR of a body loads that body only: a row of
another state body is a problem of the file like any other, and nothing is written.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from models.db import transaction
from orgimport import ImportReport, Problem
from orgimport.sheets import ABSENCES, SERVANTS, read_sources
from services.org import import_and_apply
from web.app import console, lang_of
from web.hr.access import desk
from web.identity.sessions import Signed
from web.pages import _posted, _who
from web.rendering import page

router = APIRouter(include_in_schema=False)
SUFFIXES = (".csv", ".xlsx")


def _hr_desk(request: Request, who: Signed, code: str):
    with transaction(console(request).engine) as session:
        seat = desk(session, who, code)
    if not seat.hr:
        raise HTTPException(404)
    return seat


@router.get("/hr/{code}/organisation", response_class=HTMLResponse)
def upload_page(code: str, request: Request) -> Response:
    who = _who(request)
    seat = _hr_desk(request, who, code)
    return _render(request, who, seat, None, 200)


def _render(request: Request, who: Signed, seat: Any, report: ImportReport | None, status: int) -> Response:
    lang = lang_of(request)
    return HTMLResponse(
        page(
            "hr/organisation.html.j2",
            lang,
            me=who.person,
            csrf=who.csrf,
            path=f"/hr/{seat.body.code}/organisation",
            seat=seat,
            report=report,
            problems=[p.as_dict(lang) for p in report.problems] if report else [],
        ),
        status,
    )


@router.post("/hr/{code}/organisation")
async def upload(code: str, request: Request) -> Response:
    who = _who(request)
    seat = _hr_desk(request, who, code)
    await _posted(request, who)
    form = await request.form()
    with tempfile.TemporaryDirectory() as folder:
        servants = await _saved(form.get("servants"), Path(folder), "servants")
        absences = await _saved(form.get("absences"), Path(folder), "absences")
        if servants is None:
            report = ImportReport(problems=[Problem(SERVANTS, None, "", "", "org_format")])
        else:
            foreign = _foreign_rows(servants, absences, seat.body.code)
            report = ImportReport(problems=foreign) if foreign else _imported(request, servants, absences)
    return _render(request, who, seat, report, 200 if report.ok else 422)


def _imported(request: Request, servants: Path, absences: Path | None) -> ImportReport:
    """The file loaded, its changes of staff applied to the open appraisals on the console's day."""
    app = console(request)
    return import_and_apply(app.engine, servants, absences, on=app.settings.day())[0]


async def _saved(upload: Any, folder: Path, name: str) -> Path | None:
    """The uploaded file on disk under its own suffix (the importer reads CSV or XLSX by it)."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    suffix = Path(upload.filename).suffix.lower()
    path = folder / f"{name}{suffix if suffix in SUFFIXES else '.unknown'}"
    path.write_bytes(await upload.read())
    return path


def _foreign_rows(servants: Path, absences: Path | None, code: str) -> list[Problem]:
    """Rows of another state body than the one this HR serves."""
    servant_sheet, absence_sheet = read_sources(servants, absences)
    problems = []
    for table, sheet in ((SERVANTS, servant_sheet), (ABSENCES, absence_sheet)):
        for number, values in sheet.rows if sheet else []:
            given = (values.get("state_body_code") or "").strip()
            if given and given != code:
                problems.append(Problem(table, number, "state_body_code", given, "org_unknown_value", {"expected": code}))
    return problems

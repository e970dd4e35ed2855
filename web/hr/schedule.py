"""The body's appraisal schedule in the console (mne2017 п.14, typical2023 п.11): HR drafts,
per unit, the day its appraisal starts; the appointing official approves it; an approved
unit is read-only, and each row shows the deadlines its day opens with their due days,
the notices that go out from it. Every rule is the one `bagalau schedule` applies
(services/schedule.py over states/schedule.py): the page sends what was typed and shows
the refusal beside its field, in the reader's language.

The page exists for the body's HR and its appointing official; anyone else, an auditor
included, gets the 404 of a body that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, select

from methodology import inputs, loader
from methodology.deadlines import Period
from methodology.errors import BagalauError, InvalidInput
from methodology.i18n import Lang, cite
from methodology.schema import Methodology, as_kind
from models import Servant, StateBody, Unit
from models.db import transaction
from notifications.render import label, period
from services import schedule
from web.app import console, lang_of
from web.identity.sessions import Signed
from web.labels import word
from web.pages import _posted, _who
from web.refusals import body_of, status_of
from web.rendering import page

router = APIRouter(include_in_schema=False)
# The service names its fields as the command line's options; the page as its form's
# inputs (where the refusal is shown), the reader by the inputs' captions.
FIELDS = {
    "--unit": ("unit", "hr_unit"),
    "--starts": ("starts_on", "schedule_starts"),
    "starts_on": ("starts_on", "schedule_starts"),
    "--kind": ("kind", "kind"),
    "period": ("period", "period"),
    "--as": ("person", "login"),
}


@dataclass(frozen=True)
class Seat:
    """Who opened the schedule: HR drafts it, the appointing official approves it."""

    body: StateBody
    drafts: bool
    approves: bool


def seat(session: Session, who: Signed, code: str) -> Seat:
    body = session.exec(select(StateBody).where(StateBody.code == code)).first()
    person = who.person
    if body is None or person.state_body_id != body.id:
        raise HTTPException(404)
    hr = person.is_hr or person.is_head_of_hr
    if not (hr or person.is_appointing_official):
        raise HTTPException(404)
    return Seat(body, hr, person.is_appointing_official)


@router.get("/schedule")
def own_schedule(request: Request) -> Response:
    """The header's link: the schedule of one's own body, for its HR and appointing official."""
    who = _who(request)
    with transaction(console(request).engine) as session:
        body = session.get(StateBody, who.person.state_body_id)
        if body is None:
            raise HTTPException(404)
        seat(session, who, body.code)
    return RedirectResponse(f"/hr/{body.code}/schedule", 303)


@router.get("/hr/{code}/schedule", response_class=HTMLResponse)
def schedule_page(code: str, request: Request) -> Response:
    typed = {key: request.query_params.get(key, "") for key in ("kind", "period")}
    return _page(request, code, typed)


def _page(request: Request, code: str, typed: dict[str, str], refusal: dict[str, Any] | None = None, status: int = 200) -> Response:
    """The schedule of the kind and period chosen (by default the first kind, today's period)."""
    who, lang, app = _who(request), lang_of(request), console(request)
    today = app.settings.day()
    with transaction(app.engine) as session:
        place = seat(session, who, code)
        definition = loader.load(place.body.methodology)
        units = [(u.code, u.name) for u in session.exec(select(Unit).where(Unit.state_body_id == place.body.id).order_by(Unit.name))]
        names = {s.personnel_no: s.full_name for s in session.exec(select(Servant).where(Servant.state_body_id == place.body.id))}
    kind = typed.get("kind") or next(iter(definition.workflow))
    chosen = {**typed, "kind": kind, "period": typed.get("period") or _period_of(definition, kind, today)}
    rows: list[dict[str, Any]] = []
    try:
        rows = schedule.show(app.engine, code, chosen["kind"], chosen["period"], lang=lang)
    except InvalidInput as error:
        refusal = refusal or _refusal(error, lang)
        status = status if status != 200 else status_of(error)
    approved = {row["unit"] for row in rows if row["approved_on"]}
    return HTMLResponse(
        page(
            "hr/schedule.html.j2",
            lang,
            me=who.person,
            csrf=who.csrf,
            path=f"/hr/{code}/schedule",
            seat=place,
            today=today,
            typed=chosen,
            kinds=[(k, label("kinds", k, lang)) for k in definition.workflow],
            rows=rows,
            names=names,
            units=[(value, text) for value, text in units if value not in approved],
            drafts=any(not row["approved_on"] for row in rows),
            rules=_rules(definition, lang),
            period_label=_label_of(chosen["period"], lang),
            kind_label=_capital(label("kinds", kind, lang)) if kind in definition.workflow else kind,
            refusal=refusal,
            done=request.query_params.get("done"),
        ),
        status,
    )


@router.post("/hr/{code}/schedule")
async def draft(code: str, request: Request) -> Response:
    """HR sets (or moves) one unit's day; the service refuses a day before today, a unit not
    of the body, a unit already approved, a person who is not HR."""

    def drafted(app: Any, who: Signed, fields: dict[str, str], lang: Lang) -> None:
        starts = inputs.day_of(fields.get("starts_on", ""), "starts_on")
        kind, held, unit = fields.get("kind", ""), fields.get("period", ""), fields.get("unit", "")
        schedule.draft(app.engine, code, kind, held, unit, starts, who.person.personnel_no, on=app.settings.day(), lang=lang)

    return await _acted(request, code, drafted, "drafted")


@router.post("/hr/{code}/schedule/approve")
async def approve(code: str, request: Request) -> Response:
    """The appointing official approves every unit drafted; anyone else is refused by the
    service (typical2023 п.11), the refusal shown on the page."""

    def approved(app: Any, who: Signed, fields: dict[str, str], lang: Lang) -> None:
        kind, held = fields.get("kind", ""), fields.get("period", "")
        schedule.approve(app.engine, code, kind, held, who.person.personnel_no, on=app.settings.day(), at=app.settings.moment(), lang=lang)

    return await _acted(request, code, approved, "approved")


async def _acted(request: Request, code: str, call: Callable[[Any, Signed, dict[str, str], Lang], None], done: str) -> Response:
    """One step on the schedule by the person at the body's seat: the page again with the
    refusal beside its field, or back to the schedule saying what was done."""
    who, lang, app = _who(request), lang_of(request), console(request)
    with transaction(app.engine) as session:
        seat(session, who, code)
    fields: dict[str, str] = {}
    try:
        fields, _ = await _posted(request, who)
        call(app, who, fields, lang)
    except BagalauError as error:
        return _page(request, code, fields, _refusal(error, lang), status_of(error))
    return _back(code, fields, done)


def _back(code: str, fields: dict[str, str], done: str) -> Response:
    query = urlencode({"kind": fields.get("kind", ""), "period": fields.get("period", ""), "done": done})
    return RedirectResponse(f"/hr/{code}/schedule?{query}", 303)


def _refusal(error: BagalauError, lang: Lang) -> dict[str, Any]:
    """The refusal as the page shows it: beside the input it names, the field told by the
    input's caption in the reader's language."""
    if not isinstance(error, InvalidInput) or error.field not in FIELDS:
        return body_of(error, lang)
    name, caption = FIELDS[error.field]
    error.field = word(caption, lang)
    return {**body_of(error, lang), "field": name}


def _period_of(definition: Methodology, kind: str, today: date) -> str:
    """Today's period of the kind: its quarter, or its year."""
    if kind not in definition.workflow or definition.rules_of(as_kind(kind)).period == "year":
        return str(Period(today.year))
    return str(Period(today.year, (today.month - 1) // 3 + 1))


def _label_of(text: str, lang: Lang) -> str:
    try:
        return period(text, lang)
    except (ValueError, KeyError, IndexError):  # a period refused by the service: shown as typed
        return text


def _capital(text: str) -> str:
    """A kind's label begins a heading: its first letter capital, the rest as written (KPI)."""
    return text[:1].upper() + text[1:]


def _rules(definition: Methodology, lang: Lang) -> list[str]:
    """The paragraphs the page cites: who drafts, who approves (once where they are one)."""
    rules = definition.schedule
    if rules is None:
        return []
    return list(dict.fromkeys(cite(definition.id, ref, lang) for ref in (rules.paragraph, rules.approval_paragraph)))

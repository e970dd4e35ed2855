"""Who is late now, a page at a time: for a body's console (its own steps), and on a page of
its own for the body and every body under it (a ministry's HR follows its committees).

One request reads one page of rows (`PAGE` of them, most overdue first) and their count,
whatever the size of the country; the filters (body, unit, kind, period, step) travel with
the page number in the address, so a page is a link. A row of a body under the desk's
shows the person and the step, never a link into an appraisal the reader may not open
(states/confidentiality.py: an appraisal is its own body's HR's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlmodel import Session, col

from methodology import loader
from methodology.i18n import Lang
from methodology.workdays import default_calendar
from models import Cycle, StateBody, Unit
from models.db import among, id_of, table_of, transaction
from notifications.render import label, period
from states.bodies import Body, under
from states.late import Filters, count_late, late_now
from web.app import console, lang_of
from web.hr.access import Desk, desk
from web.pages import _who
from web.paging import Pager
from web.rendering import page

router = APIRouter(include_in_schema=False)
PAGE = 50
COUNTED = 1000  # rows counted past a page's first, at most
FILTERS = ("body", "unit", "kind", "period", "step")


@dataclass(frozen=True)
class Scope:
    """The bodies a list covers: a desk's own, or its own and every body under it."""

    bodies: Sequence[StateBody | Body]

    @property
    def ids(self) -> list[int]:
        return [id_of(b) for b in self.bodies]


@router.get("/hr/{code}/late", response_class=HTMLResponse)
def late_page(code: str, request: Request) -> Response:
    """The body's and its subordinate bodies' late steps; an auditor's, its body's only."""
    who, lang, app = _who(request), lang_of(request), console(request)
    today = app.settings.day()
    with transaction(app.engine) as session:
        seat = desk(session, who, code)
        scope = Scope(under(session, id_of(seat.body)) if seat.hr else [seat.body])
        context = late_context(session, seat, scope, request, lang, today)
    return HTMLResponse(
        page("hr/late.html.j2", lang, me=who.person, csrf=who.csrf, path=f"/hr/{code}/late", seat=seat, today=today, label=label, period=period, **context)
    )


def late_context(session: Session, seat: Desk, scope: Scope, request: Request, lang: Lang, today: date) -> dict[str, Any]:
    """One page of the list and what its form offers, as the console and the page show it.
    The rows are counted up to `COUNTED` past the page (a ministry's are the country's):
    beyond that the page says "more than"."""
    chosen = _filters(request, scope)
    asked = Pager.of(request, PAGE, "late", {name: value for name in FILTERS if (value := request.query_params.get(name))})
    ceiling = asked.offset + COUNTED
    total = count_late(session, scope.ids, today, chosen, at_most=ceiling)
    pager = asked.counted(min(total, ceiling), more=total > ceiling)
    rows = late_now(session, scope.ids, today, default_calendar(), lang, chosen, limit=PAGE, offset=pager.offset)
    return {
        "chosen": pager.kept,
        "choices": choices(session, seat, scope, chosen, lang),
        "late": rows,
        "pager": pager,
        "many_bodies": len(scope.bodies) > 1,
    }


def _filters(request: Request, scope: Scope) -> Filters:
    """What the address asks; a unit or body not a number, or a body outside the scope,
    narrows to nothing rather than widening."""
    given = {key: request.query_params.get(key) or None for key in FILTERS}
    codes = {b.code: id_of(b) for b in scope.bodies}
    body, unit = given.pop("body"), given.pop("unit")
    return Filters(unit=_number(unit), body=None if body is None else codes.get(body, 0), **given)


def _number(text: str | None) -> int | None:
    return None if text is None else int(text) if text.isdigit() else 0


def choices(session: Session, seat: Desk, scope: Scope, chosen: Filters, lang: Lang) -> dict[str, list[tuple[str, str]]]:
    """What each filter offers: the bodies (when there are several), the units of the one
    body in view, the kinds and periods of the bodies' cycles, the steps of their
    methodologies (but windows, which nobody owes)."""
    one = seat.body if len(scope.bodies) == 1 else next((b for b in scope.bodies if id_of(b) == chosen.body), None)
    units = list(session.execute(select(Unit).where(col(Unit.state_body_id) == one.id).order_by(col(Unit.name))).scalars()) if one else []
    cycles = session.execute(select(col(Cycle.kind), col(Cycle.period)).where(among(session, table_of(Cycle).c.state_body_id, scope.ids)).distinct()).all()
    steps: dict[str, str] = {}
    for methodology in sorted({b.methodology for b in scope.bodies}):
        steps.update((name, rule.label(lang)) for name, rule in loader.load(methodology).deadlines.items() if not rule.window and name not in steps)
    return {
        "body": [(b.code, b.name) for b in scope.bodies] if len(scope.bodies) > 1 else [],
        "unit": [(str(u.id), u.name) for u in units],
        "unit_code": [(u.code, u.name) for u in units],
        "kind": [(k, label("kinds", k, lang)) for k in sorted({kind for kind, _ in cycles})],
        "period": [(p, period(p, lang)) for p in sorted({p for _, p in cycles}, reverse=True)],
        "step": list(steps.items()),
    }

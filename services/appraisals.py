"""An appraisal as a person may see it, and who a person is on it (`bagalau show`, `act`,
and the web console's appraisal page): its state, open deadlines, history, what the person
may do now, and its result only if they may read it (typical2023 п.16, п.21).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from methodology import inputs, loader
from methodology.errors import InvalidInput
from methodology.i18n import Lang
from methodology.schema import as_kind
from models import Appraisal, Cycle, Deadline, Servant
from models.db import transaction
from states import service
from states.confidentiality import may_see, refuse_unseen, result_view


def person_on(engine: Engine, appraisal_id: int, personnel_no: str, *, appraisal_field: str = "APPRAISAL", person_field: str = "--as") -> int:
    """The servant of the appraisal's state body with that personnel number (people are
    named as HR knows them); the fields name where the reader typed each."""
    with transaction(engine) as session:
        appraisal = session.get(Appraisal, appraisal_id)
        if appraisal is None:
            raise InvalidInput("not_found", field=appraisal_field, value=appraisal_id, rule="docs/lifecycle.md")
        owner = session.get(Servant, appraisal.servant_id)
        assert owner is not None
        query = select(Servant.id).where(Servant.state_body_id == owner.state_body_id, Servant.personnel_no == personnel_no)
        found = session.exec(query).first()
        if found is None:
            raise InvalidInput("not_found", field=person_field, value=personnel_no, rule="docs/lifecycle.md")
        return found


def acting_day(engine: Engine, appraisal_id: int, day: date, *, today: date) -> date:
    """The day of an action taken now: not after `today` (only `simulate` plays days ahead),
    nor before the appraisal's cycle was opened."""
    inputs.not_after(day, "--on", "docs/lifecycle.md", today=today)
    with transaction(engine) as session:
        appraisal = session.get(Appraisal, appraisal_id)
        cycle = session.get(Cycle, appraisal.cycle_id) if appraisal else None
        if cycle is not None and day < cycle.opened_on:
            raise InvalidInput("range", field="--on", value=day.isoformat(), rule="docs/lifecycle.md", low=cycle.opened_on.isoformat(), high=today.isoformat())
    return day


def appraisal_view(engine: Engine, appraisal_id: int, reader_id: int, lang: Lang) -> dict[str, Any]:
    """The appraisal as `reader_id` may see it, in `lang`."""
    with transaction(engine) as session:
        row = session.get(Appraisal, appraisal_id)
        reader = session.get(Servant, reader_id)
        if row is None:
            raise InvalidInput("not_found", field="APPRAISAL", value=appraisal_id, rule="docs/lifecycle.md")
        if reader is None:
            raise InvalidInput("not_found", field="--as", value=reader_id, rule="docs/lifecycle.md")
        if not may_see(session, reader, row):  # not even that it exists, its state or history
            raise refuse_unseen(reader, row)
        return _view(session, row, reader, lang)


def _view(session: Session, row: Appraisal, reader: Servant, lang: Lang) -> dict[str, Any]:
    definition = loader.load(row.methodology)
    flow = definition.flow(as_kind(row.kind))
    servant = session.get(Servant, row.servant_id)
    deadlines = session.exec(select(Deadline).where(Deadline.appraisal_id == row.id, Deadline.status == "open"))
    assert row.id is not None
    return {
        "appraisal": row.id,
        "servant": servant.full_name if servant else None,
        "methodology": row.methodology,
        "kind": row.kind,
        "period": row.period,
        "state": row.state,
        "state_label": flow.states[row.state].label(lang),
        "version": row.version,
        "participation": row.participation,
        "reason": row.reason,
        **result_view(session, reader, row),
        "open_deadlines": [{"step": d.step, "due": d.due, "rule": f"{row.methodology} {d.paragraph}", "responsible": d.responsible_role} for d in deadlines],
        "you_may": [{"action": t.action, "label": t.label(lang), "rule": t.paragraph} for t in service.allowed(session, row, reader)],
        "history": [
            {"at": e.at, "action": e.action, "from": e.from_state, "to": e.to_state, "by": e.actor_role, "reason": e.reason}
            for e in service.history(session, row.id)
        ],
    }

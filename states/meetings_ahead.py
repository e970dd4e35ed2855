"""The meetings HR must prepare for a state body: the sheets now waiting for the Evaluation
Commission (mne2017 п.6–9, п.35) or for a calibration session (typical2023 п.39–42), by
cycle, each with the open deadline the meeting must meet.

A sheet waits for a meeting when the workflow table has, from its current state, the row
whose handler is that meeting's decision (`commission_decision`, `calibration_session`):
read from the definitions, not from a list of states, so a methodology that adds a meeting
step is covered. Names and steps only, never a score (typical2023 п.16).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from methodology import loader
from methodology.i18n import Lang
from methodology.schema import as_kind
from models import Appraisal, Cycle, Deadline, Servant
from models.db import id_of

MEETINGS = {"commission_decision": "commission", "calibration_session": "calibration"}  # handler → meeting


@dataclass(frozen=True)
class Waiting:
    appraisal: int
    servant: str
    step_label: str | None  # the deadline the meeting closes, in the reader's words
    due: date | None


@dataclass
class Meeting:
    meeting: str  # commission or calibration
    methodology: str
    kind: str
    period: str
    sheets: list[Waiting] = field(default_factory=list)

    @property
    def due(self) -> date | None:
        """The earliest day one of its sheets must be decided by."""
        return min((s.due for s in self.sheets if s.due), default=None)


def meetings_ahead(session: Session, body_id: int, lang: Lang) -> list[Meeting]:
    """Every meeting with sheets waiting, the most urgent first."""
    meetings: dict[tuple[str, int], Meeting] = {}
    for cycle in session.execute(select(Cycle).where(col(Cycle.state_body_id) == body_id)).scalars():
        for meeting, states, steps in _waiting_in(cycle):
            for waiting in _sheets(session, cycle, states, steps, lang):
                line = meetings.setdefault((meeting, id_of(cycle)), Meeting(meeting, cycle.methodology, cycle.kind, cycle.period))
                line.sheets.append(waiting)
    return sorted(meetings.values(), key=lambda m: (m.due or date.max, m.period, m.meeting))


def _waiting_in(cycle: Cycle) -> list[tuple[str, set[str], list[str]]]:
    """(meeting, the states that wait for it, the deadlines it closes) of the cycle's workflow."""
    flow = loader.load(cycle.methodology).flow(as_kind(cycle.kind))
    return [(MEETINGS[row.handler], set(row.source), row.closes) for row in flow.transitions if row.handler in MEETINGS]


def _sheets(session: Session, cycle: Cycle, states: set[str], steps: list[str], lang: Lang) -> list[Waiting]:
    deadlines = loader.load(cycle.methodology).deadlines
    query = (
        select(col(Appraisal.id), col(Servant.full_name), col(Deadline.step), col(Deadline.due))
        .join(Servant, col(Servant.id) == Appraisal.servant_id)
        .outerjoin(Deadline, (col(Deadline.appraisal_id) == Appraisal.id) & (col(Deadline.status) == "open") & col(Deadline.step).in_(steps))
        .where(col(Appraisal.cycle_id) == cycle.id, col(Appraisal.state).in_(states))
        .order_by(col(Appraisal.id), col(Deadline.due))
    )
    found: dict[int, Waiting] = {}
    for appraisal, name, step, due in session.execute(query):
        found.setdefault(appraisal, Waiting(appraisal, name, deadlines[step].label(lang) if step else None, due))
    return sorted(found.values(), key=lambda w: (w.due or date.max, w.servant, w.appraisal))

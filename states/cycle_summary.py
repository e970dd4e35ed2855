"""A state body's cycles as HR supervises them: when each opened, how many appraisals
stand in each state, and who is exempt, deferred or appraised without participation,
with the reason the opening gave (mne2017 п.3, typical2023 п.6–7). Counts and reasons,
never a score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from methodology import loader
from methodology.i18n import Lang
from methodology.schema import as_kind
from models import Appraisal, Cycle, Servant

SET_APART = ("exempt", "deferred")


@dataclass(frozen=True)
class Apart:
    servant: str
    state: str  # exempt, deferred, or the state of one appraised without participation
    participation: str
    reason: str


@dataclass
class CycleLine:
    id: int
    methodology: str
    kind: str
    period: str
    opened_on: date
    states: list[tuple[str, str, int]] = field(default_factory=list)  # state, its label, how many
    apart: list[Apart] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(count for _, _, count in self.states)


def cycles_of(session: Session, body_id: int, lang: Lang) -> list[CycleLine]:
    """The body's cycles, newest first."""
    cycles = session.execute(select(Cycle).where(col(Cycle.state_body_id) == body_id).order_by(col(Cycle.opened_on).desc(), col(Cycle.id).desc())).scalars()
    lines = {c.id: CycleLine(c.id, c.methodology, c.kind, c.period, c.opened_on) for c in cycles}
    if not lines:
        return []
    counts = (
        select(col(Appraisal.cycle_id), col(Appraisal.state), func.count())
        .where(col(Appraisal.cycle_id).in_(lines))
        .group_by(col(Appraisal.cycle_id), col(Appraisal.state))
        .order_by(col(Appraisal.cycle_id), col(Appraisal.state))
    )
    for cycle_id, state, count in session.execute(counts):
        line = lines[cycle_id]
        states = loader.load(line.methodology).flow(as_kind(line.kind)).states
        line.states.append((state, states[state].label(lang) if state in states else state, count))
    apart = (
        select(col(Appraisal.cycle_id), col(Servant.full_name), col(Appraisal.state), col(Appraisal.participation), col(Appraisal.reason))
        .join(Servant, col(Servant.id) == Appraisal.servant_id)
        .where(col(Appraisal.cycle_id).in_(lines), or_(col(Appraisal.state).in_(SET_APART), col(Appraisal.participation) == "without"))
        .order_by(col(Appraisal.cycle_id), col(Servant.full_name))
    )
    for cycle_id, name, state, participation, reason in session.execute(apart):
        lines[cycle_id].apart.append(Apart(name, state, participation, reason or "—"))
    return list(lines.values())

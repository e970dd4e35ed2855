"""Which cycles are due to open on a day, for every active state body.

A kind's opening day is a term of its workflow (`opening`, by default the first working day
after the period; mne2017's Q4 and annual appraisal open on 1 December, its plans on the
first working day of the year). A cycle is due once its opening day has come, within a
grace window, so a scheduler that was down a few days still opens it and a first
installation does not open every cycle of past years. An existing cycle is never opened
again: the scheduled opening creates nothing new on a second run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from methodology import loader
from methodology.deadlines import Period, period_date
from methodology.schema import Granularity
from methodology.workdays import WorkCalendar, default_calendar
from models import Cycle, Servant, StateBody
from models.db import id_of, transaction
from states import schedule
from states.cycles import open_cycles

Quarter = Literal["Q1", "Q2", "Q3", "Q4"]  # the keys of a workflow's opening_overrides
QUARTERS: tuple[Quarter, ...] = ("Q1", "Q2", "Q3", "Q4")
GRACE = timedelta(days=45)


@dataclass(frozen=True)
class Opening:
    body: str
    methodology: str
    kind: str
    period: str
    opens_on: date


@dataclass
class OpeningReport:
    opened: list[Opening] = field(default_factory=list)
    appraisals: int = 0
    not_appraised: int = 0


def due_openings(engine: Engine, today: date, granularity: Granularity, kinds: list[str] | None = None, calendar: WorkCalendar | None = None) -> list[Opening]:
    calendar = calendar or default_calendar()
    with transaction(engine) as session:
        bodies = session.exec(select(StateBody).where(col(StateBody.id).in_(select(Servant.state_body_id).where(col(Servant.dismissed_on).is_(None))))).all()
        opened = {(c.state_body_id, c.kind, c.period) for c in session.exec(select(Cycle))}
        scheduled = schedule.first_days(session, calendar)
    due = []
    for body in bodies:
        definition = loader.load(body.methodology)
        for kind, flow in definition.workflow.items():
            rules = definition.rules(kind)
            if rules is None or rules.period != granularity or (kinds and kind not in kinds):
                continue
            for period in _candidates(today, granularity):
                override = flow.opening_overrides.get(QUARTERS[period.quarter - 1]) if period.quarter else None
                opens_on = period_date(override or flow.opening, period, calendar)
                # an approved schedule's first deadline (mne2017 п.14: the notice 10 days before
                # the start) must find the appraisals open
                opens_on = min(opens_on, scheduled.get((id_of(body), kind, str(period)), opens_on))
                if opens_on <= today < opens_on + GRACE and (body.id, kind, str(period)) not in opened:
                    due.append(Opening(body.code, body.methodology, kind, str(period), opens_on))
    return due


def open_due(engine: Engine, today: date, granularity: Granularity, kinds: list[str] | None = None, calendar: WorkCalendar | None = None) -> OpeningReport:
    """Open every due cycle: the bodies sharing a methodology, kind and period in one go."""
    report = OpeningReport(opened=due_openings(engine, today, granularity, kinds, calendar))
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for opening in report.opened:
        groups[opening.methodology, opening.kind, opening.period].append(opening.body)
    for (_methodology, kind, period), bodies in groups.items():
        result = open_cycles(engine, bodies, kind, period, on=today, calendar=calendar)
        report.appraisals += result.created
        report.not_appraised += result.not_appraised
    return report


def _candidates(today: date, granularity: Granularity) -> list[Period]:
    """The period running today and the one before: openings fall in one of them."""
    if granularity == "year":
        return [Period(today.year - 1), Period(today.year)]
    quarter = (today.month - 1) // 3 + 1
    previous = Period(today.year, quarter - 1) if quarter > 1 else Period(today.year - 1, 4)
    return [previous, Period(today.year, quarter)]

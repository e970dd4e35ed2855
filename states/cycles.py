"""Opening a cycle: who of a state body is appraised for a period, who is not, and why.

For every servant of the body the cycle's kind concerns (heads by KPI, staff by
differentiation, everyone otherwise), the definition's scope decides: exempt with under
three months in the position or on probation (mne2017 п.3, typical2023 п.6), deferred
while absent or appraised without participation (п.6), appraised without participation or
not at all when dismissed (typical2023 п.7). Opening twice creates nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from methodology import loader
from methodology.deadlines import Period
from methodology.errors import InvalidInput
from methodology.schema import Methodology, Workflow
from methodology.workdays import ALMATY, WorkCalendar, default_calendar
from models import Absence, Appraisal, Cycle, Position, Servant, StateBody
from models.db import transaction
from states import timeline
from states.handlers.survey import is_head
from states.service import audit


@dataclass
class Placement:
    servant_id: int
    full_name: str
    state: str
    participation: str = "full"
    reason: str | None = None


@dataclass
class OpenedCycle:
    cycle_id: int
    created: list[Placement] = field(default_factory=list)
    not_appraised: list[Placement] = field(default_factory=list)


def open_cycle(
    engine: Engine, body_code: str, kind: str, period_text: str, *, on: date, calendar: WorkCalendar | None = None
) -> OpenedCycle:
    calendar = calendar or default_calendar()
    with transaction(engine) as session:
        body = session.exec(select(StateBody).where(StateBody.code == body_code)).first()
        if body is None:
            raise InvalidInput("not_found", field="state_body", value=body_code, rule="docs/lifecycle.md")
        definition = loader.load(body.methodology)
        if kind not in definition.workflow:
            raise InvalidInput("unknown", field="kind", value=kind, rule="docs/lifecycle.md", expected=", ".join(definition.workflow))
        flow = definition.flow(kind)  # type: ignore[arg-type]
        period = Period.parse(period_text, definition.rules(kind).period, source=definition.id)  # type: ignore[arg-type, union-attr]
        cycle = _cycle(session, body, definition, kind, period, on)
        done = {a.servant_id for a in session.exec(select(Appraisal).where(Appraisal.cycle_id == cycle.id))}
        report = OpenedCycle(cycle.id)  # type: ignore[arg-type]
        for servant, category in _population(session, body, definition, flow):
            if servant.id in done:
                continue
            placement = _place(session, definition, flow, servant, period, on)
            if placement.state == "not_appraised":
                report.not_appraised.append(placement)
                continue
            _create(session, definition, flow, cycle, servant, placement, on, calendar)
            report.created.append(placement)
        return report


def _cycle(session: Session, body: StateBody, definition: Methodology, kind: str, period: Period, on: date) -> Cycle:
    query = select(Cycle).where(Cycle.state_body_id == body.id, Cycle.kind == kind, Cycle.period == str(period))
    cycle = session.exec(query).first()
    if cycle is None:
        cycle = Cycle(state_body_id=body.id, methodology=definition.id, kind=kind, period=str(period), opened_on=on)  # type: ignore[arg-type]
        session.add(cycle)
        session.flush()
    return cycle


def _population(session: Session, body: StateBody, definition: Methodology, flow: Workflow) -> list[tuple[Servant, str | None]]:
    query = (
        select(Servant, Position.category)
        .join(Position, Position.id == Servant.position_id, isouter=True)
        .where(Servant.state_body_id == body.id)
        .order_by(Servant.id)  # type: ignore[arg-type]
    )
    rows = list(session.exec(query))
    if flow.population == "all":
        return rows  # type: ignore[return-value]
    heads = flow.population == "heads"
    return [(s, c) for s, c in rows if is_head(definition, c) == heads]  # type: ignore[misc]


def _place(session: Session, definition: Methodology, flow: Workflow, servant: Servant, period: Period, on: date) -> Placement:
    scope = definition.scope
    assert scope is not None, f"{definition.id} has no scope"
    placement = Placement(servant.id, servant.full_name, flow.initial)  # type: ignore[arg-type]
    if servant.dismissed_on is not None and servant.dismissed_on <= on:
        if scope.when_dismissed == "not_appraised" or servant.dismissed_on < period.start:
            return _mark(placement, "not_appraised", f"dismissed {servant.dismissed_on} ({scope.dismissed_paragraph})")
        placement.participation = "without"
        return _mark(placement, flow.initial, f"dismissed {servant.dismissed_on} ({scope.dismissed_paragraph})")
    if servant.position_start + relativedelta(months=scope.min_months_in_position) > period.end + relativedelta(days=1):
        return _mark(placement, "exempt", f"in the position since {servant.position_start} ({scope.exempt_paragraph})")
    if scope.exempt_on_probation and servant.probation_end and servant.probation_end > period.end:
        return _mark(placement, "exempt", f"on probation until {servant.probation_end} ({scope.exempt_paragraph})")
    absence = _absent(session, servant, scope.absences, on)
    if absence is not None and flow.when_absent != "none":
        reason = f"{absence.kind} {absence.start}–{absence.end} ({scope.absences_paragraph})"
        if flow.when_absent == "defer":
            return _mark(placement, "deferred", reason)
        placement.participation = "without"
        return _mark(placement, flow.initial, reason)
    return placement


def _mark(placement: Placement, state: str, reason: str) -> Placement:
    placement.state, placement.reason = state, reason
    return placement


def _absent(session: Session, servant: Servant, kinds: list[str], on: date) -> Absence | None:
    query = select(Absence).where(
        Absence.servant_id == servant.id, Absence.kind.in_(kinds), Absence.start <= on, Absence.end >= on  # type: ignore[attr-defined]
    )
    return session.exec(query).first()


def _create(
    session: Session,
    definition: Methodology,
    flow: Workflow,
    cycle: Cycle,
    servant: Servant,
    placement: Placement,
    on: date,
    calendar: WorkCalendar,
) -> None:
    appraisal = Appraisal(
        cycle_id=cycle.id, servant_id=servant.id, assessor_id=servant.manager_id,  # type: ignore[arg-type]
        methodology=definition.id, kind=cycle.kind, period=cycle.period, state=placement.state,
        participation=placement.participation, reason=placement.reason,
    )
    session.add(appraisal)
    session.flush()
    if placement.state == flow.initial:
        timeline.open_rows(session, definition, appraisal, flow.opens, calendar)
    if flow.states[placement.state].final:
        appraisal.closed_on = on
    audit(session, appraisal, None, "system", "open", None, placement.state,
          {"participation": placement.participation}, datetime.combine(on, time(9, 0), ALMATY), placement.reason)

"""What a change of staff does to the open appraisals: a hire, a transfer, a dismissal.

HR's file is loaded again whenever staff change (orgimport/); a scenario's step does the
same by hand (bagalau/simulation.py). Either way the servants' rows are compared before and
after, and only what changed is applied, each in the same transaction and audited with its
paragraph, so loading the same file twice writes nothing the second time:

- a hire: the body's open cycles whose period the hire's appointment falls in or before
  get the appraisal an opening would have created, placed by the same rules (exempt with
  too few months in the position, mne2017 п.3, typical2023 п.6) and, appointed after the
  period's own deadline, owing the appointee's step (mne2017 п.11, typical2023 п.23);
- a transfer: a new position start is an appointment (the same rules, on appraisals where
  nothing is done yet); a new manager is the new assessor, whom the open deadlines follow
  (mne2017 п.4, typical2023 п.3);
- a dismissal: withdrawn where the methodology appraises only those in post (mne2017 п.3),
  appraised without participation on the normal deadlines otherwise (typical2023 п.7).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, exists, select

from methodology import loader
from methodology.deadlines import Period
from methodology.schema import Methodology, as_kind
from methodology.workdays import ALMATY, WorkCalendar
from models import Appraisal, Cycle, Servant, StateBody
from states import appointments, assessors, machines, placement, timeline
from states.cycles import open_in
from states.service import apply, audit, claim


@dataclass(frozen=True)
class Staffing:
    """What of a servant's row the open appraisals depend on."""

    position_id: int | None
    position_start: date
    manager_id: int | None
    dismissed_on: date | None


@dataclass(frozen=True)
class Applied:
    servant_id: int
    event: str  # hire, appointment, exempt, transfer_assessor, withdraw, dismissal
    appraisal_id: int | None
    paragraph: str


def staffing(session: Session) -> dict[int, Staffing]:
    query = sa_select(col(Servant.id), col(Servant.position_id), col(Servant.position_start), col(Servant.manager_id), col(Servant.dismissed_on))
    return {row[0]: Staffing(*row[1:]) for row in session.execute(query)}


def apply_changes(session: Session, before: dict[int, Staffing], *, on: date, calendar: WorkCalendar) -> list[Applied]:
    """Apply to the open appraisals what changed since `before` (nothing when nothing did)."""
    at = datetime.combine(on, time(9, 0), ALMATY)
    applied: list[Applied] = []
    hires: dict[int, list[int]] = defaultdict(list)
    for servant_id, now in staffing(session).items():
        was = before.get(servant_id)
        if was is None:
            servant = session.get(Servant, servant_id)
            assert servant is not None
            hires[servant.state_body_id].append(servant_id)
        elif was != now:
            applied += _changed(session, servant_id, was, now, on, at, calendar)
    for body_id, servants in hires.items():
        applied += _hired(session, body_id, servants, on, calendar)
    return applied


def _hired(session: Session, body_id: int, servants: list[int], on: date, calendar: WorkCalendar) -> list[Applied]:
    """Each open cycle of the body (an appraisal of it not final yet) opened again: the
    opening creates the hires' appraisals only, by its own rules."""
    body = session.get(StateBody, body_id)
    assert body is not None
    still_open = exists().where(col(Appraisal.cycle_id) == Cycle.id, col(Appraisal.closed_on).is_(None))
    earliest = min(s.position_start for s in session.exec(select(Servant).where(col(Servant.id).in_(servants))))
    cycles = session.exec(select(Cycle).where(Cycle.state_body_id == body_id, still_open).order_by(col(Cycle.id))).all()
    for cycle in cycles:
        rules = loader.load(cycle.methodology).rules(as_kind(cycle.kind))
        assert rules is not None
        if Period.parse(cycle.period, rules.period).end >= earliest:
            open_in(session, [body.code], cycle.kind, cycle.period, on, calendar)
    created = session.exec(select(Appraisal).where(col(Appraisal.servant_id).in_(servants)).order_by(col(Appraisal.id))).all()
    return [Applied(a.servant_id, "hire", a.id, a.reason or a.state) for a in created]


def _changed(session: Session, servant_id: int, was: Staffing, now: Staffing, on: date, at: datetime, calendar: WorkCalendar) -> list[Applied]:
    applied: list[Applied] = []
    query = select(Appraisal).where(Appraisal.servant_id == servant_id, col(Appraisal.closed_on).is_(None)).order_by(col(Appraisal.id))
    for appraisal in session.exec(query).all():
        definition = loader.load(appraisal.methodology)
        if now.dismissed_on is not None and now.dismissed_on != was.dismissed_on:
            applied += _dismissed(session, definition, appraisal, now.dismissed_on, on, at, calendar)
            continue
        if (now.position_id, now.position_start) != (was.position_id, was.position_start):
            applied += _appointed(session, definition, appraisal, now.position_start, on, at, calendar)
        manager = now.manager_id
        if manager is not None and appraisal.closed_on is None and manager not in (was.manager_id, appraisal.assessor_id):
            applied.append(_transferred(session, definition, appraisal, manager, at))
    return applied


def _appointed(session: Session, definition: Methodology, appraisal: Appraisal, start: date, on: date, at: datetime, calendar: WorkCalendar) -> list[Applied]:
    """A new position during the period, on an appraisal where nothing is done yet: too few
    months in it exempt (mne2017 п.3, typical2023 п.6, п.23); after the period's deadline,
    the appointee's step (mne2017 п.11, typical2023 п.23)."""
    kind = as_kind(appraisal.kind)
    flow = definition.flow(kind)
    if appraisal.state != flow.initial:
        return []
    assert definition.scope is not None
    period = timeline.period_of(definition, appraisal)
    rule = appointments.rule_for(definition, kind)
    last = appointments.none_after(rule, period.year) if rule else None
    if start > placement.latest_start(definition, period) or (last is not None and start > last):
        paragraph = rule.paragraph if rule and last is not None and start > last else definition.scope.exempt_paragraph
        return [_exempt(session, definition, appraisal, start, paragraph, on, at)]
    if rule and appointments.applies(rule, period, start):
        claim(session, appraisal, None)
        if appointments.appoint(session, definition, rule, appraisal, start, calendar, at):
            return [Applied(appraisal.servant_id, "appointment", appraisal.id, rule.paragraph)]
    return []


def _exempt(session: Session, definition: Methodology, appraisal: Appraisal, start: date, paragraph: str, on: date, at: datetime) -> Applied:
    claim(session, appraisal, None)
    from_state = appraisal.state
    appraisal.state, appraisal.closed_on = "exempt", on
    appraisal.reason = f"in the position since {start.isoformat()} ({paragraph})"
    session.add(appraisal)
    timeline.finish_rows(session, appraisal, [row.step for row in timeline.rows_of(session, appraisal)], "cancelled", on)
    audit(session, appraisal, None, "system", "exempt", from_state, "exempt", _data(definition, paragraph, appointed_on=start.isoformat()), at)
    assert appraisal.id is not None
    return Applied(appraisal.servant_id, "exempt", appraisal.id, paragraph)


def _transferred(session: Session, definition: Methodology, appraisal: Appraisal, manager_id: int, at: datetime) -> Applied:
    """The new direct manager is the assessor (mne2017 п.4, typical2023 п.3)."""
    assert definition.scope is not None
    paragraph = definition.scope.assessor_paragraph
    claim(session, appraisal, None)
    previous = appraisal.assessor_id
    moved = assessors.follow(session, appraisal, manager_id)
    data = _data(definition, paragraph, assessor_id=manager_id, previous_assessor_id=previous, deadlines=moved)
    audit(session, appraisal, None, "system", "transfer_assessor", appraisal.state, appraisal.state, data, at)
    return Applied(appraisal.servant_id, "transfer_assessor", appraisal.id, paragraph)


def _dismissed(session: Session, definition: Methodology, appraisal: Appraisal, day: date, on: date, at: datetime, calendar: WorkCalendar) -> list[Applied]:
    """Withdrawn (mne2017 п.3), or appraised without participation (typical2023 п.7)."""
    scope = definition.scope
    assert scope is not None
    data = _data(definition, scope.dismissed_paragraph, dismissed_on=day.isoformat())
    from_state = appraisal.state
    if scope.when_dismissed == "not_appraised":
        row = next((r for r in machines.transitions_from(definition.id, as_kind(appraisal.kind), from_state) if r.action == "withdraw"), None)
        if row is None:  # past the steps a dismissal stops (decided already): the result stands
            return []
        claim(session, appraisal, None)
        to_state = machines.fire(definition.id, as_kind(appraisal.kind), from_state, "withdraw", lambda: None)
        appraisal.reason = "dismissed"
        apply(session, definition, appraisal, row, to_state, on, at, calendar)
        audit(session, appraisal, None, "system", "withdraw", from_state, to_state, data, at)
        return [Applied(appraisal.servant_id, "withdraw", appraisal.id, scope.dismissed_paragraph)]
    if (appraisal.participation, appraisal.reason) == ("without", "dismissed"):
        return []
    claim(session, appraisal, None)
    appraisal.participation, appraisal.reason = "without", "dismissed"
    session.add(appraisal)
    audit(session, appraisal, None, "system", "dismissal", from_state, from_state, data, at)
    return [Applied(appraisal.servant_id, "dismissal", appraisal.id, scope.dismissed_paragraph)]


def _data(definition: Methodology, paragraph: str, **more: Any) -> dict[str, Any]:
    return {**more, "paragraph": paragraph, "source": definition.id}

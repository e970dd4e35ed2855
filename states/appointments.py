"""Appointments during the year: a servant appointed after the period's own deadline owes
the step counted from the appointment instead (mne2017 п.11: the plan within 10 working
days of an appointment after 10 January; typical2023 п.23: the KPIs within 10 working days
of an appointment after the period starts, none with fewer than three months left).

The rules are data (`appointments:` of a definition). The appointment is the servant's
position start in HR's file; an appraisal created for an appointee records it as its
`appointment` event, does not owe the period's step (`instead_of`) and opens the one the
rule names, with an audit event citing the paragraph. A transfer to another position
during the year is an appointment too (states/staffing.py applies it to open appraisals).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, true
from sqlmodel import Session, col, select

from methodology.deadlines import Period
from methodology.schema import AppointmentRule, Methodology, as_kind
from methodology.workdays import WorkCalendar
from models import Appraisal, Servant
from states import timeline
from states.service import audit


def rule_for(definition: Methodology, kind: str) -> AppointmentRule | None:
    return next((rule for rule in definition.appointments if kind in rule.kinds), None)


def cutoff(rule: AppointmentRule, period: Period) -> date:
    """An appointment after this day is 'later': after the rule's day of the year (mne2017
    п.11: 10 January) and after the period's first day (typical2023 п.23: KPIs within 10
    working days after the period starts, "for someone appointed later" from the
    appointment), so a head appointed on a quarter's first day owes the quarter's own step."""
    return max(date(period.year, rule.appointed_after.month, rule.appointed_after.day), period.start)


def none_after(rule: AppointmentRule, year: int) -> date | None:
    """Appointed after this day, fewer than `min_months_left` months remain in the year:
    nothing is owed (typical2023 п.23). On the day itself exactly that many remain."""
    if rule.min_months_left is None:
        return None
    month = (year + 1) * 12 - rule.min_months_left  # months since year 0, counted from January
    return date(month // 12, month % 12 + 1, 1)


def applies(rule: AppointmentRule, period: Period, start: date) -> bool:
    """An appointment owes the appointee's step on the appraisal of the period it falls in,
    after the rule's day: once, not again on every later quarter of the year."""
    return cutoff(rule, period) < start <= period.end


def owes_period_step(definition: Methodology, kind: str, step: str, period: Period) -> ColumnElement[bool]:
    """Over Servant: whether the servant owes the period's `step` (not an appointee's)."""
    rule = rule_for(definition, kind)
    if rule is None or rule.instead_of != step:
        return true()
    return col(Servant.position_start) <= cutoff(rule, period)


def record_at_opening(
    session: Session, definition: Methodology, kind: str, period: Period, new: ColumnElement[bool], calendar: WorkCalendar, at: datetime
) -> None:
    """The appointees among the appraisals an opening created (few: one query, then each):
    those `applies` names."""
    rule = rule_for(definition, kind)
    if rule is None:
        return
    initial = definition.flow(as_kind(kind)).initial
    query = (
        select(Appraisal, col(Servant.position_start))
        .join(Servant, col(Servant.id) == Appraisal.servant_id)
        .where(
            new,
            Appraisal.state == initial,
            col(Servant.position_start) > cutoff(rule, period),
            col(Servant.position_start) <= period.end,
        )
    )
    for appraisal, start in session.exec(query).all():
        appoint(session, definition, rule, appraisal, start, calendar, at)


def appoint(session: Session, definition: Methodology, rule: AppointmentRule, appraisal: Appraisal, start: date, calendar: WorkCalendar, at: datetime) -> bool:
    """Record the appointment on one appraisal: the period's step no longer owed, the
    appointee's opened, audited with the paragraph. Nothing when already recorded."""
    if appraisal.events.get("appointment") == start.isoformat():
        return False
    appraisal.events = {**appraisal.events, "appointment": start.isoformat()}
    session.add(appraisal)
    timeline.finish_rows(session, appraisal, [rule.instead_of], "cancelled", at.date())
    opened = timeline.open_rows(session, definition, appraisal, [rule.opens], calendar)
    data = {
        "appointed_on": start.isoformat(),
        "opens": rule.opens,
        "instead_of": rule.instead_of,
        "due": opened[0].due.isoformat() if opened else None,
        "paragraph": rule.paragraph,
        "source": definition.id,
    }
    audit(session, appraisal, None, "system", "appointment", appraisal.state, appraisal.state, data, at)
    return True

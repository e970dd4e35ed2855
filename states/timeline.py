"""Deadline rows of one appraisal: opened, closed and cancelled by its transitions.

A row's due date is the rule of the definition applied to the appraisal's period and the
events it has recorded so far (methodology.deadlines); its responsible person is whoever
holds the rule's role on this appraisal (states/people.py). A row closed after its due date stays a fact:
`closed_on` later than `due` is what the compliance report counts as late.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from sqlmodel import Session, select

from methodology.deadlines import Period, due_of
from methodology.schema import Methodology, as_kind
from methodology.workdays import WorkCalendar
from models import Appraisal, Deadline
from states import escalation, people


def period_of(definition: Methodology, appraisal: Appraisal) -> Period:
    rules = definition.rules(as_kind(appraisal.kind))
    assert rules is not None, f"{definition.id} has no {appraisal.kind} rules"  # an appraisal's kind always has them
    return Period.parse(appraisal.period, rules.period)


def events_of(appraisal: Appraisal) -> dict[str, date]:
    return {name: date.fromisoformat(day) for name, day in appraisal.events.items()}


def open_rows(
    session: Session,
    definition: Methodology,
    appraisal: Appraisal,
    steps: Iterable[str],
    calendar: WorkCalendar,
) -> list[Deadline]:
    """Open the deadlines of `steps` whose anchors are known (reopening a done one)."""
    assert appraisal.id is not None
    period, events = period_of(definition, appraisal), events_of(appraisal)
    existing = {row.step: row for row in rows_of(session, appraisal)}
    opened = []
    for step in steps:
        due = due_of(definition, step, period, events, calendar)
        if due.due is None:
            continue  # its event has not happened: nothing is owed yet
        row = existing.get(step) or Deadline(appraisal_id=appraisal.id, step=step, due=due.due, paragraph="", responsible_role="")
        row.due, row.status, row.closed_on, row.level = due.due, "open", None, 0
        row.next_fire = first_fire(definition, step, due.due, calendar)
        row.paragraph = due.rule.paragraph
        row.responsible_role = due.rule.responsible
        row.responsible_id = people.holder(session, appraisal, due.rule.responsible)
        session.add(row)
        opened.append(row)
    return opened


def finish_rows(session: Session, appraisal: Appraisal, steps: Iterable[str], status: str, on: date) -> None:
    """Mark open deadlines of `steps` done (met, on time or late) or cancelled."""
    wanted = set(steps)
    for row in rows_of(session, appraisal):
        if row.step in wanted and row.status == "open":
            row.status, row.closed_on, row.next_fire = status, on, None
            session.add(row)


def first_fire(definition: Methodology, step: str, due: date, calendar: WorkCalendar) -> date | None:
    """When the sweep first looks at a new deadline: its reminder day; never for a window."""
    if definition.escalation is None or definition.deadlines[step].window:
        return None
    return escalation.next_fire(0, escalation.stages(due, definition.escalation, calendar))


def rows_of(session: Session, appraisal: Appraisal) -> list[Deadline]:
    return list(session.exec(select(Deadline).where(Deadline.appraisal_id == appraisal.id)))


def open_due(session: Session, appraisal: Appraisal, step: str) -> date | None:
    for row in rows_of(session, appraisal):
        if row.step == step and row.status == "open":
            return row.due
    return None

"""Deadline rows of one appraisal: opened, closed and cancelled by its transitions.

A row's due date is the rule of the definition applied to the appraisal's period and the
events it has recorded so far (methodology.deadlines); its responsible person is whoever
holds the rule's role on this appraisal. A row closed after its due date stays a fact:
`closed_on` later than `due` is what the compliance report counts as late.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from sqlmodel import Session, select

from methodology.deadlines import Period, due_of
from methodology.schema import Methodology
from methodology.workdays import WorkCalendar
from models import Appraisal, Commission, CommissionMember, Deadline, Servant
from states import escalation


def period_of(definition: Methodology, appraisal: Appraisal) -> Period:
    granularity = definition.rules(appraisal.kind).period  # type: ignore[arg-type, union-attr]
    return Period.parse(appraisal.period, granularity)


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
        row.responsible_id = responsible(session, appraisal, due.rule.responsible)
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


def responsible(session: Session, appraisal: Appraisal, role: str) -> int | None:
    """The person who owes a step: the servant, their assessor, or the body's office holder."""
    servant = session.get(Servant, appraisal.servant_id)
    assert servant is not None
    return Offices.of(session, servant.state_body_id).holder(role, appraisal.servant_id, appraisal.assessor_id)


class Offices:
    """A state body's office holders, looked up once: head of HR, appointing official, the
    commission's chair."""

    def __init__(self, head_of_hr: int | None, official: int | None, chair: int | None) -> None:
        self.head_of_hr, self.official, self.chair = head_of_hr, official, chair

    @classmethod
    def of(cls, session: Session, body_id: int) -> Offices:
        body = Servant.state_body_id == body_id
        hr = select(Servant.id).where(body, Servant.is_hr).order_by(Servant.is_head_of_hr.desc(), Servant.id)  # type: ignore[attr-defined]
        official = select(Servant.id).where(body, Servant.is_appointing_official).order_by(Servant.id)  # type: ignore[arg-type]
        chair = (
            select(CommissionMember.servant_id)
            .join(Commission, Commission.id == CommissionMember.commission_id)
            .where(Commission.state_body_id == body_id, CommissionMember.role == "chair")
            .order_by(Commission.formed_on.desc())  # type: ignore[attr-defined]
        )
        return cls(session.exec(hr).first(), session.exec(official).first(), session.exec(chair).first())

    def holder(self, role: str, servant_id: int, assessor_id: int | None) -> int | None:
        return {
            "servant": servant_id,
            "direct_manager": assessor_id,
            "hr": self.head_of_hr,
            "head_of_hr": self.head_of_hr,
            "appointing_official": self.official,
            "commission": self.chair,
        }.get(role)  # None: an outside body (the civil-service authority) or the body as a whole

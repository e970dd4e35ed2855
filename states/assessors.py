"""Who appraises a servant, changed on an open appraisal: an assignment, a substitution, a
delegation, each one transaction with its audit event and paragraph.

- `assign` (HR): record the assessor of a servant who has none (a head whose direct
  manager is a vice-minister or an akim's deputy outside the B corps, mne2017 п.4,
  typical2023 п.3), or substitute a deputy for an assessor who is absent or dismissed;
- `delegate` (the assessor): in a unit of more than fifty B-corps servants, hand the
  appraisal to a person the assessor names (typical2023 п.32; only where the definition
  says so, `scope.delegate_above`).

Either way the appraisal's state does not change; its open deadlines owed by the assessor
follow the new one (their responsible person), so reminders and the ladder reach whoever
now owes the step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from methodology import loader
from methodology.errors import InvalidInput
from methodology.schema import Methodology, as_kind
from methodology.workdays import ALMATY
from models import Appraisal, Deadline, Position, Servant
from models.db import rowcount, transaction
from states.errors import Refused
from states.people import reader_roles
from states.service import audit, claim


@dataclass(frozen=True)
class Change:
    appraisal_id: int
    action: str  # assign_assessor, substitute_assessor, delegate_assessor
    previous: int | None
    assessor: int
    paragraph: str
    deadlines: int  # open deadlines that now name the new assessor


def assign(engine: Engine, appraisal_id: int, actor_id: int, assessor_id: int, *, on: date, at: datetime | None = None, reason: str | None = None) -> Change:
    """HR records the appraisal's assessor, or a deputy in place of the one it has."""
    with transaction(engine) as session:
        appraisal, actor, definition = _open_appraisal(session, appraisal_id, actor_id)
        assert definition.scope is not None
        role = _check_role(session, definition, appraisal, actor, ("hr", "head_of_hr"), definition.scope.assessor_paragraph)
        action = "substitute_assessor" if appraisal.assessor_id else "assign_assessor"
        return _change(session, definition, appraisal, actor, role, action, assessor_id, definition.scope.assessor_paragraph, on, at, reason)


def delegate(engine: Engine, appraisal_id: int, actor_id: int, delegate_id: int, *, on: date, at: datetime | None = None, reason: str | None = None) -> Change:
    """The assessor names a person who appraises in their place (typical2023 п.32)."""
    with transaction(engine) as session:
        appraisal, actor, definition = _open_appraisal(session, appraisal_id, actor_id)
        scope = definition.scope
        assert scope is not None
        paragraph = scope.delegate_paragraph or scope.assessor_paragraph
        _check_role(session, definition, appraisal, actor, ("direct_manager",), paragraph)
        count = unit_size(session, appraisal.servant_id, on)
        if scope.delegate_above is None or appraisal.kind not in scope.delegate_kinds or count <= scope.delegate_above:
            raise Refused(
                "not_delegable",
                field="unit",
                value=count,
                rule=paragraph,
                source=definition.id,
                count=count,
                above=scope.delegate_above if scope.delegate_above is not None else "—",
                kinds=", ".join(scope.delegate_kinds) or "—",
            )
        return _change(session, definition, appraisal, actor, "direct_manager", "delegate_assessor", delegate_id, paragraph, on, at, reason)


def unit_size(session: Session, servant_id: int, on: date) -> int:
    """The B-corps servants in service on `on` in the servant's unit (typical2023 п.32
    counts the unit's own servants: its sub-units are units of their own)."""
    servant = session.get(Servant, servant_id)
    position = session.get(Position, servant.position_id) if servant and servant.position_id else None
    if position is None:
        return 0
    query = (
        select(func.count())
        .select_from(Servant)
        .join(Position, col(Position.id) == Servant.position_id)
        .where(
            Position.unit_id == position.unit_id,
            col(Servant.outside_b_corps).is_(False),
            (col(Servant.dismissed_on).is_(None)) | (col(Servant.dismissed_on) > on),
        )
    )
    return session.exec(query).one()


def _open_appraisal(session: Session, appraisal_id: int, actor_id: int) -> tuple[Appraisal, Servant, Methodology]:
    appraisal = session.get(Appraisal, appraisal_id)
    if appraisal is None:
        raise InvalidInput("not_found", field="appraisal", value=appraisal_id, rule="docs/lifecycle.md")
    actor = session.get(Servant, actor_id)
    if actor is None:
        raise InvalidInput("not_found", field="actor", value=actor_id, rule="docs/lifecycle.md")
    definition = loader.load(appraisal.methodology)
    if appraisal.closed_on is not None:  # a final appraisal's steps are all done or cancelled
        state = definition.flow(as_kind(appraisal.kind)).states[appraisal.state].label
        raise Refused("not_now", field="appraisal", value=appraisal_id, rule="docs/lifecycle.md", state=state)
    return appraisal, actor, definition


def _check_role(session: Session, definition: Methodology, appraisal: Appraisal, actor: Servant, wanted: tuple[str, ...], paragraph: str) -> str:
    """The role the actor takes the change in (HR, the head of HR, or the assessor)."""
    roles = reader_roles(session, actor, appraisal)  # the head of HR is HR here, flagged or not
    role = next((r for r in wanted if r in roles), None)
    if role is None:
        raise Refused(
            "not_your_role",
            field="actor",
            value=actor.personnel_no,
            rule=paragraph,
            source=definition.id,
            roles=", ".join(wanted),
            yours=", ".join(sorted(roles)) or "—",
        )
    return role


def _change(
    session: Session,
    definition: Methodology,
    appraisal: Appraisal,
    actor: Servant,
    role: str,
    action: str,
    person_id: int,
    paragraph: str,
    on: date,
    at: datetime | None,
    reason: str | None,
) -> Change:
    _check_assessor(session, definition, appraisal, person_id, paragraph, on)
    claim(session, appraisal, None)
    previous = appraisal.assessor_id
    moved = follow(session, appraisal, person_id)
    data = {"assessor_id": person_id, "previous_assessor_id": previous, "paragraph": paragraph, "source": definition.id}
    moment = at or datetime.combine(on, time(12, 0), ALMATY)
    audit(session, appraisal, actor.id, role, action, appraisal.state, appraisal.state, data, moment, reason)
    assert appraisal.id is not None
    return Change(appraisal.id, action, previous, person_id, paragraph, moved)


def follow(session: Session, appraisal: Appraisal, person_id: int) -> int:
    """Make `person_id` the appraisal's assessor; its open deadlines owed by the assessor
    follow (their responsible person); return how many did."""
    appraisal.assessor_id = person_id
    session.add(appraisal)
    return rowcount(
        session.execute(
            update(Deadline)
            .where(col(Deadline.appraisal_id) == appraisal.id, col(Deadline.status) == "open", col(Deadline.responsible_role) == "direct_manager")
            .values(responsible_id=person_id)
        )
    )


def _check_assessor(session: Session, definition: Methodology, appraisal: Appraisal, person_id: int, paragraph: str, on: date) -> None:
    """An assessor works in the servant's body, is in service, and is never the servant."""
    person = session.get(Servant, person_id)
    if person is None:
        raise InvalidInput("not_found", field="assessor", value=person_id, rule="docs/lifecycle.md")
    servant = session.get(Servant, appraisal.servant_id)
    assert servant is not None
    problem: tuple[str, dict[str, Any]] | None = None
    if person.id == servant.id:
        problem = ("assessor_is_servant", {})
    elif person.state_body_id != servant.state_body_id:
        problem = ("assessor_elsewhere", {})
    elif person.dismissed_on is not None and person.dismissed_on <= on:
        problem = ("assessor_dismissed", {"on": on.isoformat()})
    if problem:
        raise Refused(problem[0], field="assessor", value=person.personnel_no, rule=paragraph, source=definition.id, **problem[1])

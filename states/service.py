"""Acting on an appraisal: every transition is one database transaction.

`act` finds the row of the workflow table for the appraisal's state and the action,
checks the actor's role and the deadline windows, claims the appraisal's version (so of
two actors racing, one wins and the other gets a `Conflict`), runs the handler inside the
state machine's transition, then writes the new state, the events it records, the
deadlines it opens, closes and cancels, the consequences of a final result, and its audit
event. Anything refused raises before the commit, and the database is as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from methodology import loader
from methodology.errors import InvalidInput
from methodology.i18n import Text
from methodology.schema import Methodology, TransitionDef, as_kind
from methodology.workdays import ALMATY, WorkCalendar, default_calendar
from models import Appraisal, AuditEvent, Servant
from models.db import rowcount, transaction
from states import consequences, machines, timeline
from states.errors import Conflict, Refused
from states.handlers import Context, load_all
from states.notices import enqueue_for_transition
from states.people import OnAppraisal, roles_of


@dataclass(frozen=True)
class Outcome:
    appraisal_id: int
    action: str
    from_state: str
    to_state: str
    version: int
    data: dict[str, Any]


def act(
    engine: Engine,
    appraisal_id: int,
    actor_id: int,
    action: str,
    payload: dict[str, Any] | None = None,
    *,
    on: date,
    at: datetime | None = None,
    expected_version: int | None = None,
    reason: str | None = None,
    calendar: WorkCalendar | None = None,
) -> Outcome:
    """Take `action` on an appraisal as `actor_id` on the day `on` (simulated or real)."""
    with transaction(engine) as session:
        appraisal = _get(session, Appraisal, appraisal_id, "appraisal")
        actor = _get(session, Servant, actor_id, "actor")
        if expected_version is not None and expected_version != appraisal.version:
            raise _conflict(expected_version, appraisal.version)  # someone acted since it was read
        definition = loader.load(appraisal.methodology)
        row, role = _row(session, definition, appraisal, actor, action)
        calendar = calendar or default_calendar()
        if payload and not row.handler:
            raise InvalidInput("extra", field="data", value=sorted(payload), rule=f"docs/lifecycle.md#{action}")
        _check_window(session, definition, appraisal, row, on)
        if row.handler in TALLIES and expected_version is None:
            row, role = _hold(session, definition, appraisal, actor, action)
        else:
            claim(session, appraisal, expected_version)
        from_state = appraisal.state
        context = Context(session, definition, appraisal, actor, row, payload or {}, on, calendar)
        data: dict[str, Any] = {}

        def step() -> None:
            if row.handler:
                data.update(load_all()[row.handler](context))

        to_state = machines.fire(definition.id, appraisal.kind, from_state, action, step)
        moment = at or _noon(on)
        apply(session, definition, appraisal, row, to_state, on, moment, calendar)
        audit(session, appraisal, actor_id, role, action, from_state, to_state, data, moment, reason)
        return Outcome(appraisal_id, action, from_state, to_state, appraisal.version, data)


def apply(
    session: Session,
    definition: Methodology,
    appraisal: Appraisal,
    row: TransitionDef,
    to_state: str,
    on: date,
    at: datetime,
    calendar: WorkCalendar,
) -> None:
    """What a transition writes besides its handler's data: events, deadlines, finality, and
    the notices it causes (stamped `at`)."""
    appraisal.state = to_state
    appraisal.events = {**appraisal.events, **{name: on.isoformat() for name in row.events}}
    timeline.finish_rows(session, appraisal, row.closes, "done", on)
    timeline.finish_rows(session, appraisal, row.cancels, "cancelled", on)
    timeline.open_rows(session, definition, appraisal, [*row.opens, *opened_by_events(definition, appraisal, row.events)], calendar)
    state = definition.flow(as_kind(appraisal.kind)).states[to_state]
    if state.final:
        appraisal.closed_on = on
        timeline.finish_rows(session, appraisal, [r.step for r in timeline.rows_of(session, appraisal)], "cancelled", on)
    if state.result:  # only a completed appraisal has consequences; a withdrawn one has none
        consequences.record(session, definition, appraisal, on)
    session.add(appraisal)
    enqueue_for_transition(session, appraisal, row.action, on, at)


def opened_by_events(definition: Methodology, appraisal: Appraisal, events: list[str]) -> list[str]:
    """The deadlines of this appraisal's kind that recording `events` opens (e.g. typical2023
    п.23: the plan approved opens HR's 5 working days to place it in the system)."""
    steps = [step for name in events for step in definition.events[name].opens]
    return [step for step in steps if appraisal.kind in definition.deadlines[step].kinds]


def audit(
    session: Session,
    appraisal: Appraisal,
    actor_id: int | None,
    role: str,
    action: str,
    from_state: str | None,
    to_state: str,
    data: dict[str, Any],
    at: datetime,
    reason: str | None = None,
) -> None:
    assert appraisal.id is not None
    session.add(
        AuditEvent(
            appraisal_id=appraisal.id,
            at=at,
            actor_id=actor_id,
            actor_role=role,
            action=action,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data,
        )
    )


def allowed(session: Session, appraisal: Appraisal, person: Servant) -> list[TransitionDef]:
    """What this person may do now on this appraisal: one lookup in the workflow table."""
    return allowed_for(roles_of(session, person, appraisal), appraisal)


def allowed_for(roles: set[str], appraisal: OnAppraisal) -> list[TransitionDef]:
    """The workflow table's rows open now to someone holding `roles` on this appraisal."""
    rows = machines.transitions_from(appraisal.methodology, as_kind(appraisal.kind), appraisal.state)
    return [row for row in rows if roles & set(row.roles)]


def history(session: Session, appraisal_id: int) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.appraisal_id == appraisal_id).order_by(col(AuditEvent.id))
    return list(session.exec(query))


# --- the checks, in the order a person would want to hear them -------------------------


def _get(session: Session, table: Any, key: int, field: str) -> Any:
    row = session.get(table, key)
    if row is None:
        raise InvalidInput("not_found", field=field, value=key, rule="docs/lifecycle.md")
    return row


def _row(session: Session, definition: Methodology, appraisal: Appraisal, actor: Servant, action: str) -> tuple[TransitionDef, str]:
    """The workflow row for this action now, and the role the actor takes it in."""
    rows = machines.transitions_from(definition.id, as_kind(appraisal.kind), appraisal.state)
    instead = [r.label for r in allowed(session, appraisal, actor)]
    match = next((r for r in rows if r.action == action), None)
    if match is None:
        state = definition.flow(as_kind(appraisal.kind)).states[appraisal.state].label
        raise Refused("not_now", field="action", value=action, rule="docs/lifecycle.md", instead=instead, state=state)
    roles = roles_of(session, actor, appraisal)
    if not roles & set(match.roles):
        raise _refused(
            "not_your_role", "action", action, match.paragraph, definition, instead, roles=", ".join(match.roles), yours=", ".join(sorted(roles)) or "—"
        )
    return match, next(role for role in match.roles if role in roles)


def _check_window(session: Session, definition: Methodology, appraisal: Appraisal, row: TransitionDef, on: date) -> None:
    """`within`: no later than the step's due day; `after`: only once it has passed."""
    for step, late in ((row.within, True), (row.after, False)):
        if step is None:
            continue
        due = timeline.open_due(session, appraisal, step)
        if due is None:
            continue
        rule = definition.deadlines[step].paragraph
        if late and on > due:
            raise _refused("too_late", "date", on.isoformat(), rule, definition, [], due=due.isoformat())
        if not late and on <= due:
            raise _refused("too_early", "date", on.isoformat(), rule, definition, [], due=due.isoformat())


# Handlers that add to a tally and leave the appraisal as it is (a 360 answer, п.34): many
# respondents answer at once, and none of them should be told the appraisal changed.
TALLIES = frozenset({"survey_answer"})


def _hold(session: Session, definition: Methodology, appraisal: Appraisal, actor: Servant, action: str) -> tuple[TransitionDef, str]:
    """Lock the appraisal's row instead of claiming its version: answers queue up behind each
    other (and behind a closing of the survey), then the action is checked again on the
    state as it is now, so a refusal tells the truth."""
    session.refresh(appraisal, with_for_update=True)
    return _row(session, definition, appraisal, actor, action)


def claim(session: Session, appraisal: Appraisal, expected: int | None) -> None:
    """Optimistic version check: bump the version only if nobody else has."""
    version = appraisal.version if expected is None else expected
    claimed = session.execute(update(Appraisal).where(col(Appraisal.id) == appraisal.id, col(Appraisal.version) == version).values(version=version + 1))
    if rowcount(claimed) != 1:
        session.rollback()
        current = session.get(Appraisal, appraisal.id)
        raise _conflict(version, current.version if current else "—")
    appraisal.version = version + 1


def _conflict(expected: int, actual: Any) -> Conflict:
    return Conflict("conflict", field="version", value=expected, rule="docs/lifecycle.md", expected=expected, actual=actual)


def _refused(code: str, field: str, value: Any, rule: str, definition: Methodology, instead: list[Text], **params: Any) -> Refused:
    return Refused(code, field=field, value=value, rule=rule, source=definition.id, instead=instead, **params)


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), ALMATY)

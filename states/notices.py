"""Notices of the lifecycle: what a person must know after an action, recorded in the outbox
inside the action's own transaction (so a refused or rolled-back action tells nobody).

Who is told what is a rule of the workflow, kept as data (methodology/data/notices.yaml,
shape in methodology/notices.py); this module applies an entry to one appraisal: the
recipients of its role (states/people.py), the deadline it is about, the action now
expected of the recipient. Two more sources use the same table: a cycle's opening (`open`,
which creates its appraisals in bulk, without a transition) and the 360 respondents'
reminder (`remind`); the delivery use case announces both (`announce_openings`, `remind`).
The weekly compliance report goes to each state body's head of HR as a notice about the
body (`report_weekly`). Keys and the insert: states/outbox.py. Every function takes the
moment it stamps (`at`) from its caller: a simulated year records simulated times.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import exists
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from methodology import loader
from methodology.deadlines import due_of
from methodology.notices import Entry, table
from methodology.schema import Methodology
from methodology.workdays import WorkCalendar, default_calendar
from models import Appraisal, Consequence, Cycle, Deadline, Notice
from models.db import transaction
from states import machines, outbox
from states.timeline import events_of, period_of
from states.people import People, offices_of

OPEN, REMIND, REPORT = "open", "remind", "report"
REPORT_KIND = "compliance_report"
# Long enough for a scheduler that was down a few days (states/scheduling.py GRACE).
ANNOUNCE_WITHIN = timedelta(days=45)


def enqueue_for_transition(session: Session, appraisal: Appraisal, action: str, on: date, at: datetime) -> int:
    """Record the notices `action` owes (the appraisal already in its new state), stamped
    `at`; how many were new. Called at the end of states.service.apply, inside the action's
    transaction."""
    rows = _rows(session, appraisal, action, on, on, at, People(session), _dues(session, [appraisal]))
    return len(outbox.record(session, rows))


def announce_openings(engine: Engine, today: date, at: datetime, *, batch: int = 1000) -> int:
    """The `open` notices of appraisals created by cycles opened lately and still where they
    started (an appraisal acted on meanwhile needs no "please start"), once each."""
    recorded, after = 0, 0
    announced = exists().where(col(Notice.appraisal_id) == Appraisal.id, col(Notice.event) == OPEN)
    while True:
        with transaction(engine) as session:
            query = (
                select(Appraisal, col(Cycle.opened_on))
                .join(Cycle, col(Cycle.id) == Appraisal.cycle_id)
                .where(
                    col(Cycle.opened_on) >= today - ANNOUNCE_WITHIN,
                    col(Cycle.opened_on) <= today,
                    col(Appraisal.id) > after,
                    Appraisal.participation == "full",
                    ~announced,
                )
                .order_by(col(Appraisal.id))
                .limit(batch)
            )
            found = list(session.exec(query))
            if not found:
                return recorded
            people, rows, dues = People(session), [], _dues(session, [appraisal for appraisal, _ in found])
            people.read(person for appraisal, _ in found for person in (appraisal.servant_id, appraisal.assessor_id))
            for appraisal, opened_on in found:
                if appraisal.state == _initial(appraisal.methodology, appraisal.kind):
                    rows += _rows(session, appraisal, OPEN, opened_on, opened_on, at, people, dues)
            recorded += len(outbox.record(session, rows))
            after = found[-1][0].id or after  # read rows have ids; `or` keeps the type an int


def report_weekly(engine: Engine, day: date, at: datetime) -> int:
    """Record the compliance report of `day` for the head of HR of each state body that runs
    appraisals (states/people.py: an HR officer where no head is named), once per body and
    day. With nobody in HR the notice has no recipient and delivery dead-letters it, for the
    operator to see."""
    with transaction(engine) as session:
        bodies = sorted(session.exec(select(Cycle.state_body_id).distinct()))
        rows = []
        for body, offices in offices_of(session, bodies).items():
            head = offices.head_of_hr
            rows.append(
                {
                    "key": outbox.body_key(body, REPORT, REPORT_KIND, head, day),
                    "appraisal_id": None,
                    "state_body_id": body,
                    "recipient_id": head,
                    "kind": REPORT_KIND,
                    "level": 0,
                    "step": "",
                    "due": day,
                    "created_at": at,
                    "status": "pending",
                    "attempts": 0,
                    "event": REPORT,
                    "task": None,
                    "delivered": "",
                }
            )
        return len(outbox.record(session, rows))


def remind(engine: Engine, today: date, at: datetime, calendar: WorkCalendar | None = None) -> int:
    """The `remind` notices whose step's reminder day has come (the escalation's
    reminder_lead working days before it), once per step's due day and recipient."""
    calendar = calendar or default_calendar()
    steps = {entry.step[0] for actions in table().transitions.values() for entry in actions.get(REMIND, []) if entry.step}
    with transaction(engine) as session:
        query = (
            select(Appraisal, col(Deadline.due))
            .join(Deadline, col(Deadline.appraisal_id) == Appraisal.id)
            .where(col(Deadline.step).in_(steps), Deadline.status == "open", col(Deadline.due) >= today)
        )
        people, rows = People(session), []
        for appraisal, due in list(session.exec(query)):
            ladder = loader.load(appraisal.methodology).escalation
            if ladder and calendar.add_working_days(due, -ladder.reminder_lead) <= today:
                rows += _rows(session, appraisal, REMIND, today, due, at, people, _dues(session, [appraisal]))
        return len(outbox.record(session, rows))


@cache
def _initial(methodology: str, kind: str) -> str:
    return loader.load(methodology).flow(kind).initial  # type: ignore[arg-type]  # Appraisal.kind is a str column; the definition takes the same names as a Literal


def _dues(session: Session, appraisals: list[Appraisal]) -> dict[int, dict[str, date]]:
    """The due day of each step of each appraisal, its open row first (one query for a batch)."""
    ids = [appraisal.id for appraisal in appraisals]
    query = select(Deadline.appraisal_id, Deadline.step, Deadline.due, Deadline.status).where(col(Deadline.appraisal_id).in_(ids))
    dues: dict[int, dict[str, date]] = {}
    for appraisal_id, step, due, status in sorted(session.exec(query), key=lambda row: row[3] == "open"):
        dues.setdefault(appraisal_id, {})[step] = due  # the open row, sorted last, wins
    return dues


def _due(definition: Methodology, appraisal: Appraisal, step: str, on: date, dues: dict[int, dict[str, date]]) -> date:
    """The deadline a notice about `step` is about: the step's row as it stands, else its rule
    applied to the events so far; a notice about no step (or a step with no day yet) is due
    on the day of its action."""
    if not step:
        return on
    row = dues.get(appraisal.id or 0, {}).get(step)
    if row is not None:
        return row
    return due_of(definition, step, period_of(definition, appraisal), events_of(appraisal), default_calendar()).due or on


def _rows(
    session: Session, appraisal: Appraisal, action: str, on: date, stamp: date, at: datetime, people: People,
    dues: dict[int, dict[str, date]],
) -> list[dict[str, Any]]:
    """The notices `action` owes on `on`; `stamp` is the day in their keys (once per it, so
    the keys stay what they always were), `due` the deadline each is about (`dues`)."""
    definition = loader.load(appraisal.methodology)
    assert appraisal.id is not None
    rows = []
    for entry in table().entries(appraisal.kind, action):
        resolved = _resolve(session, definition, appraisal, entry)
        if resolved is None:
            continue
        step, task = resolved
        for recipient in people.recipients(appraisal, entry.to, on):
            rows.append(
                {
                    "key": outbox.action_key(appraisal.id, action, entry.notice, recipient, stamp),
                    "appraisal_id": appraisal.id,
                    "recipient_id": recipient,
                    "kind": entry.notice,
                    "level": 0,
                    "step": step,
                    "due": _due(definition, appraisal, step, on, dues),
                    "created_at": at,
                    "status": "pending",
                    "attempts": 0,
                    "event": action,
                    "task": task,
                    "delivered": "",
                }
            )
    return rows


def _resolve(session: Session, definition: Methodology, appraisal: Appraisal, entry: Entry) -> tuple[str, str | None] | None:
    """The entry's step ("" for none) and task for this appraisal now; None: it does not apply."""
    if entry.state is not None and appraisal.state != entry.state:
        return None
    step = next((s for s in entry.step if s in definition.deadlines and appraisal.kind in definition.deadlines[s].kinds), None)
    if entry.step and step is None:
        return None
    possible = set(machines.machine(definition.id, appraisal.kind).get_triggers(appraisal.state))
    task = next((t for t in entry.task if t in possible), None)
    if entry.task and task is None:
        return None
    if entry.consequence and not _entails(session, appraisal, entry.consequence):
        return None
    return step or "", task


def _entails(session: Session, appraisal: Appraisal, kinds: list[str]) -> bool:
    query = select(Consequence.id).where(Consequence.appraisal_id == appraisal.id, col(Consequence.kind).in_(kinds))
    return session.exec(query).first() is not None

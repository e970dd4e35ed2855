"""Notices of the lifecycle: what a person must know after an action, recorded in the outbox
inside the action's own transaction (so a refused or rolled-back action tells nobody).

Who is told what is a rule of the workflow, kept as data (methodology/data/notices.yaml,
shape in methodology/notices.py); this module applies an entry to one appraisal: the
recipients of its role (states/people.py), the deadline it is about, the action now
expected of the recipient. Two more sources use the same table: a cycle's opening (`open`,
which creates its appraisals in bulk, without a transition, and is announced in bulk: the
same rules as SQL, one INSERT … SELECT) and the 360 respondents' reminder (`remind`); the delivery use case announces both (`announce_openings`, `remind`).
The weekly compliance report goes to each state body's head of HR as a notice about the
body (`report_weekly`). Keys and the insert: states/outbox.py. Every function takes the
moment it stamps (`at`) from its caller: a simulated year records simulated times.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, String, and_, case, cast, exists, func, literal, or_, union_all
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from methodology import loader
from methodology.deadlines import Period, due_of
from methodology.notices import Entry, table
from methodology.schema import Methodology, as_kind
from methodology.workdays import WorkCalendar, default_calendar
from models import Appraisal, Consequence, Cycle, Deadline, Notice, Servant
from models.db import insert_ignoring, table_of, transaction
from states import machines, outbox
from states.people import People, offices_of
from states.timeline import events_of, period_of

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


def announce_openings(engine: Engine, today: date, at: datetime) -> int:
    """The `open` notices of appraisals created by cycles opened lately and still where they
    started (an appraisal acted on meanwhile needs no "please start"), once each.

    Written inside the database like the opening itself: one INSERT … SELECT of every
    entry of the table for every methodology and kind opened, a SELECT per entry joined in
    one statement (so "not announced yet" is judged before any of it is written), with the
    keys, recipients and columns that `_rows` gives an appraisal one at a time."""
    with transaction(engine) as session:
        opened = (
            select(Appraisal.methodology, Appraisal.kind, Cycle.period)
            .distinct()
            .join(Cycle, col(Cycle.id) == Appraisal.cycle_id)
            .where(col(Cycle.opened_on) >= today - ANNOUNCE_WITHIN, col(Cycle.opened_on) <= today)
        )
        periods: dict[tuple[str, str], list[str]] = {}
        for methodology, kind, period in sorted(session.exec(opened)):
            periods.setdefault((methodology, kind), []).append(period)
        selects = [
            query
            for (methodology, kind), held in periods.items()
            for entry in table().entries(kind, OPEN)
            if (query := _announcement(loader.load(methodology), kind, held, entry, today, at)) is not None
        ]
        if not selects:
            return 0
        columns = ["key", "appraisal_id", "recipient_id", "kind", "level", "step", "due", "created_at", "status", "attempts", "event", "task", "delivered"]
        rows = union_all(*selects) if len(selects) > 1 else selects[0]
        statement = insert_ignoring(session, Notice, "key").from_select(columns, rows).returning(col(Notice.id))
        return len(session.connection().execute(statement).all())


def _announcement(definition: Methodology, kind: str, periods: list[str], entry: Entry, today: date, at: datetime) -> Select[Any] | None:
    """The rows of one entry of the table for one methodology and kind, as a SELECT; None
    where the entry does not apply to an appraisal in its initial state."""
    initial = _initial(definition.id, kind)
    resolved = _applies(definition, kind, initial, entry)
    if resolved is None:
        return None
    step, task = resolved
    servant, recipient = aliased(Servant), aliased(Servant)
    announced = exists().where(col(Notice.appraisal_id) == Appraisal.id, col(Notice.event) == OPEN)
    key = (
        literal("a")
        + cast(Appraisal.id, String)
        + literal(f":{OPEN}:{entry.notice}:")
        + cast(recipient.id, String)
        + literal(":")
        + cast(Cycle.opened_on, String)
    )
    created = literal(at, table_of(Notice).c.created_at.type)
    query = (
        sa_select(
            key,
            col(Appraisal.id),
            col(recipient.id),
            literal(entry.notice),
            literal(0),
            literal(step),
            _due_column(definition, kind, periods, step),
            created,
            literal("pending"),
            literal(0),
            literal(OPEN),
            literal(task, String),
            literal(""),
        )
        .join(Cycle, col(Cycle.id) == Appraisal.cycle_id)
        .join(servant, col(servant.id) == Appraisal.servant_id)
        .join(recipient, col(recipient.id) == _holder(entry.to, servant))
        .where(
            col(Cycle.opened_on) >= today - ANNOUNCE_WITHIN,
            col(Cycle.opened_on) <= today,
            col(Appraisal.methodology) == definition.id,
            col(Appraisal.kind) == kind,
            col(Appraisal.state) == initial,
            col(Appraisal.participation) == "full",
            ~announced,
            or_(col(recipient.dismissed_on).is_(None), col(recipient.dismissed_on) > Cycle.opened_on),
        )
    )
    if entry.consequence:
        query = query.where(exists().where(col(Consequence.appraisal_id) == Appraisal.id, col(Consequence.kind).in_(entry.consequence)))
    return query


def _due_column(definition: Methodology, kind: str, periods: list[str], step: str) -> Any:
    """A notice's due day, as `_due` stores it one at a time: the deadline of the step it is
    about (its row, the open one first), else the step's rule for the cycle's period, else
    the day the cycle opened."""
    if not step:
        return Cycle.opened_on
    rules = definition.rules(as_kind(kind))
    assert rules is not None, kind  # a kind with a cycle to announce has its rules
    granularity = rules.period
    by_rule = {p: due_of(definition, step, Period.parse(p, granularity), {}, default_calendar()).due for p in periods}
    known = {p: day for p, day in by_rule.items() if day is not None}
    fallback = case(known, value=Cycle.period, else_=Cycle.opened_on) if known else Cycle.opened_on

    def of(*more: Any) -> Any:
        rows = select(func.min(Deadline.due)).where(col(Deadline.appraisal_id) == Appraisal.id, col(Deadline.step) == step, *more)
        return rows.scalar_subquery()

    return func.coalesce(of(col(Deadline.status) == "open"), of(), fallback)


def _holder(role: str, servant: Any) -> Any:
    """The column of who holds `role` on an appraisal of `servant` (an alias of Servant), as
    states/people.py Offices names them: HR is the head of HR, else the HR officer of the
    lowest id, of the servant's body, and never the servant (Offices.hr_for): the head of
    HR's own appraisal goes to the appointing official, an HR officer's own to another one."""

    def lowest(*flags: Any) -> Any:
        return select(func.min(Servant.id)).where(Servant.state_body_id == servant.state_body_id, *flags).scalar_subquery()

    def hr() -> Any:
        official = lowest(col(Servant.is_appointing_official))
        other = Servant.id != servant.id
        others = func.coalesce(lowest(col(Servant.is_head_of_hr), other), lowest(or_(col(Servant.is_hr), col(Servant.is_head_of_hr)), other))
        own_head = and_(servant.id == lowest(col(Servant.is_head_of_hr)), official.is_not(None), official != servant.id)
        return case((own_head, official), else_=others)

    holders = {
        "servant": lambda: Appraisal.servant_id,
        "direct_manager": lambda: Appraisal.assessor_id,
        "hr": hr,
        "head_of_hr": hr,
        "appointing_official": lambda: lowest(col(Servant.is_appointing_official)),
    }
    if role not in holders:
        raise ValueError(f"notices.yaml: an `{OPEN}` notice goes to {role!r}, whom an opening cannot name in bulk (one of {sorted(holders)})")
    return holders[role]()


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
    return loader.load(methodology).flow(as_kind(kind)).initial


def _dues(session: Session, appraisals: list[Appraisal]) -> dict[int, dict[str, date]]:
    """The due day of each step of each appraisal, its open row first (one query for a batch)."""
    ids = [appraisal.id for appraisal in appraisals]
    query = select(col(Deadline.appraisal_id), col(Deadline.step), col(Deadline.due), col(Deadline.status)).where(col(Deadline.appraisal_id).in_(ids))
    dues: dict[int, dict[str, date]] = {}
    for appraisal_id, step, due, _status in sorted(session.exec(query), key=lambda row: row[3] == "open"):
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
    session: Session,
    appraisal: Appraisal,
    action: str,
    on: date,
    stamp: date,
    at: datetime,
    people: People,
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
    resolved = _applies(definition, appraisal.kind, appraisal.state, entry)
    if resolved is None or (entry.consequence and not _entails(session, appraisal, entry.consequence)):
        return None
    return resolved


def _applies(definition: Methodology, kind: str, state: str, entry: Entry) -> tuple[str, str | None] | None:
    """The entry's step and task for an appraisal of `kind` in `state`, its consequences
    aside (the opening's announcement asks this once for all its appraisals)."""
    if entry.state is not None and state != entry.state:
        return None
    step = next((s for s in entry.step if s in definition.deadlines and kind in definition.deadlines[s].kinds), None)
    if entry.step and step is None:
        return None
    possible = set(machines.machine(definition.id, kind).get_triggers(state))
    task = next((t for t in entry.task if t in possible), None)
    if entry.task and task is None:
        return None
    return step or "", task


def _entails(session: Session, appraisal: Appraisal, kinds: list[str]) -> bool:
    query = select(Consequence.id).where(Consequence.appraisal_id == appraisal.id, col(Consequence.kind).in_(kinds))
    return session.exec(query).first() is not None

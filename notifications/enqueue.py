"""Notices of the lifecycle: what a person must know after an action, recorded in the outbox
inside the action's own transaction (so a refused or rolled-back action tells nobody).

Who is told what is data (templates/notices.yaml); this module resolves an entry for one
appraisal: the recipient of its role, the deadline it is about, the action now expected of
the recipient. Two more sources use the same table: a cycle's opening (`open`, which creates
its appraisals in bulk, without a transition) and the 360 respondents' reminder (`remind`);
the delivery flow announces both (`announce_openings`, `remind`). A key names the appraisal,
action, kind, recipient and day, so recording a notice twice is a no-op. The weekly
compliance report goes to each state body's head of HR as a notice about the body
(`report_weekly`), keyed by body, recipient and day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Iterable, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import exists
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from methodology import loader
from methodology.schema import Methodology
from methodology.workdays import ALMATY, WorkCalendar, default_calendar
from models import (
    Appraisal,
    CalibrationParticipant,
    CalibrationSession,
    Consequence,
    Cycle,
    Deadline,
    Notice,
    Servant,
    SurveyInvitation,
)
from models.db import transaction
from states import machines
from states.timeline import Offices

TABLE = Path(__file__).with_name("templates") / "notices.yaml"  # packaged with the templates
EVERY_KIND = "*"
OPEN, REMIND, REPORT = "open", "remind", "report"
REPORT_KIND = "compliance_report"
# Long enough for a scheduler that was down a few days (states/scheduling.py GRACE).
ANNOUNCE_WITHIN = timedelta(days=45)

Recipient = Literal["servant", "direct_manager", "hr", "head_of_hr", "appointing_official", "calibration", "respondents"]


class Entry(BaseModel):
    """One line of the table: a notice, its recipient, and when it applies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    notice: str = Field(max_length=20, pattern=r"^[a-z_]+$")
    to: Recipient
    step: list[str] = []
    task: list[str] = []
    state: str | None = None
    consequence: list[str] = []

    @field_validator("step", "task", "consequence", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    transitions: dict[str, dict[str, list[Entry]]]
    labels: dict[str, dict[str, dict[str, str]]]

    def entries(self, kind: str, action: str) -> list[Entry]:
        own = self.transitions.get(kind, {})
        return own[action] if action in own else self.transitions.get(EVERY_KIND, {}).get(action, [])

    def notice_kinds(self) -> set[str]:
        return {entry.notice for actions in self.transitions.values() for entries in actions.values() for entry in entries}


@cache
def table() -> Table:
    return Table.model_validate(yaml.safe_load(TABLE.read_text("utf-8")))


def enqueue_for_transition(session: Session, appraisal: Appraisal, action: str, on: date) -> int:
    """Record the notices `action` owes (the appraisal already in its new state); how many
    were new. Called at the end of states.service.apply, inside the action's transaction."""
    return _insert(session, _rows(session, appraisal, action, on, on, _People(session)))


def announce_openings(engine: Engine, today: date, *, batch: int = 1000) -> int:
    """The `open` notices of appraisals created by cycles opened lately and still where they
    started (an appraisal acted on meanwhile needs no "please start"), once each."""
    recorded, after = 0, 0
    announced = exists().where(Notice.appraisal_id == Appraisal.id, Notice.event == OPEN)
    while True:
        with transaction(engine) as session:
            query = (
                select(Appraisal, Cycle.opened_on)
                .join(Cycle, Cycle.id == Appraisal.cycle_id)
                .where(
                    Cycle.opened_on >= today - ANNOUNCE_WITHIN, Cycle.opened_on <= today, Appraisal.id > after,  # type: ignore[operator]
                    Appraisal.participation == "full", ~announced,
                )
                .order_by(Appraisal.id)  # type: ignore[arg-type]
                .limit(batch)
            )
            found = list(session.exec(query))
            if not found:
                return recorded
            people, rows = _People(session), []
            people.read(person for appraisal, _ in found for person in (appraisal.servant_id, appraisal.assessor_id))
            for appraisal, opened_on in found:
                if appraisal.state == _initial(appraisal.methodology, appraisal.kind):
                    rows += _rows(session, appraisal, OPEN, opened_on, opened_on, people)
            recorded += _insert(session, rows)
            after = found[-1][0].id


def report_weekly(engine: Engine, day: date) -> int:
    """Record the compliance report of `day` for the head of HR of each state body that runs
    appraisals (an HR officer where no head is named), once per body and day. With nobody in
    HR the notice has no recipient and delivery dead-letters it, for the operator to see."""
    now = datetime.now(ALMATY)
    with transaction(engine) as session:
        rows = []
        for body in sorted(session.exec(select(Cycle.state_body_id).distinct())):
            head = Offices.of(session, body).head_of_hr
            rows.append({
                "key": f"b{body}:{REPORT}:{REPORT_KIND}:{head or 0}:{day.isoformat()}", "appraisal_id": None,
                "state_body_id": body, "recipient_id": head, "kind": REPORT_KIND, "level": 0, "step": "", "due": day,
                "created_at": now, "status": "pending", "attempts": 0, "event": REPORT, "task": None, "delivered": "",
            })
        return _insert(session, rows)


def remind(engine: Engine, today: date, calendar: WorkCalendar | None = None) -> int:
    """The `remind` notices whose step's reminder day has come (the escalation's
    reminder_lead working days before it), once per step's due day and recipient."""
    calendar = calendar or default_calendar()
    steps = {entry.step[0] for actions in table().transitions.values() for entry in actions.get(REMIND, []) if entry.step}
    with transaction(engine) as session:
        query = (
            select(Appraisal, Deadline.due)
            .join(Deadline, Deadline.appraisal_id == Appraisal.id)
            .where(Deadline.step.in_(steps), Deadline.status == "open", Deadline.due >= today)  # type: ignore[attr-defined]
        )
        people, rows = _People(session), []
        for appraisal, due in list(session.exec(query)):
            ladder = loader.load(appraisal.methodology).escalation
            if ladder and calendar.add_working_days(due, -ladder.reminder_lead) <= today:
                rows += _rows(session, appraisal, REMIND, today, due, people)
        return _insert(session, rows)


@cache
def _initial(methodology: str, kind: str) -> str:
    return loader.load(methodology).flow(kind).initial  # type: ignore[arg-type]


def _rows(session: Session, appraisal: Appraisal, action: str, on: date, stamp: date, people: _People) -> list[dict[str, Any]]:
    """The notices `action` owes now; `stamp` is the day in their keys (once per it)."""
    definition = loader.load(appraisal.methodology)
    now = datetime.now(ALMATY)
    rows = []
    for entry in table().entries(appraisal.kind, action):
        resolved = _resolve(session, definition, appraisal, entry)
        if resolved is None:
            continue
        step, task = resolved
        for recipient in people.of(appraisal, entry.to, on):
            rows.append({
                "key": key(appraisal.id, action, entry.notice, recipient, stamp),  # type: ignore[arg-type]
                "appraisal_id": appraisal.id, "recipient_id": recipient, "kind": entry.notice, "level": 0,
                "step": step, "due": on, "created_at": now, "status": "pending", "attempts": 0,
                "event": action, "task": task, "delivered": "",
            })
    return rows


def key(appraisal_id: int, action: str, kind: str, recipient: int, day: date) -> str:
    made = f"a{appraisal_id}:{action}:{kind}:{recipient}:{day.isoformat()}"
    assert len(made) <= 80, made  # Notice.key
    return made


def _resolve(session: Session, definition: Methodology, appraisal: Appraisal, entry: Entry) -> tuple[str, str | None] | None:
    """The entry's step ("" for none) and task for this appraisal now; None: it does not apply."""
    if entry.state is not None and appraisal.state != entry.state:
        return None
    step = next((s for s in entry.step if s in definition.deadlines and appraisal.kind in definition.deadlines[s].kinds), None)
    if entry.step and step is None:
        return None
    possible = set(machines.machine(definition.id, appraisal.kind).get_triggers(appraisal.state))  # type: ignore[arg-type]
    task = next((t for t in entry.task if t in possible), None)
    if entry.task and task is None:
        return None
    if entry.consequence and not _entails(session, appraisal, entry.consequence):
        return None
    return step or "", task


def _entails(session: Session, appraisal: Appraisal, kinds: list[str]) -> bool:
    query = select(Consequence.id).where(Consequence.appraisal_id == appraisal.id, Consequence.kind.in_(kinds))  # type: ignore[attr-defined]
    return session.exec(query).first() is not None


@dataclass
class _People:
    """Who holds each recipient role on an appraisal, with each body's offices looked up once."""

    session: Session
    offices: dict[int, Offices] = field(default_factory=dict)
    # Held here: the session keeps the rows it read only as long as someone else does.
    known: dict[int, Servant | None] = field(default_factory=dict)

    def read(self, ids: Iterable[int | None]) -> None:
        """Read these people by one query (a batch's servants and assessors, say)."""
        wanted = sorted({i for i in ids if i is not None and i not in self.known})
        if wanted:
            self.known.update((p.id, p) for p in self.session.exec(select(Servant).where(Servant.id.in_(wanted))))  # type: ignore[attr-defined, misc]

    def of(self, appraisal: Appraisal, role: Recipient, on: date) -> list[int]:
        """The holders, without the dismissed (each person is read once)."""
        people = [self.person(person) for person in dict.fromkeys(self._holders(appraisal, role))]
        return [p.id for p in people if p is not None and (p.dismissed_on is None or p.dismissed_on > on)]  # type: ignore[misc]

    def person(self, person_id: int) -> Servant | None:
        if person_id not in self.known:
            self.known[person_id] = self.session.get(Servant, person_id)
        return self.known[person_id]

    def _holders(self, appraisal: Appraisal, role: Recipient) -> list[int]:
        if role == "servant":
            return [appraisal.servant_id]
        if role == "direct_manager":
            return [appraisal.assessor_id] if appraisal.assessor_id else []
        if role == "calibration":
            latest = select(CalibrationSession.id).where(CalibrationSession.appraisal_id == appraisal.id).order_by(CalibrationSession.id.desc()).limit(1)  # type: ignore[union-attr]
            return list(self.session.exec(select(CalibrationParticipant.servant_id).where(CalibrationParticipant.session_id.in_(latest.scalar_subquery()))))  # type: ignore[attr-defined]
        if role == "respondents":
            query = select(SurveyInvitation.respondent_id).where(
                SurveyInvitation.appraisal_id == appraisal.id, SurveyInvitation.answered == False  # noqa: E712
            ).order_by(SurveyInvitation.id)  # type: ignore[arg-type]
            return list(self.session.exec(query))
        holder = self._offices(appraisal).holder(role, appraisal.servant_id, appraisal.assessor_id)
        return [holder] if holder else []

    def _offices(self, appraisal: Appraisal) -> Offices:
        servant = self.person(appraisal.servant_id)
        assert servant is not None
        body = servant.state_body_id
        if body not in self.offices:
            self.offices[body] = Offices.of(self.session, body)
        return self.offices[body]


def _insert(session: Session, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # Core, not the ORM's bulk insert: the ORM sends a row at a time once conflicts may skip
    # rows; Core batches many rows per statement and returns the ids of those written.
    table = Notice.__table__  # type: ignore[attr-defined]
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)
    return len(session.connection().execute(statement, rows).all())

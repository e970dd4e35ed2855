"""The tamper-evident audit trail: every event chained by hash to its body's previous one.

Events are written where they happen (a transition, a cycle's opening, a purge, a hold);
this module seals them in the same transaction, just before it commits: each event the
transaction wrote, body by body in id order, gets `hash = sha256(previous hash, what the
event says)`, and the body's chain head (`audit_chain`) moves to it. Only the events the
transaction wrote: the ORM's are noted as they are flushed, a bulk INSERT … SELECT goes
through `insert_events`, which notes the ids it returns. A row put in by hand with no hash
stays unsealed, so `verify` keeps naming it after every later write of its body. The head's row is locked while sealing
(FOR UPDATE on PostgreSQL; SQLite has a single writer), so two transactions of one body
chain one after the other, never onto the same predecessor.

`verify` walks each body's chain and names the first event that was altered (its hash no
longer matches what it says), inserted (never sealed, or chained onto the wrong
predecessor) or deleted (the next event's predecessor is missing; the head points past the
last). Retention blanks an event's data and reason; the data's digest, sealed with the
event, still vouches for what it was.

The operator (who really typed the command, beside the person acted for) is taken from
`OPERATOR` when an event is sealed without one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import bindparam, event, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from models import Appraisal, AuditChain, AuditEvent, Cycle, PastResult, Servant, StateBody
from models.db import transaction

OPERATOR: ContextVar[str | None] = ContextVar("bagalau_operator", default=None)
_CHUNK = 5000  # ids per statement: under SQLite's and PostgreSQL's limits of parameters
_COLUMNS: tuple[Any, ...] = (
    AuditEvent.id,
    AuditEvent.appraisal_id,
    AuditEvent.past_result_id,
    AuditEvent.at,
    AuditEvent.actor_id,
    AuditEvent.actor_role,
    AuditEvent.operator,
    AuditEvent.action,
    AuditEvent.from_state,
    AuditEvent.to_state,
    AuditEvent.reason,
    AuditEvent.data,
    AuditEvent.data_digest,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


@dataclass(frozen=True)
class Finding:
    """The first break of a body's chain."""

    body: str
    event_id: int
    problem: str  # altered, inserted, deleted


def data_digest(data: Any, reason: str | None) -> str:
    return _sha(json.dumps([data, reason], sort_keys=True, ensure_ascii=False, default=str))


def event_hash(prev: str, row: dict[str, Any], digest: str) -> str:
    """The hash of an event: its predecessor's hash and every field but the data itself
    (an event about a past result adds its id, so the trail sealed before them verifies)."""
    fields = [
        prev,
        row["id"],
        row["appraisal_id"],
        _moment(row["at"]),
        row["actor_id"],
        row["actor_role"],
        row["operator"],
        row["action"],
        row["from_state"],
        row["to_state"],
        digest,
    ]
    if row.get("past_result_id") is not None:
        fields.append(row["past_result_id"])
    return _sha(json.dumps(fields, ensure_ascii=False))


def insert_events(session: Session, columns: list[str], rows: Select[Any]) -> None:
    """Write audit events by one INSERT … SELECT, noted to be sealed with the transaction."""
    inserted = session.connection().execute(insert(AuditEvent).from_select(columns, rows).returning(col(AuditEvent.id)))
    _written(session).update(id_ for (id_,) in inserted)


def seal(session: Session, ids: set[int]) -> None:
    """Seal the events `ids` (those this transaction wrote), body by body, in id order."""
    connection = session.connection()
    rows = [row for chunk in _chunks(sorted(ids)) for row in connection.execute(_unsealed(chunk))]
    rows.sort(key=lambda row: row.id)
    by_body: dict[int, list[Any]] = {}
    for row in rows:
        by_body.setdefault(row.state_body_id, []).append(row)
    operator = OPERATOR.get()
    for body_id, events in sorted(by_body.items()):  # in one order: two sealers never deadlock
        head = _lock_head(connection, body_id)
        prev, sealed = head.last_hash, []
        for row in events:
            fields = {**row._asdict(), "operator": row.operator or operator}
            digest = data_digest(row.data, row.reason)
            sealed.append({"key": row.id, "op": fields["operator"], "dd": digest, "ph": prev, "h": event_hash(prev, fields, digest)})
            prev = sealed[-1]["h"]
        connection.execute(
            update(AuditEvent)
            .where(col(AuditEvent.id) == bindparam("key"))
            .values(operator=bindparam("op"), data_digest=bindparam("dd"), prev_hash=bindparam("ph"), hash=bindparam("h"))
            .execution_options(synchronize_session=False),
            sealed,
        )
        connection.execute(update(AuditChain).where(col(AuditChain.state_body_id) == body_id).values(last_event_id=events[-1].id, last_hash=prev))


def verify(session: Session) -> list[Finding]:
    """The first break of every body's chain; empty when the whole trail verified."""
    connection = session.connection()
    findings = []
    heads = {h.state_body_id: h for h in connection.execute(select(AuditChain))}
    for body in connection.execute(select(col(StateBody.id), col(StateBody.code)).order_by(col(StateBody.id))):
        events = connection.execute(_of_body(body.id)).all()
        found = _first_break(events, heads.get(body.id))
        if found is not None:
            findings.append(Finding(body.code, *found))
    return findings


def trail_status(engine: Engine) -> dict[str, Any]:
    """What the compliance report states about the trail: verified, or its first breaks."""
    with transaction(engine) as session:
        findings = verify(session)
    return {"verified": not findings, "breaks": [vars(f) for f in findings]}


def _first_break(events: Sequence[Any], head: Any) -> tuple[int, str] | None:
    """Walk the chain from its start by each event's predecessor (not by id: two
    transactions of one body may take ids in one order and seal in the other)."""
    following: dict[str, list[Any]] = {}
    for row in events:
        if row.hash is not None:
            following.setdefault(row.prev_hash or "", []).append(row)
    prev, walked = "", set()
    while following.get(prev):
        row = following[prev][0]  # a second event on one predecessor is left over: inserted
        if event_hash(prev, row._asdict(), _digest_of(row)) != row.hash or _digest_of(row) != row.data_digest:
            return row.id, "altered"
        walked.add(row.id)
        prev = row.hash
    hashes = {row.hash for row in events}
    for row in events:  # in id order: the first left off the chain
        if row.id in walked:
            continue
        if row.hash is None or row.prev_hash in hashes or row.prev_hash == "":
            return row.id, "inserted"  # never sealed, or chained beside an event that is there
        return row.id, "deleted"  # its predecessor is gone
    if head is not None and head.last_hash != prev:
        return head.last_event_id, "deleted"  # the head names an event no longer there
    return None


def _digest_of(row: Any) -> str:
    """The data's digest; an event whose data retention blanked keeps the sealed one."""
    if row.data == {} and row.reason is None and row.purged_on is not None:
        return row.data_digest
    return data_digest(row.data, row.reason)


def _body() -> Any:
    """The state body of an event: its appraisal's cycle's, or its past result's servant's."""
    return func.coalesce(col(Cycle.state_body_id), col(Servant.state_body_id))


def _joined(query: Any) -> Any:
    return (
        query.outerjoin(Appraisal, col(Appraisal.id) == AuditEvent.appraisal_id)
        .outerjoin(Cycle, col(Cycle.id) == Appraisal.cycle_id)
        .outerjoin(PastResult, col(PastResult.id) == AuditEvent.past_result_id)
        .outerjoin(Servant, col(Servant.id) == PastResult.servant_id)
    )


def _unsealed(ids: list[int]) -> Any:
    query = _joined(select(*_COLUMNS, _body().label("state_body_id")))
    return query.where(col(AuditEvent.hash).is_(None), col(AuditEvent.id).in_(ids)).order_by(col(AuditEvent.id))


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    """The ids in lists short enough for one statement's parameters on either database."""
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _of_body(body_id: int) -> Any:
    query = _joined(select(*_COLUMNS, col(Appraisal.purged_on)))
    return query.where(_body() == body_id).order_by(col(AuditEvent.id))


def _lock_head(connection: Connection, body_id: int) -> Any:
    query = select(AuditChain).where(col(AuditChain.state_body_id) == body_id)
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert

        connection.execute(upsert(AuditChain).values(state_body_id=body_id, last_event_id=0, last_hash="").on_conflict_do_nothing())
        return connection.execute(query.with_for_update()).one()
    head = connection.execute(query).first()
    if head is None:
        connection.execute(insert(AuditChain).values(state_body_id=body_id, last_event_id=0, last_hash=""))
        head = connection.execute(query).one()
    return head


def _moment(at: datetime) -> str:
    # PostgreSQL hands the moment back in its session's zone, SQLite as it was written.
    return at.astimezone(timezone.utc).isoformat() if at.tzinfo else at.isoformat()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _written(session: Session) -> set[int]:
    """The ids of the audit events this session's transaction wrote, still to seal."""
    written: set[int] = session.info.setdefault("audit_written", set())
    return written


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context: Any) -> None:
    """Note the events the ORM just wrote (still in `new` here, with their ids)."""
    _written(session).update(e.id for e in session.new if isinstance(e, AuditEvent) and e.id is not None)


@event.listens_for(Session, "before_commit")
def _seal_before_commit(session: Session) -> None:
    """Seal in the very transaction that wrote the events, when it wrote any."""
    session.flush()
    ids = session.info.pop("audit_written", set())
    if ids:
        seal(session, ids)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    """A transaction rolled back forgets what it wrote (a savepoint's rows are simply not
    found when sealing)."""
    if transaction.parent is None:
        session.info.pop("audit_written", None)

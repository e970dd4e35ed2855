"""The tamper-evident audit trail: every event chained by hash to its body's previous one.

Events are written where they happen (a transition, a cycle's opening, a purge, a hold);
this module seals them in the same transaction: each event the transaction wrote, body by
body in id order, gets `hash = sha256(previous hash, what the event says)`, and the body's
chain head (`audit_chain`) moves to it. Only the events the transaction wrote: the ORM's
are noted as they are flushed and sealed just before the commit; a bulk write goes through
`insert_events`, which seals its events as it writes them (below). A row put in by hand
with no hash stays unsealed, so `verify` keeps naming it after every later write of its
body. The head's row is locked while sealing (FOR UPDATE on PostgreSQL; SQLite has a
single writer), so two transactions of one body chain one after the other, never onto the
same predecessor.

`verify` walks each body's chain and names the first event that was altered (its hash no
longer matches what it says), inserted (never sealed, or chained onto the wrong
predecessor) or deleted (the next event's predecessor is missing; the head points past the
last). Retention blanks an event's data and reason; the data's digest, sealed with the
event, still vouches for what it was.

Sealing is one pass over what the transaction wrote, whatever its size (an opening writes
a country's events at once): the events read by their range of ids, each distinct data
digested once, the hashes by one encoder, and every event's seal and every head written by
one statement (on PostgreSQL from arrays, on SQLite by the driver's executemany). A bulk
write is sealed before it is written: its rows are selected, take their ids (PostgreSQL's
sequence; after SQLite's highest, its one writer holding the database), are hashed onto
their bodies' locked heads and inserted once, whole, since an UPDATE after the INSERT
would write every row and its indexes a second time. What is hashed is unchanged, so a
trail sealed before verifies as it is.

The operator (who really typed the command, beside the person acted for) is taken from
`OPERATOR` when an event is sealed without one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import String, Text, cast, event, func, insert, null, select, type_coerce
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from models import Appraisal, AuditChain, AuditEvent, Cycle, PastResult, Servant, StateBody
from models.db import transaction

OPERATOR: ContextVar[str | None] = ContextVar("bagalau_operator", default=None)
# json.dumps(…, ensure_ascii=False) and json.dumps(…, sort_keys=True, ensure_ascii=False,
# default=str), the same text, without building an encoder for every call
_PLAIN = json.JSONEncoder(ensure_ascii=False).encode
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str).encode
# what a bulk write of events about appraisals gives each (`insert_events`), in this order
_BULK = ("appraisal_id", "at", "actor_id", "actor_role", "operator", "action", "from_state", "to_state", "reason", "data")
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
    return _sha(_CANONICAL([data, reason]))


def event_hash(prev: str, row: dict[str, Any], digest: str) -> str:
    """The hash of an event: its predecessor's hash and every field but the data itself
    (an event about a past result adds its id, so the trail sealed before them verifies)."""
    r = row
    return _hash_of(
        prev,
        r["id"],
        r["appraisal_id"],
        r["at"],
        r["actor_id"],
        r["actor_role"],
        r["operator"],
        r["action"],
        r["from_state"],
        r["to_state"],
        digest,
        r.get("past_result_id"),
    )


def _hash_of(
    prev: str,
    id: int,
    appraisal_id: int | None,
    at: datetime,
    actor_id: int | None,
    actor_role: str,
    operator: str | None,
    action: str,
    from_state: str | None,
    to_state: str,
    digest: str,
    past_result_id: int | None,
) -> str:
    fields = [prev, id, appraisal_id, _moment(at), actor_id, actor_role, operator, action, from_state, to_state, digest]
    if past_result_id is not None:
        fields.append(past_result_id)
    return _sha(_PLAIN(fields))


class _Digests:
    """The data's digests of one sealing, each worked out once: a bulk write's events mostly
    say the same (an opening's: the participation, the placement's reason)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str | None], str] = {}

    def of(self, data: str, reason: str | None) -> str:
        """`data` as the database holds it, JSON text."""
        key = (data, reason)
        if key not in self._known:
            self._known[key] = data_digest(json.loads(data), reason)
        return self._known[key]


def insert_events(session: Session, columns: list[str], rows: Select[Any]) -> None:
    """Write the audit events about appraisals that `rows` selects (`columns` naming what it
    selects), sealed as they are written: read with their bodies, given their ids, hashed
    onto their bodies' locked heads, then inserted once, whole. Sealing them by an UPDATE
    after an INSERT … SELECT wrote every row and its indexes a second time (on PostgreSQL
    as long as the insert itself)."""
    connection = session.connection()
    named = dict(zip(columns, rows.subquery().c))
    # the data and the moment as the database holds them, written back as they are read
    stored = {**named, "data": cast(named["data"], Text), "at": type_coerce(named["at"], String)}
    query = (
        select(*(stored.get(name, null()) for name in _BULK), col(Cycle.state_body_id))
        .join_from(named["appraisal_id"].table, Appraisal, col(Appraisal.id) == named["appraisal_id"])
        .join(Cycle, col(Cycle.id) == col(Appraisal.cycle_id))
    )
    found = connection.execute(query).all()
    if not found:
        return
    heads = _lock_heads(connection, sorted({row[-1] for row in found}))
    operator, digests, moment = OPERATOR.get(), _Digests(), _moment_of(connection)
    written, last = [], {}
    for id_, (appraisal_id, at, actor_id, role, op, action, from_state, to_state, reason, data, body) in zip(_new_ids(connection, len(found)), found):
        op, digest, prev = op or operator, digests.of(data, reason), heads[body]
        heads[body] = _hash_of(prev, id_, appraisal_id, moment(at), actor_id, role, op, action, from_state, to_state, digest, None)
        written.append((id_, appraisal_id, at, actor_id, role, op, action, from_state, to_state, reason, data, digest, prev, heads[body]))
        last[body] = id_
    _insert_many(connection, ("id", *_BULK, "data_digest", "prev_hash", "hash"), written)
    moved = [(last[body], heads[body], body) for body in sorted(last)]
    _update_many(connection, "audit_chain", ("last_event_id", "last_hash", "state_body_id"), ("integer", "text", "integer"), moved)


def _new_ids(connection: Connection, count: int) -> list[int]:
    """Ids for `count` new events, ascending: from the sequence on PostgreSQL; on SQLite,
    whose one writer this transaction is, those after the highest (as its rowids go)."""
    if connection.dialect.name == "postgresql":
        query = "SELECT nextval(pg_get_serial_sequence('audit_event', 'id')) FROM generate_series(1, %(n)s)"
        return sorted(connection.exec_driver_sql(query, {"n": count}).scalars())
    highest: int = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM audit_event").scalar_one()
    return list(range(highest + 1, highest + 1 + count))


def _moment_of(connection: Connection) -> Callable[[Any], datetime]:
    """An event's moment as the database stores it (SQLite: text) turned into what `verify`
    will read, once per distinct moment: a bulk write's events share theirs."""
    column_type = AuditEvent.__table__.c.at.type  # type: ignore[attr-defined]
    process = column_type.dialect_impl(connection.dialect).result_processor(connection.dialect, None)
    return lru_cache(maxsize=256)(process) if process else lambda at: at


def _insert_many(connection: Connection, names: tuple[str, ...], events: list[tuple[Any, ...]]) -> None:
    """The events, whole, by the bare driver, their values as the database holds them: on
    PostgreSQL one INSERT from one binary array a column, on SQLite the driver's
    executemany."""
    if connection.dialect.name != "postgresql":
        connection.exec_driver_sql(f"INSERT INTO audit_event ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", events)
        return
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    arrays = ", ".join(f"%({name})b::{table.c[name].type.compile(connection.dialect)}[]" for name in names)
    statement = f"INSERT INTO audit_event ({', '.join(names)}) SELECT * FROM unnest({arrays})"
    connection.exec_driver_sql(statement, {name: list(column) for name, column in zip(names, zip(*events))})


def seal(session: Session, ids: set[int]) -> None:
    """Seal the events `ids` (those this transaction wrote), body by body, in id order."""
    connection = session.connection()
    by_body: dict[int, list[Any]] = {}
    for row in _unsealed(connection, ids):
        by_body.setdefault(row.state_body_id, []).append(row)
    heads = _lock_heads(connection, sorted(by_body))
    operator, digests = OPERATOR.get(), _Digests()
    sealed: list[tuple[str | None, str, str, str, int]] = []
    moved: list[tuple[int, str, int]] = []
    for body_id, events in sorted(by_body.items()):
        prev = heads[body_id]
        for row in events:
            digest, op = digests.of(row.data, row.reason), row.operator or operator
            hashed = _hash_of(
                prev, row.id, row.appraisal_id, row.at, row.actor_id, row.actor_role, op, row.action, row.from_state, row.to_state, digest, row.past_result_id
            )
            sealed.append((op, digest, prev, hashed, row.id))
            prev = hashed
        moved.append((events[-1].id, prev, body_id))
    _update_many(connection, "audit_event", ("operator", "data_digest", "prev_hash", "hash", "id"), ("text", "text", "text", "text", "integer"), sealed)
    _update_many(connection, "audit_chain", ("last_event_id", "last_hash", "state_body_id"), ("integer", "text", "integer"), moved)


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


def _unsealed(connection: Connection, ids: set[int]) -> list[Any]:
    """The events `ids` still unsealed, in id order, each with its body and its data as text
    (decoded once per distinct value, by `_Digests`). Read by the range of the ids over the
    index of unsealed events, not by a list of thousands of parameters; any other unsealed
    row in that range (put in by hand) is left out here, to stay unsealed."""
    if not ids:
        return []
    columns = [c for c in _COLUMNS if c is not AuditEvent.data]
    query = _joined(select(*columns, cast(col(AuditEvent.data), Text).label("data"), _body().label("state_body_id")))
    query = query.where(col(AuditEvent.hash).is_(None), col(AuditEvent.id).between(min(ids), max(ids))).order_by(col(AuditEvent.id))
    return [row for row in connection.execute(query) if row.id in ids]


def _lock_heads(connection: Connection, bodies: list[int]) -> dict[int, str]:
    """Each body's chain head (created at its first event), its row locked for the rest of
    the transaction, in body order: two sealers never deadlock."""
    if not bodies:
        return {}
    query = select(col(AuditChain.state_body_id), col(AuditChain.last_hash)).where(col(AuditChain.state_body_id).in_(bodies))
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert

        fresh = [{"state_body_id": body, "last_event_id": 0, "last_hash": ""} for body in bodies]
        connection.execute(upsert(AuditChain).values(fresh).on_conflict_do_nothing())
        return dict(connection.execute(query.order_by(col(AuditChain.state_body_id)).with_for_update()).tuples().all())
    heads: dict[int, str] = dict(connection.execute(query).tuples().all())
    missing = [{"state_body_id": body, "last_event_id": 0, "last_hash": ""} for body in bodies if body not in heads]
    if missing:
        connection.execute(insert(AuditChain), missing)
    return {body: heads.get(body, "") for body in bodies}


def _update_many(connection: Connection, table: str, columns: tuple[str, ...], types: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> None:
    """One UPDATE of many rows by the bare driver, each row the new values of `columns` and,
    last, its key (the last column): SQLite's executemany runs in C; PostgreSQL takes every
    row at once, an array a column (`unnest`), rather than a statement a row."""
    if not rows:
        return
    *values, key = columns
    if connection.dialect.name != "postgresql":
        assignments = ", ".join(f"{name} = ?" for name in values)
        connection.exec_driver_sql(f"UPDATE {table} SET {assignments} WHERE {key} = ?", list(rows))
        return
    assignments = ", ".join(f"{name} = v.{name}" for name in values)
    arrays = ", ".join(f"%({name})s::{kind}[]" for name, kind in zip(columns, types))
    statement = f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({', '.join(columns)}) WHERE {table}.{key} = v.{key}"
    connection.exec_driver_sql(statement, {name: list(column) for name, column in zip(columns, zip(*rows))})


def _of_body(body_id: int) -> Any:
    query = _joined(select(*_COLUMNS, col(Appraisal.purged_on)))
    return query.where(_body() == body_id).order_by(col(AuditEvent.id))


@lru_cache(maxsize=256)  # a bulk write's events share their moment
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

"""Cycles and appraisals, with what every transition leaves behind: deadlines, audit
events, consequences.

An appraisal's state is a column and its `version` a counter: every transition writes
`WHERE id = ? AND version = ?`, so two actors racing on one appraisal cannot both win.
Deadlines are rows with their due date, indexed by (status, due, id), so a sweep asks "what
open deadline is due before now" and nothing else.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import JSON, Column, DateTime, Index, Numeric, text
from sqlmodel import Field, SQLModel, UniqueConstraint

SCORE = Numeric(14, 2)


class Cycle(SQLModel, table=True):
    """One appraisal round of a state body: a methodology, a kind, a period."""

    __tablename__ = "cycle"
    __table_args__ = (UniqueConstraint("state_body_id", "kind", "period"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    state_body_id: int = Field(foreign_key="state_body.id", index=True)
    methodology: str = Field(max_length=40)
    kind: str = Field(max_length=20)
    period: str = Field(max_length=10)  # 2026-Q3 or 2026
    opened_on: date


class Appraisal(SQLModel, table=True):
    __tablename__ = "appraisal"
    __table_args__ = (UniqueConstraint("cycle_id", "servant_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    servant_id: int = Field(foreign_key="servant.id", index=True)
    assessor_id: Optional[int] = Field(default=None, foreign_key="servant.id", index=True)
    methodology: str = Field(max_length=40)
    kind: str = Field(max_length=20)
    period: str = Field(max_length=10)
    state: str = Field(max_length=40, index=True)
    version: int = 1
    # "full", or "without" the servant (dismissed, typical2023 п.7; absent, п.6)
    participation: str = Field(default="full", max_length=10)
    reason: Optional[str] = None  # why exempt, deferred or without participation
    score: Optional[Decimal] = Field(default=None, sa_column=Column(SCORE))
    band: Optional[str] = Field(default=None, max_length=20)
    # Dates of the events deadlines count from (completion, familiarisation, ...).
    events: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    closed_on: Optional[date] = None
    legal_hold: bool = False  # under appeal in court or held by HR: never purged
    purged_on: Optional[date] = None  # its documents were purged after retention


class Deadline(SQLModel, table=True):
    __tablename__ = "deadline"
    __table_args__ = (
        UniqueConstraint("appraisal_id", "step"),
        # what is open past its day, in the order HR reads it (states/late.py)
        Index("ix_deadline_status_due", "status", "due", "id"),
        # The sweep's one question, "what needs attention by today", is this index's range.
        Index("ix_deadline_status_next_fire", "status", "next_fire"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    step: str = Field(max_length=40)
    due: date
    paragraph: str = Field(max_length=40)
    responsible_role: str = Field(max_length=30)
    responsible_id: Optional[int] = Field(default=None, foreign_key="servant.id")
    status: str = Field(default="open", max_length=10)  # open, done, cancelled
    closed_on: Optional[date] = None
    level: int = 0  # the last stage fired: 0 none, 1 the reminder, 2.. the ladder's rungs
    next_fire: Optional[date] = None  # when the next reminder or rung is due; None: nothing more


class AuditEvent(SQLModel, table=True):
    """Every transition, who made it, when, from what to what, why, with what data."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_unsealed", "id", sqlite_where=text("hash IS NULL"), postgresql_where=text("hash IS NULL")),)
    id: Optional[int] = Field(default=None, primary_key=True)
    # What the event is about: an appraisal, or a result from before bagalau (past_result).
    appraisal_id: Optional[int] = Field(default=None, foreign_key="appraisal.id", index=True)
    past_result_id: Optional[int] = Field(default=None, foreign_key="past_result.id", index=True)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    actor_id: Optional[int] = Field(default=None, foreign_key="servant.id")  # None: the system
    actor_role: str = Field(max_length=30)
    action: str = Field(max_length=40)
    from_state: Optional[str] = Field(default=None, max_length=40)
    to_state: str = Field(max_length=40)
    reason: Optional[str] = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Who really acted: the operator at the command line or the person signed in on the web,
    # beside actor_id, the person acted for.
    operator: Optional[str] = Field(default=None, max_length=120)
    # The tamper-evident chain of the body's trail (states/audit_chain.py): the hash of what
    # the event says and of the body's previous event. `data_digest` keeps the data's hash
    # when retention blanks the data itself.
    data_digest: Optional[str] = Field(default=None, max_length=64)
    prev_hash: Optional[str] = Field(default=None, max_length=64)
    hash: Optional[str] = Field(default=None, max_length=64)


class AuditChain(SQLModel, table=True):
    """The head of each state body's audit chain: its last event and that event's hash.

    Locking this row (FOR UPDATE on PostgreSQL; SQLite has one writer) serialises the
    sealing of a body's events, and a deleted last event shows as a head pointing past it."""

    __tablename__ = "audit_chain"
    state_body_id: int = Field(foreign_key="state_body.id", primary_key=True)
    last_event_id: int = 0
    last_hash: str = Field(default="", max_length=64)


class Consequence(SQLModel, table=True):
    """What a final result entails (mne2017 п.43–46, typical2023 п.9, п.37)."""

    __tablename__ = "consequence"
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    servant_id: int = Field(foreign_key="servant.id", index=True)
    kind: str = Field(max_length=30)
    due: Optional[date] = None
    paragraph: str = Field(max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))

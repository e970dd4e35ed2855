"""The outbox: every notice the sweep decides to send, recorded before anything is sent.

A notice's key is (deadline, its due day, kind, level): inserting it twice is a no-op, so a
sweep that is rerun, retried or killed half-way records each due notice exactly once.
Delivery (notifications/) works from this table and marks what it sent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel


class Notice(SQLModel, table=True):
    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_status_next_attempt", "status", "next_attempt_at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=80)
    deadline_id: Optional[int] = Field(default=None, foreign_key="deadline.id", index=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    recipient_id: Optional[int] = Field(default=None, foreign_key="servant.id", index=True)
    kind: str = Field(max_length=20)  # reminder, overdue, escalation
    level: int
    step: str = Field(max_length=40)
    due: date
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    status: str = Field(default="pending", max_length=10)  # pending, sent, dead
    attempts: int = 0
    next_attempt_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    sent_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))

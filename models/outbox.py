"""The outbox and the in-app inbox: every notice is recorded before anything is sent, and
what a person reads in the application is kept per person.

A notice of the sweep is keyed by (deadline, its due day, kind, level); a notice of a
transition by (appraisal, action, kind, recipient, day); the weekly report by (state body,
recipient, day) (states/notices.py, keys in states/outbox.py).
Inserting a key twice is a no-op, so a sweep or an action that is rerun, retried or killed
half-way records each notice exactly once. Delivery (notifications/delivery.py) works from
this table: `delivered` names the channels already done, so a retry repeats only the one
that failed, and a notice out of attempts stays here as `dead` with its last error, for HR.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel


class Notice(SQLModel, table=True):
    __tablename__ = "notice"
    __table_args__ = (
        Index("ix_notice_status_next_attempt", "status", "next_attempt_at"),
        Index("ix_notice_created_at", "created_at"),  # a sweep's summary: what it recorded and sent at its moment
        Index("ix_notice_sent_at", "sent_at"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=80)
    deadline_id: Optional[int] = Field(default=None, foreign_key="deadline.id", index=True)
    # About an appraisal, or about a whole state body (the weekly compliance report to its
    # head of HR), never both.
    appraisal_id: Optional[int] = Field(default=None, foreign_key="appraisal.id", index=True)
    state_body_id: Optional[int] = Field(default=None, foreign_key="state_body.id", index=True)
    recipient_id: Optional[int] = Field(default=None, foreign_key="servant.id", index=True)
    # an invitation to the console (states/invitations.py): the row, never its token
    invitation_id: Optional[int] = Field(default=None, foreign_key="invitation.id", index=True)
    # the sweep's: reminder, overdue, escalation; a transition's: notifications/templates/notices.yaml
    kind: str = Field(max_length=20)
    level: int  # the sweep's stage; 0 for a transition's notice
    step: str = Field(max_length=40)  # the deadline the notice is about, else the action
    due: date  # the deadline's day it is about; for a notice about no step, the day of its action
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    status: str = Field(default="pending", max_length=10)  # pending, sent, dead
    attempts: int = 0
    next_attempt_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    sent_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    event: Optional[str] = Field(default=None, max_length=40)  # the action that caused it; None: the sweep
    task: Optional[str] = Field(default=None, max_length=40)  # the action now expected of the recipient
    # channels done, comma-separated (inbox,email,webhook); "" on the rows of earlier versions
    delivered: str = Field(default="", sa_column=Column(String(40), nullable=False, server_default=""))
    last_error: Optional[str] = Field(default=None, sa_column=Column(Text))


class InboxMessage(SQLModel, table=True):
    """A notice as its recipient reads it in the application, rendered in their language.

    One per notice (purging a notice purges its message: retention, typical2023 п.15)."""

    __tablename__ = "inbox_message"
    __table_args__ = (Index("ix_inbox_message_recipient_read", "recipient_id", "read_at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    notice_id: int = Field(sa_column=Column(Integer, ForeignKey("notice.id", ondelete="CASCADE"), unique=True, nullable=False))
    recipient_id: int = Field(foreign_key="servant.id")
    lang: str = Field(max_length=2)
    subject: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    html: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    read_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))

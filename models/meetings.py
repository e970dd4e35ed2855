"""Collective decisions: the Evaluation Commission (mne2017 п.6–9, п.34–35), calibration
sessions (typical2023 п.13, п.38–42) and appeals (mne2017 п.38–41, typical2023 п.14)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import Column
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.appraisal import SCORE


class Commission(SQLModel, table=True):
    """Created by the appointing official's order; members change only by amending it (п.7)."""

    __tablename__ = "commission"
    id: Optional[int] = Field(default=None, primary_key=True)
    state_body_id: int = Field(foreign_key="state_body.id", index=True)
    order_ref: str
    formed_on: date


class CommissionMember(SQLModel, table=True):
    __tablename__ = "commission_member"
    __table_args__ = (UniqueConstraint("commission_id", "servant_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    commission_id: int = Field(foreign_key="commission.id", index=True)
    servant_id: int = Field(foreign_key="servant.id", index=True)
    role: str = Field(max_length=10)  # chair, member, secretary (HR, does not vote: п.9)


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"
    id: Optional[int] = Field(default=None, primary_key=True)
    commission_id: int = Field(foreign_key="commission.id", index=True)
    held_on: date


class Attendance(SQLModel, table=True):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int = Field(foreign_key="commission_member.id")
    present: bool


class Vote(SQLModel, table=True):
    """One member's open vote on one appraisal (п.8): approve the result or revise it."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("meeting_id", "appraisal_id", "member_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    member_id: int = Field(foreign_key="commission_member.id")
    decision: str = Field(max_length=10)  # approve, revise
    score: Optional[Decimal] = Field(default=None, sa_column=Column(SCORE))


class CalibrationApplication(SQLModel, table=True):
    __tablename__ = "calibration_application"
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    filed_on: date
    text: str


class CalibrationSession(SQLModel, table=True):
    __tablename__ = "calibration_session"
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    decided_on: date
    held_on: Optional[date] = None
    protocol_signed_on: Optional[date] = None
    score_before: Optional[Decimal] = Field(default=None, sa_column=Column(SCORE))
    score_after: Optional[Decimal] = Field(default=None, sa_column=Column(SCORE))


class CalibrationParticipant(SQLModel, table=True):
    __tablename__ = "calibration_participant"
    __table_args__ = (UniqueConstraint("session_id", "servant_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="calibration_session.id", index=True)
    servant_id: int = Field(foreign_key="servant.id", index=True)


class CalibrationVote(SQLModel, table=True):
    """A participant's final score proposal; the majority decides (typical2023 п.42)."""

    __tablename__ = "calibration_vote"
    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="calibration_session.id", index=True)
    participant_id: int = Field(foreign_key="calibration_participant.id")
    score: Decimal = Field(sa_column=Column(SCORE, nullable=False))


class Appeal(SQLModel, table=True):
    __tablename__ = "appeal"
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    filed_on: date
    authority: str
    decided_on: Optional[date] = None
    outcome: Optional[str] = Field(default=None, max_length=10)  # upheld, rejected, revised
    revised_score: Optional[Decimal] = Field(default=None, sa_column=Column(SCORE))

"""360 surveys, stored so that no query can join an answer to its respondent (typical2023
п.34: anonymous).

Who was asked and whether they answered is one table; the answers are another, with no
respondent column, no time, and a random key, so neither a join nor the order of keys
leads from an answer back to a person. Only the self-assessment is marked, because it is
the assessee's own and is shown apart (п.36).
"""

from __future__ import annotations

from typing import Optional
from uuid import uuid4

from sqlmodel import Field, SQLModel, UniqueConstraint


class SurveyInvitation(SQLModel, table=True):
    __tablename__ = "survey_invitation"
    __table_args__ = (UniqueConstraint("appraisal_id", "respondent_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    respondent_id: int = Field(foreign_key="servant.id")
    role: str = Field(max_length=12)  # manager, subordinate, peer, self
    answered: bool = False


class SurveyAnswer(SQLModel, table=True):
    __tablename__ = "survey_answer"
    id: str = Field(default_factory=lambda: uuid4().hex, primary_key=True, max_length=32)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    competency: str = Field(max_length=30)
    question: int
    value: int
    is_self: bool = False

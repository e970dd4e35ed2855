"""360 surveys, stored so that no query can tell an answer's respondent (typical2023 п.34:
anonymous).

Who was asked and whether they answered is one table. The answers are not rows of their
own (a row written with the respondent's transaction is linked to it: by PostgreSQL's
xmin, by SQLite's insertion order). They are counts: for every competency, question and
value of the scale, how many respondents gave it. The cells are created when HR invites
the respondents, and each answer updates every cell of the survey in one statement (+1
where the respondent chose that value, +0 elsewhere), so what the database keeps of an
answer cannot be told from any other's. Only the self-assessment, the assessee's own and
shown apart (п.36), is kept as answers.
"""

from __future__ import annotations

from typing import Optional

from sqlmodel import Field, SQLModel, UniqueConstraint


class SurveyInvitation(SQLModel, table=True):
    __tablename__ = "survey_invitation"
    __table_args__ = (UniqueConstraint("appraisal_id", "respondent_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    respondent_id: int = Field(foreign_key="servant.id", index=True)
    role: str = Field(max_length=12)  # manager, subordinate, peer, self
    answered: bool = False


class SurveyTally(SQLModel, table=True):
    """How many respondents gave `value` to one question of one competency."""

    __tablename__ = "survey_tally"
    __table_args__ = (UniqueConstraint("appraisal_id", "competency", "question", "value"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    competency: str = Field(max_length=30)
    question: int
    value: int
    count: int = 0


class SelfAnswer(SQLModel, table=True):
    """The assessee's own answer, shown apart from the respondents' (п.36)."""

    __tablename__ = "self_answer"
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    competency: str = Field(max_length=30)
    question: int
    value: int

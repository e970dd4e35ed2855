"""Annual results from before a body used bagalau, as HR imports them from the protocols
that recorded them: the consequence rules count them with the results bagalau holds
(mne2017 п.46: two consecutive unsatisfactory annual results lead to demotion).

One row per servant and year; the source document (the protocol's number and date) says
where the result was decided, since bagalau never saw it decided.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import Column
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.appraisal import SCORE


class PastResult(SQLModel, table=True):
    __tablename__ = "past_result"
    __table_args__ = (UniqueConstraint("servant_id", "kind", "year"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    servant_id: int = Field(foreign_key="servant.id", index=True)
    methodology: str = Field(max_length=40)  # the body's, whose bands the band is one of
    kind: str = Field(default="annual", max_length=20)
    year: int
    score: Decimal = Field(sa_column=Column(SCORE, nullable=False))
    band: str = Field(max_length=20)
    source_no: str = Field(max_length=80)  # the protocol's number
    source_date: date  # and its date

"""The appraisal schedule of a state body: per unit, the day its appraisal of a kind and
period starts. HR drafts it with the commission chair (mne2017 п.14); the appointing
official approves it (typical2023 п.11). Only an approved row dates anything.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlmodel import Field, SQLModel, UniqueConstraint


class ScheduleEntry(SQLModel, table=True):
    __tablename__ = "schedule_entry"
    __table_args__ = (UniqueConstraint("state_body_id", "kind", "period", "unit_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    state_body_id: int = Field(foreign_key="state_body.id", index=True)
    kind: str = Field(max_length=20)
    period: str = Field(max_length=10)
    unit_id: int = Field(foreign_key="unit.id")
    starts_on: date
    drafted_by: int = Field(foreign_key="servant.id")
    drafted_on: date
    chair_id: Optional[int] = Field(default=None, foreign_key="servant.id")  # the commission's chair, where there is one
    approved_by: Optional[int] = Field(default=None, foreign_key="servant.id")
    approved_on: Optional[date] = None

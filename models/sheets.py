"""What the actors write on an appraisal: plans and their indicators or KPIs, bonus items
and violations (mne2017), parameter scores (typical2023), acts of refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import JSON, Column, Numeric
from sqlmodel import Field, SQLModel

from models.appraisal import SCORE

VALUE = Numeric(21, 6)


class Indicator(SQLModel, table=True):
    """A target indicator of an individual plan (mne2017 п.12) or a KPI (typical2023 п.24)."""

    __tablename__ = "indicator"
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    position: int
    text: str
    measurable: bool = True
    unit: Optional[str] = None
    planned: Optional[Decimal] = Field(default=None, sa_column=Column(VALUE))
    actual: Optional[Decimal] = Field(default=None, sa_column=Column(VALUE))
    direction: str = Field(default="increase", max_length=10)
    score: Optional[Decimal] = Field(default=None, sa_column=Column(SCORE))


class BonusItem(SQLModel, table=True):
    """An activity above the average workload (mne2017 п.17–18): the servant's own points and
    the manager's, as the two columns of Annex 2."""

    __tablename__ = "bonus_item"
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    description: str
    self_points: Optional[int] = None
    points: Optional[int] = None


class Violation(SQLModel, table=True):
    """A proven violation of executive or labour discipline (mne2017 п.20–22)."""

    __tablename__ = "violation"
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    kind: str = Field(max_length=10)  # executive, labour
    occurred_on: date
    source: str = Field(max_length=20)  # hr, document_flow, direct_manager
    proof: str


class ParameterScore(SQLModel, table=True):
    """A differentiation parameter's score with its justification (typical2023 Annex 4)."""

    __tablename__ = "parameter_score"
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    parameter: str = Field(max_length=30)
    score: Decimal = Field(sa_column=Column(SCORE, nullable=False))
    justification: str


class RefusalAct(SQLModel, table=True):
    """An act drawn up when the servant refuses to sign or to be familiarised (mne2017
    п.25, п.36)."""

    __tablename__ = "refusal_act"
    id: Optional[int] = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True)
    refused: str = Field(max_length=20)  # sign, familiarisation, plan
    drawn_up_on: date
    witnesses: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    text: str

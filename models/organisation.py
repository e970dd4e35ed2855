"""The organisation HR loads: state bodies, units, positions, servants, their absences.

Who is appraised, exempt or deferred is decided from these rows (position start, probation,
absences, dismissal: mne2017 п.3, typical2023 п.6–7); heads of units are told apart by
their position's category (typical2023 п.3.4).
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlmodel import Field, SQLModel, UniqueConstraint


class StateBody(SQLModel, table=True):
    __tablename__ = "state_body"
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str
    methodology: str = Field(max_length=40)  # the definition id it approved
    # The body it is subordinate to (a committee's ministry): that body's HR follows who is
    # late here too (web/hr/late.py).
    parent_id: Optional[int] = Field(default=None, foreign_key="state_body.id", index=True)


class Unit(SQLModel, table=True):
    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("state_body_id", "code"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    state_body_id: int = Field(foreign_key="state_body.id", index=True)
    code: str = Field(max_length=40)
    name: str
    parent_id: Optional[int] = Field(default=None, foreign_key="unit.id")


class Position(SQLModel, table=True):
    __tablename__ = "position"
    __table_args__ = (UniqueConstraint("unit_id", "code"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    code: str = Field(max_length=40)
    title: str
    category: str = Field(max_length=16)  # e.g. C-3, D-O-1 (typical2023 п.3.4)


class Servant(SQLModel, table=True):
    __tablename__ = "servant"
    __table_args__ = (UniqueConstraint("state_body_id", "personnel_no"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    state_body_id: int = Field(foreign_key="state_body.id", index=True)
    personnel_no: str = Field(max_length=40)
    full_name: str  # as the file wrote it; `name_surname_first` is what a form prints
    # The three parts, when the import carries them: a form's "surname, name, patronymic".
    surname: Optional[str] = None
    given_name: Optional[str] = None
    patronymic: Optional[str] = None
    position_id: Optional[int] = Field(default=None, foreign_key="position.id")
    position_start: date
    probation_end: Optional[date] = None
    manager_id: Optional[int] = Field(default=None, foreign_key="servant.id", index=True)
    email: Optional[str] = None
    lang: str = Field(default="kk", max_length=2)
    dismissed_on: Optional[date] = None
    # Roles in the process beyond being someone's manager (PRODUCT: who uses it).
    is_hr: bool = False
    is_head_of_hr: bool = False
    is_appointing_official: bool = False
    # A person of the body without a B-corps appraisal of their own (a vice-minister, an
    # akim's deputy) who may be a head's direct manager (mne2017 п.4): never appraised.
    outside_b_corps: bool = False


def name_surname_first(servant: Servant) -> str:
    """Surname, name, patronymic in that order, as the forms' label says; the full name as
    the file wrote it when the parts are not known."""
    parts = [servant.surname, servant.given_name, servant.patronymic]
    return " ".join(p for p in parts if p) if servant.surname else servant.full_name


class Absence(SQLModel, table=True):
    __tablename__ = "absence"
    id: Optional[int] = Field(default=None, primary_key=True)
    servant_id: int = Field(foreign_key="servant.id", index=True)
    # annual_leave, social_leave, sick_leave, business_trip, internship, retraining, training
    kind: str = Field(max_length=20)
    start: date
    end: date

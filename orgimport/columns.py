"""The columns of HR's file and how each cell is read: a code, a date, a category, an
e-mail, one of a list; a cell that breaks its rule raises `Bad` with the message code."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from methodology.i18n import LANGS
from orgimport.report import Bad

ABSENCE_KINDS = (
    "annual_leave",
    "social_leave",
    "sick_leave",
    "business_trip",
    "internship",
    "retraining",
    "training",
)
ROLES = {
    "hr": "is_hr",
    "head_of_hr": "is_head_of_hr",
    "appointing_official": "is_appointing_official",
    "outside_b_corps": "outside_b_corps",
}  # a head's assessor outside the B corps (mne2017 п.4)
# typical2023 п.3.4 names categories such as C-1, D-O-1, D-R-1, E-R-1: a corps letter, an
# optional -O (oblast) or -R (rayon), a number.
CATEGORY = re.compile(r"^[A-E](-[OR])?-[0-9]{1,2}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
CODE_LENGTH = 40  # the width of every code column of the tables


def text(raw: str) -> str:
    return raw


def bounded(length: int) -> Callable[[str], str]:
    """Text of at most `length` characters, the width of the column it is written to."""

    def parse(raw: str) -> str:
        if len(raw) > length:
            raise Bad("org_too_long", high=length)
        return raw

    return parse


code = bounded(CODE_LENGTH)


def iso_date(raw: str) -> date:
    try:
        if ISO_DATE.match(raw):
            return date.fromisoformat(raw)
    except ValueError:  # written right, and no day of the calendar: 2021-02-31
        raise Bad("date_impossible", rule="ISO 8601") from None
    raise Bad("org_date", rule="ISO 8601")


def category(raw: str) -> str:
    value = raw.upper()
    if not CATEGORY.match(value):
        raise Bad("org_category", rule=CATEGORY.pattern)
    return value


def email(raw: str) -> str:
    if not EMAIL.match(raw):
        raise Bad("org_email")
    return raw


def one_of(choices: Iterable[str]) -> Callable[[str], str]:
    allowed = tuple(choices)

    def parse(raw: str) -> str:
        if raw.lower() not in allowed:
            raise Bad("org_unknown_value", expected=", ".join(allowed))
        return raw.lower()

    return parse


def roles(raw: str) -> frozenset[str]:
    given = {part.strip().lower() for part in raw.split(";") if part.strip()}
    unknown = given - ROLES.keys()
    if unknown:
        raise Bad("org_unknown_value", expected="; ".join(ROLES))
    return frozenset(given)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    parse: Callable[[str], Any]
    default: Any = None  # the value of an empty optional cell


SERVANT_COLUMNS = (
    Column("state_body_code", True, code),
    Column("state_body_name", True, text),
    Column("methodology", True, code),  # checked against the definitions once per body
    Column("parent_state_body_code", False, code),  # the body it is under (a committee's ministry)
    Column("unit_code", True, code),
    Column("unit_name", True, text),
    Column("parent_unit_code", False, code),
    Column("position_code", True, code),
    Column("position_title", True, text),
    Column("category", True, category),
    Column("personnel_no", True, code),
    Column("full_name", False, text),  # or the three parts below, surname first
    Column("surname", False, text),
    Column("given_name", False, text),
    Column("patronymic", False, text),
    Column("position_start", True, iso_date),
    Column("probation_end", False, iso_date),
    Column("manager_personnel_no", False, code),
    Column("email", False, email),
    Column("lang", False, one_of(LANGS), default="kk"),
    Column("dismissed_on", False, iso_date),
    Column("roles", False, roles, default=frozenset()),
)
ABSENCE_COLUMNS = (
    Column("personnel_no", True, code),
    Column("state_body_code", True, code),
    Column("kind", True, one_of(ABSENCE_KINDS)),
    Column("start", True, iso_date),
    Column("end", True, iso_date),
)
# A later date that may not come before an earlier one on the same row.
SERVANT_ORDER = (("probation_end", "position_start"), ("dismissed_on", "position_start"))
ABSENCE_ORDER = (("end", "start"),)

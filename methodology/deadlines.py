"""Statutory deadlines as dates: each rule of a definition, applied to a period and events.

A rule says what a term counts from (the period, an event such as the return to work, or
another step's deadline) and how (the Dth day of the next month, a fixed date, N working or
calendar days). This module turns it into the last permitted day, on Kazakhstan's working
calendar. A rule whose event has not happened yet has no date: it says what it waits for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Mapping, cast

from methodology.errors import InvalidInput
from methodology.inputs import EARLIEST, LATEST
from methodology.schema import (
    CalendarDays,
    Counted,
    DayOfMonthAfterPeriod,
    DayOfPeriod,
    DeadlineRule,
    FixedDate,
    Granularity,
    Kind,
    Methodology,
    Term,
    WorkingDays,
)
from methodology.workdays import WorkCalendar

_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4]))?$", re.ASCII)  # ２０２６ is not 2026: a paste from elsewhere


@dataclass(frozen=True)
class Period:
    """A quarter (`2026-Q3`) or a year (`2026`) of appraisal."""

    year: int
    quarter: int | None = None

    @classmethod
    def parse(cls, text: str, granularity: Granularity, *, source: str = "") -> Period:
        match = _PERIOD.match(text.strip())
        wanted = "2026-Q3" if granularity == "quarter" else "2026"
        if not match or (match.group(2) is None) != (granularity == "year"):
            raise InvalidInput(
                "period",
                field="period",
                value=text,
                rule="docs/cli.md",
                source=source,
                expected=wanted,
            )
        year, quarter = match.groups()
        if not EARLIEST.year <= int(year) <= LATEST.year:  # 0000 or 9999 would overflow a date
            raise InvalidInput("range", field="period", value=text, rule="docs/cli.md", source=source, low=EARLIEST.year, high=LATEST.year)
        return cls(int(year), int(quarter) if quarter else None)

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        last_month = 12 if self.quarter is None else 3 * self.quarter
        return _first_of_next_month(date(self.year, last_month, 1)) - timedelta(days=1)

    def __str__(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year}-Q{self.quarter}"

    @property
    def previous(self) -> Period:
        """The period just before: what "consecutive" results follow (mne2017 п.46)."""
        if self.quarter is None:
            return Period(self.year - 1)
        return Period(self.year, self.quarter - 1) if self.quarter > 1 else Period(self.year - 1, 4)


@dataclass(frozen=True)
class Due:
    step: str
    rule: DeadlineRule
    due: date | None
    waits_for: str | None = None  # the event still missing, when `due` is None


def deadlines(
    methodology: Methodology,
    kind: Kind,
    period: Period,
    events: Mapping[str, date],
    calendar: WorkCalendar,
) -> list[Due]:
    """Every statutory deadline of one appraisal of `kind` in `period`, in rule order."""
    resolver = _Resolver(methodology, period, events, calendar)
    return [resolver.due(step) for step, rule in methodology.deadlines.items() if kind in rule.kinds]


def period_date(term: Term, period: Period, calendar: WorkCalendar) -> date:
    """A term that counts from the period alone (a cycle's opening day, for one)."""
    if isinstance(term, Counted):
        raise ValueError("an event-anchored term has no date from the period alone")
    return _Resolver(_NO_RULES, period, {}, calendar).apply(term)


def due_of(
    methodology: Methodology,
    step: str,
    period: Period,
    events: Mapping[str, date],
    calendar: WorkCalendar,
) -> Due:
    """One step's deadline (and those it counts from), for the lifecycle's rows."""
    return _Resolver(methodology, period, events, calendar).due(step)


class _NoRules:
    deadlines: dict[str, DeadlineRule] = {}


_NO_RULES = cast(Methodology, _NoRules())  # a stand-in: only its deadlines are read


class _Resolver:
    def __init__(self, methodology: Methodology, period: Period, events: Mapping[str, date], calendar: WorkCalendar) -> None:
        self.methodology = methodology
        self.period = period
        self.calendar = calendar
        self.anchors: dict[str, date] = {
            "period_start": period.start,
            "period_end": period.end,
            "year_start": date(period.year, 1, 1),
            **events,
        }
        self.done: dict[str, Due] = {}

    def due(self, step: str) -> Due:
        if step not in self.done:
            rule = self.methodology.deadlines[step]
            term = self.term_of(rule)
            missing = self.missing_anchor(term)
            day = None if missing else self.apply(term)
            self.done[step] = Due(step, rule, day, missing)
        return self.done[step]

    def term_of(self, rule: DeadlineRule) -> Term:
        quarter = f"Q{self.period.quarter}" if self.period.quarter else None
        return next((term for key, term in rule.quarter_overrides.items() if key == quarter), rule.term)

    def missing_anchor(self, term: Term) -> str | None:
        if not isinstance(term, Counted):
            return None
        if term.anchor.startswith("step:"):
            return self.due(term.anchor[5:]).waits_for
        return None if term.anchor in self.anchors else term.anchor

    def anchor_date(self, anchor: str) -> date:
        if anchor.startswith("step:"):
            day = self.due(anchor[5:]).due
            assert day is not None, "asked only once missing_anchor found every anchor"
            return day
        return self.anchors[anchor]

    def apply(self, term: Term) -> date:
        calendar = self.calendar
        if isinstance(term, DayOfMonthAfterPeriod):
            return calendar.roll_forward(_first_of_next_month(self.period.end).replace(day=term.day))
        if isinstance(term, DayOfPeriod):
            return calendar.roll_forward(self.period.start.replace(day=term.day))
        if isinstance(term, FixedDate):
            return calendar.roll_forward(_date_in_year(self.period.year + term.year_offset, term))
        anchor = self.anchor_date(term.anchor)
        sign = 1 if term.after else -1
        if isinstance(term, WorkingDays):
            return calendar.add_working_days(anchor, sign * term.days)
        assert isinstance(term, CalendarDays)
        day = anchor + sign * timedelta(days=term.days)
        return calendar.roll_forward(day) if term.after else calendar.roll_back(day)


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _date_in_year(year: int, term: FixedDate) -> date:
    # The schema admits 29 February; in a common year the term ends on the 28th.
    last = (_first_of_next_month(date(year, term.month, 1)) - timedelta(days=1)).day
    return date(year, term.month, min(term.day, last))

"""Kazakhstan's working days, on which every statutory deadline is counted.

A day is non-working when it is a Saturday or Sunday (five-day week), a public holiday, a
holiday's observed day, or a day off transferred by order; a weekend day is working when an
order made it so. The `holidays` library knows all of that up to 2025; later transfers come
from the table `data/kz_calendar.yaml`, which an operator extends (`BAGALAU_CALENDAR`).

Terms are counted as the Civil Code of the Republic of Kazakhstan (General Part, chapter
"Calculation of terms") counts them: a term runs from the day after the date or event that
starts it, and a term whose last day falls on a non-working day ends on the next working
day after it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Iterable
from zoneinfo import ZoneInfo

import holidays
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from methodology import inputs
from methodology.errors import DefinitionError, InvalidInput, Problem, validation_problems
from methodology.i18n import Lang, Text

FIRST_YEAR, LAST_YEAR = 2000, 2100
#: The zone every schedule and timestamp of the product is kept in (UTC+5 since 2024).
ALMATY = ZoneInfo("Asia/Almaty")

_RU_NAMES = {
    "New Year's Day": "Новый год",
    "Orthodox Christmas": "Православное Рождество",
    "International Women's Day": "Международный женский день",
    "Nowruz Holiday": "Наурыз мейрамы",
    "Kazakhstan's People Solidarity Holiday": "Праздник единства народа Казахстана",
    "Defender of the Fatherland Day": "День защитника Отечества",
    "Victory Day": "День Победы",
    "Eid al-Adha": "Курбан айт",
    "Capital Day": "День столицы",
    "Constitution Day": "День Конституции Республики Казахстан",
    "Republic Day": "День Республики",
    "Independence Day": "День Независимости",
    "First President Day": "День Первого Президента Республики Казахстан",
}
_RU_SUFFIXES = {"observed": "перенесённый выходной", "estimated": "предварительная дата"}
_SUBSTITUTED = re.compile(r"^Day off \(substituted from (\d\d)/(\d\d)/(\d{4})\)$")
_SUFFIX = re.compile(r"^(.*) \((observed|estimated)\)$")
_WEEKDAYS = {
    "kk": ["дүйсенбі", "сейсенбі", "сәрсенбі", "бейсенбі", "жұма", "сенбі", "жексенбі"],
    "ru": ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
_WEEKEND = Text(kk="демалыс күні", ru="выходной день", en="weekend")
_WORKDAY = Text(kk="жұмыс күні", ru="рабочий день", en="working day")
_WORKED_WEEKEND = Text(kk="ауыстырылған жұмыс күні", ru="перенесённый рабочий день", en="working day by transfer")


def russian_name(english: str) -> str | None:
    """The Russian name of a holiday the library names in English (the library has no ru)."""
    if match := _SUBSTITUTED.match(english):
        month, day, year = match.groups()
        return f"Выходной день (перенесён с {day}.{month}.{year})"
    if match := _SUFFIX.match(english):
        base = russian_name(match.group(1))
        return base and f"{base} ({_RU_SUFFIXES[match.group(2)]})"
    return _RU_NAMES.get(english)


class CalendarEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    date: date
    working: bool
    reason: Text
    source: str


class CalendarTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    reviewed_years: list[int] = []
    days: list[CalendarEntry] = []

    @model_validator(mode="after")
    def _one_entry_per_day(self) -> CalendarTable:
        # Two entries for one day would leave it to the file's order whether it is worked.
        seen: dict[date, bool] = {}
        for entry in self.days:
            if seen.get(entry.date, entry.working) != entry.working:
                raise ValueError(f"{entry.date.isoformat()} is given twice, once working and once not")
            seen[entry.date] = entry.working
        return self


@dataclass(frozen=True)
class DayStatus:
    day: date
    working: bool
    reason: Text
    reviewed: bool  # the year's transfers were checked against the official orders

    def explain(self, lang: Lang) -> str:
        return f"{self.day.isoformat()}, {weekday_name(self.day, lang)}: {self.reason(lang)}"


def weekday_name(day: date, lang: Lang) -> str:
    return _WEEKDAYS[lang][day.weekday()]


class _DatesAsText(yaml.SafeLoader):
    """YAML would turn 2026-02-30 into a crash before validation could name the field;
    dates stay text here and the schema reads (and refuses) them."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_STRICT_DATES_AS_TEXT = inputs.strict_loader(_DatesAsText)


def load_table(path: Path) -> CalendarTable:
    try:
        return CalendarTable.model_validate(inputs.parse_yaml(path.read_text("utf-8"), _STRICT_DATES_AS_TEXT) or {})
    except inputs.InputLimit as error:
        raise DefinitionError(str(path), [error.problem]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise DefinitionError(str(path), [Problem("", "v_unreadable", {"detail": type(error).__name__})]) from None
    except ValidationError as error:
        raise DefinitionError(str(path), validation_problems(error)) from None


def shipped_table() -> Path:
    return Path(str(resources.files("methodology").joinpath("data/kz_calendar.yaml")))


class WorkCalendar:
    """Working days of Kazakhstan: the library's holidays overlaid with the tables given."""

    def __init__(self, tables: Iterable[CalendarTable]) -> None:
        self._entries: dict[date, CalendarEntry] = {}
        self._reviewed: set[int] = set()
        for table in tables:
            self._entries.update({entry.date: entry for entry in table.days})
            self._reviewed.update(table.reviewed_years)
        self._years: dict[int, dict[date, DayStatus]] = {}

    # -- single days ---------------------------------------------------------------------

    def status(self, day: date) -> DayStatus:
        exceptions = self._year(day.year)
        if day in exceptions:
            return exceptions[day]
        working = day.weekday() < 5
        return DayStatus(day, working, _WORKDAY if working else _WEEKEND, self._is_reviewed(day.year))

    def is_working_day(self, day: date) -> bool:
        exceptions = self._year(day.year)
        if day in exceptions:
            return exceptions[day].working
        return day.weekday() < 5

    # -- counting --------------------------------------------------------------------------

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (before it, for a negative count);
        `start` itself is never counted (the term runs from the next day)."""
        step = timedelta(days=1 if count > 0 else -1)
        day, left = start, abs(count)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def roll_forward(self, day: date) -> date:
        """A term ending on a non-working day ends on the next working day (Civil Code)."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def roll_back(self, day: date) -> date:
        """A term counted back from an event ("no later than N days before") moves to the
        previous working day, so the notice it guarantees is never shortened."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    # -- the year's exceptions to the five-day week ----------------------------------------

    def _is_reviewed(self, year: int) -> bool:
        return year <= 2025 or year in self._reviewed

    def _year(self, year: int) -> dict[date, DayStatus]:
        if year not in self._years:
            if not FIRST_YEAR <= year <= LAST_YEAR:
                raise InvalidInput(
                    "calendar_year",
                    field="date",
                    value=year,
                    rule="Kazakhstan's calendar",
                    low=FIRST_YEAR,
                    high=LAST_YEAR,
                )
            self._years[year] = self._build_year(year)
        return self._years[year]

    def _build_year(self, year: int) -> dict[date, DayStatus]:
        reviewed = self._is_reviewed(year)
        english = holidays.country_holidays("KZ", years=year, language="en_US")
        kazakh = holidays.country_holidays("KZ", years=year, language="kk")
        days: dict[date, DayStatus] = {}
        for day, name in english.items():
            reason = Text(kk=kazakh[day], ru=_russian(name, kazakh[day]), en=name)
            days[day] = DayStatus(day, False, reason, reviewed)
        for day in english.weekend_workdays:
            days[day] = DayStatus(day, True, _WORKED_WEEKEND, reviewed)
        for day, entry in self._entries.items():
            if day.year == year:
                days[day] = DayStatus(day, entry.working, entry.reason, reviewed)
        return days


def _russian(english: str, kazakh: str) -> str:
    # A name a newer library adds before we translate it is shown in Kazakh, never English.
    return "; ".join(russian_name(part) or kazakh for part in english.split("; "))


def default_calendar(extra: str | None = None) -> WorkCalendar:
    """The shipped table plus the operator's (`extra`, else `BAGALAU_CALENDAR`)."""
    return _calendar(extra or os.environ.get("BAGALAU_CALENDAR") or None)


@cache
def _calendar(operator: str | None) -> WorkCalendar:
    paths = [shipped_table(), *([Path(operator)] if operator else [])]
    return WorkCalendar(load_table(path) for path in paths)

"""Kazakhstan's working calendar (methodology.workdays), checked against hand-made facts.

What this file proves:
- every 2026 public holiday, every observed (moved) day off, the 2026 change (30 August is
  no longer a holiday, 31 August is a working day) and the single-day Independence Day
  (17 December is a working day) come out as the law has them, with a reason in Kazakh,
  Russian and English, the Russian one a real Russian name;
- the transfer of 2025 (Sunday 5 January worked, Friday 3 January off) is honoured;
- counting working days (the Civil Code: a term runs from the day after its start) skips
  weekends and holidays both ways; the "5th working day" and the 6th are different days;
- rolling a non-working day forward (Civil Code: the term ends on the next working day)
  and back (a notice counted before an event is never shortened);
- the operator's table (kz_calendar.yaml format, BAGALAU_CALENDAR / default_calendar(extra))
  adds a worked Saturday and a transferred day off, and a broken table is refused with its
  path and field;
- every holiday name the library gives for 2000-2030 has a Russian translation;
- a year outside the calendar's range is invalid input; the reviewed flag follows the table.

Every expected date below is computed by hand from the 2026 calendar:

    March 2026            May 2026              December 2026
    Mo Tu We Th Fr Sa Su  Mo Tu We Th Fr Sa Su  Mo Tu We Th Fr Sa Su
                       1               1  2  3      1  2  3  4  5  6
     2  3  4  5  6  7  8   4  5  6  7  8  9 10   7  8  9 10 11 12 13
     9 10 11 12 13 14 15  11 12 13 14 15 16 17  14 15 16 17 18 19 20
    16 17 18 19 20 21 22  18 19 20 21 22 23 24  21 22 23 24 25 26 27
    23 24 25 26 27 28 29  25 26 27 28 29 30 31  28 29 30 31
    30 31
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest

from methodology.errors import DefinitionError, InvalidInput
from methodology.i18n import LANGS
from methodology.workdays import (
    FIRST_YEAR,
    LAST_YEAR,
    WorkCalendar,
    default_calendar,
    load_table,
    russian_name,
    shipped_table,
)


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    """The shipped calendar only (independent of any BAGALAU_CALENDAR in the environment)."""
    return WorkCalendar([load_table(shipped_table())])


D = date

# -- single days ---------------------------------------------------------------------------

# (day, expected working?, expected Russian reason, expected English reason)
DAYS_2026 = [
    # New Year: 1-2 January (Thu, Fri)
    (D(2026, 1, 1), False, "Новый год", "New Year's Day"),
    (D(2026, 1, 2), False, "Новый год", "New Year's Day"),
    # Orthodox Christmas, 7 January (Wed)
    (D(2026, 1, 7), False, "Православное Рождество", "Orthodox Christmas"),
    # Women's Day 8 March is a Sunday -> the day off moves to Monday 9 March
    (D(2026, 3, 8), False, "Международный женский день", "International Women's Day"),
    (
        D(2026, 3, 9), False, "Международный женский день (перенесённый выходной)",
        "International Women's Day (observed)",
    ),
    # Nauryz 21-23 March (Sat, Sun, Mon); Sat and Sun move to Tue 24 and Wed 25
    (D(2026, 3, 21), False, "Наурыз мейрамы", "Nowruz Holiday"),
    (D(2026, 3, 22), False, "Наурыз мейрамы", "Nowruz Holiday"),
    (D(2026, 3, 23), False, "Наурыз мейрамы", "Nowruz Holiday"),
    (D(2026, 3, 24), False, "Наурыз мейрамы (перенесённый выходной)", "Nowruz Holiday (observed)"),
    (D(2026, 3, 25), False, "Наурыз мейрамы (перенесённый выходной)", "Nowruz Holiday (observed)"),
    # 1 May (Fri), 7 May (Thu)
    (
        D(2026, 5, 1), False, "Праздник единства народа Казахстана",
        "Kazakhstan's People Solidarity Holiday",
    ),
    (D(2026, 5, 7), False, "День защитника Отечества", "Defender of the Fatherland Day"),
    # Victory Day 9 May is a Saturday -> Monday 11 May
    (D(2026, 5, 9), False, "День Победы", "Victory Day"),
    (D(2026, 5, 11), False, "День Победы (перенесённый выходной)", "Victory Day (observed)"),
    # Kurban ait, 27 May (Wed), the library's estimate
    (D(2026, 5, 27), False, "Курбан айт (предварительная дата)", "Eid al-Adha (estimated)"),
    # Capital Day 6 July (Mon)
    (D(2026, 7, 6), False, "День столицы", "Capital Day"),
    # Republic Day 25 October is a Sunday -> Monday 26 October
    (D(2026, 10, 25), False, "День Республики", "Republic Day"),
    (D(2026, 10, 26), False, "День Республики (перенесённый выходной)", "Republic Day (observed)"),
    # Independence Day 16 December (Wed); since 2022 a single day, 17 December is worked
    (D(2026, 12, 16), False, "День Независимости", "Independence Day"),
    (D(2026, 12, 17), True, "рабочий день", "working day"),
    # 2026 change: 30 August (Sun) is no longer Constitution Day, so it is just a weekend
    # and Monday 31 August is an ordinary working day (no observed day)
    (D(2026, 8, 30), False, "выходной день", "weekend"),
    (D(2026, 8, 31), True, "рабочий день", "working day"),
    # an ordinary weekend and an ordinary weekday
    (D(2026, 6, 13), False, "выходной день", "weekend"),  # Saturday
    (D(2026, 6, 14), False, "выходной день", "weekend"),  # Sunday
    (D(2026, 6, 10), True, "рабочий день", "working day"),  # Wednesday
    # the working days around Nauryz
    (D(2026, 3, 20), True, "рабочий день", "working day"),  # Friday before
    (D(2026, 3, 26), True, "рабочий день", "working day"),  # Thursday after
]


@pytest.mark.parametrize(("day", "working", "ru", "en"), DAYS_2026, ids=[str(d[0]) for d in DAYS_2026])
def test_2026_day_status(calendar: WorkCalendar, day: date, working: bool, ru: str, en: str) -> None:
    status = calendar.status(day)
    assert status.day == day
    assert status.working is working
    assert calendar.is_working_day(day) is working
    assert status.reason.ru == ru
    assert status.reason.en == en
    # every reason exists in all three languages; none is the English one shown to others
    # (Kazakh and Russian may coincide: "Наурыз мейрамы" is the name in both)
    assert all(status.reason(lang) for lang in LANGS)
    assert status.reason.kk != status.reason.en
    assert status.reviewed is True  # 2026 is in reviewed_years of the shipped table


@pytest.mark.parametrize(
    ("day", "kk"),
    [
        (D(2026, 3, 22), "Наурыз мейрамы"),
        (D(2026, 3, 24), "Наурыз мейрамы (қайта белгіленген демалыс)"),
        (D(2026, 12, 16), "Тәуелсіздік күні"),
        (D(2026, 12, 19), "демалыс күні"),  # Saturday
        (D(2026, 12, 17), "жұмыс күні"),
    ],
)
def test_kazakh_reasons(calendar: WorkCalendar, day: date, kk: str) -> None:
    assert calendar.status(day).reason.kk == kk


def test_explain_names_the_weekday_in_each_language(calendar: WorkCalendar) -> None:
    status = calendar.status(D(2026, 12, 16))  # a Wednesday
    assert status.explain("ru") == "2026-12-16, среда: День Независимости"
    assert status.explain("en") == "2026-12-16, Wednesday: Independence Day"
    assert status.explain("kk") == "2026-12-16, сәрсенбі: Тәуелсіздік күні"


def test_2025_transfer_sunday_5_january_is_worked_friday_3_january_is_off(calendar: WorkCalendar) -> None:
    # 2025: the day off of Sunday 5 January was transferred to Friday 3 January
    assert D(2025, 1, 5).weekday() == 6  # a Sunday
    sunday = calendar.status(D(2025, 1, 5))
    assert sunday.working is True
    assert calendar.is_working_day(D(2025, 1, 5))
    assert sunday.reason.ru == "перенесённый рабочий день"
    assert sunday.reason.en == "working day by transfer"
    assert sunday.reason.kk == "ауыстырылған жұмыс күні"
    friday = calendar.status(D(2025, 1, 3))
    assert friday.working is False
    assert friday.reason.ru == "Выходной день (перенесён с 05.01.2025)"
    # the worked Sunday counts: Sat 4 Jan + 1 working day = Sun 5 Jan
    assert calendar.add_working_days(D(2025, 1, 2), 1) == D(2025, 1, 5)


def test_2026_non_working_weekdays_are_exactly_the_holidays_and_observed_days(calendar: WorkCalendar) -> None:
    # Over the whole of 2026, the weekdays off are exactly these 14 (no transfers in 2026)
    expected = {
        D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 7), D(2026, 3, 9), D(2026, 3, 23),
        D(2026, 3, 24), D(2026, 3, 25), D(2026, 5, 1), D(2026, 5, 7), D(2026, 5, 11),
        D(2026, 5, 27), D(2026, 7, 6), D(2026, 10, 26), D(2026, 12, 16),
    }
    # ...and every Saturday and Sunday of 2026 is off (no worked weekend day)
    day, weekdays_off, worked_weekend = D(2026, 1, 1), set(), set()
    while day.year == 2026:
        if day.weekday() < 5 and not calendar.is_working_day(day):
            weekdays_off.add(day)
        if day.weekday() >= 5 and calendar.is_working_day(day):
            worked_weekend.add(day)
        day += timedelta(days=1)
    assert weekdays_off == expected
    assert worked_weekend == set()
    # 365 days - 104 weekend days (52 Sat + 52 Sun) - 14 weekdays off = 247 working days
    assert calendar.add_working_days(D(2025, 12, 31), 247) == D(2026, 12, 31)


# -- counting working days -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # across Nauryz: Fri 20 Mar + 1 -> 21..25 off -> Thu 26 Mar
        (D(2026, 3, 20), 1, D(2026, 3, 26)),
        # Thu 19 Mar + 2: 20 (1), 21..25 off, 26 (2)
        (D(2026, 3, 19), 2, D(2026, 3, 26)),
        # a start on a holiday is not counted: Sun 22 Mar + 1 -> 26 Mar
        (D(2026, 3, 22), 1, D(2026, 3, 26)),
        # across Independence Day: Tue 15 Dec + 1 -> 16 off -> Thu 17 Dec
        (D(2026, 12, 15), 1, D(2026, 12, 17)),
        # Mon 14 Dec + 3: 15 (1), 16 off, 17 (2), 18 (3)
        (D(2026, 12, 14), 3, D(2026, 12, 18)),
        # across a weekend: Fri 12 Jun + 1 -> Sat, Sun -> Mon 15 Jun
        (D(2026, 6, 12), 1, D(2026, 6, 15)),
        # Thu 11 Jun + 3: 12 (1), 15 (2), 16 (3)
        (D(2026, 6, 11), 3, D(2026, 6, 16)),
        # across New Year: Wed 31 Dec 2025 + 1 -> 1, 2 Jan off, 3-4 weekend -> Mon 5 Jan
        (D(2025, 12, 31), 1, D(2026, 1, 5)),
        # + 3: 5 (1), 6 (2), 7 Christmas off, 8 (3)
        (D(2025, 12, 31), 3, D(2026, 1, 8)),
        # across Victory Day observed: Fri 8 May + 1 -> 9, 10 weekend, 11 observed -> Tue 12 May
        (D(2026, 5, 8), 1, D(2026, 5, 12)),
        # negative counts: Thu 26 Mar - 1 -> 25..21 off -> Fri 20 Mar
        (D(2026, 3, 26), -1, D(2026, 3, 20)),
        # Thu 17 Dec - 2: 16 off, 15 (1), 14 (2)
        (D(2026, 12, 17), -2, D(2026, 12, 14)),
        # Mon 5 Jan 2026 - 1: 4, 3 weekend, 2, 1 New Year -> Wed 31 Dec 2025
        (D(2026, 1, 5), -1, D(2025, 12, 31)),
        # Mon 15 Jun - 1 -> Fri 12 Jun
        (D(2026, 6, 15), -1, D(2026, 6, 12)),
        # count 0 leaves the start alone
        (D(2026, 3, 22), 0, D(2026, 3, 22)),
    ],
)
def test_add_working_days(calendar: WorkCalendar, start: date, count: int, expected: date) -> None:
    assert calendar.add_working_days(start, count) == expected


def test_fifth_working_day_after_return_to_work(calendar: WorkCalendar) -> None:
    # A servant returns to work on Mon 16 Mar 2026 (mne2017 п.3, typical2023 п.6: appraised
    # within 5 working days after the return). The term runs from the next day:
    # Tue 17 (1), Wed 18 (2), Thu 19 (3), Fri 20 (4), 21..25 Nauryz, Thu 26 (5), Fri 27 (6)
    returned = D(2026, 3, 16)
    fifth = calendar.add_working_days(returned, 5)
    sixth = calendar.add_working_days(returned, 6)
    assert fifth == D(2026, 3, 26)
    assert sixth == D(2026, 3, 27)
    assert fifth != sixth
    # the return day itself is not counted: the 4th working day is Fri 20, not Thu 19
    assert calendar.add_working_days(returned, 4) == D(2026, 3, 20)


# -- rolling ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "forward", "back"),
    [
        # weekend: Sat 13 Jun -> Mon 15 / Fri 12
        (D(2026, 6, 13), D(2026, 6, 15), D(2026, 6, 12)),
        (D(2026, 6, 14), D(2026, 6, 15), D(2026, 6, 12)),
        # Nauryz: any of 21..25 Mar -> Thu 26 / Fri 20
        (D(2026, 3, 21), D(2026, 3, 26), D(2026, 3, 20)),
        (D(2026, 3, 22), D(2026, 3, 26), D(2026, 3, 20)),
        (D(2026, 3, 25), D(2026, 3, 26), D(2026, 3, 20)),
        # Independence Day: Wed 16 Dec -> Thu 17 / Tue 15
        (D(2026, 12, 16), D(2026, 12, 17), D(2026, 12, 15)),
        # New Year 2026: Fri 2 Jan -> Mon 5 Jan / Wed 31 Dec 2025
        (D(2026, 1, 2), D(2026, 1, 5), D(2025, 12, 31)),
        # Republic Day: Sun 25 Oct -> (26 observed) Tue 27 Oct / Fri 23 Oct
        (D(2026, 10, 25), D(2026, 10, 27), D(2026, 10, 23)),
        # working days are unchanged
        (D(2026, 3, 20), D(2026, 3, 20), D(2026, 3, 20)),
        (D(2026, 12, 17), D(2026, 12, 17), D(2026, 12, 17)),
        (D(2026, 8, 31), D(2026, 8, 31), D(2026, 8, 31)),
    ],
)
def test_roll_forward_and_back(calendar: WorkCalendar, day: date, forward: date, back: date) -> None:
    assert calendar.roll_forward(day) == forward
    assert calendar.roll_back(day) == back


# -- the operator's table ----------------------------------------------------------------------

OPERATOR_TABLE = """\
reviewed_years: [2027]
days:
  # a transfer: Friday 12 June 2026 off, Saturday 13 June 2026 worked
  - date: 2026-06-12
    working: false
    reason: {kk: "Демалыс күні (13.06.2026 бастап ауыстырылды)", ru: "Выходной день (перенесён с 13.06.2026)", en: "Day off (transferred from 13 June 2026)"}
    source: "test order No. 1"
  - date: 2026-06-13
    working: true
    reason: {kk: "ауыстырылған жұмыс күні", ru: "перенесённый рабочий день", en: "working day by transfer"}
    source: "test order No. 1"
  # an operator entry wins over the library: Kurban ait confirmed on another day
  - date: 2026-05-27
    working: true
    reason: {kk: "жұмыс күні", ru: "рабочий день", en: "working day"}
    source: "test order No. 2"
"""


@pytest.fixture
def operator_table(tmp_path: Path) -> Path:
    path = tmp_path / "operator_calendar.yaml"
    path.write_text(OPERATOR_TABLE, "utf-8")
    return path


def _check_operator_overlay(calendar: WorkCalendar) -> None:
    friday, saturday = D(2026, 6, 12), D(2026, 6, 13)
    assert calendar.is_working_day(friday) is False
    assert calendar.status(friday).reason.ru == "Выходной день (перенесён с 13.06.2026)"
    assert calendar.is_working_day(saturday) is True
    assert calendar.status(saturday).reason.en == "working day by transfer"
    assert calendar.is_working_day(D(2026, 5, 27)) is True
    # Thu 11 Jun + 1: Fri 12 now off, Sat 13 worked -> Sat 13 Jun (without the table: Fri 12)
    assert calendar.add_working_days(D(2026, 6, 11), 1) == saturday
    # Thu 11 Jun + 2: Sat 13 (1), Sun 14 off, Mon 15 (2)
    assert calendar.add_working_days(D(2026, 6, 11), 2) == D(2026, 6, 15)
    # Mon 15 Jun - 1 -> Sat 13 Jun (without the table: Fri 12)
    assert calendar.add_working_days(D(2026, 6, 15), -1) == saturday
    # rolling Fri 12 forward lands on the worked Saturday; back, on Thu 11
    assert calendar.roll_forward(friday) == saturday
    assert calendar.roll_back(friday) == D(2026, 6, 11)
    # Tue 26 May + 1 -> Wed 27 May, worked by the operator's entry
    assert calendar.add_working_days(D(2026, 5, 26), 1) == D(2026, 5, 27)
    # reviewed_years of both tables add up
    assert calendar.status(D(2026, 6, 12)).reviewed is True
    assert calendar.status(D(2027, 6, 14)).reviewed is True
    # a day the table does not mention keeps the library's status
    assert calendar.is_working_day(D(2026, 12, 16)) is False


def test_operator_table_overlays_the_shipped_one(operator_table: Path, calendar: WorkCalendar) -> None:
    # without the table: the usual Friday/Saturday and Kurban ait
    assert calendar.is_working_day(D(2026, 6, 12)) is True
    assert calendar.is_working_day(D(2026, 6, 13)) is False
    assert calendar.is_working_day(D(2026, 5, 27)) is False
    assert calendar.add_working_days(D(2026, 6, 11), 1) == D(2026, 6, 12)
    assert calendar.status(D(2027, 6, 14)).reviewed is False

    combined = WorkCalendar([load_table(shipped_table()), load_table(operator_table)])
    _check_operator_overlay(combined)


def test_default_calendar_picks_up_the_operator_file(operator_table: Path) -> None:
    _check_operator_overlay(default_calendar(str(operator_table)))


def test_later_table_wins_for_the_same_date(tmp_path: Path) -> None:
    first = tmp_path / "first.yaml"
    second = tmp_path / "second.yaml"
    entry = (
        "days:\n  - date: 2026-06-13\n    working: {working}\n"
        "    reason: {{kk: a, ru: b, en: c}}\n    source: s\n"
    )
    first.write_text(entry.format(working="true"), "utf-8")
    second.write_text(entry.format(working="false"), "utf-8")
    assert WorkCalendar([load_table(first), load_table(second)]).is_working_day(D(2026, 6, 13)) is False
    assert WorkCalendar([load_table(second), load_table(first)]).is_working_day(D(2026, 6, 13)) is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # no source
        (
            "days:\n  - date: 2026-06-13\n    working: true\n"
            "    reason: {kk: a, ru: b, en: c}\n",
            "days.0.source",
        ),
        # 30 February does not exist, written as a YAML date (unquoted) ...
        (
            "days:\n  - date: 2026-02-30\n    working: true\n"
            "    reason: {kk: a, ru: b, en: c}\n    source: s\n",
            "days.0.date",
        ),
        # ... and as a string (quoted)
        (
            "days:\n  - date: '2026-02-30'\n    working: true\n"
            "    reason: {kk: a, ru: b, en: c}\n    source: s\n",
            "days.0.date",
        ),
        # not a date at all
        (
            "days:\n  - date: tomorrow\n    working: true\n"
            "    reason: {kk: a, ru: b, en: c}\n    source: s\n",
            "days.0.date",
        ),
        # working must be a boolean
        (
            "days:\n  - date: 2026-06-13\n    working: sometimes\n"
            "    reason: {kk: a, ru: b, en: c}\n    source: s\n",
            "days.0.working",
        ),
        # a reason without Russian
        (
            "days:\n  - date: 2026-06-13\n    working: true\n"
            "    reason: {kk: a, en: c}\n    source: s\n",
            "days.0.reason.ru",
        ),
        # an unknown key
        ("reviewed_years: [2026]\nholidays: []\n", "holidays"),
    ],
    ids=[
        "missing-source", "yaml-date-30-february", "string-30-february", "not-a-date",
        "working-not-bool", "missing-reason-ru", "unknown-key",
    ],
)
def test_malformed_table_names_the_file_and_the_field(tmp_path: Path, body: str, field: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(body, "utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_table(path)
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    assert any(problem.startswith((field + ":", field + " = ")) for problem in caught.value.problems), caught.value.problems


def test_unreadable_or_invalid_yaml_table_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(DefinitionError) as caught:
        load_table(missing)
    assert caught.value.path == str(missing)
    bad = tmp_path / "bad.yaml"
    bad.write_text("days: [\n", "utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_table(bad)
    assert caught.value.path == str(bad)


def test_default_calendar_refuses_a_broken_operator_file(tmp_path: Path) -> None:
    broken = tmp_path / "operator_broken.yaml"
    broken.write_text("days:\n  - date: 2026-06-13\n    working: true\n", "utf-8")
    with pytest.raises(DefinitionError) as caught:
        default_calendar(str(broken))
    assert caught.value.path == str(broken)
    assert any(p.startswith("days.0.reason:") for p in caught.value.problems)
    assert any(p.startswith("days.0.source:") for p in caught.value.problems)
    missing = tmp_path / "no_such_file.yaml"
    with pytest.raises(DefinitionError) as caught:
        default_calendar(str(missing))
    assert caught.value.path == str(missing)


def test_shipped_table_is_valid_and_reviews_2026() -> None:
    table = load_table(shipped_table())
    assert table.reviewed_years == [2026]
    assert table.days == []


# -- Russian names -----------------------------------------------------------------------------


def test_every_holiday_name_2000_2030_has_a_russian_translation() -> None:
    seen: set[str] = set()
    for year in range(2000, 2031):
        for name in holidays.country_holidays("KZ", years=year, language="en_US").values():
            for part in name.split("; "):
                seen.add(part)
                assert russian_name(part) is not None, (year, part)
    # the check saw the ordinary names, observed days and transferred days off
    assert "Nowruz Holiday (observed)" in seen
    assert any(part.startswith("Day off (substituted from") for part in seen)


def test_calendar_reasons_2000_2030_are_russian_not_kazakh_fallback() -> None:
    calendar = WorkCalendar([load_table(shipped_table())])
    for year in range(2000, 2031):
        for day in holidays.country_holidays("KZ", years=year, language="en_US"):
            reason = calendar.status(day).reason
            # _russian falls back to Kazakh for an untranslated name; none may need it: the
            # Russian reason is exactly the translation of each '; '-separated English part
            expected = "; ".join(russian_name(part) or "?" for part in reason.en.split("; "))
            assert reason.ru == expected, (day, reason)


@pytest.mark.parametrize(
    ("english", "russian"),
    [
        ("Independence Day", "День Независимости"),
        ("Nowruz Holiday (observed)", "Наурыз мейрамы (перенесённый выходной)"),
        ("Eid al-Adha (estimated)", "Курбан айт (предварительная дата)"),
        ("Day off (substituted from 01/05/2025)", "Выходной день (перенесён с 05.01.2025)"),
        ("Day off (substituted from 12/28/2013)", "Выходной день (перенесён с 28.12.2013)"),
        ("Some New Holiday", None),
        ("Some New Holiday (observed)", None),
    ],
)
def test_russian_name(english: str, russian: str | None) -> None:
    assert russian_name(english) == russian


# -- range and review ------------------------------------------------------------------------


@pytest.mark.parametrize("day", [D(FIRST_YEAR - 1, 12, 31), D(LAST_YEAR + 1, 1, 1), D(1990, 6, 1)])
def test_year_outside_the_range_is_invalid(calendar: WorkCalendar, day: date) -> None:
    for call in (calendar.status, calendar.is_working_day, calendar.roll_forward):
        with pytest.raises(InvalidInput) as caught:
            call(day)
        assert caught.value.code == "calendar_year"
        assert caught.value.field == "date"
        assert caught.value.value == day.year
        assert "2000–2100" in caught.value.render("ru")


def test_counting_out_of_the_range_is_invalid(calendar: WorkCalendar) -> None:
    # Fri 31 Dec 2100 + 1 working day would need 2101
    with pytest.raises(InvalidInput) as caught:
        calendar.add_working_days(D(LAST_YEAR, 12, 31), 1)
    assert caught.value.code == "calendar_year"
    assert caught.value.value == LAST_YEAR + 1


def test_edges_of_the_range_are_known(calendar: WorkCalendar) -> None:
    # 1 Jan 2000 is New Year; 31 Dec 2100 is a Friday, an ordinary working day
    assert calendar.is_working_day(D(FIRST_YEAR, 1, 1)) is False
    assert calendar.is_working_day(D(LAST_YEAR, 12, 31)) is True


@pytest.mark.parametrize(
    ("day", "reviewed"),
    [
        (D(2026, 3, 24), True),   # holiday, reviewed year
        (D(2026, 6, 10), True),   # ordinary day, reviewed year
        (D(2025, 1, 5), True),    # years up to 2025 come from the library's orders
        (D(2027, 1, 4), False),   # 2027 is not in reviewed_years
        (D(2027, 6, 9), False),
    ],
)
def test_reviewed_flag(calendar: WorkCalendar, day: date, reviewed: bool) -> None:
    assert calendar.status(day).reviewed is reviewed

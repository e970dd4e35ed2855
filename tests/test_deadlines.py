"""Statutory deadlines (methodology.deadlines) of every shipped methodology, as dates of 2026.

What this file proves:
- Period.parse reads a quarter ("2026-Q3") or a year ("2026") and refuses the wrong
  granularity or a malformed period with InvalidInput code "period";
- for each quarter of 2026 (and for the year), every period-anchored deadline of mne2017,
  typical2023 and typical2025 is the hand-computed day: the Dth of the next month or a
  fixed date, moved to the next working day when it falls on a weekend or holiday
  (Civil Code); the mne2017 Q4 override (10 December, п.3.1) applies to Q4 only;
- event-anchored deadlines count working days from the day after the event, skip Nauryz
  (21-25 March 2026) and Independence Day (16 December 2026); "calendar days after" moves
  forward and "calendar days before" moves back to a working day;
- a rule whose event has not happened has no date and names the event it waits for; a
  rule anchored on another step (kpi_actuals_sent, typical2023 п.23) resolves from it;
- typical2025 differs from typical2023 in exactly three rules (kpi_appraisal,
  differentiation_appraisal, annual_grade), and so in their dates and in the date of the
  one step counted from them (kpi_actuals_sent), nothing else;
- each Due carries its rule's paragraph.

Facts used in the hand computations (weekends are Saturday and Sunday):
- 2026 weekdays off: 1-2 Jan, 7 Jan, 9 Mar (8 Mar observed), 23-25 Mar (Nauryz 21-23 Mar
  with 24-25 observed, so 21-25 March are all off), 1 May, 7 May, 11 May (9 May observed),
  27 May (Kurban ait, estimated), 6 Jul (Capital Day), 26 Oct (25 Oct observed),
  16 Dec (Independence Day; 17 Dec is worked). No day was transferred in 2026.
- 2027 (not reviewed; the library's days): 1 Jan Fri, 2 Jan Sat with 4 Jan observed, 7 Jan.
- Weekdays: 1 Jan 2026 Thu; 20 Mar 2026 Fri; 10 Apr 2026 Fri; 5 Jul 2026 Sun; 10 Oct 2026
  Sat; 10 Dec 2026 Thu; 16 Dec 2026 Wed; 25 Dec 2026 Fri; 10 Jan 2027 Sun; 30 Jan 2027 Sat.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import methodology
from methodology.deadlines import Due, Period, deadlines
from methodology.errors import InvalidInput
from methodology.workdays import WorkCalendar, load_table, shipped_table

D = date


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    """The shipped calendar only (independent of any BAGALAU_CALENDAR in the environment)."""
    return WorkCalendar([load_table(shipped_table())])


def _dues(
    calendar: WorkCalendar, method: str, kind: str, period: str, events: dict[str, date] | None = None
) -> dict[str, Due]:
    definition = methodology.load(method)
    granularity = definition.rules(kind).period  # type: ignore[union-attr,arg-type]
    result = deadlines(definition, kind, Period.parse(period, granularity), events or {}, calendar)  # type: ignore[arg-type]
    return {due.step: due for due in result}


# -- periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "granularity", "year", "quarter", "start", "end"),
    [
        ("2026-Q1", "quarter", 2026, 1, D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-Q2", "quarter", 2026, 2, D(2026, 4, 1), D(2026, 6, 30)),
        ("2026-Q3", "quarter", 2026, 3, D(2026, 7, 1), D(2026, 9, 30)),
        ("2026-Q4", "quarter", 2026, 4, D(2026, 10, 1), D(2026, 12, 31)),
        ("2026", "year", 2026, None, D(2026, 1, 1), D(2026, 12, 31)),
        ("2028", "year", 2028, None, D(2028, 1, 1), D(2028, 12, 31)),
        # a leap year's Q1 still ends on 31 March
        ("2028-Q1", "quarter", 2028, 1, D(2028, 1, 1), D(2028, 3, 31)),
    ],
)
def test_period_parse(
    text: str, granularity: str, year: int, quarter: int | None, start: date, end: date
) -> None:
    period = Period.parse(text, granularity)  # type: ignore[arg-type]
    assert (period.year, period.quarter) == (year, quarter)
    assert period.start == start
    assert period.end == end
    assert str(period) == text


def test_period_parse_ignores_surrounding_blanks() -> None:
    assert Period.parse(" 2026-Q2 ", "quarter") == Period(2026, 2)


@pytest.mark.parametrize(
    ("text", "granularity", "expected"),
    [
        ("2026", "quarter", "2026-Q3"),  # a year for a quarterly kind
        ("2026-Q1", "year", "2026"),  # a quarter for a yearly kind
        ("2026-Q5", "quarter", "2026-Q3"),
        ("2026-Q0", "quarter", "2026-Q3"),
        ("x", "quarter", "2026-Q3"),
        ("x", "year", "2026"),
        ("2026Q1", "quarter", "2026-Q3"),
        ("26-Q1", "quarter", "2026-Q3"),
        ("2026-q1", "quarter", "2026-Q3"),
        ("", "year", "2026"),
    ],
)
def test_period_parse_refuses(text: str, granularity: str, expected: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Period.parse(text, granularity, source="typical2023")  # type: ignore[arg-type]
    error = caught.value
    assert error.code == "period"
    assert error.field == "period"
    assert error.value == text
    assert error.source == "typical2023"
    assert error.params == {"expected": expected}
    assert expected in error.render("ru")


# -- period-anchored deadlines, each quarter of 2026 -------------------------------------------

QUARTERLY = [
    # mne2017 п.3.1: no later than the 10th of the month after the quarter; Q4 by 10 December
    ("mne2017", "quarterly", "quarterly_appraisal", "2026-Q1", D(2026, 4, 10)),  # Fri
    ("mne2017", "quarterly", "quarterly_appraisal", "2026-Q2", D(2026, 7, 10)),  # Fri
    ("mne2017", "quarterly", "quarterly_appraisal", "2026-Q3", D(2026, 10, 12)),  # 10 Oct Sat -> Mon 12
    ("mne2017", "quarterly", "quarterly_appraisal", "2026-Q4", D(2026, 12, 10)),  # override, Thu
    # typical2023 п.5: KPI and differentiation, 10th of the month after the quarter
    ("typical2023", "kpi", "kpi_appraisal", "2026-Q1", D(2026, 4, 10)),  # Fri
    ("typical2023", "kpi", "kpi_appraisal", "2026-Q2", D(2026, 7, 10)),  # Fri
    ("typical2023", "kpi", "kpi_appraisal", "2026-Q3", D(2026, 10, 12)),  # Sat 10 -> Mon 12
    ("typical2023", "kpi", "kpi_appraisal", "2026-Q4", D(2027, 1, 11)),  # Sun 10 Jan 2027 -> Mon 11
    ("typical2023", "differentiation", "differentiation_appraisal", "2026-Q1", D(2026, 4, 10)),
    ("typical2023", "differentiation", "differentiation_appraisal", "2026-Q2", D(2026, 7, 10)),
    ("typical2023", "differentiation", "differentiation_appraisal", "2026-Q3", D(2026, 10, 12)),
    ("typical2023", "differentiation", "differentiation_appraisal", "2026-Q4", D(2027, 1, 11)),
    # typical2023 п.31: the servant is told no later than the 10th, same days
    ("typical2023", "differentiation", "differentiation_notice", "2026-Q1", D(2026, 4, 10)),
    ("typical2023", "differentiation", "differentiation_notice", "2026-Q3", D(2026, 10, 12)),
    ("typical2023", "differentiation", "differentiation_notice", "2026-Q4", D(2027, 1, 11)),
    # typical2023 п.27: the head is told no later than the 5th
    ("typical2023", "kpi", "kpi_notice", "2026-Q1", D(2026, 4, 6)),  # Sun 5 Apr -> Mon 6
    ("typical2023", "kpi", "kpi_notice", "2026-Q2", D(2026, 7, 7)),  # Sun 5 Jul -> Mon 6 Capital Day -> Tue 7
    ("typical2023", "kpi", "kpi_notice", "2026-Q3", D(2026, 10, 5)),  # Mon
    ("typical2023", "kpi", "kpi_notice", "2026-Q4", D(2027, 1, 5)),  # Tue
    # typical2023 п.23: actual values sent 5 working days before the kpi_appraisal deadline
    # Q1: Fri 10 Apr - 5: Thu 9 (1), 8 (2), 7 (3), Mon 6 (4), Fri 3 (5)
    ("typical2023", "kpi", "kpi_actuals_sent", "2026-Q1", D(2026, 4, 3)),
    # Q2: Fri 10 Jul - 5: 9 (1), 8 (2), 7 (3), Mon 6 Capital Day skipped, Fri 3 (4), Thu 2 (5)
    ("typical2023", "kpi", "kpi_actuals_sent", "2026-Q2", D(2026, 7, 2)),
    # Q3: Mon 12 Oct - 5: Fri 9 (1), 8 (2), 7 (3), 6 (4), Mon 5 (5)
    ("typical2023", "kpi", "kpi_actuals_sent", "2026-Q3", D(2026, 10, 5)),
    # Q4: Mon 11 Jan 2027 - 5: Fri 8 (1), Thu 7 Christmas, Wed 6 (2), Tue 5 (3), Mon 4 observed
    #     New Year, 3-2 weekend, Fri 1 New Year, Thu 31 Dec 2026 (4), Wed 30 Dec (5)
    ("typical2023", "kpi", "kpi_actuals_sent", "2026-Q4", D(2026, 12, 30)),
    # typical2023 п.23: KPIs set within 10 working days after the appraised quarter starts.
    # Q1: 2 Jan off, 3-4 weekend, 5 (1), 6 (2), 7 Christmas, 8 (3), 9 (4), 12..16 (5..9), Mon 19 (10)
    ("typical2023", "kpi", "kpi_set", "2026-Q1", D(2026, 1, 19)),
    # Q2: Thu 2, Fri 3 (2), 6..10 (7), 13, 14, Wed 15 (10); the first day counted is the 2nd
    ("typical2023", "kpi", "kpi_set", "2026-Q2", D(2026, 4, 15)),
    # Q3: Thu 2, Fri 3 (2), Mon 6 Capital Day off, 7..10 (6), 13..16 (10): Thu 16, not Wed 15
    ("typical2023", "kpi", "kpi_set", "2026-Q3", D(2026, 7, 16)),
    # typical2025: the quarterly deadline moved to the 20th
    ("typical2025", "kpi", "kpi_appraisal", "2026-Q1", D(2026, 4, 20)),  # Mon
    ("typical2025", "kpi", "kpi_appraisal", "2026-Q2", D(2026, 7, 20)),  # Mon
    ("typical2025", "kpi", "kpi_appraisal", "2026-Q3", D(2026, 10, 20)),  # Tue
    ("typical2025", "kpi", "kpi_appraisal", "2026-Q4", D(2027, 1, 20)),  # Wed
    ("typical2025", "differentiation", "differentiation_appraisal", "2026-Q1", D(2026, 4, 20)),
    ("typical2025", "differentiation", "differentiation_appraisal", "2026-Q2", D(2026, 7, 20)),
    ("typical2025", "differentiation", "differentiation_appraisal", "2026-Q3", D(2026, 10, 20)),
    ("typical2025", "differentiation", "differentiation_appraisal", "2026-Q4", D(2027, 1, 20)),
    # ...and the actual values follow it (п.23, 5 working days before):
    # Q1 Mon 20 Apr: 17, 16, 15, 14, Mon 13 | Q2 Mon 20 Jul: 17, 16, 15, 14, Mon 13
    # Q3 Tue 20 Oct: 19, 16, 15, 14, Tue 13 | Q4 Wed 20 Jan 2027: 19, 18, 15, 14, Wed 13
    ("typical2025", "kpi", "kpi_actuals_sent", "2026-Q1", D(2026, 4, 13)),
    ("typical2025", "kpi", "kpi_actuals_sent", "2026-Q2", D(2026, 7, 13)),
    ("typical2025", "kpi", "kpi_actuals_sent", "2026-Q3", D(2026, 10, 13)),
    ("typical2025", "kpi", "kpi_actuals_sent", "2026-Q4", D(2027, 1, 13)),
    # the notice stays on the 5th in typical2025
    ("typical2025", "kpi", "kpi_notice", "2026-Q2", D(2026, 7, 7)),
]


@pytest.mark.parametrize(
    ("method", "kind", "step", "period", "expected"),
    QUARTERLY,
    ids=[f"{m}-{s}-{p}" for m, _, s, p, _ in QUARTERLY],
)
def test_quarterly_deadlines_2026(
    calendar: WorkCalendar, method: str, kind: str, step: str, period: str, expected: date
) -> None:
    due = _dues(calendar, method, kind, period)[step]
    assert due.due == expected
    assert due.waits_for is None
    assert calendar.is_working_day(due.due)


YEARLY = [
    # mne2017 п.3.2: annual appraisal by 25 December (Fri 25 Dec 2026)
    ("mne2017", "annual", "annual_appraisal", "2026", D(2026, 12, 25)),
    # 25 Dec 2027 is a Saturday -> Mon 27 Dec 2027
    ("mne2017", "annual", "annual_appraisal", "2027", D(2027, 12, 27)),
    # mne2017 п.10: the plan by 10 January; 10 Jan 2026 is a Saturday -> Mon 12 Jan
    ("mne2017", "plan", "plan_drawn_up", "2026", D(2026, 1, 12)),
    # 10 Jan 2025 is a Friday, unchanged
    ("mne2017", "plan", "plan_drawn_up", "2025", D(2025, 1, 10)),
    # typical2023 п.5: 360 and the final grade by the 10th of the month after the year:
    # 10 Jan 2027 is a Sunday -> Mon 11 Jan 2027
    ("typical2023", "360", "survey360_appraisal", "2026", D(2027, 1, 11)),
    ("typical2023", "annual", "annual_grade", "2026", D(2027, 1, 11)),
    # typical2025: the final grade by 30 January of the next year; 30 Jan 2027 is a
    # Saturday -> Mon 1 Feb 2027; 360 unchanged
    ("typical2025", "annual", "annual_grade", "2026", D(2027, 2, 1)),
    ("typical2025", "360", "survey360_appraisal", "2026", D(2027, 1, 11)),
]


@pytest.mark.parametrize(
    ("method", "kind", "step", "period", "expected"),
    YEARLY,
    ids=[f"{m}-{s}-{p}" for m, _, s, p, _ in YEARLY],
)
def test_yearly_deadlines(
    calendar: WorkCalendar, method: str, kind: str, step: str, period: str, expected: date
) -> None:
    due = _dues(calendar, method, kind, period)[step]
    assert due.due == expected
    assert due.waits_for is None


def test_mne2017_q4_override_is_only_for_q4(calendar: WorkCalendar) -> None:
    # п.3.1: Q1-Q3 by the 10th of the next month, Q4 by 10 December of the same year
    # (not 10 January 2027, which is a Sunday and would give 11 January)
    rule = methodology.load("mne2017").deadlines["quarterly_appraisal"]
    assert rule.term.type == "day_of_month_after_period"
    assert set(rule.quarter_overrides) == {"Q4"}
    assert _dues(calendar, "mne2017", "quarterly", "2026-Q4")["quarterly_appraisal"].due == D(2026, 12, 10)
    assert _dues(calendar, "mne2017", "quarterly", "2026-Q3")["quarterly_appraisal"].due == D(2026, 10, 12)


# -- event-anchored deadlines: Nauryz, Independence Day, weekends -------------------------------

EVENTS = [
    # mne2017 п.14: schedule 10 calendar days before the start; 1 Apr - 10 = Sun 22 Mar
    # (Nauryz) -> back over 21 (Nauryz) -> Fri 20 Mar
    ("mne2017", "quarterly", "2026-Q1", "schedule_notice", {"appraisal_start": D(2026, 4, 1)}, D(2026, 3, 20)),
    # Tue 14 Apr - 10 = Sat 4 Apr -> back to Fri 3 Apr
    ("mne2017", "quarterly", "2026-Q1", "schedule_notice", {"appraisal_start": D(2026, 4, 14)}, D(2026, 4, 3)),
    # Mon 20 Apr - 10 = Fri 10 Apr, a working day, unchanged
    ("mne2017", "quarterly", "2026-Q1", "schedule_notice", {"appraisal_start": D(2026, 4, 20)}, D(2026, 4, 10)),
    # mne2017 п.36: 2 working days after completion Fri 20 Mar: 21-25 off, Thu 26 (1), Fri 27 (2)
    ("mne2017", "quarterly", "2026-Q1", "familiarisation", {"completion": D(2026, 3, 20)}, D(2026, 3, 27)),
    # mne2017 п.3: 5 working days after return Mon 16 Mar: 17, 18, 19, 20, (Nauryz) Thu 26
    ("mne2017", "quarterly", "2026-Q1", "appraisal_after_return", {"return_to_work": D(2026, 3, 16)}, D(2026, 3, 26)),
    # mne2017 п.38: 10 working days after the decision Fri 13 Mar:
    # 16, 17, 18, 19, 20 (5), 26, 27, 30, 31 (9), Wed 1 Apr (10)
    ("mne2017", "quarterly", "2026-Q1", "appeal", {"commission_decision": D(2026, 3, 13)}, D(2026, 4, 1)),
    # mne2017 п.39: 10 working days after filing Thu 10 Dec: 11, 14, 15, (16 off) 17, 18 (5),
    # 21, 22, 23, 24, Fri 25 Dec (10)
    ("mne2017", "quarterly", "2026-Q4", "appeal_review", {"appeal_filed": D(2026, 12, 10)}, D(2026, 12, 25)),
    # mne2017 п.40: two weeks (14 calendar days) after the review
    # Wed 2 Dec + 14 = Wed 16 Dec, Independence Day -> Thu 17 Dec
    ("mne2017", "quarterly", "2026-Q4", "appeal_decision_reported", {"appeal_reviewed": D(2026, 12, 2)}, D(2026, 12, 17)),
    # Sat 12 Sep + 14 = Sat 26 Sep -> Mon 28 Sep
    ("mne2017", "quarterly", "2026-Q3", "appeal_decision_reported", {"appeal_reviewed": D(2026, 9, 12)}, D(2026, 9, 28)),
    # Sun 11 Oct + 14 = Sun 25 Oct (Republic Day) -> Mon 26 observed -> Tue 27 Oct
    ("mne2017", "quarterly", "2026-Q4", "appeal_decision_reported", {"appeal_reviewed": D(2026, 10, 11)}, D(2026, 10, 27)),
    # Sun 8 Mar + 14 = Sun 22 Mar (Nauryz) -> Thu 26 Mar
    ("mne2017", "quarterly", "2026-Q1", "appeal_decision_reported", {"appeal_reviewed": D(2026, 3, 8)}, D(2026, 3, 26)),
    # mne2017 п.32: 5 working days before the meeting Fri 27 Mar: 26 (1), 25-21 off, 20 (2),
    # 19 (3), 18 (4), Tue 17 (5)
    ("mne2017", "annual", "2026", "annual_score_computed", {"commission_meeting": D(2026, 3, 27)}, D(2026, 3, 17)),
    # mne2017 п.11: 10 working days after appointment Fri 4 Dec: 7, 8, 9, 10, 11 (5), 14, 15,
    # (16 off) 17, 18, Mon 21 Dec (10)
    ("mne2017", "plan", "2026", "plan_after_appointment", {"appointment": D(2026, 12, 4)}, D(2026, 12, 21)),
    # typical2023 п.13: 5 working days after familiarisation Thu 19 Mar:
    # Fri 20 (1), 21-25 Nauryz, Thu 26 (2), Fri 27 (3), Mon 30 (4), Tue 31 (5)
    ("typical2023", "kpi", "2026-Q1", "calibration_application", {"familiarisation": D(2026, 3, 19)}, D(2026, 3, 31)),
    # typical2023 п.12: 2 working days after completion Fri 20 Mar -> 26 (1), Fri 27 (2)
    ("typical2023", "differentiation", "2026-Q1", "familiarisation", {"completion": D(2026, 3, 20)}, D(2026, 3, 27)),
    # typical2023 п.6: 5 working days after return Mon 16 Mar -> Thu 26 Mar
    ("typical2023", "kpi", "2026-Q1", "kpi_after_return", {"return_to_work": D(2026, 3, 16)}, D(2026, 3, 26)),
    # typical2023 п.39: 3 working days after the application Mon 14 Dec: 15 (1), 16 off, 17 (2), 18 (3)
    ("typical2023", "kpi", "2026-Q4", "calibration_decision", {"calibration_application": D(2026, 12, 14)}, D(2026, 12, 18)),
    # typical2023 п.40: 10 working days after Mon 14 Dec: 15, 17, 18, 21, 22 (5), 23, 24, 25,
    # 28, Tue 29 Dec (10)
    ("typical2023", "annual", "2026", "calibration_session", {"calibration_application": D(2026, 12, 14)}, D(2026, 12, 29)),
    # typical2023 п.42: 3 working days after signature Tue 15 Dec: 17 (1), 18 (2), Mon 21 (3)
    ("typical2023", "360", "2026", "protocol_placed", {"protocol_signed": D(2026, 12, 15)}, D(2026, 12, 21)),
    # typical2023 п.23: plan placed 5 working days after approval Wed 6 May: 7 off, Fri 8 (1),
    # 9-10 weekend, 11 observed Victory Day, 12 (2), 13 (3), 14 (4), Fri 15 (5)
    ("typical2023", "kpi", "2026-Q2", "kpi_plan_placed", {"plan_approved": D(2026, 5, 6)}, D(2026, 5, 15)),
    # typical2023 п.23: KPIs of a head appointed Fri 22 May: 25 (1), 26 (2), 27 Kurban ait,
    # 28 (3), 29 (4), 1 Jun (5), 2, 3, 4, 5 (9), Mon 8 Jun (10)
    ("typical2023", "kpi", "2026-Q2", "kpi_set_after_appointment", {"appointment": D(2026, 5, 22)}, D(2026, 6, 8)),
]


@pytest.mark.parametrize(
    ("method", "kind", "period", "step", "events", "expected"),
    EVENTS,
    ids=[f"{m}-{s}-{next(iter(e.values()))}" for m, _, _, s, e, _ in EVENTS],
)
def test_event_anchored_deadlines(
    calendar: WorkCalendar,
    method: str,
    kind: str,
    period: str,
    step: str,
    events: dict[str, date],
    expected: date,
) -> None:
    due = _dues(calendar, method, kind, period, events)[step]
    assert due.due == expected
    assert due.waits_for is None
    assert calendar.is_working_day(due.due)


def test_a_chain_of_events_across_nauryz(calendar: WorkCalendar) -> None:
    # typical2023, Q1 2026: completion Wed 18 Mar; familiarisation by 2 working days: 19, Fri 20;
    # the servant is familiarised on Fri 20 Mar; the application by 5 working days after it:
    # 26 (1), 27 (2), 30 (3), 31 (4), Wed 1 Apr (5); applied on Thu 26 Mar: decision by 3
    # working days: 27, 30, Tue 31 Mar; session by 10: 27, 30, 31, 1, 2, 3, 6, 7, 8, Thu 9 Apr
    dues = _dues(
        calendar, "typical2023", "kpi", "2026-Q1",
        {"completion": D(2026, 3, 18), "familiarisation": D(2026, 3, 20), "calibration_application": D(2026, 3, 26)},
    )
    assert dues["familiarisation"].due == D(2026, 3, 20)
    assert dues["calibration_application"].due == D(2026, 4, 1)
    assert dues["calibration_decision"].due == D(2026, 3, 31)
    assert dues["calibration_session"].due == D(2026, 4, 9)


# -- waiting for events, steps counted from steps -----------------------------------------------

WAITING = [
    (
        "mne2017", "quarterly", "2026-Q1",
        [
            ("schedule_notice", None, "appraisal_start"),
            ("quarterly_appraisal", D(2026, 4, 10), None),
            ("appraisal_after_return", None, "return_to_work"),
            ("familiarisation", None, "completion"),
            ("appeal", None, "commission_decision"),
            ("appeal_review", None, "appeal_filed"),
            ("appeal_decision_reported", None, "appeal_reviewed"),
        ],
    ),
    (
        "mne2017", "annual", "2026",
        [
            ("schedule_notice", None, "appraisal_start"),
            ("annual_appraisal", D(2026, 12, 25), None),
            ("appraisal_after_return", None, "return_to_work"),
            ("annual_score_computed", None, "commission_meeting"),
            ("familiarisation", None, "completion"),
            ("appeal", None, "commission_decision"),
            ("appeal_review", None, "appeal_filed"),
            ("appeal_decision_reported", None, "appeal_reviewed"),
        ],
    ),
    (
        "mne2017", "plan", "2026",
        [("plan_drawn_up", D(2026, 1, 12), None), ("plan_after_appointment", None, "appointment")],
    ),
    (
        "typical2023", "kpi", "2026-Q1",
        [
            ("kpi_set", D(2026, 1, 19), None),
            ("kpi_set_after_appointment", None, "appointment"),
            ("kpi_plan_placed", None, "plan_approved"),
            ("kpi_notice", D(2026, 4, 6), None),
            ("kpi_actuals_sent", D(2026, 4, 3), None),  # counted from the step kpi_appraisal
            ("kpi_appraisal", D(2026, 4, 10), None),
            ("kpi_after_return", None, "return_to_work"),
            ("familiarisation", None, "completion"),
            ("calibration_application", None, "familiarisation"),
            ("calibration_decision", None, "calibration_application"),
            ("calibration_session", None, "calibration_application"),
            ("protocol_placed", None, "protocol_signed"),
        ],
    ),
    (
        "typical2023", "differentiation", "2026-Q3",
        [
            ("differentiation_notice", D(2026, 10, 12), None),
            ("differentiation_appraisal", D(2026, 10, 12), None),
            ("familiarisation", None, "completion"),
            ("calibration_application", None, "familiarisation"),
            ("calibration_decision", None, "calibration_application"),
            ("calibration_session", None, "calibration_application"),
            ("protocol_placed", None, "protocol_signed"),
        ],
    ),
    (
        "typical2023", "360", "2026",
        [
            ("survey360_appraisal", D(2027, 1, 11), None),
            ("familiarisation", None, "completion"),
            ("calibration_application", None, "familiarisation"),
            ("calibration_decision", None, "calibration_application"),
            ("calibration_session", None, "calibration_application"),
            ("protocol_placed", None, "protocol_signed"),
        ],
    ),
    (
        "typical2023", "annual", "2026",
        [
            ("annual_grade", D(2027, 1, 11), None),
            ("familiarisation", None, "completion"),
            ("calibration_application", None, "familiarisation"),
            ("calibration_decision", None, "calibration_application"),
            ("calibration_session", None, "calibration_application"),
            ("protocol_placed", None, "protocol_signed"),
        ],
    ),
]


@pytest.mark.parametrize(("method", "kind", "period", "expected"), WAITING, ids=[f"{w[0]}-{w[1]}" for w in WAITING])
def test_steps_in_rule_order_and_what_they_wait_for(
    calendar: WorkCalendar, method: str, kind: str, period: str, expected: list[tuple[str, date | None, str | None]]
) -> None:
    definition = methodology.load(method)
    granularity = definition.rules(kind).period  # type: ignore[union-attr]
    result = deadlines(definition, kind, Period.parse(period, granularity), {}, calendar)  # type: ignore[arg-type]
    assert [(d.step, d.due, d.waits_for) for d in result] == expected
    for due in result:
        assert due.rule is definition.deadlines[due.step]


def test_unrelated_events_change_nothing(calendar: WorkCalendar) -> None:
    plain = _dues(calendar, "typical2023", "kpi", "2026-Q2")
    with_events = _dues(calendar, "typical2023", "kpi", "2026-Q2", {"appeal_filed": D(2026, 5, 5)})
    assert {s: (d.due, d.waits_for) for s, d in plain.items()} == {
        s: (d.due, d.waits_for) for s, d in with_events.items()
    }


def test_a_step_counted_from_a_waiting_step_waits_for_its_event(calendar: WorkCalendar, tmp_path: Path) -> None:
    # A variant with a reminder 1 working day before the calibration application deadline:
    # without the familiarisation event it cannot be dated and waits for that event; with
    # familiarisation Thu 19 Mar 2026 the application is due Tue 31 Mar (see above) and the
    # reminder the working day before, Mon 30 Mar.
    path = tmp_path / "reminder_variant.yaml"
    path.write_text(
        "extends: typical2023\n"
        "id: reminder_variant\n"
        "events:\n"
        "  familiarisation: {opens: [calibration_reminder]}\n"  # every deadline is opened by something
        "deadlines:\n"
        "  calibration_reminder:\n"
        "    kinds: [kpi]\n"
        "    term: {type: working_days, days: 1, before: 'step:calibration_application'}\n"
        "    responsible: hr\n"
        "    paragraph: 'п.13'\n"
        "    label: {kk: еске салу, ru: напоминание, en: reminder}\n",
        "utf-8",
    )
    variant = methodology.load(str(path))
    period = Period.parse("2026-Q1", "quarter")
    waiting = {d.step: d for d in deadlines(variant, "kpi", period, {}, calendar)}
    assert waiting["calibration_reminder"].due is None
    assert waiting["calibration_reminder"].waits_for == "familiarisation"
    dated = {d.step: d for d in deadlines(variant, "kpi", period, {"familiarisation": D(2026, 3, 19)}, calendar)}
    assert dated["calibration_application"].due == D(2026, 3, 31)
    assert dated["calibration_reminder"].due == D(2026, 3, 30)
    assert dated["calibration_reminder"].waits_for is None


def test_deadlines_follow_the_operator_calendar(calendar: WorkCalendar, tmp_path: Path) -> None:
    # An order makes Fri 10 Apr 2026 a day off: the mne2017 Q1 deadline (п.3.1) moves to
    # Mon 13 Apr, and typical2023 kpi_actuals_sent (п.23: 5 working days before Mon 13 Apr:
    # 9, 8, 7, 6, Fri 3 Apr) stays Fri 3 Apr although now counted from the 13th.
    table = tmp_path / "operator.yaml"
    table.write_text(
        "days:\n  - date: 2026-04-10\n    working: false\n"
        "    reason: {kk: демалыс, ru: выходной, en: day off}\n    source: test order\n",
        "utf-8",
    )
    operator = WorkCalendar([load_table(shipped_table()), load_table(table)])
    assert _dues(calendar, "mne2017", "quarterly", "2026-Q1")["quarterly_appraisal"].due == D(2026, 4, 10)
    assert _dues(operator, "mne2017", "quarterly", "2026-Q1")["quarterly_appraisal"].due == D(2026, 4, 13)
    kpi = _dues(operator, "typical2023", "kpi", "2026-Q1")
    assert kpi["kpi_appraisal"].due == D(2026, 4, 13)
    assert kpi["kpi_actuals_sent"].due == D(2026, 4, 3)


# -- typical2025 against typical2023 ------------------------------------------------------------

CHANGED_RULES = {"kpi_appraisal", "differentiation_appraisal", "annual_grade"}
# kpi_actuals_sent counts from the step kpi_appraisal (п.23), so its date moves with it
CHANGED_DATES = CHANGED_RULES | {"kpi_actuals_sent"}

ALL_EVENTS = {
    "appointment": D(2026, 2, 3),
    "plan_approved": D(2026, 3, 19),
    "return_to_work": D(2026, 12, 14),
    "completion": D(2026, 3, 20),
    "familiarisation": D(2026, 3, 19),
    "calibration_application": D(2026, 12, 14),
    "protocol_signed": D(2026, 12, 15),
}


def test_typical2025_changes_exactly_three_rules() -> None:
    old, new = methodology.load("typical2023"), methodology.load("typical2025")
    assert list(new.deadlines) == list(old.deadlines)
    differing = {step for step in old.deadlines if old.deadlines[step] != new.deadlines[step]}
    assert differing == CHANGED_RULES
    for step in CHANGED_RULES:
        # only the term changed: kinds, responsible, paragraph and label are inherited
        a, b = old.deadlines[step], new.deadlines[step]
        assert a.term != b.term
        assert (a.kinds, a.responsible, a.paragraph, a.label) == (b.kinds, b.responsible, b.paragraph, b.label)
    assert new.deadlines["annual_grade"].term.model_dump() == {
        "type": "fixed_date", "month": 1, "day": 30, "year_offset": 1,
    }


@pytest.mark.parametrize(
    ("kind", "period"),
    [
        ("kpi", "2026-Q1"), ("kpi", "2026-Q2"), ("kpi", "2026-Q3"), ("kpi", "2026-Q4"),
        ("differentiation", "2026-Q1"), ("differentiation", "2026-Q2"),
        ("differentiation", "2026-Q3"), ("differentiation", "2026-Q4"),
        ("360", "2026"), ("annual", "2026"),
    ],
)
def test_typical2025_dates_differ_only_in_the_changed_steps(calendar: WorkCalendar, kind: str, period: str) -> None:
    old = _dues(calendar, "typical2023", kind, period, ALL_EVENTS)
    new = _dues(calendar, "typical2025", kind, period, ALL_EVENTS)
    assert list(old) == list(new)
    assert all(d.due is not None for d in old.values())  # every event is given: all dated
    differing = {step for step in old if old[step].due != new[step].due}
    assert differing == CHANGED_DATES & set(old)
    # the changed steps are all later in typical2025 (20th instead of 10th; 30 Jan instead of 10 Jan)
    for step in differing:
        assert new[step].due > old[step].due  # type: ignore[operator]


def test_typical2025_covers_every_kind_of_typical2023() -> None:
    assert methodology.load("typical2025").kinds == methodology.load("typical2023").kinds == [
        "annual", "kpi", "differentiation", "360",
    ]


# -- paragraphs --------------------------------------------------------------------------------

PARAGRAPHS = [
    ("mne2017", "quarterly", "2026-Q1", "quarterly_appraisal", "п.3.1"),
    ("mne2017", "quarterly", "2026-Q4", "quarterly_appraisal", "п.3.1"),  # the Q4 override too
    ("mne2017", "annual", "2026", "annual_appraisal", "п.3.2"),
    ("mne2017", "plan", "2026", "plan_drawn_up", "п.10"),
    ("mne2017", "plan", "2026", "plan_after_appointment", "п.11"),
    ("mne2017", "quarterly", "2026-Q1", "schedule_notice", "п.14"),
    ("mne2017", "quarterly", "2026-Q1", "appraisal_after_return", "п.3"),
    ("mne2017", "annual", "2026", "annual_score_computed", "п.32"),
    ("mne2017", "quarterly", "2026-Q1", "familiarisation", "п.36"),
    ("mne2017", "quarterly", "2026-Q1", "appeal", "п.38"),
    ("mne2017", "quarterly", "2026-Q1", "appeal_review", "п.39"),
    ("mne2017", "quarterly", "2026-Q1", "appeal_decision_reported", "п.40"),
    ("typical2023", "kpi", "2026-Q1", "kpi_notice", "п.27"),
    ("typical2023", "kpi", "2026-Q1", "kpi_appraisal", "п.5"),
    ("typical2023", "kpi", "2026-Q1", "kpi_actuals_sent", "п.23"),
    ("typical2023", "kpi", "2026-Q1", "kpi_set", "п.23"),
    ("typical2023", "kpi", "2026-Q1", "kpi_after_return", "п.6"),
    ("typical2023", "differentiation", "2026-Q1", "differentiation_notice", "п.31"),
    ("typical2023", "differentiation", "2026-Q1", "familiarisation", "п.12"),
    ("typical2023", "differentiation", "2026-Q1", "calibration_application", "п.13"),
    ("typical2023", "differentiation", "2026-Q1", "calibration_decision", "п.39"),
    ("typical2023", "differentiation", "2026-Q1", "calibration_session", "п.40"),
    ("typical2023", "differentiation", "2026-Q1", "protocol_placed", "п.42"),
    ("typical2023", "360", "2026", "survey360_appraisal", "п.5"),
    ("typical2023", "annual", "2026", "annual_grade", "п.5"),
    ("typical2025", "kpi", "2026-Q1", "kpi_appraisal", "п.5"),
    ("typical2025", "annual", "2026", "annual_grade", "п.5"),
]


@pytest.mark.parametrize(
    ("method", "kind", "period", "step", "paragraph"),
    PARAGRAPHS,
    ids=[f"{m}-{s}-{p}" for m, _, p, s, _ in PARAGRAPHS],
)
def test_each_due_carries_its_paragraph(
    calendar: WorkCalendar, method: str, kind: str, period: str, step: str, paragraph: str
) -> None:
    assert _dues(calendar, method, kind, period)[step].rule.paragraph == paragraph

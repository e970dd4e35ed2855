"""A simulated year, 1 January 2026 to 31 January 2027, run through the scheduled flows'
logic with a moving clock: every day the opening flows' work functions run when their
crons fire (08:00 on days 1–15; the annual one in January and December), the sweep's runs
(every 15 minutes) — the first one after the openings, and one after the actors on days
they acted — and at noon the actors take their steps (states.service.act). The body is
tests/factories.organisation on mne2017.

Working days of the year that matter (methodology/workdays.py): 1–2 and 7 January, 6 July
(Capital Day), 16 December (Independence Day), 1, 4 and 7 January 2027 are off.

The plan: the seven servants with a direct manager do every step on time, except
  - colleague3 confirms the 2026 plan on Tue 20 January (due Mon 12 January, п.10): 8 days late;
  - HR familiarises servant with the Q1 result on Mon 20 April (due Thu 9 April, 2
    working days after the decision of Tue 7 April, п.36): 11 days late;
  - colleague1's Q2 sheet is agreed on Mon 13 July and decided Wed 15 July (due Fri 10
    July, п.3.1): 5 days late;
  - nobody acts on colleague2's Q3 sheet (due Mon 12 October): 111 days overdue on 31 January;
  - the commission never decides member's annual appraisal (due Fri 25 December, п.3.2):
    37 days overdue;
and the official, head of the body, has no direct manager: nobody can agree their plan or
sheets, so their plans (2026, 2027), four quarters and year are never done.

On time, every quarter: submitted, agreed, signed and decided on the 1st … 4th working
days after the opening day, familiarised the next working day, closed by HR on the first
working day after the 10-working-day appeal window (п.38).
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from flows.inputs import SweepInput
from flows.opening import open_due_cycles, request_for
from flows.sweep import sweep_deadlines
from methodology import loader
from methodology.workdays import ALMATY, default_calendar
from models import Appraisal, Cycle, Deadline, Notice, StateBody
from models.db import engine, transaction
from states import escalation
from states.compliance import compliance_rows
from states.service import act
from tests.factories import Org, organisation

D = date
START, END = D(2026, 1, 1), D(2027, 1, 31)
REGULAR = ("servant", "colleague1", "colleague2", "colleague3", "manager", "member", "hr")
MANAGER = {"servant": "manager", "colleague1": "manager", "colleague2": "manager", "colleague3": "manager",
           "manager": "official", "member": "official", "hr": "official",
           "official": "vice"}  # the head's assessor is outside the B corps (mne2017 п.4, tests/factories.py)

PLAN = {"indicators": [  # п.12: one of two measurable is half, enough
    {"text": "Draft the regional budget law by 1 October", "measurable": True},
    {"text": "Improve coordination with the akimat", "measurable": False},
]}
SELF = {"bonus_items": [{"description": "Activity above the average workload", "points": 3}]}
SHEET = {"bonus_items": [{"description": "Activity above the average workload", "points": 5}]}


@dataclass(frozen=True)
class Step:
    whose: str  # the servant appraised
    kind: str
    period: str
    action: str
    actor: str
    payload: Any = None


# Each quarter on time: (submit, agree, sign, decide, familiarise, close)
QUARTERS = {
    # opens Wed 1 April; due Fri 10 April; familiarise by Thu 9; appeal window 8 … 21 April
    "2026-Q1": (D(2026, 4, 2), D(2026, 4, 3), D(2026, 4, 6), D(2026, 4, 7), D(2026, 4, 8), D(2026, 4, 22)),
    # opens Wed 1 July; 6 July off; due Fri 10 July; appeal window 9 … 22 July
    "2026-Q2": (D(2026, 7, 2), D(2026, 7, 3), D(2026, 7, 7), D(2026, 7, 8), D(2026, 7, 9), D(2026, 7, 23)),
    # opens Thu 1 October; due Mon 12 October (10 October a Saturday); window 8 … 21 October
    "2026-Q3": (D(2026, 10, 2), D(2026, 10, 5), D(2026, 10, 6), D(2026, 10, 7), D(2026, 10, 8), D(2026, 10, 22)),
    # opens Tue 1 December (п.3.1: Q4 by 10 December); window 8 … 22 December (16th off)
    "2026-Q4": (D(2026, 12, 2), D(2026, 12, 3), D(2026, 12, 4), D(2026, 12, 7), D(2026, 12, 8), D(2026, 12, 23)),
}


def plan() -> dict[date, list[Step]]:
    steps: dict[date, list[Step]] = defaultdict(list)

    def add(day: date, *step: Any) -> None:
        steps[day].append(Step(*step))

    def hr_for(who: str) -> str:
        """HR's steps on the head of HR's own appraisal are the appointing official's (states/people.py)."""
        return "official" if who == "hr" else "hr"

    for who in REGULAR:
        boss = MANAGER[who]
        # plan 2026: opens Mon 5 January, due Mon 12 January (10 January a Saturday, п.10)
        add(D(2026, 1, 6), who, "plan", "2026", "submit", who, PLAN)
        add(D(2026, 1, 8), who, "plan", "2026", "agree", boss, {})
        add(D(2026, 1, 20) if who == "colleague3" else D(2026, 1, 9), who, "plan", "2026", "confirm", who)
        for period, (submit, agree, sign, decide, familiarise, close) in QUARTERS.items():
            if (who, period) == ("colleague2", "2026-Q3"):
                continue  # never
            if (who, period) == ("colleague1", "2026-Q2"):
                # agreed Mon 13, signed Tue 14, decided Wed 15 July; familiarised Thu 16;
                # window 16 … 29 July, closed Thu 30 July
                agree, sign, decide, familiarise, close = D(2026, 7, 13), D(2026, 7, 14), D(2026, 7, 15), D(2026, 7, 16), D(2026, 7, 30)
            if (who, period) == ("servant", "2026-Q1"):
                familiarise = D(2026, 4, 20)
            add(submit, who, "quarterly", period, "submit", who, SELF)
            add(agree, who, "quarterly", period, "agree", boss, SHEET)
            add(sign, who, "quarterly", period, "sign", who)
            add(decide, who, "quarterly", period, "decide", "official", "decision")
            add(familiarise, who, "quarterly", period, "familiarise", hr_for(who))
            add(close, who, "quarterly", period, "close", hr_for(who))
        # the year: plan scored Tue 1 and signed Wed 2 December; the annual score computed Tue
        # 8 December (after Q4's decision of the 7th), decided Thu 10 (due Fri 25, п.3.2),
        # familiarised Fri 11; window 11 … 25 December, closed Mon 28 December
        add(D(2026, 12, 1), who, "plan", "2026", "score", boss, {"scores": [4, 5]})
        add(D(2026, 12, 2), who, "plan", "2026", "sign", who)
        add(D(2026, 12, 8), who, "annual", "2026", "compute", hr_for(who))
        if who != "member":
            add(D(2026, 12, 10), who, "annual", "2026", "decide", "official", "decision")
            add(D(2026, 12, 11), who, "annual", "2026", "familiarise", hr_for(who))
            add(D(2026, 12, 28), who, "annual", "2026", "close", hr_for(who))
        # plan 2027: opens Tue 5 January 2027, due Mon 11 January (10th a Sunday)
        add(D(2027, 1, 5), who, "plan", "2027", "submit", who, PLAN)
        add(D(2027, 1, 6), who, "plan", "2027", "agree", boss, {})
        add(D(2027, 1, 8), who, "plan", "2027", "confirm", who)
    return steps


# --- the simulation ------------------------------------------------------------------------------------


@dataclass
class Year:
    db: Engine
    org: Org
    opened: dict[int, date] = field(default_factory=dict)  # deadline row → the day it opened
    dues: dict[int, date] = field(default_factory=dict)  # … and its due day then
    sweeps: int = 0


def _moment(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), ALMATY)


def _seen(year: Year, day: date) -> None:
    with transaction(year.db) as session:
        for row_id, due in session.execute(sa.select(Deadline.id, Deadline.due)):
            if row_id not in year.opened:
                year.opened[row_id], year.dues[row_id] = day, due


def simulate(db: Engine) -> Year:
    org = organisation(db, "mne2017", "body")
    with transaction(db) as session:
        body = session.exec(select(StateBody).where(StateBody.code == "body")).one()
        # The scheduler starts on 1 January 2026; 2025's last cycles were run before it (their
        # opening days, 1 December 2025, are within the 45-day catch-up window otherwise).
        for kind, period in (("quarterly", "2025-Q4"), ("annual", "2025")):
            session.add(Cycle(state_body_id=body.id, methodology="mne2017", kind=kind, period=period, opened_on=D(2025, 12, 1)))  # type: ignore[arg-type]
    year = Year(db, org)
    steps = plan()
    day = START
    while day <= END:
        if day.day <= 15:  # 08:00, the opening crons
            opened = open_due_cycles(request_for("quarter", day))["opened"]
            if day.month in (1, 12):
                opened += open_due_cycles(request_for("year", day))["opened"]
            if day.month == 1:
                opened += open_due_cycles(request_for("360", day))["opened"]
            if opened:
                _seen(year, day)
        sweep_deadlines(SweepInput(now=_moment(day, 8, 15)))
        year.sweeps += 1
        if steps.get(day):  # noon, the actors; then the next sweep
            for step in steps[day]:
                appraisal_id = org.appraisal(step.whose, step.kind, step.period).id
                payload = step.payload
                if payload == "decision":
                    # a member never votes on their own result (conflict of interest, states/people.py)
                    voters = [org.ids[n] for n in ("official", "manager", "member") if n != step.whose]
                    payload = {"held_on": day.isoformat(), "present": voters, "votes": {str(v): "approve" for v in voters}}
                act(db, appraisal_id, org.ids[step.actor], step.action, payload, on=day)  # type: ignore[arg-type]
            _seen(year, day)
            sweep_deadlines(SweepInput(now=_moment(day, 12, 15)))
            year.sweeps += 1
        day += timedelta(days=1)
    return year


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def year(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Year]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("year") / "bagalau.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_schema")
        with engine(url).begin() as connection:  # empty tables, as the `db` fixture leaves them
            names = [t for t in sa.inspect(connection).get_table_names() if t != "alembic_version"]
            connection.execute(sa.text("truncate " + ", ".join(f'"{n}"' for n in names) + " restart identity cascade"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BAGALAU_DATABASE_URL", url)
        yield simulate(engine(url))


# --- reading the year back -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    id: int
    whose: str
    kind: str
    period: str
    step: str
    due: date
    status: str
    closed_on: date | None
    responsible_id: int | None


def rows(year: Year) -> list[Row]:
    names = {v: k for k, v in year.org.ids.items()}
    with transaction(year.db) as session:
        found = session.execute(
            sa.select(Deadline.id, Appraisal.servant_id, Appraisal.kind, Appraisal.period, Deadline.step, Deadline.due,
                      Deadline.status, Deadline.closed_on, Deadline.responsible_id)
            .join(Appraisal, Appraisal.id == Deadline.appraisal_id)
        ).all()
    return [Row(r[0], names[r[1]], *r[2:]) for r in found]


def told(year: Year) -> dict[int, list[tuple[str, int, int | None, date]]]:
    """Every row's notices: (kind, level, recipient, the Almaty day of the sweep that recorded it)."""
    out: dict[int, list[tuple[str, int, int | None, date]]] = defaultdict(list)
    with transaction(year.db) as session:
        for n in session.exec(select(Notice).order_by(Notice.id)):  # type: ignore[arg-type]
            stamp = n.created_at.astimezone(ALMATY) if n.created_at.tzinfo else n.created_at
            out[n.deadline_id].append((n.kind, n.level, n.recipient_id, stamp.date()))  # type: ignore[index]
    return out


def owed(year: Year, row: Row) -> list[tuple[str, int, int | None, date]]:
    """The notices the daily sweeps owe a row: each stage on the first sweep on or after its
    day while the row was open (from its opening day to the morning of the day it was
    closed, or to the end), a reminder only while its due day has not passed; each to the
    person of its rung (states/sweep.py _People); nothing for a window (the appeal's)."""
    ids = year.org.ids
    opened = year.opened[row.id]
    last = END if row.status == "open" else row.closed_on
    assert last is not None and opened < last or row.status == "open", row  # never opened and closed the same day
    manager_of = {ids[who]: ids[boss] for who, boss in MANAGER.items()}
    ladder = loader.load("mne2017").escalation
    assert ladder is not None
    if loader.load("mne2017").deadlines[row.step].window:
        return []  # a right, not a duty: nobody is reminded or escalated (п.38)
    out = []
    for stage in escalation.stages(row.due, ladder, default_calendar()):
        fire = max(stage.on, opened)
        if fire > last or (stage.kind == "reminder" and fire > row.due):
            continue
        recipient = {
            None: row.responsible_id or ids["hr"],
            "responsible": row.responsible_id or ids["hr"],
            "manager": manager_of.get(row.responsible_id) or ids["hr"],  # type: ignore[arg-type]
            "head_of_hr": ids["hr"],
            "appointing_official": ids["official"],
        }[stage.rung]
        out.append((stage.kind, stage.level, recipient, fire))
    return out


# --- the tests -------------------------------------------------------------------------------------------


def test_the_year_opened_every_cycle_on_its_day(year: Year) -> None:
    with transaction(year.db) as session:
        cycles = {(c.kind, c.period): c.opened_on for c in session.exec(select(Cycle))}
    assert cycles == {
        ("quarterly", "2025-Q4"): D(2025, 12, 1), ("annual", "2025"): D(2025, 12, 1),  # before the scheduler
        ("plan", "2026"): D(2026, 1, 5),  # first working day of 2026
        ("quarterly", "2026-Q1"): D(2026, 4, 1), ("quarterly", "2026-Q2"): D(2026, 7, 1),
        ("quarterly", "2026-Q3"): D(2026, 10, 1), ("quarterly", "2026-Q4"): D(2026, 12, 1),
        ("annual", "2026"): D(2026, 12, 1),
        ("plan", "2027"): D(2027, 1, 5),  # 1, 2 (New Year), 3 (Sunday), 4 (observed) January off
    }
    assert year.sweeps == 396 + len(plan())  # every day of the 13 months, and after each day's actors
    assert all(year.dues[r.id] == r.due for r in rows(year))  # no row was moved after it opened


def test_every_deadline_was_met_on_time_or_escalated(year: Year) -> None:
    notices = told(year)
    met, late, open_ = [], [], []
    for row in rows(year):
        got = notices.get(row.id, [])
        # exactly what the daily sweeps owe it, each stage once, on its day, to its rung
        assert got == owed(year, row), row
        if loader.load("mne2017").deadlines[row.step].window:
            continue  # an appeal window: a right, nobody's breach, never escalated (п.38)
        ladder = [n for n in got if n[0] != "reminder"]
        if row.status == "done" and row.closed_on <= row.due:  # type: ignore[operator]
            assert ladder == [], row
            met.append(row)
            continue
        # late or never: told "overdue", then every rung whose day came before it was done
        reached = [s.level for s in escalation.stages(row.due, loader.load("mne2017").escalation, default_calendar())  # type: ignore[arg-type]
                   if s.kind != "reminder" and s.on <= (row.closed_on or END)]
        assert [n[1] for n in ladder] == reached and reached, row
        (open_ if row.status == "open" else late).append(row)

    def summary(found: list[Row]) -> set[tuple[str, str, str, str]]:
        return {(r.whose, r.kind, r.period, r.step) for r in found}

    planned_late = {
        ("colleague3", "plan", "2026", "plan_drawn_up"),  # 20 January: overdue 13, manager 16 January
        ("servant", "quarterly", "2026-Q1", "familiarisation"),  # 20 April: overdue 10, manager 15, head of HR 20 April
        ("colleague1", "quarterly", "2026-Q2", "quarterly_appraisal"),  # 15 July: overdue 13 July
    }
    assert summary(late) == planned_late
    assert summary(open_) == {
        ("colleague2", "quarterly", "2026-Q3", "quarterly_appraisal"),
        ("member", "annual", "2026", "annual_appraisal"),
        ("official", "plan", "2026", "plan_drawn_up"),
        *(("official", "quarterly", f"2026-Q{q}", "quarterly_appraisal") for q in (1, 2, 3, 4)),
        ("official", "annual", "2026", "annual_appraisal"),
        ("official", "plan", "2027", "plan_drawn_up"),
    }
    # 7 servants × (plans 2026 and 2027, 4 quarters, the year) on time, but for the
    # planned ones; familiarisation rows of 7 × 5 decided appraisals but servant's Q1 and
    # colleague2's Q3 (never decided) and member's year (never decided)
    assert len(met) == (7 * 7 - 4) + (7 * 5 - 3)


def test_the_planned_lapses_climbed_the_ladder_on_their_days(year: Year) -> None:
    ids = year.org.ids
    by_key = {(r.whose, r.kind, r.period, r.step): r.id for r in rows(year)}
    notices = told(year)

    def ladder(whose: str, kind: str, period: str, step: str) -> list[tuple[str, int, str, date]]:
        names = {v: k for k, v in ids.items()}
        return [(kind_, level, names[who], day) for kind_, level, who, day in notices[by_key[(whose, kind, period, step)]]]  # type: ignore[index]

    # plan due Mon 12 January, owed by colleague3, confirmed Tue 20: reminder Thu 8 (the 7th
    # off), overdue Tue 13, their manager Fri 16 (14, 15, 16); the head of HR's day, Wed 21, never came
    assert ladder("colleague3", "plan", "2026", "plan_drawn_up") == [
        ("reminder", 1, "colleague3", D(2026, 1, 8)), ("overdue", 2, "colleague3", D(2026, 1, 13)),
        ("escalation", 3, "manager", D(2026, 1, 16)),
    ]
    # familiarisation due Thu 9 April (decided Tue 7 at noon: the reminder's day is the
    # 7th, recorded by the 12:15 sweep), owed by HR, done Mon 20 April at noon, after
    # that morning's sweep had reached the head of HR (10 + 13, 14, 15; + 16, 17, 20)
    assert ladder("servant", "quarterly", "2026-Q1", "familiarisation") == [
        ("reminder", 1, "hr", D(2026, 4, 7)), ("overdue", 2, "hr", D(2026, 4, 10)),
        ("escalation", 3, "official", D(2026, 4, 15)), ("escalation", 4, "hr", D(2026, 4, 20)),
    ]
    # Q2 due Fri 10 July, owed by the manager, decided Wed 15: overdue Mon 13 only
    assert ladder("colleague1", "quarterly", "2026-Q2", "quarterly_appraisal") == [
        ("reminder", 1, "manager", D(2026, 7, 8)), ("overdue", 2, "manager", D(2026, 7, 13)),
    ]
    # Q3 due Mon 12 October, never done: 13, then 16 (14, 15, 16), 21 (19, 20, 21), and 27
    # October (22, 23, 27: Mon 26 is off for Republic Day)
    assert ladder("colleague2", "quarterly", "2026-Q3", "quarterly_appraisal") == [
        ("reminder", 1, "manager", D(2026, 10, 8)), ("overdue", 2, "manager", D(2026, 10, 13)),
        ("escalation", 3, "official", D(2026, 10, 16)), ("escalation", 4, "hr", D(2026, 10, 21)),
        ("escalation", 5, "official", D(2026, 10, 27)),
    ]
    # the year due Fri 25 December, owed by the commission (its chair, the official, whose
    # manager is the vice-minister outside the B corps, mne2017 п.4): 28, 31 December, then
    # 8 January (1, 4, 7 off: 5, 6, 8) and 13 January 2027 (11, 12, 13)
    assert ladder("member", "annual", "2026", "annual_appraisal") == [
        ("reminder", 1, "official", D(2026, 12, 23)), ("overdue", 2, "official", D(2026, 12, 28)),
        ("escalation", 3, "vice", D(2026, 12, 31)), ("escalation", 4, "hr", D(2027, 1, 8)),
        ("escalation", 5, "official", D(2027, 1, 13)),
    ]


def test_the_compliance_report_lists_exactly_the_planned_ones(year: Year) -> None:
    found = {(r.servant, r.step, r.period, r.status, r.days_overdue) for r in compliance_rows(year.db, END, "en")}
    plan_ = "draw up the individual work plan"
    quarterly, annual = "quarterly appraisal", "annual appraisal"
    assert found == {
        ("Colleague3", plan_, "2026", "late", 6),  # due Mon 12 January, done Tue 20: working days
        ("Servant", "familiarise the servant with the result", "2026-Q1", "late", 7),  # due 9, done 20 April
        ("Colleague1", quarterly, "2026-Q2", "late", 3),  # due 10, done 15 July
        ("Colleague2", quarterly, "2026-Q3", "overdue", 74),  # due 12 October 2026 → 31 January 2027
        ("Member", annual, "2026", "overdue", 22),  # due 25 December: 28–31, then January less 1, 4, 7
        ("Official", plan_, "2026", "overdue", 260),  # due 12 January 2026
        ("Official", quarterly, "2026-Q1", "overdue", 200),  # due 10 April
        ("Official", quarterly, "2026-Q2", "overdue", 140),  # due 10 July
        ("Official", quarterly, "2026-Q3", "overdue", 74),  # due 12 October
        ("Official", quarterly, "2026-Q4", "overdue", 32),  # due 10 December
        ("Official", annual, "2026", "overdue", 22),  # due 25 December
        ("Official", plan_, "2027", "overdue", 14),  # due 11 January 2027
    }


def test_an_unused_appeal_window_is_nobody_s_breach(year: Year) -> None:
    """mne2017 п.38 lets the servant appeal within 10 working days; not appealing breaches
    nothing. HR closes each appraisal on the first day `close` is allowed (`after: appeal`),
    yet by then that day's first sweep has told the servant they are "overdue" to "file an
    appeal" (and, had HR closed a few days later, their manager, the head of HR and the
    appointing official in turn)."""
    notices = told(year)
    windows = [r for r in rows(year) if r.step == "appeal"]
    assert len(windows) == 7 * 4 - 1 + 6 and all(r.status == "cancelled" for r in windows)  # none used
    escalated = {(r.whose, r.kind, r.period): [n for n in notices.get(r.id, []) if n[0] != "reminder"] for r in windows}
    assert {key: told_ for key, told_ in escalated.items() if told_} == {}

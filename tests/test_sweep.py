"""The deadline sweep (states/sweep.py, states/escalation.py), on SQLite and PostgreSQL.

The deadline followed throughout is mne2017's quarterly appraisal of 2026-Q1: due Friday
10 April 2026 (п.3.1, "by the 10th of the month after the quarter"), owed by the direct
manager. mne2017.yaml's escalation: a reminder 2 working days before the due day, "overdue"
to the responsible person on the first working day after it, then one rung every 3 working
days: their manager, the head of HR, the appointing official. April 2026 has no holiday,
so with weekends off:

    Wed  8 April   reminder     level 1   responsible (the direct manager)
    Mon 13 April   overdue      level 2   responsible
    Thu 16 April   escalation   level 3   the responsible's manager (13 + 14, 15, 16)
    Tue 21 April   escalation   level 4   head of HR (16 + 17, 20, 21)
    Fri 24 April   escalation   level 5   appointing official (21 + 22, 23, 24)

In the factory's organisation `servant` and the colleagues report to `manager`, who
reports to `official` (the appointing official); `hr` is the head of HR. Every one of the
eight is appraised, so every sweep below handles eight Q1 deadlines with the same stages.

Then crash safety (a sweep killed with SIGKILL at random points, in a subprocess:
tests/sweep_worker.py) and racing sweeps (three at once, small batches).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time as clock
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from bench.country import Country, build
from methodology import loader
from methodology.workdays import ALMATY, default_calendar
from models import Appraisal, Deadline, Notice, Servant
from models.db import transaction
from states import escalation
from states.cycles import open_cycle
from states.scheduling import open_due
from states.service import act
from states.sweep import SweepReport, sweep
from tests.factories import Org, organisation

D = date
QA = "quarterly_appraisal"
ROOT = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).with_name("sweep_worker.py")
APRIL = [D(2026, 4, 1) + timedelta(days=n) for n in range(30)]  # 1 … 30 April 2026

# The stages of a Q1 deadline (module docstring): day → (kind, level, rung recipient of `servant`'s row)
STAGES = {
    D(2026, 4, 8): ("reminder", 1, "manager"),
    D(2026, 4, 13): ("overdue", 2, "manager"),
    D(2026, 4, 16): ("escalation", 3, "official"),  # the manager's manager
    D(2026, 4, 21): ("escalation", 4, "hr"),
    D(2026, 4, 24): ("escalation", 5, "official"),  # the appointing official
}


def after(day: date) -> tuple[int, date | None]:
    """The row's (level, next_fire) once swept on `day` (every day before it swept too)."""
    for until, level, upcoming in (
        (D(2026, 4, 8), 0, D(2026, 4, 8)),
        (D(2026, 4, 13), 1, D(2026, 4, 13)),
        (D(2026, 4, 16), 2, D(2026, 4, 16)),
        (D(2026, 4, 21), 3, D(2026, 4, 21)),
        (D(2026, 4, 24), 4, D(2026, 4, 24)),
    ):
        if day < until:
            return level, upcoming
    return 5, None


# --- helpers ------------------------------------------------------------------------------------


def at(day: date) -> datetime:
    """The moment a sweep of `day` stamps its notices with: five past midnight in Almaty."""
    return datetime.combine(day, time(0, 5), ALMATY)


def same_moment(stored: datetime, expected: datetime) -> bool:
    """SQLite gives back a naive local time, PostgreSQL an aware one."""
    return stored == expected if stored.tzinfo else stored == expected.replace(tzinfo=None)


def moment(stored: datetime) -> datetime:
    return stored.astimezone(ALMATY) if stored.tzinfo else stored


def q1(db: Engine, code: str = "body") -> Org:
    org = organisation(db, "mne2017", code)
    open_cycle(db, code, "quarterly", "2026-Q1", on=D(2026, 4, 1))
    return org


def deadline(org: Org, name: str, step: str = QA, period: str = "2026-Q1") -> Deadline:
    appraisal = org.appraisal(name, "quarterly", period)
    with transaction(org.engine) as session:
        return session.exec(select(Deadline).where(Deadline.appraisal_id == appraisal.id, Deadline.step == step)).one()


def notices(db: Engine, deadline_id: int | None = None) -> list[Notice]:
    query = select(Notice).order_by(Notice.id)  # type: ignore[arg-type]
    if deadline_id is not None:
        query = query.where(Notice.deadline_id == deadline_id)
    with transaction(db) as session:
        return list(session.exec(query))


def recorded(db: Engine) -> dict[str, tuple[Any, ...]]:
    """Every notice by key, with everything but its id and timestamps."""
    return {n.key: (n.deadline_id, n.appraisal_id, n.recipient_id, n.kind, n.level, n.step, n.due, n.status) for n in notices(db)}


def rows(db: Engine) -> dict[int, tuple[int, date | None, str]]:
    with transaction(db) as session:
        return {d.id: (d.level, d.next_fire, d.status) for d in session.exec(select(Deadline))}  # type: ignore[misc]


def rewind(db: Engine, state: dict[int, tuple[int, date | None, str]]) -> None:
    """Back to before the sweeps: no notices, every row at its saved level and next fire."""
    with transaction(db) as session:
        session.execute(sa.delete(Notice))
        session.connection().execute(
            sa.update(Deadline).where(Deadline.id == sa.bindparam("row")).values(level=sa.bindparam("lv"), next_fire=sa.bindparam("nf")),  # type: ignore[arg-type]
            [{"row": key, "lv": level, "nf": upcoming} for key, (level, upcoming, _) in state.items()],
        )


def expected_keys(db: Engine, day: date) -> set[str]:
    """The keys a sweep of `day` owes, from each open row's stages (states/escalation.py)."""
    calendar = default_calendar()
    with transaction(db) as session:
        found = session.execute(
            sa.select(Deadline.id, Deadline.due, Deadline.level, Appraisal.methodology)
            .join(Appraisal, Appraisal.id == Deadline.appraisal_id)
            .where(Deadline.status == "open")
        ).all()
    keys = set()
    for row_id, due, level, methodology in found:
        ladder = loader.load(methodology).escalation
        assert ladder is not None
        for stage in escalation.due_now(level, due, escalation.stages(due, ladder, calendar), day):
            keys.add(f"{row_id}:{due.isoformat()}:{stage.kind}:{stage.level}")
    return keys


# payloads of the quarterly sheet (tests/test_lifecycle_mne2017.py has them explained)
SELF = {"bonus_items": [{"description": "Activity above the average workload", "points": 3}]}
SHEET = {"bonus_items": [{"description": "Activity above the average workload", "points": 5}]}


def decision(org: Org, held_on: date) -> dict[str, Any]:
    voters = [org.ids[name] for name in ("official", "manager", "member")]
    return {"held_on": held_on.isoformat(), "present": voters, "votes": {str(v): "approve" for v in voters}}


def decide(org: Org, name: str, days: tuple[date, date, date, date]) -> int:
    """Submit, agree, sign and decide `name`'s Q1 appraisal on those four days."""
    appraisal_id = org.appraisal(name, "quarterly", "2026-Q1").id
    submit, agree, sign, decided = days
    act(org.engine, appraisal_id, org.ids[name], "submit", SELF, on=submit)
    act(org.engine, appraisal_id, org.ids["manager"], "agree", SHEET, on=agree)
    act(org.engine, appraisal_id, org.ids[name], "sign", None, on=sign)
    act(org.engine, appraisal_id, org.ids["official"], "decide", decision(org, decided), on=decided)
    return appraisal_id  # type: ignore[return-value]


# --- the stages, their days and recipients ----------------------------------------------------------


def test_each_stage_fires_on_its_day_to_its_rung(db: Engine) -> None:
    org = q1(db)
    row = deadline(org, "servant")
    assert (row.due, row.responsible_role, row.responsible_id) == (D(2026, 4, 10), "direct_manager", org.ids["manager"])
    assert (row.level, row.next_fire) == (0, D(2026, 4, 8))  # opened with its first stage's day

    for day in APRIL:  # the sweep runs every day, weekends too
        before = len(notices(db, row.id))
        report = sweep(db, day, at=at(day))
        new = notices(db, row.id)[before:]
        if day in STAGES:
            kind, level, rung = STAGES[day]
            assert [(n.kind, n.level, n.recipient_id) for n in new] == [(kind, level, org.ids[rung])], day
            notice = new[0]
            assert notice.key == f"{row.id}:2026-04-10:{kind}:{level}"
            assert (notice.appraisal_id, notice.step, notice.due, notice.status, notice.attempts) == (row.appraisal_id, QA, D(2026, 4, 10), "pending", 0)
            assert same_moment(notice.created_at, at(day))
            # all eight Q1 rows share the stage: one batch, eight notices of that kind
            assert (report.deadlines, report.notices, report.batches, dict(report.kinds)) == (8, 8, 1, {kind: 8}), day
        else:
            assert new == [], day
            assert report == SweepReport(), day  # nothing selected: the index range is empty
        with transaction(db) as session:
            current = session.get(Deadline, row.id)
            assert current is not None
            assert (current.level, current.next_fire) == after(day), day

    assert Counter(n.kind for n in notices(db)) == {"reminder": 8, "overdue": 8, "escalation": 24}


def test_a_second_sweep_the_same_day_records_nothing(db: Engine) -> None:
    org = q1(db)
    first = sweep(db, D(2026, 4, 8), at=at(D(2026, 4, 8)))
    assert (first.deadlines, first.notices, dict(first.kinds)) == (8, 8, {"reminder": 8})
    state = rows(db)

    again = sweep(db, D(2026, 4, 8), at=at(D(2026, 4, 8)) + timedelta(minutes=15))
    assert again == SweepReport()  # the rows' next fire is 13 April now: none is selected
    assert rows(db) == state
    assert len(notices(db)) == 8

    # Even a row whose advance was lost (put back to level 0, due to fire on 8 April) is
    # handled again without a second notice: the key (deadline, due, kind, level) exists.
    with transaction(db) as session:
        session.execute(sa.update(Deadline).values(level=0, next_fire=D(2026, 4, 8)))
    replay = sweep(db, D(2026, 4, 8), at=at(D(2026, 4, 8)) + timedelta(minutes=30))
    assert (replay.deadlines, replay.notices) == (8, 0)
    assert len(notices(db)) == 8
    assert rows(db) == state
    row = deadline(org, "servant")
    assert [(n.key, n.recipient_id) for n in notices(db, row.id)] == [(f"{row.id}:2026-04-10:reminder:1", org.ids["manager"])]


def test_a_sweep_after_an_outage_fires_each_missed_rung_once(db: Engine) -> None:
    org = q1(db)
    row = deadline(org, "servant")

    # Down from 1 to 21 April: the first sweep, on Tue 21, owes levels 2, 3 and 4. The
    # reminder (due on 8 April) is skipped: the due day has overtaken it, the overdue
    # notice says more.
    report = sweep(db, D(2026, 4, 21), at=at(D(2026, 4, 21)))
    assert (report.deadlines, report.notices, dict(report.kinds)) == (8, 24, {"overdue": 8, "escalation": 16})
    assert [(n.kind, n.level, n.recipient_id) for n in notices(db, row.id)] == [
        ("overdue", 2, org.ids["manager"]),
        ("escalation", 3, org.ids["official"]),
        ("escalation", 4, org.ids["hr"]),
    ]
    assert all(same_moment(n.created_at, at(D(2026, 4, 21))) for n in notices(db))
    assert rows(db)[row.id] == (4, D(2026, 4, 24), "open")

    # Down again until Thursday 30 April: the last rung (Fri 24) once, then nothing more.
    report = sweep(db, D(2026, 4, 30), at=at(D(2026, 4, 30)))
    assert (report.deadlines, report.notices, dict(report.kinds)) == (8, 8, {"escalation": 8})
    assert [(n.kind, n.level, n.recipient_id) for n in notices(db, row.id)][-1] == ("escalation", 5, org.ids["official"])
    assert rows(db)[row.id] == (5, None, "open")
    assert sweep(db, D(2026, 6, 30), at=at(D(2026, 6, 30))) == SweepReport()
    assert len(notices(db, row.id)) == 4


def test_the_reminder_is_skipped_only_once_the_due_day_has_passed(db: Engine) -> None:
    org = q1(db)
    row = deadline(org, "servant")
    start = rows(db)

    # First sweep on the due day itself (Fri 10 April): the reminder is still worth sending.
    sweep(db, D(2026, 4, 10), at=at(D(2026, 4, 10)))
    assert [(n.kind, n.level) for n in notices(db, row.id)] == [("reminder", 1)]
    assert rows(db)[row.id] == (1, D(2026, 4, 13), "open")

    # The same rows, swept first on Saturday 11 April (after the due day): only "overdue"
    # is owed then, on Monday 13; Saturday records nothing and the reminder is dropped.
    rewind(db, start)
    report = sweep(db, D(2026, 4, 11), at=at(D(2026, 4, 11)))
    assert (report.deadlines, report.notices) == (8, 0)
    assert rows(db)[row.id] == (1, D(2026, 4, 13), "open")  # level 1: the reminder's day is behind
    sweep(db, D(2026, 4, 13), at=at(D(2026, 4, 13)))
    assert [(n.kind, n.level) for n in notices(db, row.id)] == [("overdue", 2)]


def test_a_deadline_met_before_its_day_fires_nothing_more(db: Engine) -> None:
    org = q1(db)
    early, between = deadline(org, "servant"), deadline(org, "colleague1")
    # servant: decided Tue 7 April, before the reminder day; colleague1: decided Thu 9
    # April, after the reminder (8 April) and before the due day. Each day the sweep runs
    # first (00:05), the actors later.
    plan = {
        D(2026, 4, 7): lambda: decide(org, "servant", (D(2026, 4, 2), D(2026, 4, 3), D(2026, 4, 6), D(2026, 4, 7))),
        D(2026, 4, 9): lambda: decide(org, "colleague1", (D(2026, 4, 2), D(2026, 4, 3), D(2026, 4, 6), D(2026, 4, 9))),
    }
    for day in APRIL:
        sweep(db, day, at=at(day))
        if day in plan:
            plan[day]()

    assert notices(db, early.id) == []
    assert rows(db)[early.id] == (0, None, "done")
    assert [(n.kind, n.level, n.recipient_id) for n in notices(db, between.id)] == [("reminder", 1, org.ids["manager"])]
    assert rows(db)[between.id] == (1, None, "done")
    # a colleague nobody acted for climbed the whole ladder
    assert [(n.kind, n.level) for n in notices(db, deadline(org, "colleague2").id)] == [
        ("reminder", 1), ("overdue", 2), ("escalation", 3), ("escalation", 4), ("escalation", 5)
    ]


def test_batches_of_one_record_the_same_notices_as_one_big_batch(db: Engine) -> None:
    # Two state bodies (16 rows): recipients must come from each row's own body.
    first, second = q1(db, "a"), q1(db, "b")
    start = rows(db)
    days = [D(2026, 4, 8), D(2026, 4, 16), D(2026, 4, 30)]

    for day in days:
        assert sweep(db, day, at=at(day)).batches == 1
    big, big_rows = recorded(db), rows(db)
    assert len(big) == 16 * 5  # reminder on 8, levels 2 and 3 on 16, levels 4 and 5 on 30 April

    rewind(db, start)
    for day in days:
        report = sweep(db, day, at=at(day), batch=1)
        assert report.batches == report.deadlines == 16, day
    assert recorded(db) == big
    assert rows(db) == big_rows

    # batches of three, at most two batches a run: the rest on the next runs
    rewind(db, start)
    for day in days:
        runs = []
        while (report := sweep(db, day, at=at(day), batch=3, max_batches=2)).deadlines:
            runs.append(report.deadlines)
        assert runs == [6, 6, 4], day
    assert recorded(db) == big
    assert rows(db) == big_rows

    with transaction(db) as session:
        body_of = dict(session.execute(sa.select(Servant.id, Servant.state_body_id)).all())
        appraisal_body = dict(session.execute(
            sa.select(Appraisal.id, Servant.state_body_id).join(Servant, Servant.id == Appraisal.servant_id)
        ).all())
    assert all(body_of[recipient] == appraisal_body[appraisal] for _, appraisal, recipient, *_ in big.values())
    assert {body_of[r] for _, _, r, *_ in big.values()} == {body_of[first.ids["hr"]], body_of[second.ids["hr"]]}


def test_the_ladder_falls_back_to_the_head_of_hr(db: Engine) -> None:
    org = q1(db)
    for day in STAGES:
        sweep(db, day, at=at(day))
    ladder = lambda name: [(n.kind, n.level, n.recipient_id) for n in notices(db, deadline(org, name).id)]  # noqa: E731
    hr, official, vice = org.ids["hr"], org.ids["official"], org.ids["vice"]

    # member's direct manager is the official, whose own manager is the vice-minister (outside
    # the B corps, mne2017 п.4): the manager rung reaches the vice-minister.
    assert deadline(org, "member").responsible_id == official
    assert ladder("member") == [
        ("reminder", 1, official), ("overdue", 2, official), ("escalation", 3, vice), ("escalation", 4, hr), ("escalation", 5, official)
    ]
    # The official's own appraisal is owed by the vice-minister, who has no manager in the
    # body: the manager rung falls back to the head of HR.
    assert deadline(org, "official").responsible_id == vice
    assert ladder("official") == [
        ("reminder", 1, vice), ("overdue", 2, vice), ("escalation", 3, hr), ("escalation", 4, hr), ("escalation", 5, official)
    ]


def test_an_appeal_window_that_runs_out_unused_is_not_escalated(db: Engine) -> None:
    """mne2017 п.38: the servant *may* appeal within 10 working days of the decision. Not
    appealing is no breach: nobody is "overdue" and nobody's manager is told. The servant's
    Q1 appraisal is decided Wed 8 April: the window runs 9 … 22 April; HR closes the
    appraisal on the first day it may (`after: appeal`), Thu 23 April."""
    org = q1(db)
    appraisal_id = None
    for day in APRIL:
        sweep(db, day, at=at(day))
        if day == D(2026, 4, 8):
            appraisal_id = decide(org, "servant", (D(2026, 4, 2), D(2026, 4, 3), D(2026, 4, 6), D(2026, 4, 8)))
        if day == D(2026, 4, 9):
            act(db, appraisal_id, org.ids["hr"], "familiarise", None, on=day)  # type: ignore[arg-type]
        if day == D(2026, 4, 23):
            act(db, appraisal_id, org.ids["hr"], "close", None, on=day)  # type: ignore[arg-type]
    window = deadline(org, "servant", "appeal")
    assert (window.due, window.status, window.closed_on) == (D(2026, 4, 22), "cancelled", D(2026, 4, 23))
    told = [(n.kind, n.level, n.recipient_id, moment(n.created_at).date()) for n in notices(db, window.id)]
    assert [t for t in told if t[0] != "reminder"] == [], f"an unused appeal window was escalated: {told}"


def test_a_second_deferral_stops_the_return_deadline(db: Engine) -> None:
    """mne2017 п.3: a servant on sick leave is appraised within 5 working days of return.
    servant is sick 1–20 April: HR defers the Q1 appraisal on Thu 2 April (its deadline of
    10 April is cancelled); back Tue 21 April, HR resumes it: "appraisal after return" due
    Tue 28 April (22, 23, 24, 27, 28). Sick again from Thu 23 April, HR defers it again.
    While it is deferred nothing is owed: that row must not stay open, and the sweep must
    not remind the manager (Fri 24 April), tell them it is overdue (Wed 29) nor climb to
    the official (Mon 4 May)."""
    org = q1(db)
    appraisal_id = org.appraisal("servant", "quarterly", "2026-Q1").id
    hr = org.ids["hr"]
    act(db, appraisal_id, hr, "defer", {"kind": "sick_leave", "start": "2026-04-01", "end": "2026-04-20"}, on=D(2026, 4, 2))  # type: ignore[arg-type]
    act(db, appraisal_id, hr, "resume", None, on=D(2026, 4, 21))  # type: ignore[arg-type]
    back = deadline(org, "servant", "appraisal_after_return")
    assert (back.due, back.status, back.next_fire) == (D(2026, 4, 28), "open", D(2026, 4, 24))
    act(db, appraisal_id, hr, "defer", {"kind": "sick_leave", "start": "2026-04-23", "end": "2026-05-29"}, on=D(2026, 4, 23))  # type: ignore[arg-type]
    assert org.appraisal("servant", "quarterly", "2026-Q1").state == "deferred"

    for day in [D(2026, 4, 23) + timedelta(days=n) for n in range(30)]:
        sweep(db, day, at=at(day))
    told = [(n.kind, n.level, n.recipient_id, moment(n.created_at).date()) for n in notices(db, back.id)]
    assert (rows(db)[back.id][2], told) == ("cancelled", []), "the return deadline of a deferred appraisal is still open and escalated"


# --- crash safety -------------------------------------------------------------------------------------

CRASH_DAY = D(2026, 4, 24)  # every Q1 row owes levels 2 … 5 (the reminder is overtaken)


def _worker(url: str, day: date, batch: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen(
        [sys.executable, str(WORKER), url, day.isoformat(), str(batch)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _gone(db: Engine, timeout: float = 10.0) -> None:
    """On PostgreSQL, wait until no other session holds a lock on `deadline` (a killed
    worker's backend goes when the server notices the closed socket)."""
    if db.dialect.name != "postgresql":
        return
    query = sa.text(
        "select count(*) from pg_locks l join pg_class c on c.oid = l.relation "
        "where c.relname = 'deadline' and c.relnamespace = to_regnamespace(current_schema())::oid and l.pid <> pg_backend_pid()"
    )
    end = clock.monotonic() + timeout
    while clock.monotonic() < end:
        with db.connect() as connection:
            if connection.execute(query).scalar() == 0:
                return
        clock.sleep(0.05)
    raise AssertionError("a killed sweep's session still holds locks on deadline rows")


# The quarter's sheets due 10 April, opened on 1 April (mne2017 п.3.1; typical2023 п.5); the KPI
# sheets open with their own quarter (typical2023 п.23), so Q2's would be due in July.
DUE_10_APRIL = ["quarterly", "differentiation"]


def opened_rows(staff: int) -> int:
    """The deadline rows an opening of DUE_10_APRIL writes for the bench's country: each
    appraisal gets what its workflow opens at creation (mne2017: the appraisal; typical2023:
    the appraisal and the notice of п.31), 10 unit heads a typical2023 body are not in it."""
    per = {kind: len(loader.load(m).flow(kind).opens) for m, kind in (("mne2017", "quarterly"), ("typical2023", "differentiation"))}
    return staff // 2 * per["quarterly"] + (staff // 2 - 20) * per["differentiation"]


def test_a_sweep_killed_at_random_points_records_each_due_stage_once(db: Engine) -> None:
    build(db, Country(4, 2000))  # 2 bodies on mne2017, 2 on typical2023, 500 servants each
    opened = open_due(db, D(2026, 4, 1), "quarter", DUE_10_APRIL)
    # mne2017 quarterly: 1000; typical2023 differentiation (490 a body, its 10 unit heads by KPI)
    assert opened.appraisals == 1000 + 980
    start = rows(db)
    assert len(start) == opened_rows(2000) and set(start.values()) == {(0, D(2026, 4, 8), "open")}  # all due 10 April
    owed = expected_keys(db, CRASH_DAY)
    assert len(owed) == 4 * len(start)

    url = db.url.render_as_string(hide_password=False)
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    runs = []
    for _ in range(5):
        worker = _worker(url, CRASH_DAY, batch=50)
        ready = worker.stdout.readline()  # type: ignore[union-attr]
        assert ready.strip() == "ready", worker.communicate()[1]
        clock.sleep(rng.uniform(0, 0.3))
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=60)
        _gone(db)
        runs.append((worker.returncode, len(notices(db))))
    assert any(code == -signal.SIGKILL for code, _ in runs), f"seed {seed}: no run was killed: {runs}"

    finish = _worker(url, CRASH_DAY, batch=50)
    out, err = finish.communicate(timeout=120)
    assert finish.returncode == 0, err
    assert out.splitlines()[-1].startswith("done"), out

    crashed, crashed_rows = recorded(db), rows(db)
    with transaction(db) as session:
        total, distinct = session.execute(sa.select(sa.func.count(), sa.func.count(sa.distinct(Notice.key)))).one()
        per_stage = Counter(session.execute(sa.select(Notice.deadline_id, Notice.kind, Notice.level)).all())
    assert set(crashed) == owed, f"seed {seed}, runs {runs}"
    assert total == distinct == len(owed)
    assert set(per_stage.values()) == {1}  # every due stage of every row exactly once
    assert set(crashed_rows.values()) == {(5, None, "open")}

    # a clean, uninterrupted run over the same rows records exactly the same notices
    rewind(db, start)
    clean = sweep(db, CRASH_DAY, at=at(CRASH_DAY), batch=50)
    assert (clean.deadlines, clean.notices) == (len(start), 4 * len(start))
    assert recorded(db) == crashed
    assert rows(db) == crashed_rows


# --- racing sweeps ---------------------------------------------------------------------------------

RACE_DAY = D(2026, 4, 21)  # every Q1 row owes levels 2, 3 and 4


def test_racing_sweeps_share_the_rows_and_record_each_notice_once(db: Engine) -> None:
    build(db, Country(4, 1200))
    assert open_due(db, D(2026, 4, 1), "quarter", DUE_10_APRIL).appraisals == 600 + 2 * (300 - 10)
    owed = expected_keys(db, RACE_DAY)
    assert len(owed) == 3 * opened_rows(1200)

    workers = 3
    barrier = threading.Barrier(workers)
    reports: list[SweepReport | None] = [None] * workers
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            reports[index] = sweep(db, RACE_DAY, at=at(RACE_DAY), batch=10)
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    done = [r for r in reports if r is not None]
    assert len(done) == workers
    shares = [(r.deadlines, r.notices, r.batches) for r in done]

    # each row was taken by exactly one worker: the shares add up to the rows due, once
    assert sum(r.deadlines for r in done) == opened_rows(1200), shares
    assert sum(r.notices for r in done) == len(owed), shares
    assert set(recorded(db)) == owed
    assert len(notices(db)) == len(owed)
    assert set(rows(db).values()) == {(4, D(2026, 4, 24), "open")}
    assert sweep(db, RACE_DAY, at=at(RACE_DAY)) == SweepReport()

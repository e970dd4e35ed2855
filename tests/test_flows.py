"""What each Prefect flow does, called as the plain work function its task wraps
(flows/opening.py open_due_cycles, flows/sweep.py sweep_deadlines, flows/purge.py
purge_expired, flows/report.py build_report), so no Prefect server is needed; the flows
themselves run on a test server in tests/test_flows_e2e.py. The work functions find the
product's database through BAGALAU_DATABASE_URL, set here to the test's database (SQLite,
then PostgreSQL). Also the schedules of flows/deployments.py.
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from flows.inputs import PurgeInput, ReportInput, SweepInput
from flows.opening import open_due_cycles, request_for
from flows.purge import purge_expired
from flows.report import build_report
from flows.sweep import sweep_deadlines
from methodology.workdays import ALMATY
from models import Appeal, Appraisal, AuditEvent, Cycle, Deadline, Notice, Servant, StateBody
from models.db import transaction
from models.outbox import InboxMessage
from notifications.delivery import deliver
from states.cycles import open_cycle
from states.notices import report_weekly
from states.service import act
from states.sweep import sweep
from tests.factories import Org, noon, organisation

D = date


@pytest.fixture
def product(db: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The test's database as the flows' own (models.db.engine reads the setting on each call)."""
    monkeypatch.setenv("BAGALAU_DATABASE_URL", db.url.render_as_string(hide_password=False))
    return db


# --- driving an appraisal (payloads as in tests/test_lifecycle_mne2017.py) -----------------------------

SELF = {"bonus_items": [{"description": "Activity 1 above the average workload", "points": 3}]}
# п.26: 100 + (5 + 3) − 2 × 1 proven violation = 106, "effective" (п.27: above 105)
SHEET = {
    "bonus_items": [{"description": "Activity 1 above the average workload", "points": 5},
                    {"description": "Activity 2 above the average workload", "points": 3}],
    "violations": [{"kind": "labour", "occurred_on": "2026-02-03", "source": "hr", "proof": "Timesheet, entry 1"}],
}
VOTERS = ("official", "manager", "member")


def decided(org: Org, name: str, on: date, *, submit: date = D(2026, 4, 2)) -> int:
    """`name`'s 2026-Q1 appraisal submitted, agreed (106 points), signed and decided on `on`."""
    appraisal_id = org.appraisal(name, "quarterly", "2026-Q1").id
    assert appraisal_id is not None
    votes = {str(org.ids[v]): "approve" for v in VOTERS}
    act(org.engine, appraisal_id, org.ids[name], "submit", SELF, on=submit)
    act(org.engine, appraisal_id, org.ids["manager"], "agree", SHEET, on=submit)
    act(org.engine, appraisal_id, org.ids[name], "sign", None, on=submit)
    act(org.engine, appraisal_id, org.ids["official"], "decide",
        {"held_on": on.isoformat(), "present": [org.ids[v] for v in VOTERS], "votes": votes}, on=on)
    return appraisal_id


# --- opening cycles ---------------------------------------------------------------------------------

# Wed 1 April: the quarters of Q1 are appraised; typical2023's KPI sheet of Q2 opens with its
# quarter, its KPIs set within 10 working days of the quarter's start (п.23)
Q1 = ["mne/quarterly/2026-Q1", "typ/differentiation/2026-Q1", "typ/kpi/2026-Q2"]


@pytest.mark.parametrize("schedule, day, opened, appraisals", [
    # Q1 opens on the first working day after the quarter, Wed 1 April. On 31 March the
    # candidates are Q4 2025 (mne2017 opened it 1 December 2025, typical2023 on 5 January
    # 2026: both more than 45 days ago) and Q1 2026 (not yet).
    ("quarter", D(2026, 3, 31), [], 0),
    # mne2017 quarterly: all eight; typical2023 kpi: the heads, official (C-1) and manager
    # (C-3, п.3.4); differentiation: the six others. 8 + 2 + 6 = 16.
    ("quarter", D(2026, 4, 1), Q1, 16),
    ("quarter", D(2026, 5, 15), Q1, 16),  # 44 days after 1 April: a scheduler down six weeks catches up
    ("quarter", D(2026, 5, 16), [], 0),  # 45 days after: past the grace, never opened
    ("year", D(2026, 11, 30), [], 0),
    # mne2017 п.3.2: the annual appraisal opens 1 December (due 25 December); typical2023's
    # annual grade of 2026 opens in January 2027
    ("year", D(2026, 12, 1), ["mne/annual/2026"], 8),
    # Mon 5 January 2026, the first working day of the year (1–2 New Year, 3–4 weekend):
    # mne2017 plans (п.10) and typical2023's annual grade of 2025 open; mne2017's annual
    # of 2025 (opened 1 December 2025) is 35 days old, within the grace: caught up too.
    ("year", D(2026, 1, 5), ["mne/annual/2025", "mne/plan/2026", "typ/annual/2025"], 24),
    # 360 of 2026: first working day of 2027 is Tue 5 January (1–2 New Year, 3 Sunday, 4
    # the observed New Year day off); the annual grade that opens that day is not its kind
    ("360", D(2027, 1, 4), [], 0),
    ("360", D(2027, 1, 5), ["typ/360/2026"], 8),
])
def test_opening_flows_open_what_is_due_once(product: Engine, schedule: str, day: date, opened: list[str], appraisals: int) -> None:
    organisation(product, "mne2017", "mne")
    organisation(product, "typical2023", "typ")

    result = open_due_cycles(request_for(schedule, day))
    assert sorted(result["opened"]) == opened
    assert (result["appraisals"], result["not_appraised"]) == (appraisals, 0)
    with transaction(product) as session:
        cycles = session.execute(
            sa.select(StateBody.code, Cycle.kind, Cycle.period, Cycle.opened_on).join(StateBody, StateBody.id == Cycle.state_body_id)
        ).all()
        count = session.execute(sa.select(sa.func.count()).select_from(Appraisal)).scalar()
    assert sorted(f"{code}/{kind}/{period}" for code, kind, period, _ in cycles) == opened
    assert {on for *_, on in cycles} <= {day}
    assert count == appraisals

    # the schedule fires again (08:00 on each of the first 15 days): nothing new
    assert open_due_cycles(request_for(schedule, day)) == {"opened": [], "appraisals": 0, "not_appraised": 0}


def test_the_three_opening_schedules_over_a_year(product: Engine) -> None:
    """Each opening flow's input (request_for) on the days its cron fires."""
    organisation(product, "mne2017", "mne")
    organisation(product, "typical2023", "typ")
    assert request_for("quarter").kinds is None
    assert request_for("year").kinds == ["annual", "plan"]
    assert request_for("360").kinds == ["360"]

    opened = []
    for day in (D(2026, 4, 1), D(2026, 7, 1), D(2026, 10, 1), D(2026, 12, 1), D(2027, 1, 5)):
        for schedule in ("quarter", "year", "360"):
            opened += open_due_cycles(request_for(schedule, day))["opened"]
    assert sorted(opened) == sorted([
        *Q1,
        "mne/quarterly/2026-Q2", "typ/kpi/2026-Q3", "typ/differentiation/2026-Q2",  # Wed 1 July
        "mne/quarterly/2026-Q3", "typ/kpi/2026-Q4", "typ/differentiation/2026-Q3",  # Thu 1 October
        "mne/quarterly/2026-Q4", "mne/annual/2026",  # Tue 1 December: mne2017's Q4 and year (п.3.1, п.3.2)
        "typ/kpi/2027-Q1", "typ/differentiation/2026-Q4",  # Tue 5 January 2027: typical2023's Q4 staff, Q1 KPIs,
        "typ/annual/2026", "typ/360/2026", "mne/plan/2027",  # its year and 360; mne2017's plans of 2027
    ])


# --- sweeping ------------------------------------------------------------------------------------------


def test_sweep_deadlines_sweeps_the_almaty_day_of_its_moment(product: Engine) -> None:
    organisation(product, "mne2017", "mne")
    open_cycle(product, "mne", "quarterly", "2026-Q1", on=D(2026, 4, 1))  # 8 rows due Fri 10 April

    # 19:30 UTC on Sunday 12 April is 00:30 on Monday 13 April in Almaty (UTC+5): the first
    # working day after the due day, "overdue" for all eight (the reminder of 8 April is
    # overtaken); 8 rows in batches of 3: 3, 3, 2
    moment = datetime(2026, 4, 12, 19, 30, tzinfo=timezone.utc)
    assert sweep_deadlines(SweepInput(now=moment, batch=3)) == {"deadlines": 8, "notices": 8, "batches": 3, "kinds": {"overdue": 8}}
    with transaction(product) as session:
        stamps = {n.created_at for n in session.exec(select(Notice))}
    assert len(stamps) == 1
    stamp, expected = stamps.pop(), datetime(2026, 4, 13, 0, 30, tzinfo=ALMATY)
    assert stamp == expected if stamp.tzinfo else stamp == expected.replace(tzinfo=None)  # SQLite: naive Almaty time

    # a naive moment is Almaty time: Wed 15 April 23:59 owes nothing, Thu 16 00:00 the manager rung
    nothing = {"deadlines": 0, "notices": 0, "batches": 0, "kinds": {}}
    assert sweep_deadlines(SweepInput(now=datetime(2026, 4, 15, 23, 59))) == nothing
    assert sweep_deadlines(SweepInput(now=datetime(2026, 4, 16, 0, 0))) == {"deadlines": 8, "notices": 8, "batches": 1, "kinds": {"escalation": 8}}
    assert sweep_deadlines(SweepInput(now=datetime(2026, 4, 16, 0, 15))) == nothing


# --- purging -------------------------------------------------------------------------------------------


def test_purge_removes_documents_past_retention_and_keeps_held_ones(product: Engine) -> None:
    """mne2017 keeps typical2023 п.15's three years from the end of the appraisal. Four Q1
    2026 appraisals, decided Wed 8 April, familiarised Thu 9, appeal window to Wed 22:
    servant, colleague1 and colleague2 closed Thu 23 April, colleague3 Fri 24 April.
    Purged on Tue 24 April 2029 (cut-off 24 April 2026): the servant's; colleague1's is on
    legal hold, colleague2's under a pending appeal; colleague3's has not expired yet."""
    org = organisation(product, "mne2017", "mne")
    open_cycle(product, "mne", "quarterly", "2026-Q1", on=D(2026, 4, 1))
    sweep(product, D(2026, 4, 8), at=noon(D(2026, 4, 8)))  # the reminders of the quarterly appraisal due 10 April
    ids = {name: decided(org, name, D(2026, 4, 8)) for name in ("servant", "colleague1", "colleague2", "colleague3")}
    for name, appraisal_id in ids.items():
        act(product, appraisal_id, org.ids["hr"], "familiarise", None, on=D(2026, 4, 9))
    for name, appraisal_id in ids.items():
        act(product, appraisal_id, org.ids["hr"], "close", None, on=D(2026, 4, 24) if name == "colleague3" else D(2026, 4, 23))
    with transaction(product) as session:
        session.execute(sa.update(Appraisal).where(Appraisal.id == ids["colleague1"]).values(legal_hold=True))  # type: ignore[arg-type]
        # an appeal lodged in court after the appraisal closed, not decided yet
        session.add(Appeal(appraisal_id=ids["colleague2"], filed_on=D(2029, 3, 2), authority="Court of Astana"))

    # what the actors wrote: every table with an appraisal_id but the deadlines and the
    # audit trail, which stay (bare) for counts and compliance history
    documents = [t for t in SQLModel.metadata.sorted_tables if "appraisal_id" in t.c and t.name not in ("deadline", "audit_event")]

    def children(appraisal_id: int) -> dict[str, int]:
        with transaction(product) as session:
            counts = {
                table.name: session.execute(sa.select(sa.func.count()).select_from(table).where(table.c.appraisal_id == appraisal_id)).scalar()
                for table in documents
            }
        return {name: count for name, count in counts.items() if count}

    before = {name: children(appraisal_id) for name, appraisal_id in ids.items()}
    # The servant's sheet: two bonus activities and one violation (the manager's column,
    # п.26), three votes (п.8), bonus eligibility (п.43), and six notices: the reminder of its
    # deadline and the five the transitions sent (sheet to agree, sheet to sign, the result
    # to the servant and to HR, familiarisation).
    assert before["servant"] == {"bonus_item": 2, "violation": 1, "vote": 3, "notice": 6, "consequence": 1}
    trail = {name: len(_trail(product, appraisal_id)) for name, appraisal_id in ids.items()}
    # The head of HR's weekly reports name who was late: the one of Mon 20 April 2026 is past
    # the term on 24 April 2029, the one of Mon 27 April not yet.
    assert report_weekly(product, D(2026, 4, 20), noon(D(2026, 4, 20))) == 1 and report_weekly(product, D(2026, 4, 27), noon(D(2026, 4, 27))) == 1
    deliver(product, datetime(2026, 4, 27, 10, tzinfo=ALMATY), channels=[])

    result = purge_expired(PurgeInput(on=D(2029, 4, 24)))
    assert result == {"purged": 1, "kept_on_hold": 2, "rows": 13, "reports": 1}
    with transaction(product) as session:
        assert [n.due for n in session.exec(select(Notice).where(Notice.state_body_id != None))] == [D(2026, 4, 27)]  # noqa: E711
        assert session.execute(sa.select(sa.func.count()).select_from(InboxMessage).where(InboxMessage.subject.contains("Мерзімдер"))).scalar() == 1  # type: ignore[attr-defined]

    purged = _appraisal(product, ids["servant"])
    assert (purged.score, purged.band, purged.reason, purged.events, purged.purged_on) == (None, None, None, {}, D(2029, 4, 24))
    assert (purged.state, purged.closed_on) == ("closed", D(2026, 4, 23))  # the bare row stays, for counts and compliance
    assert children(ids["servant"]) == {}
    with transaction(product) as session:
        deadlines = session.exec(select(Deadline).where(Deadline.appraisal_id == ids["servant"])).all()
    assert {d.step for d in deadlines} == {"quarterly_appraisal", "familiarisation", "appeal"}  # compliance history
    events = _trail(product, ids["servant"])
    assert len(events) == trail["servant"] + 1
    assert all(e.data == {} and e.reason is None for e in events[:-1])  # what the actors wrote is gone
    last = events[-1]
    assert (last.action, last.actor_id, last.actor_role, last.from_state, last.to_state) == ("purge", None, "system", "closed", "closed")
    assert last.data == {"rows": before["servant"]}
    assert last.reason == "mne2017 typical2023 п.15"

    for name in ("colleague1", "colleague2", "colleague3"):
        kept = _appraisal(product, ids[name])
        assert (kept.score, kept.band, kept.purged_on) == (106, "effective", None), name
        assert children(ids[name]) == before[name], name
        assert len(_trail(product, ids[name])) == trail[name], name

    # the next night: nothing new on hold, colleague3's has expired now (closed 24 April 2026)
    assert purge_expired(PurgeInput(on=D(2029, 4, 24))) == {"purged": 0, "kept_on_hold": 2, "rows": 0, "reports": 0}
    assert purge_expired(PurgeInput(on=D(2029, 4, 25))) == {"purged": 1, "kept_on_hold": 2, "rows": 13, "reports": 0}
    assert _appraisal(product, ids["colleague3"]).purged_on == D(2029, 4, 25)


def _appraisal(db: Engine, appraisal_id: int) -> Appraisal:
    with transaction(db) as session:
        found = session.get(Appraisal, appraisal_id)
        assert found is not None
        return found


def _trail(db: Engine, appraisal_id: int) -> list[AuditEvent]:
    with transaction(db) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == appraisal_id).order_by(AuditEvent.id)))  # type: ignore[arg-type]


# --- the compliance report -------------------------------------------------------------------------------

HEADERS = {
    "kk": ["Мемлекеттік орган", "Бөлімше", "Жауапты", "Қадам", "Норма", "Бағалау түрі", "Кезең",
           "Бағаланатын қызметші", "Мерзімі", "Орындалды", "Кешіктіру, жұмыс күні", "Жағдайы"],
    "ru": ["Государственный орган", "Подразделение", "Ответственный", "Этап", "Норма", "Вид оценки", "Период",
           "Оцениваемый служащий", "Срок", "Выполнено", "Просрочка, рабочих дней", "Статус"],
    "en": ["State body", "Unit", "Responsible", "Step", "Rule", "Appraisal", "Period",
           "Servant appraised", "Due", "Done on", "Working days overdue", "Status"],
}
SCRIPT = "<script>alert(1)</script>"


def test_the_compliance_report_lists_steps_overdue_and_done_late(product: Engine, tmp_path: Path) -> None:
    """mne2017 Q1 2026, quarterly appraisal due Fri 10 April (п.3.1); report of Mon 20 April.
    servant: decided Tue 14 April, 4 days late, familiarised Wed 15 (due 16: on time);
    colleague1: decided 8 April, familiarised 9 April (on time: not listed); nobody acted
    for the other six: overdue 10 days. colleague2's name in HR's import is a script."""
    org = organisation(product, "mne2017", "mne")
    open_cycle(product, "mne", "quarterly", "2026-Q1", on=D(2026, 4, 1))
    with transaction(product) as session:
        session.execute(sa.update(Servant).where(Servant.id == org.ids["colleague2"]).values(full_name=SCRIPT))  # type: ignore[arg-type]
    late = decided(org, "servant", D(2026, 4, 14))
    act(product, late, org.ids["hr"], "familiarise", None, on=D(2026, 4, 15))
    on_time = decided(org, "colleague1", D(2026, 4, 8))
    act(product, on_time, org.ids["hr"], "familiarise", None, on=D(2026, 4, 9))
    assert _appraisal(product, late).score == 106 and _appraisal(product, late).band == "effective"

    folder = tmp_path / "reports"
    results = {lang: build_report(ReportInput(on=D(2026, 4, 20), lang=lang, folder=str(folder))) for lang in ("kk", "ru", "en")}
    for lang, result in results.items():
        stem = folder / f"compliance-2026-04-20-{lang}"
        sent = 1 if lang == "kk" else 0  # the head of HR's notice: once for the day, whatever the files' language
        assert result == {"rows": 7, "overdue": 6, "files": [f"{stem}{s}" for s in (".csv", "-totals.csv", ".xlsx", ".html")], "notices": sent,
                          "audit_trail": {"verified": True, "breaks": []}}
        assert all(Path(f).is_file() for f in result["files"])

    # `since`: steps done late on or after that day; overdue ones whatever it is
    assert build_report(ReportInput(on=D(2026, 4, 20), lang="en", folder=str(tmp_path / "since"), since=D(2026, 4, 15)))["rows"] == 6
    assert build_report(ReportInput(on=D(2026, 4, 20), lang="en", folder=str(tmp_path / "since"), since=D(2026, 4, 14)))["rows"] == 7

    with (folder / "compliance-2026-04-20-en.csv").open(encoding="utf-8-sig", newline="") as source:
        table = list(csv.reader(source))
    assert table[0] == HEADERS["en"]
    body = [dict(zip(HEADERS["en"], line)) for line in table[1:]]
    QA = ("quarterly appraisal", "mne2017 п.3.1", "quarterly appraisal", "2026-Q1", "2026-04-10")  # the kind in words
    expected = {
        # (servant, responsible, step, rule, kind, period, due, done on, days, status)
        ("Servant", "Manager", *QA, "2026-04-14", "2", "done late"),  # working days: Mon 13, Tue 14
        ("Colleague3", "Manager", *QA, "", "6", "overdue"),  # 13–17 and 20 April
        (SCRIPT, "Manager", *QA, "", "6", "overdue"),
        ("Hr", "Official", *QA, "", "6", "overdue"),
        ("Member", "Official", *QA, "", "6", "overdue"),
        ("Manager", "Official", *QA, "", "6", "overdue"),
        # the head's assessor is the vice-minister, outside the B corps (mne2017 п.4)
        ("Official", "Vice", *QA, "", "6", "overdue"),
    }
    columns = ["Servant appraised", "Responsible", "Step", "Rule", "Appraisal", "Period", "Due", "Done on", "Working days overdue", "Status"]
    assert {tuple(line[c] for c in columns) for line in body} == expected
    assert {(line["State body"], line["Unit"]) for line in body} == {("State body mne", "Department of planning")}
    # most overdue first, then by the responsible person
    assert [(line["Working days overdue"], line["Responsible"]) for line in body] == [
        ("6", "Manager"), ("6", "Manager"), ("6", "Official"), ("6", "Official"), ("6", "Official"),
        ("6", "Vice"), ("2", "Manager"),
    ]

    for lang in ("kk", "ru"):
        with (folder / f"compliance-2026-04-20-{lang}.csv").open(encoding="utf-8-sig", newline="") as source:
            assert next(csv.reader(source)) == HEADERS[lang]
    with (folder / "compliance-2026-04-20-ru.csv").open(encoding="utf-8-sig", newline="") as source:
        lines = list(csv.reader(source))[1:]
    assert sorted(line[-1] for line in lines) == ["выполнен с опозданием"] + ["просрочен"] * 6

    for lang in ("kk", "ru", "en"):
        stem = folder / f"compliance-2026-04-20-{lang}"
        sheet = load_workbook(stem.with_suffix(".xlsx"), read_only=True)["2026-04-20"]
        cells = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert cells[0] == HEADERS[lang] and len(cells) == 8
        html = stem.with_suffix(".html").read_text("utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
        assert html.count("<tr class=\"overdue\">") == 6 and html.count("<tr class=\"late\">") == 1
        # typical2023 п.16: no result leaves through the report, whatever the file
        texts = [stem.with_suffix(".csv").read_text("utf-8-sig"), html, *(str(v) for row in cells for v in row if v is not None)]
        for text in texts:
            for result_text in ("106", "effective", "тиімді", "эффективно", "score", "band"):
                assert result_text not in text, (lang, result_text)


def test_an_empty_report_says_so(product: Engine, tmp_path: Path) -> None:
    organisation(product, "mne2017", "mne")
    result = build_report(ReportInput(on=D(2026, 4, 20), lang="ru", folder=str(tmp_path)))
    assert (result["rows"], result["overdue"]) == (0, 0)
    assert "Просроченных или выполненных с опозданием этапов нет." in Path(result["files"][-1]).read_text("utf-8")
    with Path(result["files"][0]).open(encoding="utf-8-sig", newline="") as source:
        assert list(csv.reader(source)) == [HEADERS["ru"]]


# --- the schedules -----------------------------------------------------------------------------------------


def test_every_schedule_is_in_almaty_and_the_sweep_runs_every_15_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.deployments import ZONE, deployments, schedules

    monkeypatch.delenv("BAGALAU_SWEEP_CRON", raising=False)
    assert ZONE == "Asia/Almaty"
    crons = {flow.name: (name, cron) for flow, name, cron in schedules()}
    assert crons == {
        "open-quarterly-cycle": ("open-quarterly-cycles-days-1-15", "0 8 1-15 * *"),
        "open-annual-cycle": ("open-annual-cycles-and-plans", "0 8 1-15 1,12 *"),  # plans in January, mne2017's year on 1 December
        "open-360-cycle": ("open-360-cycles-in-january", "0 8 1-15 1 *"),
        "deadline-sweep": ("remind-escalate-deliver-every-15-minutes", "*/15 * * * *"),
        "retention-purge": ("purge-past-retention-nightly", "30 2 * * *"),
        "compliance-report": ("weekly-compliance-report", "0 9 * * 1"),
    }
    made = deployments()
    assert len(made) == 6
    for deployment in made:
        assert [(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules] == [(crons[deployment.flow_name][1], "Asia/Almaty")]
        assert deployment.name == crons[deployment.flow_name][0]
        assert deployment.tags[:3] == ["bagalau", "scheduled", deployment.flow_name] and len(deployment.tags) > 3

    monkeypatch.setenv("BAGALAU_SWEEP_CRON", "*/5 7-19 * * 1-5")
    sweep_deployment = next(d for d in deployments() if d.flow_name == "deadline-sweep")
    assert [(s.schedule.cron, s.schedule.timezone) for s in sweep_deployment.schedules] == [("*/5 7-19 * * 1-5", "Asia/Almaty")]
    assert dict((f.name, c) for f, _, c in schedules())["deadline-sweep"] == "*/5 7-19 * * 1-5"


def test_each_deployment_says_what_it_does_and_why_in_three_languages_and_names_its_runs() -> None:
    """HR reads a deployment in the Prefect UI: its name says what it does, its description
    (Kazakh first, then Russian, English) what, when and why then; every run is tagged from
    its creation and named for its day, ahead and as it starts."""
    from flows.deployments import deployments, schedules
    from flows.runs import RunName
    from flows.upcoming import name_upcoming_runs

    flows = {flow.name: flow for flow, _, _ in schedules()}
    for deployment in deployments():
        text = deployment.description or ""
        parts = text.split("\n\n")
        assert [part[:8] for part in parts] == ["**kk**: ", "**ru**: ", "**en**: "], deployment.name
        assert all(len(part) > 80 for part in parts)  # a sentence, not a word
        assert re.search("[әғқңөұүһі]", parts[0]) and re.search("[а-я]", parts[1]) and not re.search("[а-яёәғқңөұүһі]", re.sub(r"п\.\d", "", parts[2]))
        assert "{" not in text
        assert deployment.tags and deployment.tags[0] == "bagalau"
        flow = flows[deployment.flow_name]
        assert isinstance(flow.flow_run_name, RunName) and flow.on_running_hooks == [name_upcoming_runs]  # named as it starts, and names the upcoming runs
    quarterly = next(d for d in deployments() if d.flow_name == "open-quarterly-cycle")
    assert "1–15" in quarterly.description and "1 декабря" in quarterly.description and "п.3.1" in quarterly.description  # why every month


def test_run_names_say_what_and_for_which_day() -> None:
    """The input's day or moment; without one, the day (the sweep: the moment) in Almaty of
    the time the run is scheduled for: 21:00 UTC on 19 April is 02:00 on 20 April there."""
    from flows.runs import RunName

    evening = datetime(2026, 4, 19, 21, 0, tzinfo=timezone.utc)
    assert RunName("compliance report", "on").of({"request": {"on": "2026-04-20"}}, evening) == "compliance report 2026-04-20"
    assert RunName("purge", "on").of({"request": PurgeInput(on=date(2026, 3, 1))}, evening) == "purge 2026-03-01"
    assert RunName("purge", "on").of({"request": PurgeInput()}, evening) == "purge 2026-04-20"
    assert RunName("purge", "on").of({}, evening.replace(hour=18, minute=59)) == "purge 2026-04-19"
    sweep = RunName("sweep", "now", moment=True)
    assert sweep.of({"request": SweepInput(now=datetime(2026, 4, 13, 9, 0, tzinfo=ALMATY))}, evening) == "sweep 2026-04-13 09:00:00+05:00"
    assert sweep.of({"request": SweepInput()}, evening.replace(second=7, microsecond=5)) == "sweep 2026-04-20 02:00:07+05:00"

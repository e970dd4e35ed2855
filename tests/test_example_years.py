"""The two example years of examples/scenarios/, played on a fresh database, against figures
worked out by hand.

mne2017-year.yaml: a ministry department's 2026 under mne2017 (plans, four quarters decided
by the Evaluation Commission, appeals, the annual grade). typical2023-year.yaml: an akim's
apparatus's 2026 under typical2023 (KPI for heads, differentiation for staff, calibration,
360, the annual grade).

Every expected figure below is computed in its comment from the scenario's data and the
methodology's paragraphs; none was copied from a run. Samat's Q3 KPI appraisal, deferred by
his sick leave, is scored within 5 working days of his return (п.6).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bagalau import simulation
from methodology import labels
from models import (
    Appeal,
    Appraisal,
    AuditEvent,
    CalibrationSession,
    CalibrationVote,
    Consequence,
    Deadline,
    RefusalAct,
    Servant,
    Vote,
)
from models.db import engine as make_engine

SCENARIOS = Path(__file__).resolve().parent.parent / "examples" / "scenarios"
MNE = SCENARIOS / "mne2017-year.yaml"
TYPICAL = SCENARIOS / "typical2023-year.yaml"
BAGALAU = str(Path(sys.executable).with_name("bagalau"))

@dataclass
class Year:
    summary: dict[str, Any]
    engine: Engine

    def row(self, servant: str, kind: str, period: str) -> dict[str, Any]:
        found = [a for a in self.summary["appraisals"] if (a["servant"], a["kind"], a["period"]) == (servant, kind, period)]
        assert len(found) == 1, (servant, kind, period)
        return found[0]

    def result(self, servant: str, kind: str, period: str) -> tuple[float | None, str | None]:
        row = self.row(servant, kind, period)
        return row["score"], row["band"]

    def appraisal(self, session: Session, servant: str, kind: str, period: str) -> Appraisal:
        query = (
            select(Appraisal)
            .join(Servant, Servant.id == Appraisal.servant_id)
            .where(Servant.personnel_no == servant, Appraisal.kind == kind, Appraisal.period == period)
        )
        return session.exec(query).one()

    def events(self, servant: str, kind: str, period: str) -> list[tuple[str, dict[str, Any]]]:
        with Session(self.engine) as session:
            appraisal = self.appraisal(session, servant, kind, period)
            query = select(AuditEvent).where(AuditEvent.appraisal_id == appraisal.id).order_by(AuditEvent.id)  # type: ignore[arg-type]
            return [(event.action, event.data) for event in session.exec(query)]

    def consequences(self, servant: str, kind: str, period: str) -> dict[str, Consequence]:
        with Session(self.engine) as session:
            appraisal = self.appraisal(session, servant, kind, period)
            rows = session.exec(select(Consequence).where(Consequence.appraisal_id == appraisal.id))
            return {row.kind: row for row in rows}


def play(path: Path, url: str) -> Year:
    return Year(simulation.run(simulation.load(path), url), make_engine(url))


def refusals(year: Year, *, expected: bool) -> list[tuple[int, str, str | None]]:
    return [(r["step"], r["do"], r["of"]) for r in year.summary["refusals"] if r["expected"] is expected]


def message(year: Year, step: int) -> str:
    return next(r["message"] for r in year.summary["refusals"] if r["step"] == step)


# --- mne2017 ---------------------------------------------------------------------------------

QUARTERS = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]

# п.16–27: 100 + bonus points − 2 × proven violations; < 80 unsatisfactory, 80–105
# satisfactory, over 105 up to 130 effective, over 130 excellent (п.27).
MNE_QUARTERLY = {
    "2026-Q1": {
        "saule": (104, "satisfactory"),     # 100 + 2 + 2
        "kairat": (112, "effective"),       # 100 + 5 + 4 + 3
        "dinara": (122, "effective"),       # 100 + 5 + 5 + 4 + 4 + 4
        "askar": (106, "effective"),        # 100 + 3 + 3: 106 is the first effective point
        "aigerim": (126, "effective"),      # 100 + 5 + 5 + 5 + 5 + 4 + 2
        "daniyar": (98, "satisfactory"),    # 100 + 2 − 2 × 2 (an overdue instruction, a lateness)
        "madina": (98, "satisfactory"),     # 100 − 2 × 2 = 96, the appeal strikes one lateness: 98
        "erbol": (94, "satisfactory"),      # 100 − 2 × 3
    },
    "2026-Q2": {
        "saule": (108, "effective"),        # 100 + 5 + 3
        "kairat": (118, "effective"),       # 100 + 5 + 5 + 4 + 4
        "dinara": (128, "effective"),       # 100 + 5 + 5 + 5 + 5 + 4 + 4
        "askar": (104, "satisfactory"),     # 100 + 4
        "aigerim": (132, "excellent"),      # 100 + 5 × 4 + 4 × 3
        "daniyar": (108, "effective"),      # the manager's 100 + 2 + 2 = 104, revised by the commission to 108
        "madina": (110, "effective"),       # 100 + 5 + 5
        "erbol": (88, "satisfactory"),      # 100 − 2 × 6
    },
    "2026-Q3": {
        "saule": (102, "satisfactory"),     # 100 + 2
        "kairat": (109, "effective"),       # 100 + 5 + 4
        "dinara": (120, "effective"),       # 100 + 5 × 4
        "askar": (102, "satisfactory"),     # 100 + 2 + 2 − 2 × 1
        "aigerim": (134, "excellent"),      # 100 + 5 × 6 + 4
        "daniyar": (110, "effective"),      # 100 + 5 + 5
        "madina": (104, "satisfactory"),    # 100 + 4
        "erbol": (78, "unsatisfactory"),    # 100 − 2 × 11 (his claimed item not accepted); appeal rejected
        "tomiris": (104, "satisfactory"),   # 100 + 4
    },
    "2026-Q4": {
        "saule": (110, "effective"),        # 100 + 5 + 5
        "kairat": (115, "effective"),       # 100 + 5 × 3
        "dinara": (134, "excellent"),       # 100 + 5 × 6 + 4
        "askar": (108, "effective"),        # 100 + 4 + 4
        "aigerim": (135, "excellent"),      # 100 + 5 × 7
        "daniyar": (106, "effective"),      # 100 + 3 + 3
        "madina": (112, "effective"),       # 100 + 4 × 3
        "erbol": (86, "satisfactory"),      # 100 + 2 − 2 × 8
        "tomiris": (108, "effective"),      # 100 + 4 + 4
    },
}

# п.30: each indicator 2..5, the plan is their mean; five-point bands of п.33.
MNE_PLAN = {
    "saule": (4.25, "effective"),       # (4 + 4 + 5 + 4) / 4
    "kairat": (4.33, "effective"),      # (5 + 4 + 4) / 3 = 4.333…
    "dinara": (4.75, "effective"),      # (5 + 5 + 4 + 5) / 4
    "askar": (4.0, "effective"),        # (4 + 4 + 4) / 3
    "aigerim": (5.0, "excellent"),      # (5 + 5 + 5) / 3
    "daniyar": (3.67, "satisfactory"),  # (4 + 3 + 4) / 3 = 3.666…
    "madina": (3.75, "satisfactory"),   # (4 + 4 + 4 + 3) / 4
    "erbol": (2.67, "unsatisfactory"),  # (3 + 2 + 3) / 3 = 2.666…
    "tomiris": (4.5, "effective"),      # (4 + 5) / 2
}

# п.32: 0.5 × the value of the band of the quarterly mean (unsatisfactory 2, satisfactory 3,
# effective 4, excellent 5) + 0.5 × the exact plan mean, rounded half up; п.33 bands
# [3, 4) satisfactory, [4, 5) effective, 5 excellent.
MNE_ANNUAL = {
    "saule": (4.13, "effective"),        # (104+108+102+110)/4 = 106 → 4; 0.5×4 + 0.5×4.25 = 4.125 → 4.13
    "kairat": (4.17, "effective"),       # (112+118+109+115)/4 = 113.5 → 4; 2 + 13/6 = 4.1666… → 4.17
    "dinara": (4.38, "effective"),       # (122+128+120+134)/4 = 126 → 4; 2 + 2.375 = 4.375 → 4.38
    "askar": (3.5, "satisfactory"),      # (106+104+102+108)/4 = 105, not over 105 → 3; 1.5 + 2 = 3.5
    "aigerim": (5.0, "excellent"),       # (126+132+134+135)/4 = 131.75 → 5; 2.5 + 2.5 = 5
    "daniyar": (3.83, "satisfactory"),   # (98+108+110+106)/4 = 105.5, over 105 → 4; 2 + 11/6 = 3.8333… → 3.83
    "madina": (3.88, "satisfactory"),    # (98+110+104+112)/4 = 106 → 4; 2 + 1.875 = 3.875 → 3.88
    "erbol": (2.83, "unsatisfactory"),   # (94+88+78+86)/4 = 86.5 → 3; 1.5 + 4/3 = 2.8333… → 2.83
    "tomiris": (4.25, "effective"),      # Q3, Q4 only: (104+108)/2 = 106 → 4; 2 + 2.25 = 4.25
}
MNE_PEOPLE = list(MNE_PLAN)


@pytest.fixture(scope="module")
def mne(tmp_path_factory: pytest.TempPathFactory) -> Year:
    return play(MNE, f"sqlite:///{tmp_path_factory.mktemp('mne2017') / 'year.sqlite3'}")


def test_mne2017_year_runs_with_only_the_planned_refusals(mne: Year) -> None:
    assert mne.summary["unexpected"] == 0, [r for r in mne.summary["refusals"] if not r["expected"]]
    assert refusals(mne, expected=True) == [
        (10, "submit", "erbol"),     # his plan: 1 of 3 indicators measurable, at least half needed (п.12)
        (76, "decide", "aigerim"),   # the secretary's vote (п.9)
        (96, "appeal", "daniyar"),   # 24 April, the window closed on 23 April (п.38)
        (197, "decide", "aigerim"),  # 2 of 4 voting members present, quorum 3 (п.7)
    ]
    assert "1/3" in message(mne, 10) and "para. 12" in message(mne, 10)
    assert "secretary" in message(mne, 76) and "para. 9" in message(mne, 76)
    assert "2026-04-23" in message(mne, 96) and "para. 38" in message(mne, 96)
    assert "2 of 4" in message(mne, 197) and "(3)" in message(mne, 197) and "para. 7" in message(mne, 197)


def test_mne2017_quarterly_scores_and_bands(mne: Year) -> None:
    for period, expected in MNE_QUARTERLY.items():
        for servant, (score, band) in expected.items():
            assert mne.result(servant, "quarterly", period) == (score, band), (servant, period)
            assert mne.row(servant, "quarterly", period)["state"] == "closed"
    # every band of п.27 occurs in the year
    bands = {band for quarter in MNE_QUARTERLY.values() for _, band in quarter.values()}
    assert bands == {"unsatisfactory", "satisfactory", "effective", "excellent"}
    # Tomiris: appointed 5 January, Q1 exempt (fewer than three months), Q2 exempt (probation until 3 July), п.3
    q1, q2 = mne.row("tomiris", "quarterly", "2026-Q1"), mne.row("tomiris", "quarterly", "2026-Q2")
    assert (q1["state"], q1["score"], q2["state"], q2["score"]) == ("exempt", None, "exempt", None)
    assert "2026-01-05" in q1["reason"] and "probation" in q2["reason"]


def test_mne2017_casting_vote_revises_daniyar_q2(mne: Year) -> None:
    # The manager accepted 2 + 2 of Daniyar's three items: 104. At the commission the chair and
    # Seitova vote to revise, Omarov and Bekmukhambetov to approve: 2 : 2, and on a tie the
    # chair's vote decides (п.9): revised to 104 + 4 = 108, effective (п.35).
    decide = next(data for action, data in mne.events("daniyar", "quarterly", "2026-Q2") if action == "decide")
    assert decide["decision"] == "revise" and decide["casting_vote"] is True
    assert (decide["approve"], decide["revise"]) == (2, 2)
    assert (Decimal(decide["score"]), decide["band"]) == (Decimal(108), "effective")
    agree = next(data for action, data in mne.events("daniyar", "quarterly", "2026-Q2") if action == "agree")
    assert (Decimal(agree["score"]), agree["band"]) == (Decimal(104), "satisfactory")
    with Session(mne.engine) as session:
        appraisal = mne.appraisal(session, "daniyar", "quarterly", "2026-Q2")
        votes = sorted((v.decision, v.score) for v in session.exec(select(Vote).where(Vote.appraisal_id == appraisal.id)))
    assert votes == [("approve", None), ("approve", None), ("revise", Decimal(108)), ("revise", Decimal(108))]
    # an ordinary decision: the four voting members approve; a member's own sheet gets three votes
    others = [data for action, data in mne.events("aigerim", "quarterly", "2026-Q1") if action == "decide"]
    assert [(d["decision"], d["casting_vote"], d["approve"]) for d in others] == [("approve", False, 4)]
    others = [data for action, data in mne.events("dinara", "quarterly", "2026-Q1") if action == "decide"]
    assert [(d["decision"], d["casting_vote"], d["approve"]) for d in others] == [("approve", False, 3)]


def test_mne2017_appeals_and_acts(mne: Year) -> None:
    with Session(mne.engine) as session:
        madina = mne.appraisal(session, "madina", "quarterly", "2026-Q1")
        erbol = mne.appraisal(session, "erbol", "quarterly", "2026-Q3")
        appeals = {a.appraisal_id: a for a in session.exec(select(Appeal))}
        acts = sorted((a.refused, a.drawn_up_on) for a in session.exec(select(RefusalAct)))
    # Madina appeals on 16 April, within 10 working days of the 9 April decision (until 23 April,
    # п.38); the authority decides on 28 April (review due 30 April, п.39): one lateness had a
    # sick note, 96 + 2 = 98, still satisfactory.
    assert (appeals[madina.id].filed_on, appeals[madina.id].decided_on) == (date(2026, 4, 16), date(2026, 4, 28))
    assert (appeals[madina.id].outcome, appeals[madina.id].revised_score) == ("revised", Decimal(98))
    decided = next(data for action, data in mne.events("madina", "quarterly", "2026-Q1") if action == "decide")
    assert Decimal(next(data for action, data in mne.events("madina", "quarterly", "2026-Q1") if action == "agree")["score"]) == 96
    assert decided["decision"] == "approve"
    # Erbol appeals his 78 on 16 October (window until 22 October); rejected on 29 October.
    assert (appeals[erbol.id].outcome, appeals[erbol.id].revised_score, erbol.score) == ("rejected", None, Decimal(78))
    assert len(appeals) == 2  # Daniyar's late appeal left nothing behind
    # acts of refusal: Madina's plan (п.10) and Q1 sheet (п.25), Erbol's annual familiarisation (п.36)
    assert acts == [("confirm", date(2026, 1, 9)), ("familiarisation", date(2026, 12, 21)), ("sign", date(2026, 4, 7))]


def test_mne2017_plans_and_annual_grades(mne: Year) -> None:
    for servant, (score, band) in MNE_PLAN.items():
        assert mne.result(servant, "plan", "2026") == (score, band), servant
    for servant, (score, band) in MNE_ANNUAL.items():
        assert mne.result(servant, "annual", "2026") == (score, band), servant
        assert mne.row(servant, "annual", "2026")["state"] == "closed"
    # what HR computed for Daniyar: the fractional mean 105.5 is over 105, so effective (п.27, п.32)
    compute = next(data for action, data in mne.events("daniyar", "annual", "2026") if action == "compute")
    assert compute["quarters"] == ["98.00", "108.00", "110.00", "106.00"]
    assert Decimal(compute["score"]) == Decimal("3.83")
    # Tomiris's year has two quarters only
    compute = next(data for action, data in mne.events("tomiris", "annual", "2026") if action == "compute")
    assert compute["quarters"] == ["104.00", "108.00"]


def test_mne2017_consequences(mne: Year) -> None:
    # п.43: a bonus for an effective or excellent quarter or year
    for period, expected in MNE_QUARTERLY.items():
        for servant, (_, band) in expected.items():
            want = ["bonus_eligible"] if band in ("effective", "excellent") else []
            assert mne.row(servant, "quarterly", period)["consequences"] == want, (servant, period)
    for servant, (_, band) in MNE_ANNUAL.items():
        # Erbol, the one unsatisfactory year: his second in a row with 2025's imported result (п.46)
        want = {"effective": ["bonus_eligible"], "excellent": ["bonus_eligible"], "satisfactory": [],
                "unsatisfactory": ["demotion_review", "no_mentoring", "training_due"]}[band]
        assert mne.row(servant, "annual", "2026")["consequences"] == want, servant
    # п.44: training within three months of the commission's decision of 18 December
    erbol = mne.consequences("erbol", "annual", "2026")
    assert erbol["training_due"].due == date(2027, 3, 18)
    assert erbol["no_mentoring"].paragraph == "п.45"
    # plans have no consequences of their own
    assert all(mne.row(s, "plan", "2026")["consequences"] == [] for s in MNE_PEOPLE)


def test_mne2017_deadlines(mne: Year) -> None:
    closed = {"met": 2, "late": 0, "missed": 0, "open": 0, "cancelled": 1}
    # the appraisal and the familiarisation met; closing cancels the unused appeal window
    assert mne.row("saule", "annual", "2026")["deadlines"] == closed
    # Q1 had a schedule: its notice (п.14) met too
    assert mne.row("aigerim", "quarterly", "2026-Q1")["deadlines"] == {**closed, "met": 3}
    # Bekmukhambetov's Q3 result was shown to him on 13 October, due 12 October (8 Oct + 2 wd, п.36)
    assert mne.row("askar", "quarterly", "2026-Q3")["deadlines"] == {"met": 1, "late": 1, "missed": 0, "open": 0, "cancelled": 1}
    # appealed: appraisal, familiarisation, appeal (п.38), its review (п.39) and the body's
    # report of the decision (п.40) all met
    appealed = {"met": 5, "late": 0, "missed": 0, "open": 0, "cancelled": 0}
    assert mne.row("madina", "quarterly", "2026-Q1")["deadlines"] == {**appealed, "met": 6}  # and the schedule's notice
    assert mne.row("erbol", "quarterly", "2026-Q3")["deadlines"] == appealed
    # the plan drawn up by 10 January (п.10), by Madina through the act of refusal
    assert mne.row("madina", "plan", "2026")["deadlines"] == {"met": 1, "late": 0, "missed": 0, "open": 0, "cancelled": 0}
    # the director, appraised by the vice-minister outside the B corps (п.4), on his deputy's
    # very sheets: every step met, the commission deciding without his vote (quorum 3 of 3)
    for kind, period in [("plan", "2026"), ("annual", "2026"), *(("quarterly", q) for q in QUARTERS)]:
        director, kairat = mne.row("director", kind, period), mne.row("kairat", kind, period)
        assert (director["state"], director["deadlines"], director["score"], director["band"]) == \
            ("closed", kairat["deadlines"], kairat["score"], kairat["band"]), (kind, period)
    # exempt: nothing owed
    assert mne.row("tomiris", "quarterly", "2026-Q1")["deadlines"] == {"met": 0, "late": 0, "missed": 0, "open": 0, "cancelled": 0}


def test_mne2017_mid_year_hire(mne: Year) -> None:
    """Aruzhan, appointed 14 September: her plan is due 10 working days after the appointment
    (п.11), not 10 January; Q3 is exempt (п.3); Q4 and the year are appraised."""
    plan = mne.row("aruzhan", "plan", "2026")
    assert [(d["step"], d["due"], d["status"], d["closed_on"]) for d in plan["due"]] == [
        ("plan_after_appointment", "2026-09-28", "done", "2026-09-21")]
    appointment = [data for action, data in mne.events("aruzhan", "plan", "2026") if action == "appointment"]
    assert [(d["appointed_on"], d["paragraph"]) for d in appointment] == [("2026-09-14", "п.11")]
    assert (mne.row("aruzhan", "quarterly", "2026-Q3")["state"], mne.row("aruzhan", "quarterly", "2026-Q3")["reason"]) == \
        ("exempt", "in the position since 2026-09-14 (п.3)")
    assert mne.result("aruzhan", "quarterly", "2026-Q4") == (103.0, "satisfactory")
    assert (mne.result("aruzhan", "plan", "2026"), mne.result("aruzhan", "annual", "2026")) == ((3.67, "satisfactory"), (3.33, "satisfactory"))


def test_mne2017_an_assessor_substitution(mne: Year) -> None:
    """Askar on annual leave 2–4 December: on 2 December HR (Saule, the head of HR)
    substitutes his own manager, the deputy director Kairat, as the assessor of his
    division's Q4 sheets (п.4). The appraisal's open deadline (due 10 December, п.3.1) follows
    Kairat, who agrees the sheets; the plans stay Askar's, who scores them on 10 December."""
    with Session(mne.engine) as session:
        ids = {s.personnel_no: s.id for s in session.exec(select(Servant))}
        for servant in ("daniyar", "erbol", "aruzhan"):
            appraisal = mne.appraisal(session, servant, "quarterly", "2026-Q4")
            trail = list(session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == appraisal.id).order_by(AuditEvent.id)))  # type: ignore[arg-type]
            [change] = [e for e in trail if e.action == "substitute_assessor"]
            assert (change.actor_id, change.at.date(), change.data["previous_assessor_id"], change.data["assessor_id"], change.data["paragraph"]) == \
                (ids["saule"], date(2026, 12, 2), ids["askar"], ids["kairat"], "п.4"), servant
            assert "№ 58-ж" in (change.reason or "")
            [agree] = [e for e in trail if e.action == "agree"]
            assert (agree.actor_id, agree.id > change.id) == (ids["kairat"], True), servant
            owed = session.exec(select(Deadline).where(Deadline.appraisal_id == appraisal.id, Deadline.responsible_role == "direct_manager")).all()
            assert [(d.step, d.responsible_id, d.status, d.closed_on) for d in owed] == \
                [("quarterly_appraisal", ids["kairat"], "done", date(2026, 12, 8))], servant
            assert appraisal.assessor_id == ids["kairat"]
            plan = mne.appraisal(session, servant, "plan", "2026")
            assert plan.assessor_id == ids["askar"]
            assert [e.actor_id for e in session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == plan.id, AuditEvent.action == "score"))] == [ids["askar"]]
        # the division's sheets only: Dinara's division keeps its assessor
        assert mne.appraisal(session, "madina", "quarterly", "2026-Q4").assessor_id == ids["dinara"]
    assert mne.row("daniyar", "quarterly", "2026-Q4")["deadlines"] == {"met": 2, "late": 0, "missed": 0, "open": 0, "cancelled": 1}


def test_mne2017_schedule_notices_go_out_10_calendar_days_before_the_start(mne: Year) -> None:
    """п.14: HR drafted 1 April as the start of every unit's Q1 appraisal, the director
    approved it; the schedule and the sheets were due 10 calendar days before, 22 March, a
    Sunday of the Nauryz holidays, so by Friday 20 March, and HR sent them that day."""
    appraised = [s for s in MNE_QUARTERLY["2026-Q1"]] + ["director"]
    for servant in appraised:
        notice = [d for d in mne.row(servant, "quarterly", "2026-Q1")["due"] if d["step"] == "schedule_notice"]
        assert [(d["due"], d["status"], d["closed_on"], d["paragraph"]) for d in notice] == [("2026-03-20", "done", "2026-03-20", "п.14")], servant
        dated = [data for action, data in mne.events(servant, "quarterly", "2026-Q1") if action == "schedule"]
        assert [d["starts_on"] for d in dated] == ["2026-04-01"], servant
    # the exempt are not told (Tomiris, п.3); the later quarters had no schedule, so no notice is owed
    assert not [d for d in mne.row("tomiris", "quarterly", "2026-Q1")["due"] if d["step"] == "schedule_notice"]
    assert not [d for d in mne.row("aigerim", "quarterly", "2026-Q2")["due"] if d["step"] == "schedule_notice"]


def test_mne2017_a_past_result_makes_two_unsatisfactory_years_in_a_row(mne: Year) -> None:
    """Erbol's 2025 (2.9, unsatisfactory, the commission's protocol), imported by HR, and his
    2026 (2.83) are two unsatisfactory annual results in a row: demotion (п.46)."""
    demotion = mne.consequences("erbol", "annual", "2026")["demotion_review"]
    assert demotion.paragraph == "п.46"
    # one unsatisfactory year alone entails none: nobody else's year was unsatisfactory twice
    assert [s for s in MNE_PEOPLE if "demotion_review" in mne.row(s, "annual", "2026")["consequences"]] == ["erbol"]


@pytest.mark.parametrize("which", ["mne", "typical"])
def test_every_appraisal_ends_final_and_no_deadline_is_missed(which: str, request: pytest.FixtureRequest) -> None:
    """Both example years, from the head of the body to the newest hire (issue #10)."""
    year: Year = request.getfixturevalue(which)
    left = [(a["servant"], a["kind"], a["period"], a["state"]) for a in year.summary["appraisals"]
            if a["state"] not in ("closed", "withdrawn", "exempt")]
    missed = [(a["servant"], a["kind"], a["period"]) for a in year.summary["appraisals"] if a["deadlines"]["missed"]]
    assert (left, missed) == ([], [])


@pytest.mark.parametrize("which", ["mne", "typical"])
def test_every_event_of_the_years_trails_reads_as_words_in_each_language(which: str, request: pytest.FixtureRequest) -> None:
    """The appraisal page's history: each action of the trail, a transition of its workflow
    or the lifecycle's own (opened, put on the schedule, exempted, an assessor changed…),
    and each role that took it, in kk, ru and en; an id would show as itself."""
    year: Year = request.getfixturevalue(which)
    with Session(year.engine) as session:
        query = select(Appraisal.methodology, Appraisal.kind, AuditEvent.action, AuditEvent.actor_role).join(
            Appraisal, Appraisal.id == AuditEvent.appraisal_id).distinct()
        seen = session.exec(query).all()
    assert {"open", "schedule" if which == "mne" else "open"} <= {action for _, _, action, _ in seen}
    for methodology, kind, action, role in seen:
        for lang in ("kk", "ru", "en"):  # an English word may be its id ("sign"), a Kazakh or Russian one never
            words = labels.action(action, lang, methodology, kind), labels.label("role", role, lang)
            assert all(word and (lang == "en" or word not in (action, role)) for word in words), (methodology, kind, action, role, lang)


def test_mne2017_audit_trails(mne: Year) -> None:
    # one opening event, the schedule's dating of the opened sheet (п.14), one per action taken
    # (refused actions leave none)
    trail = [action for action, _ in mne.events("aigerim", "quarterly", "2026-Q1")]
    assert trail == ["open", "schedule", "notify", "submit", "agree", "sign", "decide", "familiarise", "close"]
    trail = [action for action, _ in mne.events("madina", "quarterly", "2026-Q1")]
    assert trail == ["open", "schedule", "notify", "submit", "agree", "refuse_to_sign", "decide", "familiarise", "appeal", "record_appeal_decision",
                     "report_appeal_decision"]
    assert [action for action, _ in mne.events("aigerim", "quarterly", "2026-Q2")][:2] == ["open", "submit"]  # no schedule for Q2
    assert mne.row("erbol", "quarterly", "2026-Q3")["audit_events"] == 9  # + appeal, decision, its report (п.40), no close
    assert mne.row("erbol", "plan", "2026")["audit_events"] == 6  # open, submit (the refused one left none), agree, confirm, score, sign
    assert mne.row("erbol", "annual", "2026")["audit_events"] == 5  # open, compute, decide, refuse_familiarisation, close
    assert mne.row("tomiris", "quarterly", "2026-Q2")["audit_events"] == 1  # the opening that exempted her


def test_mne2017_year_is_the_same_on_every_database(db: Engine, mne: Year) -> None:
    """The `db` fixture's empty migrated database (SQLite, then PostgreSQL) gives the same summary."""
    summary = simulation.run(simulation.load(MNE), db.url.render_as_string(hide_password=False))
    assert summary == mne.summary


def test_mne2017_year_from_the_command_line() -> None:
    done = subprocess.run([BAGALAU, "simulate", str(MNE)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["methodology"], out["until"], out["unexpected"]) == ("mne2017", "2027-01-20", 0)
    aigerim = next(a for a in out["appraisals"] if (a["servant"], a["kind"]) == ("aigerim", "annual"))
    assert (aigerim["score"], aigerim["band"]) == (5.0, "excellent")


def test_mne2017_year_from_the_command_line_exits_1_on_an_unexpected_refusal(tmp_path: Path) -> None:
    raw = yaml.safe_load(MNE.read_text("utf-8"))
    for key in ("expect", "note"):
        del raw["steps"][9][key]  # Erbol's plan with 1 of 3 measurable indicators, now not expected to fail
    path = tmp_path / "unexpected.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    done = subprocess.run([BAGALAU, "simulate", str(path)], capture_output=True, text=True, timeout=300)
    assert json.loads(done.stdout)["unexpected"] == 1
    assert done.returncode == 1  # "Exits 1 when a step was refused that the scenario did not expect"


# --- typical2023 -----------------------------------------------------------------------------

# KPI (п.28, Annex 3): realisation = actual / planned (increase) or planned / actual
# (decrease); the score lies in the range Annex 3 allows; the grade is the mean. Bands (п.8):
# [0, 2) unsatisfactory, [2, 3) satisfactory, [3, 4) proper, [4, 5] effective.
TYPICAL_KPI = {
    "aigul": {
        "2026-Q1": (4.57, "effective"),  # 90/95 = 94.74% → 4.6; 30/25 = 120% → 5; 5/6 = 83.33% → 4.1; 13.7/3 = 4.566…
        "2026-Q2": (4.73, "effective"),  # 95/95 → 5; 20/25 = 80% → 4.2; 5/5 → 5; 14.2/3 = 4.733…
        "2026-Q3": (4.83, "effective"),  # 88/95 = 92.63% → 4.5; 25/25 → 5; 5/4 = 125% → 5; 14.5/3 = 4.833…
        "2026-Q4": (4.83, "effective"),  # 96/95 = 101.05% → 5; 28/25 = 112% → 5; 5/5.5 = 90.91% → 4.5
    },
    "bauyrzhan": {
        "2026-Q1": (4.75, "effective"),  # 97% → 4.9 (5 was refused); 5/4 = 125% → 5; 3/3 → 5; 10/12 = 83.33% → 4.1; 19/4
        "2026-Q2": (4.68, "effective"),  # 92% → 4.6; 5/6 = 83.33% → 4.1; 3/3 → 5; 10/10 → 5; 18.7/4 = 4.675 → 4.68
        "2026-Q3": (4.46, "effective"),  # 99% → 4.95; 5/5 → 5; 2/3 = 66.67% → 3.3; 10/11 = 90.91% → 4.6; 17.85/4 = 4.4625
        "2026-Q4": (5.0, "effective"),   # 100%, 5/3 = 166.67%, 100%, 10/9 = 111.11%: 5 each
    },
    "samat": {
        "2026-Q1": (3.5, "proper"),             # 72/90 = 80% → 4; 8/10 = 80% → 4; 1/2 = 50% → 2.5; 10.5/3
        "2026-Q2": (3.2, "proper"),             # 81/90 = 90% → 4.5; 8/16 = 50% → 2.5; 1/2 = 50% → 2.6; 9.6/3
        "2026-Q4": (1.83, "unsatisfactory"),    # 63/90 = 70% → 3.5; 8/20 = 40% → 2; 0/2 = 0% → 0; 5.5/3 = 1.833…
    },
}
# after his return: 85.5/90 = 95% → 4.8; 8/8 → 5; 2/2 → 5; 14.8/3 = 4.933… → 4.93
SAMAT_Q3 = (4.93, "effective")

# Differentiation (п.32–33): (quality + deadlines + initiative + discipline) / 4.
TYPICAL_DIFF = {
    "gulmira": {"2026-Q1": (4.25, "effective"), "2026-Q2": (4.5, "effective"),    # 17/4, 18/4
                "2026-Q3": (4.0, "effective"), "2026-Q4": (4.75, "effective")},   # 16/4, 19/4
    "yerzhan": {"2026-Q1": (3.75, "proper"), "2026-Q2": (3.75, "proper"),         # 15/4; 16/4 = 4.00 calibrated to 3.75
                "2026-Q3": (4.25, "effective"), "2026-Q4": (4.0, "effective")},   # 17/4, 16/4
    "zhanar": {"2026-Q1": (2.75, "satisfactory"), "2026-Q2": (1.75, "unsatisfactory"),  # 11/4, 7/4
               "2026-Q3": (1.5, "unsatisfactory"), "2026-Q4": (1.75, "unsatisfactory")},  # 6/4, 7/4
    "nurzhan": {"2026-Q1": (3.5, "proper"), "2026-Q2": (3.25, "proper"),          # 14/4, 13/4
                "2026-Q3": (3.0, "proper")},                                      # 12/4, without him (dismissed)
}

# п.5: the annual grade is the mean of the year's completed quarterly grades (as stored, 2 decimals).
TYPICAL_ANNUAL = {
    "aigul": (4.74, "effective"),       # (4.57 + 4.73 + 4.83 + 4.83) / 4 = 18.96 / 4
    "bauyrzhan": (4.72, "effective"),   # (4.75 + 4.68 + 4.46 + 5.00) / 4 = 18.89 / 4 = 4.7225
    "gulmira": (4.38, "effective"),     # (4.25 + 4.50 + 4.00 + 4.75) / 4 = 17.5 / 4 = 4.375
    "yerzhan": (3.94, "proper"),        # (3.75 + 3.75 + 4.25 + 4.00) / 4 = 15.75 / 4 = 3.9375 (4.00 without the calibration)
    "zhanar": (1.94, "unsatisfactory"), # (2.75 + 1.75 + 1.50 + 1.75) / 4 = 7.75 / 4 = 1.9375
    "nurzhan": (3.25, "proper"),        # (3.50 + 3.25 + 3.00) / 3 = 9.75 / 3, dismissed before Q4
}
# (3.50 + 3.20 + 4.93 + 1.83) / 4 = 13.46 / 4 = 3.365 → 3.37
SAMAT_ANNUAL = (3.37, "proper")

# 360 (п.34–37): per competency the mean of the respondents' answers (self excluded); the
# result is the mean of the competency means; the weakest feed the training topics.
TYPICAL_360 = {
    # 11 competencies all 5; cooperation (4+4+4 + 4+4+4 + 4+4+5)/9 = 37/9; (55 + 37/9)/12 = 532/108 = 4.9259…
    "marat": (4.93, "effective", ["cooperation"]),
    # leadership 3 from all three, the other eleven 4: (44 + 3)/12 = 3.9166…
    "aigul": (3.92, "proper", ["leadership"]),
    # five respondents, 15 answers a competency: team_management (9+8+8+10+9)/15 = 44/15 = 2.93,
    # communication 66/15, ethics 65/15, leadership 64/15, self_development 60/15, the other seven
    # 63/15; (7×63 + 66 + 65 + 44 + 64 + 60)/15/12 = 740/180 = 4.111…; his self-assessment (all 5) not counted
    "bauyrzhan": (4.11, "effective", ["team_management"]),
    # promptness 2, initiative 4, the other ten 3: 36/12
    "samat": (3.0, "proper", ["promptness"]),
    # staff, 8 competencies: result_orientation 4, the other seven 5: 39/8 = 4.875
    "gulmira": (4.88, "effective", ["result_orientation"]),
    # self_development 3, the other seven 4: 31/8 = 3.875
    "yerzhan": (3.88, "proper", ["self_development"]),
    # ethics 3, promptness 1, the other six 2: 16/8
    "zhanar": (2.0, "satisfactory", ["promptness"]),
    # cooperation 4, communication 2, the other six 3: 24/8; without him (dismissed)
    "nurzhan": (3.0, "proper", ["communication"]),
}

TYPICAL_EXPECTED_REFUSALS = [
    (36, "score", "bauyrzhan"),            # 5 for a 97% KPI: Annex 3 allows 4.75–4.99 (п.28)
    (52, "apply_calibration", "zhanar"),   # 14 April, 6 April + 5 working days = 13 April (п.13)
    (233, "close_survey", "samat"),        # 2 of his 3 respondents have answered, at least 3 (п.36)
]


@pytest.fixture(scope="module")
def typical(tmp_path_factory: pytest.TempPathFactory) -> Year:
    return play(TYPICAL, f"sqlite:///{tmp_path_factory.mktemp('typical2023') / 'year.sqlite3'}")


def test_typical2023_quarterly_grades(typical: Year) -> None:
    year = typical
    for servant, quarters in TYPICAL_KPI.items():
        for period, expected in quarters.items():
            assert year.result(servant, "kpi", period) == expected, (servant, period)
            assert year.row(servant, "kpi", period)["state"] == "closed"
    for servant, quarters in TYPICAL_DIFF.items():
        for period, expected in quarters.items():
            assert year.result(servant, "differentiation", period) == expected, (servant, period)
            assert year.row(servant, "differentiation", period)["state"] == "closed"
    # Nurzhan, dismissed on 25 September: Q3 without him (п.7); Q4 began after, no sheet at all
    q3 = year.row("nurzhan", "differentiation", "2026-Q3")
    assert (q3["participation"], q3["reason"]) == ("without", "dismissed")
    assert not [a for a in year.summary["appraisals"] if (a["servant"], a["period"]) == ("nurzhan", "2026-Q4")]
    # Samat was on sick leave when the Q3 KPI cycle opened: deferred (п.6)
    assert "sick_leave" in year.row("samat", "kpi", "2026-Q3")["reason"]
    # consequences: an effective KPI or differentiation grade is a basis for a bonus (п.9)
    for servant, quarters in {**TYPICAL_KPI, **TYPICAL_DIFF}.items():
        kind = "kpi" if servant in TYPICAL_KPI else "differentiation"
        for period, (_, band) in quarters.items():
            want = ["bonus_eligible"] if band == "effective" else []
            assert year.row(servant, kind, period)["consequences"] == want, (servant, period)


def test_typical2023_calibration(typical: Year) -> None:
    year = typical
    assert refusals(year, expected=True) == TYPICAL_EXPECTED_REFUSALS
    assert "97.00%" in message(year, 36) and "4.75–4.99" in message(year, 36) and "Annex 3" in message(year, 36)
    assert "2026-04-13" in message(year, 52) and "para. 13" in message(year, 52)
    assert "2 respondents" in message(year, 233) and "para. 36" in message(year, 233)
    # Zhanar's window closed unused: HR closed her sheet after it
    # (the notice of п.31, the appraisal and the familiarisation met)
    assert year.row("zhanar", "differentiation", "2026-Q1")["deadlines"] == {"met": 3, "late": 0, "missed": 0, "open": 0, "cancelled": 1}
    # Yerzhan applied on 8 July, within 5 working days of his familiarisation on 3 July; the
    # appointing official convened on 10 July with three participants; on 15 July two of three
    # voted 3.75 against the assessor's 4.00: a majority (2 × 2 > 3), the grade goes DOWN (п.42),
    # from effective to proper, and so the quarter loses its bonus basis.
    with Session(year.engine) as session:
        appraisal = year.appraisal(session, "yerzhan", "differentiation", "2026-Q2")
        calibration = session.exec(select(CalibrationSession).where(CalibrationSession.appraisal_id == appraisal.id)).one()
        votes = sorted(v.score for v in session.exec(select(CalibrationVote).where(CalibrationVote.session_id == calibration.id)))
    assert (calibration.score_before, calibration.score_after) == (Decimal("4.00"), Decimal("3.75"))
    assert (calibration.decided_on, calibration.held_on) == (date(2026, 7, 10), date(2026, 7, 15))
    assert votes == [Decimal("3.75"), Decimal("3.75"), Decimal("4.00")]
    row = year.row("yerzhan", "differentiation", "2026-Q2")
    assert (row["state"], row["consequences"]) == ("closed", [])
    # notice (п.31), appraisal, familiarisation, application, decision (3 wd), session (10 wd), protocol (3 wd): all met
    assert row["deadlines"] == {"met": 7, "late": 0, "missed": 0, "open": 0, "cancelled": 0}
    trail = [action for action, _ in year.events("yerzhan", "differentiation", "2026-Q2")]
    assert trail == ["open", "notify", "score", "familiarise", "apply_calibration", "convene_calibration",
                     "hold_calibration", "place_protocol", "give_feedback"]


def test_typical2023_annual_grades(typical: Year) -> None:
    year = typical
    for servant, expected in TYPICAL_ANNUAL.items():
        assert year.result(servant, "annual", "2026") == expected, servant
        assert year.row(servant, "annual", "2026")["state"] == "closed"
    assert year.row("nurzhan", "annual", "2026")["participation"] == "without"
    assert year.row("zhanar", "annual", "2026")["consequences"] == ["training_due"]  # п.9
    for servant in ("aigul", "bauyrzhan", "gulmira"):
        assert year.row(servant, "annual", "2026")["consequences"] == ["bonus_eligible"]
    assert year.row("yerzhan", "annual", "2026")["consequences"] == []


def test_typical2023_deadlines_and_audit(typical: Year) -> None:
    year = typical
    closed = {"met": 2, "late": 0, "missed": 0, "open": 0, "cancelled": 1}
    assert year.row("gulmira", "annual", "2026")["deadlines"] == closed
    # a KPI sheet: KPIs set, the plan placed, the head told, the actual values sent (п.23, п.27),
    # the appraisal and the familiarisation met; closing cancels the unused calibration window
    assert year.row("aigul", "kpi", "2026-Q1")["deadlines"] == {**closed, "met": 6}
    # the head of the apparatus, appraised by the akim outside the B corps (п.3), on the very
    # sheets of Bauyrzhan: every step met, the same grades
    for kind, period in [("annual", "2026"), *(("kpi", q) for q in QUARTERS)]:
        marat, bauyrzhan = year.row("marat", kind, period), year.row("bauyrzhan", kind, period)
        assert (marat["state"], marat["deadlines"], marat["score"], marat["band"]) == \
            ("closed", bauyrzhan["deadlines"], bauyrzhan["score"], bauyrzhan["band"]), (kind, period)
    # one opening event + one per action
    trail = [action for action, _ in year.events("bauyrzhan", "kpi", "2026-Q1")]
    assert trail == ["open", "set_kpis", "place_plan", "notify", "send_actuals", "score", "familiarise", "close"]  # the refused score left none
    trail = [action for action, _ in year.events("nurzhan", "differentiation", "2026-Q3")]
    assert trail == ["open", "notify", "mark_without_participation", "score", "familiarise", "close"]
    assert year.row("zhanar", "annual", "2026")["audit_events"] == 4  # open, compute, familiarise, close
    assert [r for r in year.summary["refusals"] if not r["expected"]] == []


def test_typical2023_360(typical: Year) -> None:
    for servant, (score, band, weakest) in TYPICAL_360.items():
        row = typical.row(servant, "360", "2026")
        assert (row["score"], row["band"], row["state"]) == (score, band, "closed"), servant
        # п.37: the weakest competencies are the training topics
        assert row["consequences"] == ["training_topics"]
        assert typical.consequences(servant, "360", "2026")["training_topics"].data == {"competencies": weakest}, servant
    assert typical.row("nurzhan", "360", "2026")["participation"] == "without"
    # the opening, invite, five respondents, the self-assessment, close, familiarise, close
    assert typical.row("bauyrzhan", "360", "2026")["audit_events"] == 11
    # done by 11 January (10 January is a Sunday) and shown within 2 working days
    assert typical.row("bauyrzhan", "360", "2026")["deadlines"] == {"met": 2, "late": 0, "missed": 0, "open": 0, "cancelled": 1}
    close = next(data for action, data in typical.events("bauyrzhan", "360", "2026") if action == "close_survey")
    assert close["weakest"] == ["team_management"]


def test_typical2023_samat_is_appraised_after_his_sick_leave(typical: Year) -> None:
    assert typical.summary["unexpected"] == 0, [r for r in typical.summary["refusals"] if not r["expected"]]
    # Samat, back on 12 October, scored within 5 working days (by 19 October, п.6)
    assert typical.result("samat", "kpi", "2026-Q3") == SAMAT_Q3
    # set, placed, told, actual values sent, appraised after return, familiarised; the deferral
    # cancelled the normal deadline and closing the unused calibration window
    assert typical.row("samat", "kpi", "2026-Q3")["deadlines"] == {"met": 6, "late": 0, "missed": 0, "open": 0, "cancelled": 2}
    assert typical.result("samat", "annual", "2026") == SAMAT_ANNUAL


def test_typical2023_mid_year_hire(typical: Year) -> None:
    """Дәурен, appointed head of the economics division on 1 October, Q4's first day: his KPIs
    are due with the quarter's own, 10 working days after it starts and so after his
    appointment, 15 October (п.23), not as "appointed later"; exactly three months remain in
    the year, so he is appraised (п.6, п.23). His sheets mirror Aigul's Q4 and 360."""
    q4 = typical.row("dauren", "kpi", "2026-Q4")
    setting = [(d["step"], d["due"], d["status"], d["closed_on"]) for d in q4["due"] if d["step"].startswith("kpi_set")]
    assert setting == [("kpi_set", "2026-10-15", "done", "2026-10-15")]
    with Session(typical.engine) as session:
        assert typical.appraisal(session, "dauren", "kpi", "2026-Q4").events.get("appointment") is None
    assert (q4["state"], typical.result("dauren", "kpi", "2026-Q4")) == ("closed", TYPICAL_KPI["aigul"]["2026-Q4"])
    assert [a["period"] for a in typical.summary["appraisals"] if (a["servant"], a["kind"]) == ("dauren", "kpi")] == ["2026-Q4"]
    # (96/95 → 5, 28/25 → 5, 5/5.5 → 4.5) / 3 = 4.83, the year's only quarter (п.5)
    assert typical.result("dauren", "annual", "2026") == (4.83, "effective")
    assert typical.result("dauren", "360", "2026")[:2] == TYPICAL_360["aigul"][:2]

"""The typical2023 lifecycle: KPI for heads, differentiation for staff, 360 for everyone,
the annual grade, and the calibration session on the servant's request. Every expected
date and score is worked out by hand in the comment beside it; paragraphs are those of
docs/methodology.md. Every refusal leaves the database exactly as it was.

In the factory's organisation `manager` (C-3) is a head, appraised by KPI by `official`
(C-1, the appointing official); `servant` and the colleagues (C-4) are staff, appraised
by differentiation by `manager`; `hr` is HR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology import loader
from models import (
    Absence,
    CalibrationApplication,
    CalibrationParticipant,
    CalibrationSession,
    CalibrationVote,
    Indicator,
    ParameterScore,
    Servant,
    SelfAnswer,
    SurveyTally,
    SurveyInvitation,
)
from models.db import transaction
from states.cycles import open_cycle
from states.service import act
from tests.checks import appraisal_of, changed, consequences_of, deadlines_of, refuse, rows_of, trail_of
from tests.factories import Org, hire, organisation

D = date

# --- driving an appraisal -----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    action: str
    actor: str  # a name of the factory's organisation
    on: date
    payload: dict[str, Any] | None = None


@dataclass(frozen=True)
class Expect:
    """What one step leaves: the new state, its data, the deadline rows it changes, the
    events it records."""

    to: str
    role: str
    data: dict[str, Any] = field(default_factory=dict)
    deadlines: dict[str, tuple[date, str, date | None]] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)


def do(org: Org, appraisal_id: int, step: Step) -> Any:
    return act(org.engine, appraisal_id, org.ids[step.actor], step.action, step.payload, on=step.on)


def run(org: Org, appraisal_id: int, steps: list[Step]) -> None:
    for step in steps:
        do(org, appraisal_id, step)


def walk(org: Org, appraisal_id: int, path: list[tuple[Step, Expect]]) -> None:
    """Take each step and check all it leaves behind against the hand-computed expectation."""
    db = org.engine
    for step, expect in path:
        before, deadlines, trail = appraisal_of(db, appraisal_id), deadlines_of(db, appraisal_id), trail_of(db, appraisal_id)
        outcome = do(org, appraisal_id, step)
        after = appraisal_of(db, appraisal_id)
        assert (outcome.from_state, outcome.to_state, after.state) == (before.state, expect.to, expect.to), step
        new = trail_of(db, appraisal_id)[len(trail):]
        assert [(e.actor_id, e.actor_role, e.action, e.from_state, e.to_state, e.data) for e in new] == [
            (org.ids[step.actor], expect.role, step.action, before.state, expect.to, expect.data)
        ], step
        assert changed(deadlines, deadlines_of(db, appraisal_id)) == expect.deadlines, step
        assert changed(before.events, after.events) == expect.events, step


def opened(org: Org, kind: str, period: str, on: date, name: str) -> int:
    open_cycle(org.engine, org.code, kind, period, on=on)
    return org.appraisal(name, kind, period).id


# --- KPI (п.22–28, Annexes 1–3) -------------------------------------------------------------

KPIS = [
    {"text": "Audits finished on time", "unit": "%", "planned": 100, "direction": "increase"},
    {"text": "Budget funds recovered", "unit": "mln tenge", "planned": 200, "direction": "increase"},
    {"text": "Complaints upheld", "unit": "complaints", "planned": 4, "direction": "decrease"},
    {"text": "Audit reports published", "unit": "reports", "planned": 12, "direction": "increase"},
    {"text": "Inspectors trained", "unit": "people", "planned": 20, "direction": "increase"},
    {"text": "Joint inspections held", "unit": "inspections", "planned": 6, "direction": "increase"},
]
# realisation 100/100 = 100 %, 180/200 = 90 %, and for a decrease 4/5 = 80 % (Annex 3):
# allowed 5; 4.5–4.74; 4–4.24
ACTUALS = [100, 180, 5]
# (5 + 4.6 + 4.1) / 3 = 4.5666… → 4.57, effective (4–5, п.8)
SCORES = [5, 4.6, 4.1]

K_SET = Step("set_kpis", "official", D(2026, 1, 12), {"kpis": KPIS[:3]})
K_PLACE = Step("place_plan", "hr", D(2026, 1, 14))
K_NOTIFY = Step("notify", "hr", D(2026, 4, 2))
K_ACTUALS = Step("send_actuals", "hr", D(2026, 4, 3), {"actuals": ACTUALS})
K_SCORE = Step("score", "official", D(2026, 4, 7), {"scores": SCORES})
K_FAMILIARISE = Step("familiarise", "hr", D(2026, 4, 8))
K_APPLY = Step("apply_calibration", "manager", D(2026, 4, 14), {"text": "The second KPI was cut by a budget change"})
PARTICIPANTS = ("member", "colleague1", "colleague2")


def kpi(org: Org, steps: list[Step] = []) -> int:
    """The head's KPI appraisal of 2026-Q1 (opened with the quarter; due Fri 10 April, п.5)."""
    appraisal_id = opened(org, "kpi", "2026-Q1", D(2026, 1, 5), "manager")
    run(org, appraisal_id, steps)
    return appraisal_id


def convening(org: Org) -> Step:
    return Step("convene_calibration", "official", D(2026, 4, 16), {"participants": [org.ids[n] for n in PARTICIPANTS]})


def voting(org: Org, **votes: float) -> Step:
    return Step("hold_calibration", "hr", D(2026, 4, 22), {"votes": {str(org.ids[n]): v for n, v in votes.items()}})


def test_a_kpi_quarter_through_a_calibration_session_that_corrects_the_score_down(db: Engine) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = kpi(org)
    # п.23: KPIs within 10 working days of the quarter's start (Mon 19 January, 7 January a
    # holiday), the actual values 5 working days before the appraisal's last day; п.27: the
    # head told by the 5th of the month after the quarter (a Sunday: Mon 6 April); п.5
    assert deadlines_of(db, appraisal_id) == {
        "kpi_set": (D(2026, 1, 19), "open", None), "kpi_actuals_sent": (D(2026, 4, 3), "open", None),
        "kpi_notice": (D(2026, 4, 6), "open", None), "kpi_appraisal": (D(2026, 4, 10), "open", None)}
    walk(org, appraisal_id, [
        # approved Mon 12 January: HR places the plan within 5 working days, by Mon 19 (п.23)
        (K_SET, Expect("kpis_set", "direct_manager", {"kpis": 3},
                       {"kpi_set": (D(2026, 1, 19), "done", D(2026, 1, 12)), "kpi_plan_placed": (D(2026, 1, 19), "open", None)},
                       {"plan_approved": "2026-01-12"})),
        (K_PLACE, Expect("plan_placed", "hr", {}, {"kpi_plan_placed": (D(2026, 1, 19), "done", D(2026, 1, 14))})),
        (K_NOTIFY, Expect("plan_placed", "hr", {}, {"kpi_notice": (D(2026, 4, 6), "done", D(2026, 4, 2))})),
        (K_ACTUALS, Expect("actuals_sent", "hr", {"actuals": 3}, {"kpi_actuals_sent": (D(2026, 4, 3), "done", D(2026, 4, 3))})),
        # scored Tue 7 April; familiarise within 2 working days: 8, 9 April (п.12)
        (K_SCORE, Expect("scored", "direct_manager", {"score": "4.57", "band": "effective"},
                         {"kpi_appraisal": (D(2026, 4, 10), "done", D(2026, 4, 7)), "familiarisation": (D(2026, 4, 9), "open", None)},
                         {"completion": "2026-04-07"})),
        # familiarised Wed 8 April; apply within 5 working days: 9, 10, 13, 14, 15 April (п.13)
        (K_FAMILIARISE, Expect("familiarised", "hr", {},
                               {"familiarisation": (D(2026, 4, 9), "done", D(2026, 4, 8)),
                                "calibration_application": (D(2026, 4, 15), "open", None)},
                               {"familiarisation": "2026-04-08"})),
        # applied Tue 14 April: decision in 3 working days (15, 16, 17 April, п.39), the
        # session in 10 (15 … 17, 20 … 24, 27, 28 April, п.40)
        (K_APPLY, Expect("calibration_requested", "servant", {},
                         {"calibration_application": (D(2026, 4, 15), "done", D(2026, 4, 14)),
                          "calibration_decision": (D(2026, 4, 17), "open", None),
                          "calibration_session": (D(2026, 4, 28), "open", None)},
                         {"calibration_application": "2026-04-14"})),
        (convening(org), Expect("calibration_scheduled", "appointing_official", {"participants": 3},
                                {"calibration_decision": (D(2026, 4, 17), "done", D(2026, 4, 16))})),
        # two of three participants argue for 3.50: the majority corrects 4.57 down to
        # 3.50, "proper" (3–3.99, п.8, п.42); the protocol is placed in 3 working days,
        # 23, 24, 27 April (п.42)
        (voting(org, member=3.5, colleague1=3.5, colleague2=4.57),
         Expect("calibrated", "hr", {"score": "3.50", "band": "proper", "before": "4.57"},
                {"calibration_session": (D(2026, 4, 28), "done", D(2026, 4, 22)), "protocol_placed": (D(2026, 4, 27), "open", None)},
                {"protocol_signed": "2026-04-22"})),
        (Step("place_protocol", "hr", D(2026, 4, 24)), Expect("feedback_due", "hr", {},
                                                              {"protocol_placed": (D(2026, 4, 27), "done", D(2026, 4, 24))})),
        (Step("give_feedback", "official", D(2026, 4, 28)), Expect("closed", "direct_manager")),  # п.43
    ])
    appraisal = appraisal_of(db, appraisal_id)
    assert (appraisal.score, appraisal.band, appraisal.closed_on) == (Decimal("3.50"), "proper", D(2026, 4, 28))
    (session,) = rows_of(db, CalibrationSession, appraisal_id)
    assert (session.decided_on, session.held_on, session.protocol_signed_on) == (D(2026, 4, 16), D(2026, 4, 22), D(2026, 4, 22))
    assert (session.score_before, session.score_after) == (Decimal("4.57"), Decimal("3.50"))
    with transaction(db) as s:
        people = {p.id: p.servant_id for p in s.exec(select(CalibrationParticipant).where(CalibrationParticipant.session_id == session.id))}
        votes = {people[v.participant_id]: v.score for v in s.exec(select(CalibrationVote).where(CalibrationVote.session_id == session.id))}
    assert votes == {org.ids["member"]: Decimal("3.50"), org.ids["colleague1"]: Decimal("3.50"), org.ids["colleague2"]: Decimal("4.57")}
    (application,) = rows_of(db, CalibrationApplication, appraisal_id)
    assert (application.filed_on, application.text) == (D(2026, 4, 14), K_APPLY.payload["text"])  # type: ignore[index]
    assert consequences_of(db, appraisal_id) == {}  # proper: no bonus (only effective, п.9)
    assert [i.score for i in rows_of(db, Indicator, appraisal_id)] == [Decimal("5.00"), Decimal("4.60"), Decimal("4.10")]


@pytest.mark.parametrize("count, accepted", [(2, False), (3, True), (5, True), (6, False)])  # three to five (п.24)
def test_a_head_has_three_to_five_kpis(db: Engine, count: int, accepted: bool) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = kpi(org)
    payload = {"kpis": KPIS[:count]}
    if not accepted:
        error = refuse(db, appraisal_id, org.ids["official"], "set_kpis", payload, on=D(2026, 1, 12))
        assert (error.code, error.field, error.value, error.rule) == ("count", "kpis", count, "п.24")
        return
    assert act(db, appraisal_id, org.ids["official"], "set_kpis", payload, on=D(2026, 1, 12)).to_state == "kpis_set"
    assert [(i.position, i.text, i.planned) for i in rows_of(db, Indicator, appraisal_id)] == [
        (n, k["text"], Decimal(k["planned"])) for n, k in enumerate(KPIS[:count])]


@pytest.mark.parametrize("scores, field_, value, low, high", [
    ([5, 4.8, 4.1], "kpis[1].score", Decimal("4.8"), Decimal("4.5"), Decimal("4.74")),  # 90 %: 4.5–4.74
    ([5, 4.6, 3.9], "kpis[2].score", Decimal("3.9"), Decimal("4"), Decimal("4.24")),  # 80 %: 4–4.24
    ([4.99, 4.6, 4.1], "kpis[0].score", Decimal("4.99"), Decimal("5"), Decimal("5")),  # 100 %: 5 only
])
def test_a_kpi_score_outside_annex_3_is_refused(db: Engine, scores: list[float], field_: str, value: Decimal, low: Decimal, high: Decimal) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = kpi(org, [K_SET, K_PLACE, K_NOTIFY, K_ACTUALS])
    error = refuse(db, appraisal_id, org.ids["official"], "score", {"scores": scores}, on=D(2026, 4, 7))
    assert (error.code, error.field, error.value, error.rule) == ("kpi_score", field_, value, "п.28, Annex 3")
    assert (error.params["low"], error.params["high"]) == (low, high)


@pytest.mark.parametrize("action, payload, field_", [
    ("score", {"scores": [5, 4.6]}, "scores"),  # two scores for three KPIs
    ("send_actuals", {"actuals": [100, 180]}, "actuals"),
])
def test_values_must_match_the_kpis_one_to_one(db: Engine, action: str, payload: dict[str, Any], field_: str) -> None:
    org = organisation(db, "typical2023")
    steps = [K_SET, K_PLACE, K_NOTIFY, K_ACTUALS] if action == "score" else [K_SET, K_PLACE]
    appraisal_id = kpi(org, steps)
    who = "official" if action == "score" else "hr"
    error = refuse(db, appraisal_id, org.ids[who], action, payload, on=D(2026, 4, 7))
    assert (error.code, error.field, error.value, error.params["low"]) == ("count", field_, 2, 3)


CALIBRATION_WINDOWS = [
    # period, when the cycle opened, the dates of set/send/score/familiarise, the last day to apply
    # familiarised Wed 8 April 2026: 9, 10, 13, 14, 15 April (п.13)
    pytest.param("2026-Q1", D(2026, 1, 5), (D(2026, 1, 12), D(2026, 4, 3), D(2026, 4, 7), D(2026, 4, 8)), D(2026, 4, 15), id="april"),
    # familiarised Thu 19 March 2026: Fri 20; 21–25 March are Nauryz days off; 26, 27, 30, 31 March
    pytest.param("2025-Q4", D(2025, 10, 1), (D(2025, 10, 6), D(2026, 1, 5), D(2026, 3, 17), D(2026, 3, 19)), D(2026, 3, 31), id="across-nauryz"),
]


def kpi_familiarised(org: Org, period: str, opened_on: date, days: tuple[date, ...]) -> int:
    appraisal_id = opened(org, "kpi", period, opened_on, "manager")
    set_on, sent_on, scored_on, familiarised_on = days
    run(org, appraisal_id, [Step("set_kpis", "official", set_on, {"kpis": KPIS[:3]}), Step("place_plan", "hr", set_on),
                            Step("send_actuals", "hr", sent_on, {"actuals": ACTUALS}),
                            Step("score", "official", scored_on, {"scores": SCORES}), Step("familiarise", "hr", familiarised_on)])
    return appraisal_id


@pytest.mark.parametrize("period, opened_on, days, last_day", CALIBRATION_WINDOWS)
def test_the_calibration_application_is_due_five_working_days_after_familiarisation(
    db: Engine, period: str, opened_on: date, days: tuple[date, ...], last_day: date
) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = kpi_familiarised(org, period, opened_on, days)
    assert deadlines_of(db, appraisal_id)["calibration_application"] == (last_day, "open", None)
    next_working_day = {D(2026, 4, 15): D(2026, 4, 16), D(2026, 3, 31): D(2026, 4, 1)}[last_day]
    error = refuse(db, appraisal_id, org.ids["manager"], "apply_calibration", K_APPLY.payload, on=next_working_day)
    assert (error.code, error.value, error.rule, error.params["due"]) == ("too_late", next_working_day.isoformat(), "п.13", last_day.isoformat())
    outcome = act(db, appraisal_id, org.ids["manager"], "apply_calibration", K_APPLY.payload, on=last_day)
    assert outcome.to_state == "calibration_requested"


def test_the_kpi_deadline_of_q4_2025_falls_on_monday_12_january(db: Engine) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = opened(org, "kpi", "2025-Q4", D(2025, 10, 1), "manager")
    assert deadlines_of(db, appraisal_id)["kpi_appraisal"] == (D(2026, 1, 12), "open", None)  # 10 January 2026 is a Saturday (п.5)


def test_the_appointing_official_may_decline_the_calibration(db: Engine) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = kpi(org, [K_SET, K_PLACE, K_NOTIFY, K_ACTUALS, K_SCORE, K_FAMILIARISE, K_APPLY])
    walk(org, appraisal_id, [
        (Step("decline_calibration", "official", D(2026, 4, 16), {"reason": "The KPI values are confirmed by the budget office"}),
         Expect("closed", "appointing_official", {"reason": "The KPI values are confirmed by the budget office"},
                {"calibration_decision": (D(2026, 4, 17), "done", D(2026, 4, 16)),
                 "calibration_session": (D(2026, 4, 28), "cancelled", D(2026, 4, 16))})),
    ])
    bonus = consequences_of(db, appraisal_id)["bonus_eligible"]  # 4.57 stays effective (п.9)
    assert (bonus.paragraph, bonus.data, bonus.servant_id) == ("п.9", {"band": "effective"}, org.ids["manager"])


def test_a_calibration_without_a_majority_decides_nothing(db: Engine) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = kpi(org, [K_SET, K_PLACE, K_NOTIFY, K_ACTUALS, K_SCORE, K_FAMILIARISE, K_APPLY, convening(org)])
    error = refuse(db, appraisal_id, org.ids["hr"], "hold_calibration", voting(org, member=3.5, colleague1=4, colleague2=4.57).payload, on=D(2026, 4, 22))
    assert (error.code, error.value, error.rule) == ("no_majority", "1/3", "п.40–42")  # one of three for each score (п.42)
    outsider = {"votes": {str(org.ids["colleague3"]): 3.5, str(org.ids["member"]): 3.5}}
    error = refuse(db, appraisal_id, org.ids["hr"], "hold_calibration", outsider, on=D(2026, 4, 22))
    assert (error.code, error.field) == ("not_member", f"votes.{org.ids['colleague3']}")


@pytest.mark.parametrize("on, accepted", [(D(2026, 4, 15), False), (D(2026, 4, 16), True)])  # the window ends 15 April
def test_an_uncontested_result_closes_after_the_application_window(db: Engine, on: date, accepted: bool) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = kpi(org, [K_SET, K_PLACE, K_NOTIFY, K_ACTUALS, K_SCORE, K_FAMILIARISE])
    if not accepted:
        error = refuse(db, appraisal_id, org.ids["hr"], "close", on=on)
        assert (error.code, error.rule, error.params["due"]) == ("too_early", "п.13", "2026-04-15")
        return
    walk(org, appraisal_id, [(Step("close", "hr", on), Expect("closed", "hr", {}, {"calibration_application": (D(2026, 4, 15), "cancelled", on)}))])
    assert sorted(consequences_of(db, appraisal_id)) == ["bonus_eligible"]  # 4.57 effective (п.9)


def test_a_head_deferred_at_opening_is_appraised_by_kpi_after_return(db: Engine) -> None:
    """п.6: a head absent when the cycle opens is appraised within 5 working days of return."""
    org = organisation(db, "typical2023")
    with transaction(db) as session:
        session.add(Absence(servant_id=org.ids["manager"], kind="sick_leave", start=D(2026, 3, 30), end=D(2026, 4, 10)))
    appraisal_id = opened(org, "kpi", "2026-Q1", D(2026, 4, 1), "manager")
    assert appraisal_of(db, appraisal_id).state == "deferred"
    act(db, appraisal_id, org.ids["hr"], "resume", on=D(2026, 4, 13))
    # back on Mon 13 April: 14, 15, 16, 17, 20 April (п.6)
    assert deadlines_of(db, appraisal_id) == {"kpi_after_return": (D(2026, 4, 20), "open", None)}
    # the head's KPIs have never been set: the appraisal must still get them, then its score
    run(org, appraisal_id, [
        Step("set_kpis", "official", D(2026, 4, 14), {"kpis": KPIS[:3]}),
        Step("place_plan", "hr", D(2026, 4, 14)),
        Step("send_actuals", "hr", D(2026, 4, 15), {"actuals": ACTUALS}),
        Step("score", "official", D(2026, 4, 17), {"scores": SCORES}),
    ])
    assert deadlines_of(db, appraisal_id)["kpi_after_return"] == (D(2026, 4, 20), "done", D(2026, 4, 17))


# --- differentiation (п.29–33, Annex 4) ------------------------------------------------------


def parameters(quality: float = 4, deadlines: float = 4.5, initiative: float = 3, discipline: float = 4) -> dict[str, Any]:
    # (4 + 4.5 + 3 + 4) / 4 = 3.875 → 3.88, "proper" (3–3.99, п.8) by default
    values = {"quality": quality, "deadlines": deadlines, "initiative": initiative, "discipline": discipline}
    return {"scores": {name: {"score": value, "justification": f"{name}: as the quarter's records show"} for name, value in values.items()}}


def without(payload: dict[str, Any], name: str) -> dict[str, Any]:
    return {"scores": {k: v for k, v in payload["scores"].items() if k != name}}


def blank(payload: dict[str, Any], name: str) -> dict[str, Any]:
    return {"scores": {**payload["scores"], name: {"score": 4, "justification": "   "}}}


@pytest.mark.parametrize("payload, code, field_, rule", [
    (without(parameters(), "discipline"), "missing_items", "scores", "п.29–33, Annex 4"),  # every parameter (п.33)
    (blank(parameters(), "deadlines"), "justification", "scores.deadlines.justification", "Annex 4"),  # "Негіздеме"
    (parameters(quality=5.5), "range", "scores.quality.score", "п.29–33, Annex 4"),  # 0..5 (п.32)
    ({"scores": {**parameters()["scores"], "loyalty": {"score": 5, "justification": "x"}}}, "unknown", "scores.loyalty", "п.29–33, Annex 4"),
], ids=["missing-parameter", "blank-justification", "score-above-5", "unknown-parameter"])
def test_a_differentiation_sheet_breaking_annex_4_is_refused(db: Engine, payload: dict[str, Any], code: str, field_: str, rule: str) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = opened(org, "differentiation", "2026-Q1", D(2026, 1, 5), "servant")
    error = refuse(db, appraisal_id, org.ids["manager"], "score", payload, on=D(2026, 4, 6))
    assert (error.code, error.field, error.rule) == (code, field_, rule)


def test_a_differentiation_quarter_from_opening_to_close(db: Engine) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = opened(org, "differentiation", "2026-Q1", D(2026, 1, 5), "servant")
    # п.5; п.31: the servant told by the 10th day of the month after the quarter
    assert deadlines_of(db, appraisal_id) == {"differentiation_notice": (D(2026, 4, 10), "open", None),
                                              "differentiation_appraisal": (D(2026, 4, 10), "open", None)}
    walk(org, appraisal_id, [
        (Step("notify", "hr", D(2026, 4, 1)), Expect("draft", "hr", {}, {"differentiation_notice": (D(2026, 4, 10), "done", D(2026, 4, 1))})),
        # scored Mon 6 April: familiarise by 7, 8 April (п.12)
        (Step("score", "manager", D(2026, 4, 6), parameters()),
         Expect("scored", "direct_manager", {"score": "3.88", "band": "proper"},
                {"differentiation_appraisal": (D(2026, 4, 10), "done", D(2026, 4, 6)), "familiarisation": (D(2026, 4, 8), "open", None)},
                {"completion": "2026-04-06"})),
        # familiarised Tue 7 April: apply by 8, 9, 10, 13, 14 April (п.13)
        (Step("familiarise", "hr", D(2026, 4, 7)),
         Expect("familiarised", "hr", {}, {"familiarisation": (D(2026, 4, 8), "done", D(2026, 4, 7)),
                                          "calibration_application": (D(2026, 4, 14), "open", None)},
                {"familiarisation": "2026-04-07"})),
    ])
    error = refuse(db, appraisal_id, org.ids["hr"], "close", on=D(2026, 4, 14))
    assert (error.code, error.params["due"]) == ("too_early", "2026-04-14")
    walk(org, appraisal_id, [
        (Step("close", "hr", D(2026, 4, 15)), Expect("closed", "hr", {}, {"calibration_application": (D(2026, 4, 14), "cancelled", D(2026, 4, 15))})),
    ])
    assert {(p.parameter, p.score) for p in rows_of(db, ParameterScore, appraisal_id)} == {
        ("quality", Decimal("4.00")), ("deadlines", Decimal("4.50")), ("initiative", Decimal("3.00")), ("discipline", Decimal("4.00"))}
    assert all(p.justification.strip() for p in rows_of(db, ParameterScore, appraisal_id))
    assert consequences_of(db, appraisal_id) == {}  # proper: no bonus (п.9)


# --- 360 (п.34–37, Annexes 5–8) ----------------------------------------------------------------

STAFF = [c.id for c in loader.load("typical2023").survey360.competencies["staff"]]  # type: ignore[union-attr]


def answers(usual: list[int], promptness: list[int]) -> dict[str, Any]:
    """Annex 6: three answers per competency; `promptness` answered apart."""
    return {"answers": {c: (promptness if c == "promptness" else usual) for c in STAFF}}


# The pooled answers (п.36): per competency but promptness, 3 × 4 + 3 × 5 + 3 × 3 = 36 over
# nine answers = 4; promptness 2 + 2 + 2 + 2 + 3 + 2 + 1 + 1 + 1 = 16 over nine = 1.78 (Annex 8).
# The result is the mean of the eight competency means: (7 × 4 + 16/9) / 8 = 268/72 = 3.72,
# "proper". The self-assessment (all 1) is not counted: with it the result would be 3.04.
RESPONSES = {
    "manager": answers([4, 4, 4], [2, 2, 2]),
    "colleague1": answers([5, 5, 5], [2, 3, 2]),
    "colleague2": answers([3, 3, 3], [1, 1, 1]),
}
OWN = answers([1, 1, 1], [1, 1, 1])


def invitees(org: Org, **roles: str) -> dict[str, Any]:
    return {"respondents": [{"servant": org.ids[name], "role": role} for name, role in roles.items()]}


THREE = {"manager": "manager", "colleague1": "peer", "colleague2": "peer"}


def survey(org: Org, invited: dict[str, str] | None = None) -> int:
    """The servant's 360 of 2025 (opened 15 December; due 10 January 2026, a Saturday, so
    Monday 12 January, п.5), with respondents invited on 5 January."""
    appraisal_id = opened(org, "360", "2025", D(2025, 12, 15), "servant")
    if invited is not None:
        act(org.engine, appraisal_id, org.ids["hr"], "invite", invitees(org, **invited), on=D(2026, 1, 5))
    return appraisal_id


@pytest.mark.parametrize("invited, code, field_, value", [
    ({"manager": "manager", "colleague1": "peer"}, "count", "respondents", 2),  # at least 3 (п.36)
    ({"manager": "manager", "colleague1": "peer", "colleague2": "peer", "colleague3": "peer", "colleague4": "peer",
      "member": "peer", "official": "peer", "hr": "peer"}, "count", "respondents", 8),  # at most 7
    ({"manager": "manager", "official": "manager", "colleague1": "peer"}, "one_only", "respondents.role", "manager"),  # one direct manager
    ({"servant": "peer", "colleague1": "peer", "colleague2": "peer"}, "not_respondent", "respondents[0].servant", "{servant}"),  # the self is added apart
], ids=["two", "eight", "two-managers", "the-assessee"])
def test_the_respondents_are_three_to_seven_with_one_manager(db: Engine, invited: dict[str, str], code: str, field_: str, value: Any) -> None:
    org = organisation(db, "typical2023")
    hire(org, "colleague4")
    appraisal_id = survey(org)
    error = refuse(db, appraisal_id, org.ids["hr"], "invite", invitees(org, **invited), on=D(2026, 1, 5))
    expected = org.ids["servant"] if value == "{servant}" else value
    assert (error.code, error.field, error.value, error.rule) == (code, field_, expected, "п.36")


@pytest.mark.parametrize("invited", [
    THREE,
    {"manager": "manager", "colleague1": "peer", "colleague2": "peer", "colleague3": "peer", "colleague4": "peer", "member": "peer", "hr": "peer"},
], ids=["three", "seven"])
def test_three_or_seven_respondents_are_invited_with_the_self_assessment(db: Engine, invited: dict[str, str]) -> None:
    org = organisation(db, "typical2023")
    hire(org, "colleague4")
    appraisal_id = survey(org, invited)
    assert appraisal_of(db, appraisal_id).state == "surveying"
    invitations = {(i.respondent_id, i.role, i.answered) for i in rows_of(db, SurveyInvitation, appraisal_id)}
    assert invitations == {(org.ids[n], r, False) for n, r in invited.items()} | {(org.ids["servant"], "self", False)}


def test_a_360_survey_answered_anonymously_from_invitation_to_training_topics(db: Engine) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = survey(org, THREE)
    for name, payload in RESPONSES.items():
        outcome = act(db, appraisal_id, org.ids[name], "answer", payload, on=D(2026, 1, 6))
        assert (outcome.to_state, outcome.data) == ("surveying", {})
    act(db, appraisal_id, org.ids["servant"], "answer", OWN, on=D(2026, 1, 6))  # the self-assessment

    cells = rows_of(db, SurveyTally, appraisal_id)
    # 8 competencies × 3 questions (Annex 6) × 5 values; 3 respondents × 24 answers counted
    assert (len(cells), sum(c.count for c in cells)) == (8 * 3 * 5, 3 * 8 * 3)
    assert len(rows_of(db, SelfAnswer, appraisal_id)) == 8 * 3  # the self-assessment, apart (п.36)
    assert all(i.answered for i in rows_of(db, SurveyInvitation, appraisal_id))
    answered = [e for e in trail_of(db, appraisal_id) if e.action == "answer"]
    assert [(e.data, e.from_state, e.to_state) for e in answered] == [({}, "surveying", "surveying")] * 4  # never what (п.34)

    walk(org, appraisal_id, [
        # closed Thu 8 January 2026: familiarise by 9, 12 January (п.12)
        (Step("close_survey", "hr", D(2026, 1, 8)),
         Expect("scored", "hr", {"score": "3.72", "band": "proper", "weakest": ["promptness"]},
                {"survey360_appraisal": (D(2026, 1, 12), "done", D(2026, 1, 8)), "familiarisation": (D(2026, 1, 12), "open", None)},
                {"completion": "2026-01-08"})),
        # familiarised Fri 9 January: apply by 12, 13, 14, 15, 16 January (п.13)
        (Step("familiarise", "hr", D(2026, 1, 9)),
         Expect("familiarised", "hr", {}, {"familiarisation": (D(2026, 1, 12), "done", D(2026, 1, 9)),
                                          "calibration_application": (D(2026, 1, 16), "open", None)},
                {"familiarisation": "2026-01-09"})),
        (Step("close", "hr", D(2026, 1, 19)),
         Expect("closed", "hr", {}, {"calibration_application": (D(2026, 1, 16), "cancelled", D(2026, 1, 19))})),
    ])
    topics = consequences_of(db, appraisal_id)
    assert sorted(topics) == ["training_topics"]  # the 360 result feeds training only (п.10, п.37)
    assert (topics["training_topics"].data, topics["training_topics"].paragraph) == ({"competencies": ["promptness"]}, "п.37")


def test_the_answers_of_the_360_carry_no_respondent_and_no_time(db: Engine) -> None:
    for table, columns in (("survey_tally", {"id", "appraisal_id", "competency", "question", "value", "count"}),
                           ("self_answer", {"id", "appraisal_id", "competency", "question", "value"})):
        assert {c["name"] for c in sa.inspect(db).get_columns(table)} == columns
        assert {fk["referred_table"] for fk in sa.inspect(db).get_foreign_keys(table)} == {"appraisal"}


def _tally(db: Engine, appraisal_id: int) -> list[tuple[str, int, int, int]]:
    with db.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text(
            "select competency, question, value, count from survey_tally where appraisal_id = :a order by competency, question, value"
        ), {"a": appraisal_id})]


def test_the_stored_answers_do_not_depend_on_who_answered_what(db: Engine) -> None:
    """п.34: the same answers given by the respondents in another order, or swapped between
    them, leave the very same rows: nothing stored tells one respondent's answers apart."""
    org = organisation(db, "typical2023", code="first")
    first = survey(org, THREE)
    for name, payload in RESPONSES.items():
        act(db, first, org.ids[name], "answer", payload, on=D(2026, 1, 6))
    other = organisation(db, "typical2023", code="second")
    second = survey(other, THREE)
    names, payloads = list(RESPONSES), list(RESPONSES.values())
    for name, payload in zip(reversed(names), payloads):  # other people, other order
        act(db, second, other.ids[name], "answer", payload, on=D(2026, 1, 6))
    assert _tally(db, first) == _tally(db, second)


def test_no_system_column_links_an_answer_to_its_respondent(db: Engine) -> None:
    """docs/lifecycle.md: "no query can join an answer to its respondent" (п.34). Each
    respondent answers in one transaction that also writes the audit event naming them, so
    the transaction id (PostgreSQL `xmin`) or storage order (SQLite `rowid`) of what it wrote
    must not single out their answers: every cell is written by every answer."""
    org = organisation(db, "typical2023")
    appraisal_id = survey(org, THREE)
    with db.connect() as connection:
        created = [tuple(r) for r in connection.execute(sa.text("select competency, question, value from survey_tally order by rowid" if db.dialect.name == "sqlite" else "select competency, question, value from survey_tally order by id"))]
    for name, payload in RESPONSES.items():
        act(db, appraisal_id, org.ids[name], "answer", payload, on=D(2026, 1, 6))
        with db.connect() as connection:
            if db.dialect.name == "postgresql":
                touched = connection.execute(sa.text(
                    "select count(*) from audit_event a join survey_tally s on s.xmin = a.xmin "
                    "where a.action = 'answer' and a.actor_id = :who"), {"who": org.ids[name]}).scalar()
                assert touched == len(created)  # all 120 cells, whatever was chosen
            else:
                in_storage_order = [tuple(r) for r in connection.execute(sa.text("select competency, question, value from survey_tally order by rowid"))]
                assert in_storage_order == created  # rows never move or multiply with answers


def test_each_respondent_answers_once(db: Engine) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = survey(org, THREE)
    act(db, appraisal_id, org.ids["colleague1"], "answer", RESPONSES["colleague1"], on=D(2026, 1, 6))
    error = refuse(db, appraisal_id, org.ids["colleague1"], "answer", RESPONSES["colleague2"], on=D(2026, 1, 7))
    # Once answered, the person is no longer a respondent of this survey: the action is
    # refused for the role, and "what may I do now" no longer lists it.
    assert error.code == "not_your_role"


def test_someone_not_invited_may_not_answer(db: Engine) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = survey(org, THREE)
    error = refuse(db, appraisal_id, org.ids["colleague3"], "answer", RESPONSES["colleague1"], on=D(2026, 1, 6))
    assert (error.code, error.params["roles"]) == ("not_your_role", "respondent")


def test_the_survey_closes_with_at_least_three_answers_besides_the_self_assessment(db: Engine) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = survey(org, THREE)
    for name in ("manager", "colleague1"):
        act(db, appraisal_id, org.ids[name], "answer", RESPONSES[name], on=D(2026, 1, 6))
    act(db, appraisal_id, org.ids["servant"], "answer", OWN, on=D(2026, 1, 6))
    error = refuse(db, appraisal_id, org.ids["hr"], "close_survey", on=D(2026, 1, 8))
    assert (error.code, error.field, error.value, error.rule) == ("too_few_answers", "respondents", 2, "п.36")
    assert (error.params["present"], error.params["needed"]) == (2, 3)


# --- the annual grade (п.5) ---------------------------------------------------------------------


def differentiation(org: Org, period: str, opened_on: date, scored_on: date, payload: dict[str, Any]) -> int:
    appraisal_id = opened(org, "differentiation", period, opened_on, "servant")
    act(org.engine, appraisal_id, org.ids["manager"], "score", payload, on=scored_on)
    return appraisal_id


def test_the_annual_grade_is_the_mean_of_the_completed_quarters(db: Engine) -> None:
    org = organisation(db, "typical2023")
    differentiation(org, "2025-Q3", D(2025, 7, 1), D(2025, 10, 6), parameters())  # 3.88
    differentiation(org, "2025-Q4", D(2025, 10, 1), D(2026, 1, 6), parameters(4, 4, 5, 4))  # 17 / 4 = 4.25
    opened(org, "differentiation", "2025-Q2", D(2025, 4, 1), "servant")  # not scored: not counted
    appraisal_id = opened(org, "annual", "2025", D(2026, 1, 5), "servant")
    assert deadlines_of(db, appraisal_id) == {"annual_grade": (D(2026, 1, 12), "open", None)}  # 10 January 2026 is a Saturday
    walk(org, appraisal_id, [
        # п.5: (3.88 + 4.25) / 2 = 4.065 → 4.07, effective; the grades as reported, not
        # the unrounded 3.875 (which would give 4.0625 → 4.06). Familiarise by 9, 12 January.
        (Step("compute", "hr", D(2026, 1, 8)),
         Expect("scored", "hr", {"score": "4.07", "band": "effective", "quarters": ["3.88", "4.25"]},
                {"annual_grade": (D(2026, 1, 12), "done", D(2026, 1, 8)), "familiarisation": (D(2026, 1, 12), "open", None)},
                {"completion": "2026-01-08"})),
    ])


def test_the_annual_grade_needs_a_completed_quarter(db: Engine) -> None:
    org = organisation(db, "typical2023")
    opened(org, "differentiation", "2025-Q4", D(2025, 10, 1), "servant")  # opened, never scored
    appraisal_id = opened(org, "annual", "2025", D(2026, 1, 5), "servant")
    error = refuse(db, appraisal_id, org.ids["hr"], "compute", on=D(2026, 1, 8))
    assert (error.code, error.field, error.rule, error.params["expected"]) == ("missing_scores", "quarterly_scores", "п.5", "kpi, differentiation")


# --- without participation (п.6–7) ------------------------------------------------------------


@pytest.mark.parametrize("kind, name, period, steps, payload", [
    ("kpi", "manager", "2026-Q1", [], {"reason": "dismissed", "since": "2026-02-20"}),
    ("kpi", "manager", "2026-Q1", [K_SET, K_PLACE, K_NOTIFY, K_ACTUALS], {"reason": "dismissed", "since": "2026-04-06"}),
    ("differentiation", "servant", "2026-Q1", [], {"reason": "absent", "since": "2026-04-06"}),
    ("differentiation", "servant", "2026-Q1", [], {"reason": "dismissed", "since": "2026-03-02"}),
    ("360", "servant", "2025", [Step("invite", "hr", D(2026, 1, 5), None)], {"reason": "absent", "since": "2026-01-06"}),
], ids=["kpi-draft-dismissed", "kpi-actuals_sent-dismissed", "differentiation-absent", "differentiation-dismissed", "360-surveying-absent"])
def test_marking_without_participation_keeps_the_state(
    db: Engine, kind: str, name: str, period: str, steps: list[Step], payload: dict[str, Any]
) -> None:
    org = organisation(db, "typical2023")
    appraisal_id = opened(org, kind, period, D(2026, 1, 5) if kind != "360" else D(2025, 12, 15), name)
    run(org, appraisal_id, [Step(s.action, s.actor, s.on, s.payload or (invitees(org, **THREE) if s.action == "invite" else None)) for s in steps])
    state = appraisal_of(db, appraisal_id).state
    walk(org, appraisal_id, [(Step("mark_without_participation", "hr", D(2026, 4, 6), payload), Expect(state, "hr", payload))])
    appraisal = appraisal_of(db, appraisal_id)
    assert (appraisal.participation, appraisal.reason) == ("without", payload["reason"])
    with transaction(db) as session:
        dismissed_on = session.get(Servant, org.ids[name]).dismissed_on  # type: ignore[union-attr]
    assert dismissed_on == (D.fromisoformat(payload["since"]) if payload["reason"] == "dismissed" else None)

"""The mne2017 lifecycle, kind by kind (quarterly, annual, plan): every row of the workflow
table from each of its source states, every refusal (and the database left as it was),
the Evaluation Commission's vote, the appeal window, the annual score and the
consequences of a closed result. Every expected date and score is worked out by hand in
the comment beside it; paragraphs are those of docs/methodology.md.

The servant appraised is always `servant` (direct manager: `manager`); the commission is
chaired by `official`, with `manager` and `member` voting and `hr` its secretary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Union

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology import loader
from methodology.errors import InvalidInput
from models import (
    Appeal,
    Appraisal,
    Attendance,
    BonusItem,
    Commission,
    CommissionMember,
    Indicator,
    Meeting,
    RefusalAct,
    Servant,
    Violation,
    Vote,
)
from models.db import transaction
from states.cycles import open_cycle
from states.errors import Conflict, Refused
from states.service import act, allowed
from tests.checks import appraisal_of, changed, consequences_of, deadlines_of, refuse, rows_of, snapshot, trail_of
from tests.factories import Org, organisation

D = date
Ids = dict[str, int]
Payload = Union[dict[str, Any], Callable[[Ids], dict[str, Any]], None]

# --- reading the database -------------------------------------------------------------


def labels(error: InvalidInput) -> list[str]:
    assert isinstance(error, Refused)
    return [text("en") for text in error.instead]


# --- payloads (the JSON each handler takes) ----------------------------------------------


def bonus(*points: int) -> list[dict[str, Any]]:
    return [{"description": f"Activity {n} above the average workload", "points": p} for n, p in enumerate(points, 1)]


def violations(count: int) -> list[dict[str, Any]]:
    return [{"kind": "labour", "occurred_on": "2026-02-03", "source": "hr", "proof": f"Timesheet, entry {n}"} for n in range(count)]


SELF = {"bonus_items": bonus(3)}  # п.23: the servant's own column
# п.26: 100 + (5 + 3) − 2 × 1 proven violation = 106, "effective" (п.27: above 105)
SHEET = {"bonus_items": bonus(5, 3), "violations": violations(1)}
ACT = {"text": "The servant refused to sign in the presence of HR and the manager"}
SICK = {"kind": "sick_leave", "start": "2026-04-01", "end": "2026-04-20"}
APPEAL = {"authority": "Agency for Civil Service Affairs", "text": "The violation was not mine"}
PLAN = {"indicators": [  # п.12: one of two measurable is half, enough
    {"text": "Draft the regional budget law by 1 October", "measurable": True},
    {"text": "Improve coordination with the akimat", "measurable": False},
]}
VOTERS = ("official", "manager", "member")


def decision(held_on: str, present: tuple[str, ...] = VOTERS, votes: dict[str, str] | None = None,
             proposal: dict[str, Any] | None = None) -> Callable[[Ids], dict[str, Any]]:
    """The commission's minutes as `decide` takes them; everyone present approves by default."""
    def build(ids: Ids) -> dict[str, Any]:
        chosen = votes if votes is not None else {name: "approve" for name in present}
        body = {"held_on": held_on, "present": [ids[n] for n in present], "votes": {str(ids[n]): v for n, v in chosen.items()}}
        return body | ({"proposal": proposal} if proposal else {})
    return build


# --- driving an appraisal -----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    action: str
    actor: str  # a name of the factory's organisation
    on: date
    payload: Payload = None


def do(org: Org, appraisal_id: int, step: Step) -> Any:
    payload = step.payload(org.ids) if callable(step.payload) else step.payload
    return act(org.engine, appraisal_id, org.ids[step.actor], step.action, payload, on=step.on)


def run(org: Org, appraisal_id: int, steps: list[Step]) -> None:
    for step in steps:
        do(org, appraisal_id, step)


def quarter(org: Org, period: str, sheet: dict[str, Any], *, opened: date, decided: date) -> int:
    """One quarter from opening to the commission's approval; the servant's appraisal id."""
    open_cycle(org.engine, org.code, "quarterly", period, on=opened)
    appraisal_id = org.appraisal("servant", "quarterly", period).id
    run(org, appraisal_id, [
        Step("submit", "servant", decided, SELF),
        Step("agree", "manager", decided, sheet),
        Step("sign", "servant", decided),
        Step("decide", "official", decided, decision(decided.isoformat())),
    ])
    return appraisal_id


def plan(org: Org, year: int, scores: list[int], *, scored: date) -> int:
    open_cycle(org.engine, org.code, "plan", str(year), on=D(year, 1, 5))
    appraisal_id = org.appraisal("servant", "plan", str(year)).id
    run(org, appraisal_id, [
        Step("submit", "servant", D(year, 1, 6), PLAN),
        Step("agree", "manager", D(year, 1, 8), {}),
        Step("confirm", "servant", D(year, 1, 9)),
        Step("score", "manager", scored, {"scores": scores}),
    ])
    return appraisal_id


def commission_of(org: Org, formed_on: date) -> None:
    """An earlier order forming the same commission (the factory's dates from 2026)."""
    with transaction(org.engine) as session:
        body_id = session.get(Servant, org.ids["official"]).state_body_id  # type: ignore[union-attr]
        order = Commission(state_body_id=body_id, order_ref="No. 0-ө", formed_on=formed_on)
        session.add(order)
        session.flush()
        for name, role in (("official", "chair"), ("manager", "member"), ("member", "member"), ("hr", "secretary")):
            session.add(CommissionMember(commission_id=order.id, servant_id=org.ids[name], role=role))  # type: ignore[arg-type]


# Each kind's period, opening day, and how to reach each of its states from the first.
OPENING = {"quarterly": ("2026-Q1", D(2026, 4, 1)), "annual": ("2026", D(2026, 12, 1)), "plan": ("2026", D(2026, 1, 5))}
# A day to try a refused action on: inside every window of the paths below
LATER = {"quarterly": D(2026, 4, 10), "annual": D(2026, 12, 14), "plan": D(2026, 12, 1)}

Q_SUBMIT = Step("submit", "servant", D(2026, 4, 2), SELF)
Q_AGREE = Step("agree", "manager", D(2026, 4, 3), SHEET)
Q_SIGN = Step("sign", "servant", D(2026, 4, 6))
Q_DECIDE = Step("decide", "official", D(2026, 4, 8), decision("2026-04-08"))
Q_FAMILIARISE = Step("familiarise", "hr", D(2026, 4, 9))
A_COMPUTE = Step("compute", "hr", D(2026, 12, 7))
A_DECIDE = Step("decide", "official", D(2026, 12, 10), decision("2026-12-10"))
A_FAMILIARISE = Step("familiarise", "hr", D(2026, 12, 11))
P_SUBMIT = Step("submit", "servant", D(2026, 1, 6), PLAN)
P_AGREE = Step("agree", "manager", D(2026, 1, 8), {})
P_CONFIRM = Step("confirm", "servant", D(2026, 1, 9))
P_SCORE = Step("score", "manager", D(2026, 12, 1), {"scores": [4, 5]})

PATHS: dict[str, dict[str, list[Step]]] = {
    "quarterly": {
        "draft": [],
        "submitted": [Q_SUBMIT],
        "agreed": [Q_SUBMIT, Q_AGREE],
        "signed": [Q_SUBMIT, Q_AGREE, Q_SIGN],
        "refused": [Q_SUBMIT, Q_AGREE, Step("refuse_to_sign", "hr", D(2026, 4, 6), ACT)],
        "decided": [Q_SUBMIT, Q_AGREE, Q_SIGN, Q_DECIDE],
        "familiarised": [Q_SUBMIT, Q_AGREE, Q_SIGN, Q_DECIDE, Q_FAMILIARISE],
        "appealed": [Q_SUBMIT, Q_AGREE, Q_SIGN, Q_DECIDE, Q_FAMILIARISE, Step("appeal", "servant", D(2026, 4, 10), APPEAL)],
        "appeal_reviewed": [Q_SUBMIT, Q_AGREE, Q_SIGN, Q_DECIDE, Q_FAMILIARISE, Step("appeal", "servant", D(2026, 4, 10), APPEAL),
                            Step("record_appeal_decision", "hr", D(2026, 4, 20), {"outcome": "rejected"})],
        "deferred": [Step("defer", "hr", D(2026, 4, 2), SICK)],
    },
    "annual": {
        "draft": [],
        "computed": [A_COMPUTE],
        "decided": [A_COMPUTE, A_DECIDE],
        "familiarised": [A_COMPUTE, A_DECIDE, A_FAMILIARISE],
        "appealed": [A_COMPUTE, A_DECIDE, A_FAMILIARISE, Step("appeal", "servant", D(2026, 12, 14), APPEAL)],
        "appeal_reviewed": [A_COMPUTE, A_DECIDE, A_FAMILIARISE, Step("appeal", "servant", D(2026, 12, 14), APPEAL),
                            Step("record_appeal_decision", "hr", D(2026, 12, 28), {"outcome": "rejected"})],
        "deferred": [Step("defer", "hr", D(2026, 12, 2), SICK | {"start": "2026-12-01", "end": "2026-12-11"})],
    },
    "plan": {
        "draft": [],
        "submitted": [P_SUBMIT],
        "agreed": [P_SUBMIT, P_AGREE],
        "approved": [P_SUBMIT, P_AGREE, P_CONFIRM],
        "scored": [P_SUBMIT, P_AGREE, P_CONFIRM, P_SCORE],
    },
}


def start(org: Org, kind: str, state: str = "draft", *, results: bool = False) -> int:
    """The servant's appraisal of `kind`, opened and driven to `state` (for an annual one
    past `draft`, or with `results`, after the year's quarter and plan)."""
    period, opened = OPENING[kind]
    if kind == "annual" and (results or any(step.action == "compute" for step in PATHS[kind][state])):
        # the year's results (п.32): 2026-Q1 at 106 points (SHEET) and the plan scored 4 and 5
        quarter(org, "2026-Q1", SHEET, opened=D(2026, 4, 1), decided=D(2026, 4, 8))
        plan(org, 2026, [4, 5], scored=D(2026, 11, 2))
    open_cycle(org.engine, org.code, kind, period, on=opened)
    appraisal_id = org.appraisal("servant", kind, period).id
    run(org, appraisal_id, PATHS[kind][state])
    return appraisal_id


# --- every row of the workflow table ------------------------------------------------------


@dataclass(frozen=True)
class Row:
    kind: str
    source: str
    step: Step
    role: str  # the role the audit event records
    to: str
    data: dict[str, Any] = field(default_factory=dict)
    deadlines: dict[str, tuple[date, str, date | None]] = field(default_factory=dict)  # rows that change
    events: dict[str, str] = field(default_factory=dict)  # events recorded
    consequences: tuple[str, ...] = ()


def _withdraw(kind: str, source: str, on: date, deadlines: dict[str, Any]) -> Row:
    return Row(kind, source, Step("withdraw", "hr", on, {"dismissed_on": on.isoformat()}), "hr", "withdrawn",
               {"dismissed_on": on.isoformat()}, deadlines)


QA = "quarterly_appraisal"  # opened at creation: due 10 April 2026, a Friday (п.3.1)
AA = "annual_appraisal"  # opened at creation: due 25 December 2026, a Friday (п.3.2)
PD = "plan_drawn_up"  # opened at creation: 10 January 2026 is a Saturday, so Monday 12 (п.10)
DECIDED_Q = {"decision": "approve", "casting_vote": False, "approve": 3, "revise": 0}

ROWS: list[Row] = [
    # --- quarterly 2026-Q1 -----------------------------------------------------------------
    Row("quarterly", "draft", Q_SUBMIT, "servant", "submitted", {"self_score": "103.00"}),  # 100 + 3 (п.23)
    Row("quarterly", "submitted", Q_AGREE, "direct_manager", "agreed",
        {"score": "106.00", "band": "effective", "violations": 1}),  # 100 + 8 − 2 (п.26); > 105 (п.27)
    Row("quarterly", "agreed", Q_SIGN, "servant", "signed"),
    Row("quarterly", "agreed", Step("refuse_to_sign", "hr", D(2026, 4, 6), ACT), "hr", "refused", {"refused": "sign"}),
    Row("quarterly", "agreed", Step("refuse_to_sign", "manager", D(2026, 4, 6), ACT), "direct_manager", "refused", {"refused": "sign"}),
    *[
        # decided on Wed 8 April: the quarter's deadline met; familiarise in 2 working days
        # (9, 10 April: п.36), appeal in 10 working days (9 … 22 April: п.38)
        Row("quarterly", source, Q_DECIDE, "commission", "decided", DECIDED_Q,
            {QA: (D(2026, 4, 10), "done", D(2026, 4, 8)), "familiarisation": (D(2026, 4, 10), "open", None),
             "appeal": (D(2026, 4, 22), "open", None)},
            {"completion": "2026-04-08", "commission_decision": "2026-04-08"})
        for source in ("signed", "refused")
    ],
    Row("quarterly", "draft", Step("defer", "hr", D(2026, 4, 2), SICK), "hr", "deferred",
        {"absence": "sick_leave", "start": "2026-04-01"}, {QA: (D(2026, 4, 10), "cancelled", D(2026, 4, 2))}),
    Row("quarterly", "submitted", Step("defer", "hr", D(2026, 4, 3), SICK), "hr", "deferred",
        {"absence": "sick_leave", "start": "2026-04-01"}, {QA: (D(2026, 4, 10), "cancelled", D(2026, 4, 3))}),
    # back on Tue 21 April: appraised within 5 working days, 22–24, 27, 28 April (п.3)
    Row("quarterly", "deferred", Step("resume", "hr", D(2026, 4, 21)), "hr", "draft", {},
        {"appraisal_after_return": (D(2026, 4, 28), "open", None)}, {"return_to_work": "2026-04-21"}),
    *[_withdraw("quarterly", source, D(2026, 4, 7), {QA: (D(2026, 4, 10), "cancelled", D(2026, 4, 7))})
      for source in ("draft", "submitted", "agreed", "signed", "refused")],
    _withdraw("quarterly", "deferred", D(2026, 4, 7), {}),  # the quarter's deadline went with the deferral
    Row("quarterly", "decided", Q_FAMILIARISE, "hr", "familiarised", {}, {"familiarisation": (D(2026, 4, 10), "done", D(2026, 4, 9))}),
    Row("quarterly", "decided", Step("refuse_familiarisation", "hr", D(2026, 4, 9), ACT), "hr", "familiarised",
        {"refused": "familiarisation"}, {"familiarisation": (D(2026, 4, 10), "done", D(2026, 4, 9))}),
    # appeal on Fri 10 April; the authority reviews in 10 working days, 13 … 24 April (п.39)
    Row("quarterly", "familiarised", Step("appeal", "servant", D(2026, 4, 10), APPEAL), "servant", "appealed",
        {"authority": "Agency for Civil Service Affairs"},
        {"appeal": (D(2026, 4, 22), "done", D(2026, 4, 10)), "appeal_review": (D(2026, 4, 24), "open", None)},
        {"appeal_filed": "2026-04-10"}),
    # reviewed Mon 20 April: the body reports the decision within two weeks, by Mon 4 May (п.40)
    Row("quarterly", "appealed", Step("record_appeal_decision", "hr", D(2026, 4, 20), {"outcome": "rejected"}), "hr", "appeal_reviewed",
        {"outcome": "rejected"}, {"appeal_review": (D(2026, 4, 24), "done", D(2026, 4, 20)),
                                  "appeal_decision_reported": (D(2026, 5, 4), "open", None)},
        {"appeal_reviewed": "2026-04-20"}),
    Row("quarterly", "appeal_reviewed", Step("report_appeal_decision", "hr", D(2026, 5, 4)), "hr", "closed", {},
        {"appeal_decision_reported": (D(2026, 5, 4), "done", D(2026, 5, 4))}, {}, ("bonus_eligible",)),  # 106 stays effective (п.43)
    # the schedule notice (п.14) is opened by an approved schedule only (tests/test_schedule.py)
    Row("quarterly", "draft", Step("notify", "hr", D(2026, 4, 1)), "hr", "draft"),
    Row("quarterly", "familiarised", Step("close", "hr", D(2026, 4, 23)), "hr", "closed", {},
        {"appeal": (D(2026, 4, 22), "cancelled", D(2026, 4, 23))}, {}, ("bonus_eligible",)),
    # --- annual 2026 ---------------------------------------------------------------------
    # п.32: the quarters' mean 106 is effective → 4; the plan's mean (4 + 5) / 2 = 4.5;
    # 0.5 × 4 + 0.5 × 4.5 = 4.25, effective (п.33)
    Row("annual", "draft", A_COMPUTE, "hr", "computed", {"score": "4.25", "band": "effective", "quarters": ["106.00"]}),
    # decided Thu 10 December: familiarise by Mon 14 (11, 14); appeal in 10 working days,
    # 11, 14, 15, 17, 18, 21 … 25 December (16 December, Independence Day, is off)
    Row("annual", "computed", A_DECIDE, "commission", "decided", DECIDED_Q,
        {AA: (D(2026, 12, 25), "done", D(2026, 12, 10)), "familiarisation": (D(2026, 12, 14), "open", None),
         "appeal": (D(2026, 12, 25), "open", None)},
        {"completion": "2026-12-10", "commission_decision": "2026-12-10"}),
    _withdraw("annual", "draft", D(2026, 12, 3), {AA: (D(2026, 12, 25), "cancelled", D(2026, 12, 3))}),
    _withdraw("annual", "computed", D(2026, 12, 8), {AA: (D(2026, 12, 25), "cancelled", D(2026, 12, 8))}),
    _withdraw("annual", "deferred", D(2026, 12, 3), {}),
    Row("annual", "draft", Step("defer", "hr", D(2026, 12, 2), SICK | {"start": "2026-12-01", "end": "2026-12-11"}), "hr", "deferred",
        {"absence": "sick_leave", "start": "2026-12-01"}, {AA: (D(2026, 12, 25), "cancelled", D(2026, 12, 2))}),
    # back on Mon 14 December: 15, 17, 18, 21, 22 December (16th off) (п.3)
    Row("annual", "deferred", Step("resume", "hr", D(2026, 12, 14)), "hr", "draft", {},
        {"appraisal_after_return": (D(2026, 12, 22), "open", None)}, {"return_to_work": "2026-12-14"}),
    Row("annual", "decided", A_FAMILIARISE, "hr", "familiarised", {}, {"familiarisation": (D(2026, 12, 14), "done", D(2026, 12, 11))}),
    Row("annual", "decided", Step("refuse_familiarisation", "hr", D(2026, 12, 11), ACT), "hr", "familiarised",
        {"refused": "familiarisation"}, {"familiarisation": (D(2026, 12, 14), "done", D(2026, 12, 11))}),
    # appeal on Mon 14 December; review by 15, 17, 18, 21 … 25, 28, 29 December (п.39)
    Row("annual", "familiarised", Step("appeal", "servant", D(2026, 12, 14), APPEAL), "servant", "appealed",
        {"authority": "Agency for Civil Service Affairs"},
        {"appeal": (D(2026, 12, 25), "done", D(2026, 12, 14)), "appeal_review": (D(2026, 12, 29), "open", None)},
        {"appeal_filed": "2026-12-14"}),
    # reviewed Mon 28 December: reported within two weeks, by Mon 11 January 2027 (п.40)
    Row("annual", "appealed", Step("record_appeal_decision", "hr", D(2026, 12, 28), {"outcome": "rejected"}), "hr", "appeal_reviewed",
        {"outcome": "rejected"}, {"appeal_review": (D(2026, 12, 29), "done", D(2026, 12, 28)),
                                  "appeal_decision_reported": (D(2027, 1, 11), "open", None)},
        {"appeal_reviewed": "2026-12-28"}),
    Row("annual", "appeal_reviewed", Step("report_appeal_decision", "hr", D(2027, 1, 8)), "hr", "closed", {},
        {"appeal_decision_reported": (D(2027, 1, 11), "done", D(2027, 1, 8))}, {}, ("bonus_eligible",)),  # 4.25 effective (п.43)
    Row("annual", "draft", Step("notify", "hr", D(2026, 12, 1)), "hr", "draft"),
    Row("annual", "familiarised", Step("close", "hr", D(2026, 12, 28)), "hr", "closed", {},
        {"appeal": (D(2026, 12, 25), "cancelled", D(2026, 12, 28))}, {}, ("bonus_eligible",)),
    # --- plan 2026 -----------------------------------------------------------------------
    Row("plan", "draft", P_SUBMIT, "servant", "submitted", {"indicators": 2, "measurable": 1}),
    Row("plan", "submitted", P_AGREE, "direct_manager", "agreed", {"corrected": False}),
    Row("plan", "agreed", P_CONFIRM, "servant", "approved", {}, {PD: (D(2026, 1, 12), "done", D(2026, 1, 9))}),
    *[Row("plan", "agreed", Step("refuse_to_confirm", actor, D(2026, 1, 9), ACT), role, "approved", {"refused": "confirm"},
          {PD: (D(2026, 1, 12), "done", D(2026, 1, 9))}) for actor, role in (("hr", "hr"), ("manager", "direct_manager"))],
    Row("plan", "approved", P_SCORE, "direct_manager", "scored", {"score": "4.50", "band": "effective"}),  # (4 + 5) / 2 (п.30)
    Row("plan", "scored", Step("sign", "servant", D(2026, 12, 2)), "servant", "closed"),
    *[Row("plan", "scored", Step("refuse_to_sign", actor, D(2026, 12, 2), ACT), role, "closed", {"refused": "sign"})
      for actor, role in (("hr", "hr"), ("manager", "direct_manager"))],
    *[_withdraw("plan", source, D(2026, 1, 9), {PD: (D(2026, 1, 12), "cancelled", D(2026, 1, 9))})
      for source in ("draft", "submitted", "agreed")],
    _withdraw("plan", "approved", D(2026, 6, 1), {}),
    _withdraw("plan", "scored", D(2026, 12, 3), {}),
]


def _row_id(row: Row) -> str:
    return f"{row.kind}-{row.step.action}-from-{row.source}-as-{row.role}"


def test_the_rows_cover_the_whole_workflow_table() -> None:
    """Every (kind, action, source state, role) of mne2017.yaml has its row below."""
    definition = loader.load("mne2017")
    table = {
        (kind, t.action, source, role)
        for kind in ("quarterly", "annual", "plan")
        for t in definition.flow(kind).transitions  # type: ignore[arg-type]
        for source in t.source
        for role in t.roles
    }
    assert {(r.kind, r.step.action, r.source, r.role) for r in ROWS} == table


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_every_transition_from_every_source_state(db: Engine, row: Row) -> None:
    org = organisation(db)
    appraisal_id = start(org, row.kind, row.source, results=True)
    before, deadlines, trail = appraisal_of(db, appraisal_id), deadlines_of(db, appraisal_id), trail_of(db, appraisal_id)
    assert before.state == row.source

    outcome = do(org, appraisal_id, row.step)

    after = appraisal_of(db, appraisal_id)
    assert (outcome.from_state, outcome.to_state, after.state) == (row.source, row.to, row.to)
    assert after.version == before.version + 1
    new = trail_of(db, appraisal_id)[len(trail):]
    assert [(e.actor_id, e.actor_role, e.action, e.from_state, e.to_state, e.data) for e in new] == [
        (org.ids[row.step.actor], row.role, row.step.action, row.source, row.to, row.data)
    ]
    assert changed(deadlines, deadlines_of(db, appraisal_id)) == row.deadlines
    assert changed(before.events, after.events) == row.events
    final = row.to in ("closed", "withdrawn")
    assert after.closed_on == (row.step.on if final else None)
    if final:  # nothing stays owed on a closed appraisal
        assert all(status != "open" for _, status, _ in deadlines_of(db, appraisal_id).values())
    # a withdrawn appraisal has no result, so nothing follows from it (consequences.py)
    assert sorted(consequences_of(db, appraisal_id)) == sorted(row.consequences)
    if row.step.action.startswith("refuse"):  # the act is kept (п.10, п.25, п.36)
        (refusal,) = rows_of(db, RefusalAct, appraisal_id)
        assert (refusal.refused, refusal.drawn_up_on, refusal.text) == (row.data["refused"], row.step.on, ACT["text"])


# --- refusals: wrong state, wrong role, stale version -------------------------------------

NOT_NOW = [
    # kind, state, who, action, what they may do instead (the table's labels)
    ("quarterly", "draft", "servant", "sign", ["submit the self-assessment"]),
    ("quarterly", "draft", "hr", "familiarise", ["send the schedule and the sheet", "defer during leave or sick leave", "withdraw on dismissal"]),
    ("quarterly", "agreed", "manager", "agree", ["act of refusal to sign"]),
    ("quarterly", "decided", "official", "decide", []),
    ("quarterly", "familiarised", "servant", "sign", ["appeal"]),
    ("quarterly", "appealed", "hr", "close", ["record the decision on the appeal"]),
    ("quarterly", "decided", "hr", "withdraw", ["familiarise with the result", "act of refusal to be familiarised"]),
    ("annual", "draft", "hr", "decide", ["compute the annual score", "send the schedule and the sheet", "withdraw on dismissal", "defer during leave or sick leave"]),
    ("plan", "approved", "servant", "confirm", []),
    ("plan", "draft", "servant", "agree", ["submit the plan"]),
]


@pytest.mark.parametrize("kind, state, who, action, instead", NOT_NOW, ids=lambda v: v if isinstance(v, str) else None)
def test_an_action_the_state_does_not_allow_is_refused_with_what_to_do_instead(
    db: Engine, kind: str, state: str, who: str, action: str, instead: list[str]
) -> None:
    org = organisation(db)
    appraisal_id = start(org, kind, state)
    error = refuse(db, appraisal_id, org.ids[who], action, on=LATER[kind])
    assert (error.code, error.field, error.value) == ("not_now", "action", action)
    assert labels(error) == instead
    label = loader.load("mne2017").flow(kind).states[state].label("en")  # type: ignore[arg-type]
    assert error.params["state"]("en") == label


NOT_YOUR_ROLE = [
    # kind, state, who, action, the row's paragraph, roles it names, what they may do instead
    ("quarterly", "draft", "manager", "submit", "п.23", "servant", []),
    ("quarterly", "draft", "servant", "defer", "п.3", "hr", ["submit the self-assessment"]),
    ("quarterly", "submitted", "servant", "agree", "п.24, п.26", "direct_manager", []),
    ("quarterly", "agreed", "colleague1", "refuse_to_sign", "п.25", "hr, direct_manager", []),
    ("quarterly", "signed", "colleague1", "decide", "п.8–9, п.35", "commission", []),
    ("quarterly", "decided", "servant", "familiarise", "п.36", "hr", []),
    ("quarterly", "familiarised", "manager", "appeal", "п.38", "servant", []),
    ("annual", "draft", "servant", "compute", "п.32", "hr", []),
    ("plan", "approved", "servant", "score", "п.28–31, Annex 3", "direct_manager", []),
    ("plan", "agreed", "manager", "confirm", "п.10", "servant", ["act of refusal to confirm the plan"]),
]


@pytest.mark.parametrize("kind, state, who, action, rule, roles, instead", NOT_YOUR_ROLE, ids=lambda v: v if isinstance(v, str) else None)
def test_an_action_of_another_role_is_refused(
    db: Engine, kind: str, state: str, who: str, action: str, rule: str, roles: str, instead: list[str]
) -> None:
    org = organisation(db)
    appraisal_id = start(org, kind, state)
    error = refuse(db, appraisal_id, org.ids[who], action, on=LATER[kind])
    assert (error.code, error.rule, error.source, error.params["roles"]) == ("not_your_role", rule, "mne2017", roles)
    assert labels(error) == instead


def test_the_score_sheet_keeps_the_servants_and_the_managers_columns(db: Engine) -> None:
    """Annex 2: the servant's own points beside the manager's; the proven violations (п.22)."""
    org = organisation(db)
    appraisal_id = start(org, "quarterly")
    own = {"bonus_items": [{"description": "Draft law", "points": 3}, {"description": "Hearing", "points": 2}]}
    assert act(db, appraisal_id, org.ids["servant"], "submit", own, on=D(2026, 4, 2)).data == {"self_score": "105.00"}  # 100 + 3 + 2
    corrected = {"bonus_items": [{"description": "Draft law", "points": 4}, {"description": "Conference", "points": 5}],
                 "violations": violations(1)}
    # п.26: 100 + 4 + 5 − 2 = 107, effective; the hearing claimed by the servant is not accepted
    assert act(db, appraisal_id, org.ids["manager"], "agree", corrected, on=D(2026, 4, 3)).data["score"] == "107.00"
    assert sorted((b.description, b.self_points, b.points) for b in rows_of(db, BonusItem, appraisal_id)) == [
        ("Conference", None, 5), ("Draft law", 3, 4), ("Hearing", 2, None)]
    (violation,) = rows_of(db, Violation, appraisal_id)
    assert (violation.kind, violation.occurred_on, violation.source, violation.proof) == ("labour", D(2026, 2, 3), "hr", "Timesheet, entry 0")


def test_the_plan_keeps_its_indicators_and_their_scores(db: Engine) -> None:
    org = organisation(db)
    appraisal_id = start(org, "plan", "scored")
    assert [(i.text, i.measurable, i.score) for i in rows_of(db, Indicator, appraisal_id)] == [
        (PLAN["indicators"][0]["text"], True, Decimal("4.00")), (PLAN["indicators"][1]["text"], False, Decimal("5.00"))]


def test_a_stale_version_is_a_conflict_and_changes_nothing(db: Engine) -> None:
    org = organisation(db)
    appraisal_id = start(org, "quarterly", "submitted")  # version 2: opened, then submitted
    before = snapshot(db)
    with pytest.raises(Conflict) as caught:
        act(db, appraisal_id, org.ids["manager"], "agree", SHEET, on=D(2026, 4, 3), expected_version=1)
    assert (caught.value.code, caught.value.params["actual"]) == ("conflict", 2)
    assert snapshot(db) == before
    assert act(db, appraisal_id, org.ids["manager"], "agree", SHEET, on=D(2026, 4, 3), expected_version=2).version == 3


# --- refusals: each handler's payload -------------------------------------------------------

PAYLOAD_ERRORS = [
    # kind, state, who, action, payload, code, field, value, rule
    ("quarterly", "draft", "servant", "submit", {"bonus_items": bonus(0)}, "range", "bonus_points[0]", 0, "п.17–18"),
    ("quarterly", "draft", "servant", "submit", {"bonus_items": bonus(4, 6)}, "range", "bonus_points[1]", 6, "п.17–18"),
    ("quarterly", "draft", "servant", "submit", {"bonus_items": bonus(2.5)}, "integer", "bonus_points[0]", Decimal("2.5"), "п.17–18"),
    ("quarterly", "draft", "servant", "submit", {"bonus_items": bonus(3), "violations": []}, "extra", "violations", [], "docs/lifecycle.md#submit"),
    ("quarterly", "submitted", "manager", "agree", {"bonus_items": bonus(6)}, "range", "bonus_points[0]", 6, "п.17–18"),
    ("quarterly", "submitted", "manager", "agree", {"bonus_items": bonus(0)}, "range", "bonus_points[0]", 0, "п.17–18"),
    # п.22: a violation counts only when proven by a document
    ("quarterly", "submitted", "manager", "agree",
     {"violations": [{"kind": "labour", "occurred_on": "2026-02-03", "source": "hr"}]}, "missing", "violations[0].proof", "—", "docs/lifecycle.md#agree"),
    ("quarterly", "submitted", "manager", "agree",
     {"violations": [{"kind": "labour", "occurred_on": "2026-02-03", "source": "hr", "proof": ""}]}, "invalid", "violations[0].proof", "", "docs/lifecycle.md#agree"),
    ("quarterly", "agreed", "hr", "refuse_to_sign", {"text": ""}, "invalid", "text", "", "docs/lifecycle.md#refuse_to_sign"),
    ("quarterly", "draft", "hr", "defer", {"kind": "annual_leave", "start": "2026-04-01"}, "unknown", "kind", "annual_leave", "п.3"),
    ("quarterly", "familiarised", "servant", "appeal", {"authority": "Agency"}, "missing", "text", "—", "docs/lifecycle.md#appeal"),
    ("quarterly", "signed", "official", "decide", {"present": [], "votes": {}}, "missing", "held_on", "—", "docs/lifecycle.md#decide"),
    # п.12: at most four indicators, at least half of them measurable
    ("plan", "draft", "servant", "submit", {"indicators": [{"text": f"KPI {n}", "measurable": True} for n in range(5)]},
     "count", "indicators", 5, "п.12, п.30"),
    ("plan", "draft", "servant", "submit", {"indicators": []}, "count", "indicators", 0, "п.12, п.30"),
    ("plan", "draft", "servant", "submit",
     {"indicators": [{"text": "A", "measurable": True}, {"text": "B", "measurable": False}, {"text": "C", "measurable": False}]},
     "measurable_share", "indicators", "1/3", "п.12"),
    ("plan", "submitted", "manager", "agree", {"indicators": [{"text": f"KPI {n}", "measurable": True} for n in range(5)]},
     "count", "indicators", 5, "п.12, п.30"),
    # п.30: each indicator 2 (not met) … 5 (exceeded)
    ("plan", "approved", "manager", "score", {"scores": [1, 4]}, "range", "indicator_scores[0]", 1, "п.12, п.30"),
    ("plan", "approved", "manager", "score", {"scores": [4, 6]}, "range", "indicator_scores[1]", 6, "п.12, п.30"),
    ("plan", "approved", "manager", "score", {"scores": [4]}, "count", "scores", 1, "п.28–31, Annex 3"),  # two indicators
    ("plan", "approved", "manager", "score", {"scores": [4, 4, 4]}, "count", "scores", 3, "п.28–31, Annex 3"),
]


@pytest.mark.parametrize(
    "kind, state, who, action, payload, code, field_, value, rule", PAYLOAD_ERRORS,
    ids=[f"{k}-{a}-{c}-{f}" for k, _, _, a, _, c, f, _, _ in PAYLOAD_ERRORS],
)
def test_a_payload_breaking_a_rule_is_refused(
    db: Engine, kind: str, state: str, who: str, action: str, payload: dict[str, Any],
    code: str, field_: str, value: Any, rule: str,
) -> None:
    org = organisation(db)
    appraisal_id = start(org, kind, state)
    error = refuse(db, appraisal_id, org.ids[who], action, payload, on=LATER[kind])
    assert (error.code, error.field, error.value, error.rule) == (code, field_, value, rule)


# --- the Evaluation Commission (п.6–9, п.35) -------------------------------------------------

PROPOSAL = {"score": 98, "explanation": "The second bonus item duplicates the first"}

DECISIONS = [
    # present, votes, proposal, expected: (decision, casting vote, score, band) or a refusal (code, field, rule)
    # 3 voting members (the secretary does not vote, п.9): two thirds is 2 (п.7)
    pytest.param(("official",), {"official": "approve"}, None, ("quorum", "present", "п.7"), id="one-of-three-present"),
    pytest.param(("official", "hr"), {"official": "approve"}, None, ("quorum", "present", "п.7"), id="the-secretary-is-no-quorum"),
    pytest.param(("manager", "member"), {"manager": "approve", "member": "approve"}, None,
                 ("approve", False, "106.00", "effective"), id="two-of-three-present"),
    pytest.param(("official", "manager", "colleague1"), {"official": "approve"}, None, ("not_member", "present", "п.6"), id="a-stranger-present"),
    pytest.param(("official", "manager"), {"official": "approve", "colleague1": "approve"}, None,
                 ("not_member", "votes.{colleague1}", "п.8"), id="a-non-member-votes"),
    pytest.param(("official", "manager"), {"official": "approve", "member": "approve"}, None,
                 ("not_member", "votes.{member}", "п.8"), id="an-absent-member-votes"),
    pytest.param(("official", "manager", "hr"), {"official": "approve", "hr": "approve"}, None,
                 ("secretary_vote", "votes.{hr}", "п.9"), id="the-secretary-votes"),
    # a tie of 1 : 1 goes the way the chair voted (п.9)
    pytest.param(VOTERS, {"official": "approve", "manager": "revise"}, PROPOSAL, ("approve", True, "106.00", "effective"), id="tie-chair-approves"),
    pytest.param(VOTERS, {"official": "revise", "member": "approve"}, PROPOSAL, ("revise", True, "98.00", "satisfactory"), id="tie-chair-revises"),
    pytest.param(("manager", "member"), {"manager": "approve", "member": "revise"}, PROPOSAL, ("no_majority", "votes", "п.9"), id="tie-chair-absent"),
    pytest.param(VOTERS, {"manager": "approve", "member": "revise"}, PROPOSAL, ("no_majority", "votes", "п.9"), id="tie-chair-silent"),
    pytest.param(VOTERS, {"official": "revise", "manager": "revise", "member": "approve"}, PROPOSAL,
                 ("revise", False, "98.00", "satisfactory"), id="majority-revises"),  # 98: 80..105 (п.27)
    pytest.param(VOTERS, {"official": "revise", "manager": "revise", "member": "revise"}, None,
                 ("missing", "proposal", "п.35"), id="revise-without-a-proposal"),
]


@pytest.mark.parametrize("present, votes, proposal, expected", DECISIONS)
def test_the_commission_decides_by_quorum_and_majority(
    db: Engine, present: tuple[str, ...], votes: dict[str, str], proposal: dict[str, Any] | None, expected: tuple[Any, ...]
) -> None:
    org = organisation(db)
    appraisal_id = start(org, "quarterly", "signed")  # 106 points, effective
    payload = decision("2026-04-08", present, votes, proposal)(org.ids)
    if len(expected) == 3:
        code, field_, rule = expected
        error = refuse(db, appraisal_id, org.ids["official"], "decide", payload, on=D(2026, 4, 8))
        assert (error.code, error.field, error.rule) == (code, field_.format(**org.ids), rule)
        return
    outcome_, casting, score, band = expected
    outcome = act(db, appraisal_id, org.ids["official"], "decide", payload, on=D(2026, 4, 8))
    assert (outcome.to_state, outcome.data["decision"], outcome.data["casting_vote"]) == ("decided", outcome_, casting)
    assert (outcome.data["approve"], outcome.data["revise"]) == (
        sum(v == "approve" for v in votes.values()), sum(v == "revise" for v in votes.values()))
    appraisal = appraisal_of(db, appraisal_id)
    assert (str(appraisal.score), appraisal.band) == (score, band)
    if outcome_ == "revise":
        assert outcome.data["explanation"] == PROPOSAL["explanation"]
    # the minutes: one meeting, every member's attendance, one vote per voter
    with transaction(db) as session:
        (meeting,) = session.exec(select(Meeting))
        members = {m.id: m.servant_id for m in session.exec(select(CommissionMember))}
        attendance = {members[a.member_id]: a.present for a in session.exec(select(Attendance))}
    assert meeting.held_on == D(2026, 4, 8)
    assert attendance == {org.ids[n]: n in present for n in ("official", "manager", "member", "hr")}
    recorded = {members[v.member_id]: (v.decision, v.score) for v in rows_of(db, Vote, appraisal_id)}
    assert recorded == {org.ids[n]: (v, Decimal("98.00") if v == "revise" else None) for n, v in votes.items()}


# --- the appeal (п.38–40) ---------------------------------------------------------------------


@pytest.mark.parametrize("on, accepted", [
    (D(2026, 4, 22), True),  # decided Wed 8 April: 10 working days end Wed 22 April (п.38)
    (D(2026, 4, 23), False),
])
def test_the_appeal_is_filed_within_ten_working_days(db: Engine, on: date, accepted: bool) -> None:
    org = organisation(db)
    appraisal_id = start(org, "quarterly", "familiarised")
    if accepted:
        assert act(db, appraisal_id, org.ids["servant"], "appeal", APPEAL, on=on).to_state == "appealed"
        (appeal,) = rows_of(db, Appeal, appraisal_id)
        assert (appeal.filed_on, appeal.authority, appeal.decided_on) == (on, APPEAL["authority"], None)
        return
    error = refuse(db, appraisal_id, org.ids["servant"], "appeal", APPEAL, on=on)
    assert (error.code, error.field, error.value, error.rule, error.params["due"]) == ("too_late", "date", "2026-04-23", "п.38", "2026-04-22")


@pytest.mark.parametrize("on, accepted", [(D(2026, 4, 22), False), (D(2026, 4, 23), True)])  # the window ends 22 April
def test_the_appraisal_closes_only_after_the_appeal_window(db: Engine, on: date, accepted: bool) -> None:
    org = organisation(db)
    appraisal_id = start(org, "quarterly", "familiarised")
    if accepted:
        assert act(db, appraisal_id, org.ids["hr"], "close", on=on).to_state == "closed"
        return
    error = refuse(db, appraisal_id, org.ids["hr"], "close", on=on)
    assert (error.code, error.value, error.rule, error.params["due"]) == ("too_early", "2026-04-22", "п.38", "2026-04-22")


@pytest.mark.parametrize("payload, data, score, band, consequences", [
    ({"outcome": "rejected"}, {"outcome": "rejected"}, "106.00", "effective", ["bonus_eligible"]),
    # п.39–40: the authority revises 106 to 98, satisfactory (80..105, п.27): no bonus (п.43)
    ({"outcome": "revised", "score": 98}, {"outcome": "revised", "score": "98.00", "band": "satisfactory"}, "98.00", "satisfactory", []),
])
def test_the_decision_on_the_appeal_closes_the_appraisal_once_reported(
    db: Engine, payload: dict[str, Any], data: dict[str, Any], score: str, band: str, consequences: list[str]
) -> None:
    org = organisation(db)
    appraisal_id = start(org, "quarterly", "appealed")
    outcome = act(db, appraisal_id, org.ids["hr"], "record_appeal_decision", payload, on=D(2026, 4, 20))
    assert (outcome.to_state, outcome.data) == ("appeal_reviewed", data)
    assert act(db, appraisal_id, org.ids["hr"], "report_appeal_decision", on=D(2026, 4, 22)).to_state == "closed"  # п.40
    appraisal = appraisal_of(db, appraisal_id)
    assert (str(appraisal.score), appraisal.band, appraisal.closed_on) == (score, band, D(2026, 4, 22))
    (appeal,) = rows_of(db, Appeal, appraisal_id)
    assert (appeal.decided_on, appeal.outcome) == (D(2026, 4, 20), payload["outcome"])
    assert appeal.revised_score == (Decimal(score) if payload["outcome"] == "revised" else None)
    assert sorted(consequences_of(db, appraisal_id)) == consequences


@pytest.mark.parametrize("payload", [{"outcome": "revised"}, {"outcome": "rejected", "score": 98}], ids=["revised-without-score", "rejected-with-score"])
def test_a_revision_needs_a_score_and_a_rejection_has_none(db: Engine, payload: dict[str, Any]) -> None:
    org = organisation(db)
    appraisal_id = start(org, "quarterly", "appealed")
    error = refuse(db, appraisal_id, org.ids["hr"], "record_appeal_decision", payload, on=D(2026, 4, 20))
    assert (error.code, error.field) == ("missing", "score")


# --- the annual score (п.32–33) ----------------------------------------------------------------


def test_the_annual_score_needs_a_completed_quarter(db: Engine) -> None:
    org = organisation(db)
    open_cycle(db, "body", "quarterly", "2026-Q1", on=D(2026, 4, 1))
    q1 = org.appraisal("servant", "quarterly", "2026-Q1").id
    run(org, q1, [Q_SUBMIT, Q_AGREE, Q_SIGN])  # scored 106 but not decided: not completed
    plan(org, 2026, [4, 5], scored=D(2026, 11, 2))
    appraisal_id = start(org, "annual")
    error = refuse(db, appraisal_id, org.ids["hr"], "compute", on=D(2026, 12, 7))
    assert (error.code, error.field, error.value, error.rule) == ("missing_scores", "quarterly_scores", 0, "п.32")


def test_the_annual_score_needs_the_plan(db: Engine) -> None:
    org = organisation(db)
    quarter(org, "2026-Q1", SHEET, opened=D(2026, 4, 1), decided=D(2026, 4, 8))
    appraisal_id = start(org, "annual")
    error = refuse(db, appraisal_id, org.ids["hr"], "compute", on=D(2026, 12, 7))
    assert (error.code, error.field, error.rule) == ("missing_scores", "plan_scores", "п.32")


def test_the_annual_score_weighs_the_quarters_and_the_plan_equally(db: Engine) -> None:
    org = organisation(db)
    quarter(org, "2026-Q1", {"bonus_items": bonus(5, 3)}, opened=D(2026, 4, 1), decided=D(2026, 4, 8))  # 108
    quarter(org, "2026-Q2", {"bonus_items": bonus(3)}, opened=D(2026, 7, 1), decided=D(2026, 7, 8))  # 103
    plan(org, 2026, [4, 5], scored=D(2026, 11, 2))
    appraisal_id = start(org, "annual")
    outcome = act(db, appraisal_id, org.ids["hr"], "compute", on=D(2026, 12, 7))
    # п.32: mean (108 + 103) / 2 = 105.5, above 105 so effective (п.27) → 4; plan (4 + 5) / 2
    # = 4.5; 0.5 × 4 + 0.5 × 4.5 = 4.25, effective on the five-point scale (п.33)
    assert outcome.data == {"score": "4.25", "band": "effective", "quarters": ["108.00", "103.00"]}
    appraisal = appraisal_of(db, appraisal_id)
    assert (appraisal.score, appraisal.band, appraisal.state) == (Decimal("4.25"), "effective", "computed")


# --- absence and dismissal (п.3) -------------------------------------------------------------


def test_a_deferred_quarter_is_due_five_working_days_after_return_across_nauryz(db: Engine) -> None:
    org = organisation(db)
    commission_of(org, D(2025, 1, 6))
    open_cycle(db, "body", "quarterly", "2025-Q4", on=D(2025, 12, 1))
    appraisal_id = org.appraisal("servant", "quarterly", "2025-Q4").id
    # Q4 is due 10 December of the same year (п.3.1), a Wednesday
    assert deadlines_of(db, appraisal_id) == {QA: (D(2025, 12, 10), "open", None)}
    act(db, appraisal_id, org.ids["hr"], "defer", {"kind": "sick_leave", "start": "2025-12-01", "end": "2026-03-19"}, on=D(2025, 12, 2))
    act(db, appraisal_id, org.ids["hr"], "resume", on=D(2026, 3, 20))
    # back on Fri 20 March 2026; 21–25 March are Nauryz days off: 26, 27, 30, 31 March, 1 April
    assert deadlines_of(db, appraisal_id) == {
        QA: (D(2025, 12, 10), "cancelled", D(2025, 12, 2)),
        "appraisal_after_return": (D(2026, 4, 1), "open", None),
    }
    assert appraisal_of(db, appraisal_id).events == {"return_to_work": "2026-03-20"}
    day = D(2026, 3, 31)
    run(org, appraisal_id, [Step("submit", "servant", day, SELF), Step("agree", "manager", day, SHEET),
                            Step("sign", "servant", day), Step("decide", "official", day, decision("2026-03-31"))])
    assert deadlines_of(db, appraisal_id)["appraisal_after_return"] == (D(2026, 4, 1), "done", D(2026, 3, 31))


def test_withdrawal_on_dismissal_cancels_what_is_owed(db: Engine) -> None:
    org = organisation(db)
    appraisal_id = start(org, "quarterly", "deferred")
    act(db, appraisal_id, org.ids["hr"], "resume", on=D(2026, 4, 21))
    outcome = act(db, appraisal_id, org.ids["hr"], "withdraw", {"dismissed_on": "2026-04-24"}, on=D(2026, 4, 24))
    assert (outcome.to_state, outcome.data) == ("withdrawn", {"dismissed_on": "2026-04-24"})
    assert deadlines_of(db, appraisal_id) == {
        QA: (D(2026, 4, 10), "cancelled", D(2026, 4, 2)),
        "appraisal_after_return": (D(2026, 4, 28), "cancelled", D(2026, 4, 24)),
    }
    appraisal = appraisal_of(db, appraisal_id)
    assert (appraisal.closed_on, appraisal.reason) == (D(2026, 4, 24), "dismissed")
    with transaction(db) as session:
        assert session.get(Servant, org.ids["servant"]).dismissed_on == D(2026, 4, 24)  # type: ignore[union-attr]
        appraisal_row = session.get(Appraisal, appraisal_id)
        for name in org.ids:  # a final state: nobody may do anything more
            assert allowed(session, appraisal_row, session.get(Servant, org.ids[name])) == []  # type: ignore[arg-type]
    assert consequences_of(db, appraisal_id) == {}


def test_a_decided_appraisal_is_not_withdrawn(db: Engine) -> None:
    org = organisation(db)
    appraisal_id = start(org, "quarterly", "decided")
    error = refuse(db, appraisal_id, org.ids["hr"], "withdraw", {"dismissed_on": "2026-04-09"}, on=D(2026, 4, 9))
    assert error.code == "not_now"


# --- consequences of a closed result (п.43–46) --------------------------------------------------


@pytest.mark.parametrize("sheet, score, band, bonus_eligible", [
    ({"bonus_items": bonus(5, 5, 5, 5, 5, 5, 5)}, "135.00", "excellent", True),  # 100 + 35, above 130
    (SHEET, "106.00", "effective", True),  # above 105 (п.27)
    ({"bonus_items": bonus(5)}, "105.00", "satisfactory", False),  # 105 itself is satisfactory
    ({"violations": violations(11)}, "78.00", "unsatisfactory", False),  # 100 − 22, below 80
])
def test_a_closed_quarter_is_a_basis_for_a_bonus_when_effective_or_excellent(
    db: Engine, sheet: dict[str, Any], score: str, band: str, bonus_eligible: bool
) -> None:
    org = organisation(db)
    appraisal_id = quarter(org, "2026-Q1", sheet, opened=D(2026, 4, 1), decided=D(2026, 4, 8))
    act(db, appraisal_id, org.ids["hr"], "familiarise", on=D(2026, 4, 9))
    act(db, appraisal_id, org.ids["hr"], "close", on=D(2026, 4, 23))
    appraisal = appraisal_of(db, appraisal_id)
    assert (str(appraisal.score), appraisal.band) == (score, band)
    made = consequences_of(db, appraisal_id)
    if not bonus_eligible:
        assert made == {}  # quarterly results entail nothing else (п.44–46 are annual)
        return
    assert list(made) == ["bonus_eligible"]
    bonus_row = made["bonus_eligible"]
    assert (bonus_row.servant_id, bonus_row.paragraph, bonus_row.due, bonus_row.data) == (org.ids["servant"], "п.43", None, {"band": band})


def unsatisfactory_year(org: Org, year: int) -> int:
    """A year closed unsatisfactory: one quarter at 100 − 2 × 11 = 78 points, below 80 → 2
    (п.27, п.32); the plan scored 2 and 3 → 2.5; 0.5 × 2 + 0.5 × 2.5 = 2.25 < 3 (п.33).
    The commission decides on 30 November; the appeal window (10 working days) has ended
    by 15 December."""
    quarter(org, f"{year}-Q1", {"violations": violations(11)}, opened=D(year, 4, 1), decided=D(year, 4, 8))
    plan(org, year, [2, 3], scored=D(year, 11, 2))
    open_cycle(org.engine, org.code, "annual", str(year), on=D(year, 11, 26))
    appraisal_id = org.appraisal("servant", "annual", str(year)).id
    computed = do(org, appraisal_id, Step("compute", "hr", D(year, 11, 27)))
    assert computed.data["score"] == "2.25" and computed.data["band"] == "unsatisfactory"
    run(org, appraisal_id, [
        Step("decide", "official", D(year, 11, 30), decision(f"{year}-11-30")),
        Step("familiarise", "hr", D(year, 12, 1)),
        Step("close", "hr", D(year, 12, 15)),
    ])
    return appraisal_id


def test_an_unsatisfactory_year_entails_training_and_no_mentoring_and_the_second_in_a_row_demotion(db: Engine) -> None:
    org = organisation(db)
    commission_of(org, D(2025, 1, 6))

    first = unsatisfactory_year(org, 2025)
    made = consequences_of(db, first)
    assert sorted(made) == ["no_mentoring", "training_due"]  # one year: no demotion yet (п.46)
    # п.44: within three months of the commission's decision of 30 November 2025:
    # 30 February does not exist, so the last day of February 2026
    assert (made["training_due"].due, made["training_due"].paragraph) == (D(2026, 2, 28), "п.44")
    assert (made["no_mentoring"].due, made["no_mentoring"].paragraph) == (None, "п.45")

    second = unsatisfactory_year(org, 2026)
    made = consequences_of(db, second)
    assert sorted(made) == ["demotion_review", "no_mentoring", "training_due"]  # two in a row (п.46)
    assert made["training_due"].due == D(2027, 2, 28)
    assert (made["demotion_review"].paragraph, made["demotion_review"].servant_id) == ("п.46", org.ids["servant"])


def test_one_unsatisfactory_year_after_a_good_one_is_no_demotion(db: Engine) -> None:
    org = organisation(db)
    commission_of(org, D(2025, 1, 6))
    # 2025: the quarter at 106 (effective → 4) and the plan 4, 5 → 4.25, effective
    quarter(org, "2025-Q1", SHEET, opened=D(2025, 4, 1), decided=D(2025, 4, 8))
    plan(org, 2025, [4, 5], scored=D(2025, 11, 2))
    open_cycle(db, "body", "annual", "2025", on=D(2025, 11, 26))
    good = org.appraisal("servant", "annual", "2025").id
    run(org, good, [Step("compute", "hr", D(2025, 11, 27)), Step("decide", "official", D(2025, 11, 28), decision("2025-11-28")),
                    Step("familiarise", "hr", D(2025, 12, 1)), Step("close", "hr", D(2025, 12, 15))])
    assert sorted(consequences_of(db, good)) == ["bonus_eligible"]  # п.43

    bad = unsatisfactory_year(org, 2026)
    assert sorted(consequences_of(db, bad)) == ["no_mentoring", "training_due"]

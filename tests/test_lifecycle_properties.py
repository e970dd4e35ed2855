"""Properties of the appraisal lifecycle under random use (states/service.py).

For every machine (mne2017 quarterly, annual, plan; typical2023 kpi, differentiation, 360,
annual) a run drives one appraisal with a random sequence of steps. A step is an action of
the workflow table (mostly one somebody may take now, sometimes any action at all), an
actor (any person of the organisation), a payload (a realistic one from a small pool per
handler, or a broken one) and a day (0-6 days after the previous step, from the cycle's
opening day). After every step:

1. the appraisal's state is the `to_state` of its latest audit event, and it has exactly
   one audit event per successful action besides the opening one;
2. no appraisal in a final state has an open deadline;
3. a refused action (any `InvalidInput`) leaves every row of every table as it was;
4. nothing but `InvalidInput` (and its subclasses) escapes `act()`;
5. the version grows by exactly one per successful action.

Hypothesis runs on SQLite: each machine's organisation, prerequisites and cycle are built
once into a seed file, which every example copies. A fixed long replay
(`random.Random(seed)`) then checks the same invariants on both databases, and a
deterministic walk through each table tries every pooled payload, broken ones first, where
its action is allowed, on both databases too (PostgreSQL enforces column types that SQLite
does not).
"""

from __future__ import annotations

import random
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol, Sequence, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology import loader
from methodology.errors import InvalidInput
from methodology.schema import STAY
from models import Appraisal, AuditEvent, Deadline, Servant
from models.db import engine as make_engine
from models.db import transaction
from states.cycles import open_cycle
from states.service import act, allowed
from tests.checks import snapshot
from tests.factories import Org, organisation

T = TypeVar("T")

# derandomize: the same examples every run, so a failure is reproducible, not flaky.
SETTINGS = settings(
    max_examples=25, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PEOPLE = ["official", "hr", "member", "manager", "servant", "colleague1", "colleague2", "colleague3"]
SUBORDINATES = ["servant", "colleague1", "colleague2", "colleague3"]


# --- the scene: an organisation, a cycle, the appraisal a run drives ---------------------


@dataclass
class Scene:
    org: Org
    methodology: str
    kind: str
    subject: str
    appraisal_id: int

    @property
    def engine(self) -> Engine:
        return self.org.engine

    @property
    def ids(self) -> dict[str, int]:
        return self.org.ids

    def peers(self) -> list[int]:
        """The subject's colleagues under the same manager (or the manager's subordinates)."""
        return [self.ids[name] for name in SUBORDINATES if name != self.subject]


# --- payloads: a small pool of realistic ones per handler, and broken ones ---------------

Make = Callable[[Scene, date], Any]


@dataclass(frozen=True)
class Payload:
    label: str
    make: Make
    valid: bool = True

    def __repr__(self) -> str:  # what hypothesis prints for a failing example
        return f"<{'valid' if self.valid else 'broken'}: {self.label}>"


def pool(valid: dict[str, Make], broken: dict[str, Make]) -> list[Payload]:
    return [Payload(k, v) for k, v in valid.items()] + [Payload(k, v, False) for k, v in broken.items()]


def iso(day: date, days: int = 0) -> str:
    return (day + timedelta(days=days)).isoformat()


def decision(s: Scene, day: date, present: list[str], votes: dict[str, str], proposal: Any = None, held_on: str | None = None) -> dict[str, Any]:
    """A commission decision as the smoke test writes it (mne2017 п.6–9, п.35)."""
    payload: dict[str, Any] = {
        "held_on": held_on or day.isoformat(),
        "present": [s.ids[p] for p in present],
        "votes": {str(s.ids[p]): v for p, v in votes.items()},
    }
    if proposal is not None:
        payload["proposal"] = proposal
    return payload


def fair(s: Scene, quarterly: Any, annual: Any) -> Any:
    """A plausible score on the kind's scale: mne2017 points or the five-point year."""
    return quarterly if s.kind == "quarterly" else annual


ALL_THREE = {"official": "approve", "manager": "approve", "member": "approve"}
STAFF_COMPETENCIES = [c.id for c in loader.load("typical2023").survey360.competencies["staff"]]  # type: ignore[union-attr]
PARAMETERS = [p.id for p in loader.load("typical2023").differentiation.parameters]  # type: ignore[union-attr]


def answers(values: Sequence[int], competencies: Sequence[str] = STAFF_COMPETENCIES) -> dict[str, Any]:
    return {"answers": {c: [values[(i + q) % len(values)] for q in range(3)] for i, c in enumerate(competencies)}}


def parameters(scores: Sequence[Any], justification: str = "Assignments of the quarter on time") -> dict[str, Any]:
    return {"scores": {p: {"score": scores[i % len(scores)], "justification": justification} for i, p in enumerate(PARAMETERS)}}


def kpis(*lines: tuple[float, str]) -> dict[str, Any]:
    return {"kpis": [{"text": f"Indicator {i + 1}", "unit": "%", "planned": planned, "direction": direction} for i, (planned, direction) in enumerate(lines)]}


POOLS: dict[str | None, list[Payload]] = {
    None: pool(  # actions without a handler take no payload
        {"nothing": lambda s, d: {}},
        {"a stray field": lambda s, d: {"comment": "stray"}},
    ),
    "refusal_act": pool(
        {
            "act with witnesses": lambda s, d: {"text": "Refused in the presence of witnesses", "witnesses": [s.ids["hr"], s.ids["manager"]]},
            "act without witnesses": lambda s, d: {"text": "Act No. 3"},
        },
        {
            "empty": lambda s, d: {},
            "empty text": lambda s, d: {"text": ""},
            "witnesses not a list": lambda s, d: {"text": "Act", "witnesses": "hr"},
            "extra field": lambda s, d: {"text": "Act", "signed": True},
        },
    ),
    "absence": pool(
        {
            "sick leave of two weeks": lambda s, d: {"kind": "sick_leave", "start": iso(d), "end": iso(d, 14)},
            "social leave, open-ended": lambda s, d: {"kind": "social_leave", "start": iso(d)},
        },
        {
            "unknown kind": lambda s, d: {"kind": "holiday", "start": iso(d)},
            "ends before it starts": lambda s, d: {"kind": "sick_leave", "start": iso(d), "end": iso(d, -3)},
            "no start": lambda s, d: {"kind": "sick_leave"},
            "start not a date": lambda s, d: {"kind": "sick_leave", "start": "soon"},
        },
    ),
    "dismissal": pool(
        {"dismissed today": lambda s, d: {"dismissed_on": iso(d)}},
        {
            "no date": lambda s, d: {},
            "date in the wrong format": lambda s, d: {"dismissed_on": "31.12.2026"},
            "extra field": lambda s, d: {"dismissed_on": iso(d), "why": "moved"},
        },
    ),
    "without_participation": pool(
        {
            "dismissed": lambda s, d: {"reason": "dismissed", "since": iso(d)},
            "absent": lambda s, d: {"reason": "absent", "since": iso(d)},
        },
        {
            "unknown reason": lambda s, d: {"reason": "bored", "since": iso(d)},
            "no day": lambda s, d: {"reason": "absent"},
        },
    ),
    "self_assessment": pool(
        {
            "one activity": lambda s, d: {"bonus_items": [{"description": "Draft law", "points": 3}]},
            "two activities": lambda s, d: {"bonus_items": [{"description": "Draft law", "points": 5}, {"description": "Report", "points": 1}]},
            "nothing above the norm": lambda s, d: {},
        },
        {
            "points above 5": lambda s, d: {"bonus_items": [{"description": "Draft law", "points": 6}]},
            "fractional points": lambda s, d: {"bonus_items": [{"description": "Draft law", "points": 2.5}]},
            "empty description": lambda s, d: {"bonus_items": [{"description": "", "points": 2}]},
            "items not a list": lambda s, d: {"bonus_items": "many"},
            "a score instead": lambda s, d: {"score": 110},
        },
    ),
    "quarterly_score": pool(
        {
            "one activity accepted": lambda s, d: {"bonus_items": [{"description": "Draft law", "points": 4}]},
            "a labour violation": lambda s, d: {"violations": [{"kind": "labour", "occurred_on": "2026-02-03", "source": "hr", "proof": "Order No. 12"}]},
            "plain 100": lambda s, d: {},
        },
        {
            "zero points": lambda s, d: {"bonus_items": [{"description": "Draft law", "points": 0}]},
            "unknown violation": lambda s, d: {"violations": [{"kind": "moral", "occurred_on": "2026-02-03", "source": "hr", "proof": "x"}]},
            "unproven violation": lambda s, d: {"violations": [{"kind": "labour", "occurred_on": "2026-02-03", "source": "hr", "proof": ""}]},
            "points in words": lambda s, d: {"bonus_items": [{"description": "Draft law", "points": "four"}]},
        },
    ),
    "commission_decision": pool(
        {
            "approved by all three": lambda s, d: decision(s, d, ["official", "manager", "member"], ALL_THREE),
            "revised by two of three": lambda s, d: decision(
                s, d, ["official", "member", "hr"], {"official": "revise", "member": "revise"},
                {"score": fair(s, 98, 3.5), "explanation": "A proven violation was left out"},
            ),
            "tie, the chair approves": lambda s, d: decision(s, d, ["official", "manager", "member"], {"official": "approve", "manager": "revise"},
                                                              {"score": fair(s, 102, 4), "explanation": "More credit for the draft law"}),
        },
        {
            "no quorum": lambda s, d: decision(s, d, ["official"], {"official": "approve"}),
            "the secretary votes": lambda s, d: decision(s, d, ["official", "manager", "member", "hr"], {**ALL_THREE, "hr": "approve"}),
            "revise without a proposal": lambda s, d: decision(s, d, ["official", "manager", "member"], {"official": "revise", "manager": "revise"}),
            "a stranger present": lambda s, d: decision(s, d, ["official", "manager", "member", "colleague1"], ALL_THREE),
            "before the commission existed": lambda s, d: decision(s, d, ["official", "manager", "member"], ALL_THREE, held_on="2025-12-01"),
            "absurd proposed score": lambda s, d: decision(
                s, d, ["official", "manager", "member"], {"official": "revise", "manager": "revise", "member": "revise"},
                {"score": 10**13, "explanation": "typo"},
            ),
            "votes not a mapping": lambda s, d: {"held_on": iso(d), "present": [], "votes": ["approve"]},
        },
    ),
    "appeal": pool(
        {"to the agency": lambda s, d: {"authority": "Agency for Civil Service Affairs", "text": "The commission ignored the draft law"}},
        {"no authority": lambda s, d: {"authority": "", "text": "x"}, "no text": lambda s, d: {"authority": "Agency"}},
    ),
    "appeal_decision": pool(
        {
            "rejected": lambda s, d: {"outcome": "rejected"},
            "revised": lambda s, d: {"outcome": "revised", "score": fair(s, 106, 4)},
        },
        {
            "revised without a score": lambda s, d: {"outcome": "revised"},
            "rejected with a score": lambda s, d: {"outcome": "rejected", "score": 100},
            "unknown outcome": lambda s, d: {"outcome": "upheld"},
            "absurd revised score": lambda s, d: {"outcome": "revised", "score": 10**13},
        },
    ),
    "annual_score": pool({"nothing": lambda s, d: {}}, {"a score instead": lambda s, d: {"score": 4}}),
    "plan_indicators": pool(
        {
            "two indicators, one measurable": lambda s, d: {"indicators": [{"text": "Draft two laws", "measurable": True}, {"text": "Improve coordination", "measurable": False}]},
            "four indicators": lambda s, d: {"indicators": [{"text": f"Indicator {i}", "measurable": i % 2 == 0} for i in range(4)]},
        },
        {
            "five indicators": lambda s, d: {"indicators": [{"text": f"Indicator {i}", "measurable": True} for i in range(5)]},
            "none": lambda s, d: {"indicators": []},
            "none measurable": lambda s, d: {"indicators": [{"text": "Be kind", "measurable": False}]},
            "empty text": lambda s, d: {"indicators": [{"text": "", "measurable": True}]},
        },
    ),
    "plan_corrections": pool(
        {
            "no corrections": lambda s, d: {},
            "three measurable indicators": lambda s, d: {"indicators": [{"text": f"Indicator {i}", "measurable": True} for i in range(3)]},
        },
        {"none left": lambda s, d: {"indicators": []}, "none measurable": lambda s, d: {"indicators": [{"text": "x", "measurable": False}]}},
    ),
    "plan_score": pool(
        {
            "two scores": lambda s, d: {"scores": [4, 5]},
            "three scores": lambda s, d: {"scores": [3, 3, 4]},
            "four scores": lambda s, d: {"scores": [4, 4, 5, 2]},
        },
        {"above 5": lambda s, d: {"scores": [6, 4]}, "none": lambda s, d: {"scores": []}, "not numbers": lambda s, d: {"scores": ["good", "bad"]}},
    ),
    "kpi_plan": pool(
        {
            "three growth KPIs": lambda s, d: kpis((10, "increase"), (10, "increase"), (10, "increase")),
            "four, one to decrease": lambda s, d: kpis((10, "increase"), (20, "increase"), (5, "decrease"), (0, "increase")),
        },
        {
            "two KPIs": lambda s, d: kpis((10, "increase"), (10, "increase")),
            "negative plan": lambda s, d: kpis((-1, "increase"), (10, "increase"), (10, "increase")),
            "sideways": lambda s, d: kpis((10, "sideways"), (10, "increase"), (10, "increase")),
            "six KPIs": lambda s, d: kpis(*[(10, "increase")] * 6),
        },
    ),
    "kpi_actuals": pool(
        {
            "all met": lambda s, d: {"actuals": [10, 10, 10]},
            "partly met": lambda s, d: {"actuals": [8, 9, 10]},
            "four actuals": lambda s, d: {"actuals": [10, 20, 5, 3]},
        },
        {"negative": lambda s, d: {"actuals": [-1, 10, 10]}, "too few": lambda s, d: {"actuals": [1, 2]}, "not a list": lambda s, d: {"actuals": "ten"}},
    ),
    "kpi_scores": pool(
        {
            "all fives": lambda s, d: {"scores": [5, 5, 5]},
            "as realised": lambda s, d: {"scores": [4, 4.5, 5]},
            "four fives": lambda s, d: {"scores": [5, 5, 5, 5]},
        },
        {"above 5": lambda s, d: {"scores": [6, 5, 5]}, "too precise": lambda s, d: {"scores": [4.999, 5, 5]}, "too low": lambda s, d: {"scores": [0, 0, 0]}},
    ),
    "differentiation_scores": pool(
        {"all four": lambda s, d: parameters([4]), "mixed": lambda s, d: parameters([3, 4.5, 5, 2])},
        {
            "a parameter missing": lambda s, d: {"scores": {p: {"score": 4, "justification": "ok"} for p in PARAMETERS[:-1]}},
            "blank justification": lambda s, d: parameters([4], " "),
            "above 5": lambda s, d: parameters([5.5]),
            "unknown parameter": lambda s, d: {"scores": {**parameters([4])["scores"], "charm": {"score": 5, "justification": "x"}}},
        },
    ),
    "survey_invite": pool(
        {
            "manager and two peers": lambda s, d: {"respondents": [
                {"servant": s.ids["manager"], "role": "manager"}, *({"servant": p, "role": "peer"} for p in s.peers()[:2])]},
            "manager and four peers": lambda s, d: {"respondents": [
                {"servant": s.ids["manager"], "role": "manager"}, {"servant": s.ids["member"], "role": "peer"},
                *({"servant": p, "role": "peer"} for p in s.peers())]},
        },
        {
            "two respondents": lambda s, d: {"respondents": [{"servant": p, "role": "peer"} for p in s.peers()[:2]]},
            "the servant among them": lambda s, d: {"respondents": [
                {"servant": s.ids[s.subject], "role": "peer"}, *({"servant": p, "role": "peer"} for p in s.peers()[:2])]},
            "two managers": lambda s, d: {"respondents": [
                {"servant": s.ids["manager"], "role": "manager"}, {"servant": s.ids["official"], "role": "manager"}, {"servant": s.peers()[0], "role": "peer"}]},
            "nobody of that id": lambda s, d: {"respondents": [{"servant": 99999, "role": "peer"}, *({"servant": p, "role": "peer"} for p in s.peers()[:2])]},
            "unknown role": lambda s, d: {"respondents": [{"servant": p, "role": "friend"} for p in s.peers()]},
        },
    ),
    "survey_answer": pool(
        {"mostly fours": lambda s, d: answers([4]), "mixed": lambda s, d: answers([3, 5, 4, 2])},
        {
            "a competency missing": lambda s, d: answers([4], STAFF_COMPETENCIES[:-1]),
            "answer 6": lambda s, d: answers([6]),
            "two answers each": lambda s, d: {"answers": {c: [4, 4] for c in STAFF_COMPETENCIES}},
            "half points": lambda s, d: answers([3.5]),
        },
    ),
    "survey_result": pool({"nothing": lambda s, d: {}}, {"a score instead": lambda s, d: {"score": 4}}),
    "calibration_application": pool(
        {"free form": lambda s, d: {"text": "I ask for a calibration session: the KPI data were late"}},
        {"empty text": lambda s, d: {"text": ""}, "no text": lambda s, d: {}},
    ),
    "calibration_decline": pool({"with a reason": lambda s, d: {"reason": "The score follows Annex 3"}}, {"no reason": lambda s, d: {"reason": ""}}),
    "calibration_convene": pool(
        {
            "three members": lambda s, d: {"participants": [s.ids["hr"], s.ids["member"], s.peers()[0]]},
            "five members": lambda s, d: {"participants": [s.ids["official"], s.ids["member"], *s.peers()[:2], s.ids["hr"]]},
        },
        {
            "nobody": lambda s, d: {"participants": []},
            "the servant themself": lambda s, d: {"participants": [s.ids[s.subject], s.ids["hr"]]},
            "nobody of that id": lambda s, d: {"participants": [99999]},
        },
    ),
    "calibration_session": pool(
        {
            "three of three": lambda s, d: {"votes": {str(s.ids["hr"]): 4, str(s.ids["member"]): 4, str(s.peers()[0]): 4.5}},
            "three of five": lambda s, d: {"votes": {str(s.ids["official"]): 4.5, str(s.ids["member"]): 4.5, str(s.peers()[0]): 4.5}},
        },
        {
            "no majority": lambda s, d: {"votes": {str(s.ids["hr"]): 4, str(s.ids["member"]): 5}},
            "an outsider votes": lambda s, d: {"votes": {str(s.peers()[-1]): 4}},
            "above the scale": lambda s, d: {"votes": {str(s.ids["hr"]): 7, str(s.ids["member"]): 7, str(s.peers()[0]): 7}},
            "no votes": lambda s, d: {"votes": {}},
        },
    ),
}


# --- machines, with what each needs before its cycle opens ------------------------------


def appraisal_id(org: Org, name: str, kind: str, period: str) -> int:
    return org.appraisal(name, kind, period).id  # type: ignore[return-value]


def quarter_decided(org: Org, name: str) -> None:
    """mne2017 2026-Q1 up to the commission's decision, as in test_lifecycle_smoke.py."""
    ids, a = org.ids, appraisal_id(org, name, "quarterly", "2026-Q1")
    assessor = "manager" if name in SUBORDINATES else "official"
    act(org.engine, a, ids[name], "submit", {"bonus_items": [{"description": "Draft law", "points": 3}]}, on=date(2026, 4, 2))
    act(org.engine, a, ids[assessor], "agree", {"bonus_items": [{"description": "Draft law", "points": 4}]}, on=date(2026, 4, 3))
    act(org.engine, a, ids[name], "sign", on=date(2026, 4, 6))
    votes = {str(ids[p]): "approve" for p in ("official", "manager", "member")}
    act(org.engine, a, ids["hr"], "decide", {"held_on": "2026-04-08", "present": [ids[p] for p in ("official", "manager", "member")], "votes": votes}, on=date(2026, 4, 8))


def plan_scored(org: Org, name: str) -> None:
    """mne2017 2026 individual plan, drawn up in January and scored."""
    ids, a = org.ids, appraisal_id(org, name, "plan", "2026")
    indicators = [{"text": "Draft two laws", "measurable": True}, {"text": "Improve coordination", "measurable": False}]
    act(org.engine, a, ids[name], "submit", {"indicators": indicators}, on=date(2026, 1, 6))
    act(org.engine, a, ids["manager"], "agree", {}, on=date(2026, 1, 7))
    act(org.engine, a, ids[name], "confirm", on=date(2026, 1, 8))
    act(org.engine, a, ids["manager"], "score", {"scores": [4, 5]}, on=date(2026, 12, 1))


def mne2017_year(org: Org) -> None:
    open_cycle(org.engine, org.code, "quarterly", "2026-Q1", on=date(2026, 4, 1))
    open_cycle(org.engine, org.code, "plan", "2026", on=date(2026, 1, 5))
    for name in SUBORDINATES:
        quarter_decided(org, name)
        plan_scored(org, name)


def typical2023_year(org: Org) -> None:
    open_cycle(org.engine, org.code, "differentiation", "2026-Q1", on=date(2026, 4, 1))
    for name in SUBORDINATES:
        a = appraisal_id(org, name, "differentiation", "2026-Q1")
        act(org.engine, a, org.ids["manager"], "score", parameters([4]), on=date(2026, 4, 6))


@dataclass(frozen=True)
class Machine:
    methodology: str
    kind: str
    period: str
    opened_on: date
    subjects: tuple[str, ...] = tuple(SUBORDINATES)
    prepare: Callable[[Org], None] | None = None

    def __str__(self) -> str:
        return f"{self.methodology}-{self.kind}"

    def actions(self) -> list[str]:
        return sorted({row.action for row in loader.load(self.methodology).flow(self.kind).transitions})  # type: ignore[arg-type]


MACHINES = [
    Machine("mne2017", "quarterly", "2026-Q1", date(2026, 4, 1)),
    Machine("mne2017", "annual", "2026", date(2026, 12, 1), prepare=mne2017_year),
    Machine("mne2017", "plan", "2026", date(2026, 1, 5)),
    Machine("typical2023", "kpi", "2026-Q1", date(2026, 4, 1), subjects=("manager",)),  # KPIs are for heads
    Machine("typical2023", "differentiation", "2026-Q1", date(2026, 4, 1)),
    Machine("typical2023", "360", "2026", date(2026, 12, 21)),
    Machine("typical2023", "annual", "2026", date(2027, 1, 4), prepare=typical2023_year),
]


def build(engine: Engine, machine: Machine) -> Org:
    """The organisation, the machine's prerequisites, and its cycle opened."""
    org = organisation(engine, machine.methodology)
    if machine.prepare:
        machine.prepare(org)
    open_cycle(engine, org.code, machine.kind, machine.period, on=machine.opened_on)
    return org


# --- what a run checks ---------------------------------------------------------------------


def is_final(methodology: str, kind: str, state: str) -> bool:
    return loader.load(methodology).flow(kind).states[state].final  # type: ignore[arg-type]


@dataclass
class Run:
    """One appraisal driven step by step, with the invariants checked after each step."""

    scene: Scene
    day: date
    rows: dict[str, list[tuple[Any, ...]]] = field(init=False)
    opening: int = field(init=False)
    version: int = field(init=False)
    state: str = field(init=False)
    successes: int = 0
    trail: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rows = snapshot(self.scene.engine)
        with transaction(self.scene.engine) as session:
            appraisal = session.get(Appraisal, self.scene.appraisal_id)
            assert appraisal is not None
            self.version, self.state = appraisal.version, appraisal.state
            self.opening = len(self.events(session))
        assert self.opening == 1, "an appraisal starts with its opening audit event"

    def events(self, session: Any) -> list[AuditEvent]:
        query = select(AuditEvent).where(AuditEvent.appraisal_id == self.scene.appraisal_id).order_by(AuditEvent.id)  # type: ignore[arg-type]
        return list(session.exec(query))

    def step(self, action: str, actor: str, payload: Payload) -> None:
        scene = self.scene
        body = payload.make(scene, self.day)
        where = f"step {len(self.trail) + 1}: {actor} {action} {payload!r} on {self.day} (after {self.trail})"
        before = self.state
        try:
            outcome = act(scene.engine, scene.appraisal_id, scene.ids[actor], action, body, on=self.day)
        except InvalidInput as refusal:
            after = snapshot(scene.engine)
            changed = sorted(t for t in after if after[t] != self.rows.get(t))
            assert not changed, f"{where}: refused ({refusal.code}) but changed {changed}"  # (3)
            self.trail.append(f"{action}:{refusal.code}")
        except Exception as error:  # (4) nothing else may escape act()
            raise AssertionError(f"{where}: {type(error).__name__} escaped act(): {error}") from error
        else:
            self.successes += 1
            self.trail.append(action)
            self.rows = snapshot(scene.engine)
            bump = 0 if action == "answer" else 1  # a 360 answer is a tally update, not a claim on the version
            assert outcome.version == self.version + bump, f"{where}: version {self.version} -> {outcome.version}"  # (5)
            assert outcome.from_state == before, where
            self.version = outcome.version
        self.check(where)

    def check(self, where: str) -> None:
        scene = self.scene
        with transaction(scene.engine) as session:
            appraisal = session.get(Appraisal, scene.appraisal_id)
            assert appraisal is not None
            events = self.events(session)
            # (1) the state is the latest audit event's; one event per successful action
            assert appraisal.state == events[-1].to_state, f"{where}: state {appraisal.state}, audit says {events[-1].to_state}"
            assert len(events) == self.opening + self.successes, f"{where}: {len(events)} audit events, {self.successes} successes"
            # (5) the version counts the successful actions
            assert appraisal.version == self.version, f"{where}: version {appraisal.version}, expected {self.version}"
            self.state = appraisal.state
            # (2) no open deadline on any appraisal in a final state
            query = select(Appraisal, Deadline.step).join(Deadline, Deadline.appraisal_id == Appraisal.id).where(Deadline.status == "open")
            stuck = [(a.id, a.state, step) for a, step in session.exec(query) if is_final(a.methodology, a.kind, a.state)]
            assert not stuck, f"{where}: open deadlines on final appraisals {stuck}"

    @property
    def final(self) -> bool:
        return is_final(self.scene.methodology, self.scene.kind, self.state)


# --- choosing steps: hypothesis draws, or a seeded random generator ------------------------


class Choices(Protocol):
    def pick(self, label: str, options: Sequence[T]) -> T: ...


@dataclass
class Drawn:
    data: st.DataObject

    def pick(self, label: str, options: Sequence[T]) -> T:
        return self.data.draw(st.sampled_from(options), label=label)


@dataclass
class Seeded:
    rng: random.Random

    def pick(self, label: str, options: Sequence[T]) -> T:
        return self.rng.choice(list(options))


# How a step is chosen: mostly a move somebody may make now that does not end the
# appraisal (so runs get deep into the table), sometimes any move somebody may make, and
# sometimes any action of the table by anyone.
AIMS = ["onward"] * 6 + ["allowed"] * 2 + ["anything"] * 2
BROKEN = [False] * 4 + [True]  # one payload in five is broken


def allowed_moves(run: Run, onward: bool) -> list[tuple[str, str]]:
    """(action, person) pairs `allowed()` offers now; `onward`: those not ending the appraisal."""
    scene = run.scene
    moves = []
    with transaction(scene.engine) as session:
        appraisal = session.get(Appraisal, scene.appraisal_id)
        for name in PEOPLE:
            person = session.get(Servant, scene.ids[name])
            moves += [(row, name) for row in allowed(session, appraisal, person)]  # type: ignore[arg-type]
    if onward:
        moves = [(row, name) for row, name in moves if row.to == STAY or not is_final(scene.methodology, scene.kind, row.to)] or moves
    return sorted({(row.action, name) for row, name in moves})


def handler_of(machine: Machine, action: str, state: str) -> str | None:
    """The handler of `action` from `state`, or from anywhere if it cannot be taken there."""
    rows = [row for row in loader.load(machine.methodology).flow(machine.kind).transitions if row.action == action]  # type: ignore[arg-type]
    row = next((r for r in rows if state in r.source), rows[0])
    return row.handler


def take_a_step(run: Run, machine: Machine, choices: Choices) -> None:
    aim = choices.pick("aim", AIMS)
    moves = allowed_moves(run, onward=aim == "onward") if aim != "anything" else []
    if moves:
        action, actor = choices.pick("move", moves)
    else:
        action, actor = choices.pick("action", machine.actions()), choices.pick("actor", PEOPLE)
    payloads = POOLS[handler_of(machine, action, run.state)]
    broken = choices.pick("broken", BROKEN)
    payload = choices.pick("payload", [p for p in payloads if p.valid != broken] or payloads)
    run.day += timedelta(days=choices.pick("days later", range(7)))
    run.step(action, actor, payload)


# --- SQLite seeds for hypothesis ---------------------------------------------------------


@pytest.fixture(scope="module")
def seeds(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Machine], Scene]]:
    """A function giving a fresh copy of a machine's seeded SQLite database per example."""
    folder = tmp_path_factory.mktemp("lifecycle_seeds")
    built: dict[str, tuple[Path, dict[str, int], str]] = {}
    engines: list[Engine] = []

    def scene(machine: Machine) -> Scene:
        key = str(machine)
        if key not in built:
            path = folder / f"{key}.sqlite3"
            shutil.copy(sqlite_template, path)
            seeding = make_engine(f"sqlite:///{path}")
            org = build(seeding, machine)
            seeding.dispose()  # checkpoints the WAL into the file
            built[key] = (path, org.ids, org.code)
        path, ids, code = built[key]
        copy = folder / f"{key}-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copy(path, copy)
        engine = make_engine(f"sqlite:///{copy}")
        engines.append(engine)
        org = Org(engine, code, dict(ids))
        subject = machine.subjects[0]
        return Scene(org, machine.methodology, machine.kind, subject, appraisal_id(org, subject, machine.kind, machine.period))

    yield scene
    for engine in engines:
        engine.dispose()


@pytest.mark.parametrize("machine", MACHINES, ids=str)
@SETTINGS
@given(data=st.data())
def test_random_steps_keep_the_lifecycle_invariants(machine: Machine, seeds: Callable[[Machine], Scene], data: st.DataObject) -> None:
    scene = seeds(machine)
    try:
        run = Run(scene, machine.opened_on)
        choices = Drawn(data)
        for _ in range(data.draw(st.integers(1, 12), label="steps")):
            take_a_step(run, machine, choices)
    finally:
        scene.engine.dispose()


# --- the same invariants on both databases: a fixed long replay ----------------------------

REPLAY_STEPS = 40


@pytest.mark.parametrize("machine", MACHINES, ids=str)
def test_a_fixed_long_replay_keeps_the_lifecycle_invariants(db: Engine, machine: Machine) -> None:
    """One seeded sequence per machine, moving on to the next servant's appraisal when one
    reaches its final state, so the whole table is walked on PostgreSQL too."""
    org = build(db, machine)
    choices = Seeded(random.Random(f"lifecycle replay {machine}"))
    steps, finished = 0, []
    for subject in machine.subjects:
        scene = Scene(org, machine.methodology, machine.kind, subject, appraisal_id(org, subject, machine.kind, machine.period))
        run = Run(scene, machine.opened_on)
        while steps < REPLAY_STEPS and not run.final:
            take_a_step(run, machine, choices)
            steps += 1
        finished.append((subject, run.state, run.successes))
        if steps >= REPLAY_STEPS:
            break
    assert sum(successes for _, _, successes in finished) > 0, finished


# --- every payload of the pools, where its action can be taken ---------------------------


def walk(run: Run, machine: Machine, limit: int = 60) -> None:
    """Go through the table deterministically: at each state take the first onward move not
    yet made, trying its broken payloads before the valid ones, so every payload of the
    pools meets a state where its action is allowed. A move that nobody can make today is
    tried again a week later."""
    done: set[tuple[str, str]] = set()
    failed: set[tuple[str, str]] = set()
    for _ in range(limit):
        if run.final:
            return
        moves = [m for m in allowed_moves(run, onward=True) if m not in done | failed]
        if not moves:
            if not failed:
                return
            run.day += timedelta(days=7)
            failed.clear()
            continue
        action, actor = moves[0]
        for payload in sorted(POOLS[handler_of(machine, action, run.state)], key=lambda p: p.valid):
            run.step(action, actor, payload)
            if run.trail[-1] == action:
                done.add((action, actor))
                break
        else:
            failed.add((action, actor))
        run.day += timedelta(days=1)


@pytest.mark.parametrize("machine", MACHINES, ids=str)
def test_every_pooled_payload_meets_its_action(db: Engine, machine: Machine) -> None:
    org = build(db, machine)
    subject = machine.subjects[0]
    run = Run(Scene(org, machine.methodology, machine.kind, subject, appraisal_id(org, subject, machine.kind, machine.period)), machine.opened_on)
    walk(run, machine)
    assert run.successes >= 3, run.trail

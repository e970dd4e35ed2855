"""Two actors racing on one appraisal (states/service.py), on SQLite and PostgreSQL.

`act` claims the appraisal's version with `UPDATE ... WHERE version = ?`: of two actors
racing, one wins and the other is refused, and the appraisal records exactly one of the
two actions. Under PostgreSQL each thread has its own pooled connection; under SQLite
BEGIN IMMEDIATE queues the second writer behind the first (busy_timeout 5 s).

(a) both with the same `expected_version`: one succeeds, the other gets a `Conflict`;
(b) without `expected_version`: the loser gets a `Conflict` or a `not_now` refusal (the
    state moved on), never a lost update, never two audit events from the same state;
(c) a stale `expected_version` is refused with a `Conflict` and changes nothing.

Each race is repeated on ten fresh appraisals (two quarters of seven appraised servants)
so that different interleavings get their chance.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Callable

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology.errors import InvalidInput
from models import Appraisal, AuditEvent, BonusItem
from models.db import transaction
from states.cycles import open_cycle
from states.errors import Conflict
from states.service import Outcome, act
from tests.checks import snapshot
from tests.factories import Org, organisation

ROUNDS = 10
QUARTERS = {"2026-Q1": date(2026, 4, 1), "2026-Q2": date(2026, 7, 1)}
ASSESSOR = {"hr": "official", "member": "official", "manager": "official",
            "servant": "manager", "colleague1": "manager", "colleague2": "manager", "colleague3": "manager"}
COMMISSION = ("official", "manager", "member")


# --- appraisals to race on ---------------------------------------------------------------


@dataclass
class Subject:
    """One appraisal of one servant in one quarter, and who acts on it."""

    org: Org
    name: str
    period: str
    appraisal_id: int

    @property
    def day(self) -> date:
        return QUARTERS[self.period]

    def id(self, name: str) -> int:
        return self.org.ids[name]

    @property
    def assessor(self) -> int:
        return self.id(ASSESSOR[self.name])

    @property
    def hr(self) -> int:
        """Who takes HR's steps: the head of HR, but on their own appraisal the appointing
        official (no one acts on their own appraisal in another role, states/people.py)."""
        return self.id("official" if self.name == "hr" else "hr")

    def act(self, actor: int, action: str, payload: dict[str, Any] | None = None, **kwargs: Any) -> Outcome:
        return act(self.org.engine, self.appraisal_id, actor, action, payload, on=self.day, **kwargs)


def subjects(engine: Engine) -> list[Subject]:
    """Ten fresh mne2017 quarterly appraisals, all in their draft."""
    org = organisation(engine, "mne2017")
    found = []
    for period, opened_on in QUARTERS.items():
        open_cycle(engine, org.code, "quarterly", period, on=opened_on)
        for name in ASSESSOR:
            found.append(Subject(org, name, period, org.appraisal(name, "quarterly", period).id))  # type: ignore[arg-type]
    return found[:ROUNDS]


def bonus(points: int) -> dict[str, Any]:
    return {"bonus_items": [{"description": "Draft law", "points": points}]}


def submitted(s: Subject) -> None:
    s.act(s.id(s.name), "submit", bonus(3))


def decided(s: Subject) -> None:
    submitted(s)
    s.act(s.assessor, "agree", bonus(4))
    s.act(s.id(s.name), "sign")
    voters = [s.id(p) for p in COMMISSION if p != s.name]  # a member never votes on their own result
    s.act(s.hr, "decide", {"held_on": s.day.isoformat(), "present": voters, "votes": {str(v): "approve" for v in voters}})


# --- what a contender does, and what the appraisal looks like afterwards -----------------


@dataclass(frozen=True)
class Contender:
    actor: Callable[[Subject], int]
    action: str
    payload: dict[str, Any] | None = None


@dataclass(frozen=True)
class Contest:
    name: str
    prepare: Callable[[Subject], None]
    first: Contender
    second: Contender

    def __str__(self) -> str:
        return self.name


AGREE_TWICE = Contest(
    "manager agrees twice, 101 vs 105", submitted,
    Contender(lambda s: s.assessor, "agree", bonus(1)),
    Contender(lambda s: s.assessor, "agree", bonus(5)),
)
FAMILIARISE_OR_ACT = Contest(
    "HR familiarises vs HR draws up a refusal act", decided,
    Contender(lambda s: s.hr, "familiarise"),
    Contender(lambda s: s.hr, "refuse_familiarisation", {"text": "Refused to be familiarised", "witnesses": []}),
)
AGREE_OR_WITHDRAW = Contest(
    "manager agrees vs HR withdraws on dismissal", submitted,
    Contender(lambda s: s.assessor, "agree", bonus(2)),
    Contender(lambda s: s.hr, "withdraw", {"dismissed_on": "2026-04-01"}),
)


@dataclass
class Look:
    state: str
    version: int
    score: Decimal | None
    events: list[AuditEvent]
    bonus: list[tuple[str, int | None, int | None]]


def look(s: Subject) -> Look:
    with transaction(s.org.engine) as session:
        appraisal = session.get(Appraisal, s.appraisal_id)
        assert appraisal is not None
        events = list(session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == s.appraisal_id).order_by(AuditEvent.id)))  # type: ignore[arg-type]
        items = session.exec(select(BonusItem).where(BonusItem.appraisal_id == s.appraisal_id))
        bonus = sorted((i.description, i.self_points, i.points) for i in items)
        return Look(appraisal.state, appraisal.version, appraisal.score, events, bonus)


def race(*calls: Callable[[], Outcome]) -> list[Outcome | BaseException]:
    """Run the calls in threads released together by a barrier; what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Outcome | BaseException | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a racing act() hung"
    return results  # type: ignore[return-value]


def contend(s: Subject, contest: Contest, with_version: bool) -> tuple[Look, list[Outcome | BaseException]]:
    """Bring the appraisal to the contest's state, then release both contenders at once,
    each passing the version both have read (`with_version`) or none."""
    contest.prepare(s)
    before = look(s)
    kwargs = {"expected_version": before.version} if with_version else {}
    results = race(*(
        (lambda c=c: s.act(c.actor(s), c.action, c.payload, **kwargs))  # type: ignore[misc]
        for c in (contest.first, contest.second)
    ))
    return before, results


def code(result: Outcome | BaseException) -> str:
    if isinstance(result, Outcome):
        return "ok"
    if isinstance(result, InvalidInput):
        return f"{type(result).__name__}:{result.code}"
    return f"{type(result).__name__}: {result}"  # anything else escaping act() is a bug


def check_one_winner(s: Subject, before: Look, results: list[Outcome | BaseException]) -> Outcome:
    """Exactly one success, recorded once, with its own data, and the version bumped once."""
    winners = [r for r in results if isinstance(r, Outcome)]
    assert len(winners) == 1, f"{s.name} {s.period}: {[code(r) for r in results]}"
    winner = winners[0]
    after = look(s)
    new = after.events[len(before.events):]
    assert [(e.action, e.from_state, e.to_state) for e in new] == [(winner.action, before.state, winner.to_state)]
    assert new[0].data == winner.data
    assert after.version == before.version + 1 == winner.version
    assert after.state == winner.to_state
    if "score" in winner.data:  # the winner's sheet, not a mix of both: 100 + its points (п.26)
        assert after.score == Decimal(winner.data["score"])
        assert after.bonus == [("Draft law", 3, int(after.score) - 100)]
    return winner


# --- (a) the same expected version: one wins, the other gets a Conflict -------------------


@pytest.mark.parametrize("contest", [AGREE_TWICE, FAMILIARISE_OR_ACT], ids=str)
def test_racing_with_the_same_expected_version_one_wins_the_other_conflicts(db: Engine, contest: Contest) -> None:
    losers = []
    for s in subjects(db):
        before, results = contend(s, contest, with_version=True)
        winner = check_one_winner(s, before, results)
        losers += [code(r) for r in results if r is not winner]
    # every loser was told the appraisal changed under it (docstring of states/service.py)
    assert losers == ["Conflict:conflict"] * ROUNDS, losers


# --- (b) no expected version: never a lost update ----------------------------------------


@pytest.mark.parametrize("contest", [AGREE_TWICE, FAMILIARISE_OR_ACT], ids=str)
def test_racing_without_expected_version_never_loses_an_update(db: Engine, contest: Contest) -> None:
    for s in subjects(db):
        before, results = contend(s, contest, with_version=False)
        winner = check_one_winner(s, before, results)
        (loser,) = [r for r in results if r is not winner]
        assert code(loser) in ("Conflict:conflict", "Refused:not_now"), f"{s.name} {s.period}: {code(loser)}"


def test_racing_actions_that_can_follow_each_other_are_applied_one_after_the_other(db: Engine) -> None:
    """agree (submitted → agreed) and withdraw (from submitted or agreed): both may succeed,
    but then one after the other, each from the state the other left."""
    for s in subjects(db):
        before, results = contend(s, AGREE_OR_WITHDRAW, with_version=False)
        winners = [r for r in results if isinstance(r, Outcome)]
        assert winners, [code(r) for r in results]
        assert all(isinstance(r, Outcome) or code(r) in ("Conflict:conflict", "Refused:not_now") for r in results), [code(r) for r in results]
        after = look(s)
        new = after.events[len(before.events):]
        assert len(new) == len(winners) and after.version == before.version + len(winners)
        chain = [before.state] + [e.to_state for e in new]
        assert [e.from_state for e in new] == chain[:-1], f"two events from one state: {[(e.action, e.from_state) for e in new]}"
        assert after.state == chain[-1]
        if len(winners) == 2:
            assert [e.action for e in new] == ["agree", "withdraw"]  # withdraw first leaves nothing to agree


# --- (c) a stale expected version changes nothing ---------------------------------------


STALE = {
    # the manager's sheet was read at version 1, before the servant submitted (now 2)
    "the action is still possible": ("manager", "agree", bonus(4), lambda v: v - 1),
    # the servant's client resends the submit it already made at version 1
    "the same request sent again": ("servant", "submit", bonus(3), lambda v: v - 1),
    # a version nobody has seen yet
    "a version from the future": ("manager", "agree", bonus(4), lambda v: v + 1),
}


@pytest.mark.parametrize("case", list(STALE))
def test_a_stale_expected_version_is_a_conflict_and_changes_nothing(db: Engine, case: str) -> None:
    s = next(s for s in subjects(db) if s.name == "servant")  # Q1
    submitted(s)
    actor, action, payload, stale = STALE[case]
    version = look(s).version
    rows = snapshot(db)
    with pytest.raises(InvalidInput) as refusal:
        s.act(s.id(actor), action, payload, expected_version=stale(version))
    assert snapshot(db) == rows
    assert isinstance(refusal.value, Conflict) and refusal.value.code == "conflict", (
        f"{case}: expected_version={stale(version)} (current {version}) refused as "
        f"{type(refusal.value).__name__}:{refusal.value.code}"
    )

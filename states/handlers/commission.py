"""The Evaluation Commission's decision (mne2017 п.6–9, п.34–35): quorum of two thirds,
open vote by simple majority of those voting, the chair's vote decides a tie, the
secretary (HR) does not vote; approve the result or revise it with an explanation."""

from __future__ import annotations

from datetime import date
from math import ceil
from typing import Any, Literal, Optional

from pydantic import Field
from sqlmodel import col, select

from methodology.scoring.requests import Number
from models import Attendance, Commission, CommissionMember, Meeting, Servant, Vote
from models.db import id_of
from states import people
from states.handlers import Context, handler
from states.handlers.records import set_score
from states.handlers.sheets import Payload


class Proposal(Payload):
    score: Number
    explanation: str = Field(min_length=1)


class Decision(Payload):
    held_on: date
    present: list[int]
    votes: dict[int, Literal["approve", "revise"]]
    proposal: Optional[Proposal] = None


@handler("commission_decision")
def commission_decision(ctx: Context) -> dict[str, Any]:
    decision = ctx.parse(Decision)
    members = _members(ctx, decision.held_on)
    voters = people.voters({person: m.role for person, m in members.items()}, ctx.appraisal)
    voting = {person: m for person, m in members.items() if person in voters}
    present = set(decision.present)
    strangers = sorted(present - set(members))
    if strangers:
        raise ctx.fail("not_member", "present", strangers[0], "п.6")
    needed = ceil(len(voting) * 2 / 3)
    quorum = len(present & set(voting))
    if quorum < needed:
        raise ctx.fail("quorum", "present", quorum, "п.7", present=quorum, members=len(voting), needed=needed)
    for person in decision.votes:
        if person in members and members[person].role == "secretary":
            raise ctx.fail("secretary_vote", f"votes.{person}", decision.votes[person], "п.9")
        if person == ctx.appraisal.servant_id:
            raise ctx.fail("own_result", f"votes.{person}", decision.votes[person])
        if person not in voting or person not in present:
            raise ctx.fail("not_member", f"votes.{person}", decision.votes[person], "п.8")
    outcome, casting = _tally(ctx, decision, voting)
    if outcome == "revise" and decision.proposal is None:
        raise ctx.fail("missing", "proposal", None, "п.35")
    _minute(ctx, decision, members)
    data = {"decision": outcome, "casting_vote": casting, "approve": _count(decision, "approve"), "revise": _count(decision, "revise")}
    if outcome == "revise":
        assert decision.proposal is not None
        data |= set_score(ctx, decision.proposal.score, "proposal.score") | {"explanation": decision.proposal.explanation}
    return data


def _members(ctx: Context, day: date) -> dict[int, CommissionMember]:
    """The members of the body's commission in force on the day (the latest order)."""
    servant = ctx.session.get(Servant, ctx.appraisal.servant_id)
    assert servant is not None
    commission = ctx.session.exec(
        select(Commission).where(Commission.state_body_id == servant.state_body_id, Commission.formed_on <= day).order_by(col(Commission.formed_on).desc())
    ).first()
    if commission is None:
        raise ctx.fail("not_found", "commission", day.isoformat(), "п.6")
    rows = ctx.session.exec(select(CommissionMember).where(CommissionMember.commission_id == commission.id))
    return {row.servant_id: row for row in rows}


def _count(decision: Decision, choice: str) -> int:
    return sum(vote == choice for vote in decision.votes.values())


def _tally(ctx: Context, decision: Decision, voting: dict[int, CommissionMember]) -> tuple[str, bool]:
    approve, revise = _count(decision, "approve"), _count(decision, "revise")
    if approve != revise:
        return ("approve" if approve > revise else "revise"), False
    chair = next((person for person, member in voting.items() if member.role == "chair"), None)
    if chair is None or chair not in decision.votes:
        raise ctx.fail("no_majority", "votes", f"{approve}:{revise}", "п.9")
    return decision.votes[chair], True  # п.9: on a tie the chair's vote decides


def _minute(ctx: Context, decision: Decision, members: dict[int, CommissionMember]) -> None:
    commission_id = next(iter(members.values())).commission_id
    meeting = ctx.session.exec(select(Meeting).where(Meeting.commission_id == commission_id, Meeting.held_on == decision.held_on)).first()
    if meeting is None:
        meeting = Meeting(commission_id=commission_id, held_on=decision.held_on)
        ctx.session.add(meeting)
        ctx.session.flush()
        for person, member in members.items():
            ctx.session.add(Attendance(meeting_id=id_of(meeting), member_id=id_of(member), present=person in decision.present))
    proposed = decision.proposal.score if decision.proposal else None
    for person, choice in decision.votes.items():
        ctx.session.add(
            Vote(
                meeting_id=id_of(meeting),
                appraisal_id=id_of(ctx.appraisal),
                member_id=id_of(members[person]),
                decision=choice,
                score=proposed if choice == "revise" else None,
            )
        )

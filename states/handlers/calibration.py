"""Calibration on the servant's request (typical2023 п.13, п.38–42): the application, the
appointing official's decision and members, the session whose majority sets the score."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import Field
from sqlmodel import select

from methodology.scoring.requests import Number
from models import CalibrationApplication, CalibrationParticipant, CalibrationSession, CalibrationVote, Servant
from models.db import id_of
from states.handlers import Context, handler
from states.handlers.records import set_score
from states.handlers.sheets import Payload


class Application(Payload):
    text: str = Field(min_length=1)


@handler("calibration_application")
def calibration_application(ctx: Context) -> dict[str, Any]:
    """п.13: in free form, within 5 working days of familiarisation (the `within` check)."""
    ctx.session.add(CalibrationApplication(appraisal_id=id_of(ctx.appraisal), filed_on=ctx.on, text=ctx.parse(Application).text))
    return {}


class Refusal(Payload):
    reason: str = Field(min_length=1)


@handler("calibration_decline")
def calibration_decline(ctx: Context) -> dict[str, Any]:
    return {"reason": ctx.parse(Refusal).reason}


class Convening(Payload):
    participants: list[int] = Field(min_length=1)


@handler("calibration_convene")
def calibration_convene(ctx: Context) -> dict[str, Any]:
    """п.39: the appointing official decides to hold the session and approves its members."""
    people = ctx.parse(Convening).participants
    servant = ctx.session.get(Servant, ctx.appraisal.servant_id)
    assert servant is not None
    for person in people:
        member = ctx.session.get(Servant, person)
        if member is None or member.state_body_id != servant.state_body_id or person == servant.id:
            raise ctx.fail("not_member", "participants", person)
    session = CalibrationSession(appraisal_id=id_of(ctx.appraisal), decided_on=ctx.on, score_before=ctx.appraisal.score)
    ctx.session.add(session)
    ctx.session.flush()
    for person in dict.fromkeys(people):
        ctx.session.add(CalibrationParticipant(session_id=id_of(session), servant_id=person))
    return {"participants": len(set(people))}


class Voting(Payload):
    votes: dict[int, Number]


@handler("calibration_session")
def calibration_session(ctx: Context) -> dict[str, Any]:
    """п.42: the participants support the score or argue for another; the majority decides."""
    votes = ctx.parse(Voting).votes
    session = ctx.session.exec(
        select(CalibrationSession).where(CalibrationSession.appraisal_id == ctx.appraisal.id, CalibrationSession.held_on == None)  # noqa: E711
    ).first()
    assert session is not None, "a convened appraisal has its session"
    participants = {p.servant_id: p for p in ctx.session.exec(select(CalibrationParticipant).where(CalibrationParticipant.session_id == session.id))}
    for person in votes:
        if person not in participants:
            raise ctx.fail("not_member", f"votes.{person}", votes[person])
    scale = ctx.definition.score_span(ctx.kind)
    for person, score in votes.items():
        if not scale.min <= score <= scale.max:
            raise ctx.fail("range", f"votes.{person}", score, low=scale.min, high=scale.max)
    (score, count), *_ = Counter(votes.values()).most_common(1) or [(scale.min, 0)]  # no votes: no majority, below
    if count * 2 <= len(participants):
        raise ctx.fail("no_majority", "votes", f"{count}/{len(participants)}")
    for person, value in votes.items():
        ctx.session.add(CalibrationVote(session_id=id_of(session), participant_id=id_of(participants[person]), score=value))
    data = set_score(ctx, score)
    session.held_on, session.protocol_signed_on, session.score_after = ctx.on, ctx.on, ctx.appraisal.score
    ctx.session.add(session)
    return {**data, "before": str(session.score_before)}

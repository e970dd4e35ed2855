"""The 360 survey (typical2023 п.34–37): HR invites 3 to 7 respondents, each answers once,
anonymously; the result is computed from the pooled answers.

An answer is stored without its respondent (models/survey.py); the audit records that a
respondent answered, never what.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, Literal

from sqlmodel import select

from methodology.scoring.requests import Number
from methodology.scoring.survey360 import check_answers, check_roles, pooled_score
from models import Position, Servant, SurveyAnswer, SurveyInvitation
from states.handlers import Context, handler
from states.handlers.sheets import Payload


class Invitee(Payload):
    servant: int
    role: Literal["manager", "subordinate", "peer"]


class Invitation(Payload):
    respondents: list[Invitee]


@handler("survey_invite")
def survey_invite(ctx: Context) -> dict[str, Any]:
    rules = ctx.definition.survey360
    assert rules is not None
    people = ctx.parse(Invitation).respondents
    check_roles(ctx.definition, [p.role for p in people])  # as a scored survey: п.36
    assessee = ctx.session.get(Servant, ctx.appraisal.servant_id)
    assert assessee is not None
    seen: set[int] = set()
    for index, person in enumerate(people):
        other = ctx.session.get(Servant, person.servant)
        if other is None or other.state_body_id != assessee.state_body_id or person.servant == assessee.id or person.servant in seen:
            raise ctx.fail("not_member", f"respondents[{index}].servant", person.servant, rules.respondents_paragraph)
        seen.add(person.servant)
        ctx.session.add(SurveyInvitation(appraisal_id=ctx.appraisal.id, respondent_id=person.servant, role=person.role))
    ctx.session.add(SurveyInvitation(appraisal_id=ctx.appraisal.id, respondent_id=assessee.id, role="self"))
    return {"respondents": len(people)}


class Answers(Payload):
    answers: dict[str, list[Number]]


@handler("survey_answer")
def survey_answer(ctx: Context) -> dict[str, Any]:
    invitation = ctx.session.exec(
        select(SurveyInvitation).where(
            SurveyInvitation.appraisal_id == ctx.appraisal.id,
            SurveyInvitation.respondent_id == ctx.actor.id,
            SurveyInvitation.answered == False,  # noqa: E712
        )
    ).first()
    if invitation is None:
        raise ctx.fail("not_invited", "respondent", ctx.actor.id)
    answers = ctx.parse(Answers).answers
    check_answers(ctx.definition, assessee_group(ctx), "answers", answers)
    for competency, values in answers.items():
        for question, value in enumerate(values):
            ctx.session.add(SurveyAnswer(
                appraisal_id=ctx.appraisal.id, competency=competency, question=question,
                value=int(value), is_self=invitation.role == "self",
            ))
    invitation.answered = True
    ctx.session.add(invitation)
    return {}  # what was answered stays out of the audit trail (п.34)


@handler("survey_result")
def survey_result(ctx: Context) -> dict[str, Any]:
    rules = ctx.definition.survey360
    assert rules is not None
    ctx.parse(Payload)
    answered = ctx.session.exec(
        select(SurveyInvitation).where(SurveyInvitation.appraisal_id == ctx.appraisal.id, SurveyInvitation.answered == True)  # noqa: E712
    ).all()
    others = [i for i in answered if i.role != "self"]
    if len(others) < rules.respondents.min:
        raise ctx.fail("too_few_answers", "respondents", len(others), rules.respondents_paragraph,
                       present=len(others), needed=rules.respondents.min)
    pooled: dict[str, list[Decimal]] = defaultdict(list)
    own: dict[str, list[Decimal]] = defaultdict(list)
    for answer in ctx.session.exec(select(SurveyAnswer).where(SurveyAnswer.appraisal_id == ctx.appraisal.id)):
        (own if answer.is_self else pooled)[answer.competency].append(Decimal(answer.value))
    result = pooled_score(ctx.definition, assessee_group(ctx), pooled, own or None, len(others))
    return {**ctx.record(result), "weakest": result.details["weakest"]}


def assessee_group(ctx: Context) -> Literal["head", "staff"]:
    """Heads answer Annex 5's twelve competencies, staff Annex 6's eight (п.35)."""
    servant = ctx.session.get(Servant, ctx.appraisal.servant_id)
    position = servant and servant.position_id and ctx.session.get(Position, servant.position_id)
    return "head" if ctx.definition.is_head(position.category if position else None) else "staff"


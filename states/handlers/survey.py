"""The 360 survey (typical2023 п.34–37): HR invites 3 to 7 respondents, each answers once,
anonymously; the result is computed from the pooled answers.

Answers are counted into the survey's tally, every cell touched by each answer
(models/survey.py says why); the audit records that a respondent answered, never what.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import case, insert, tuple_, update
from sqlmodel import col, select

from methodology.scoring.requests import Number
from methodology.scoring.survey360 import check_answers, check_roles, pooled_score
from models import Position, SelfAnswer, Servant, SurveyInvitation, SurveyTally
from models.db import id_of
from states.handlers import Context, handler
from states.handlers.sheets import Payload
from states.survey import pooled_answers


class Invitee(Payload):
    servant: int | str  # the personnel number, as HR knows the person; an internal id still works
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
        other = respondent(ctx, assessee, person.servant)
        if (
            other is None
            or other.id is None
            or other.id == assessee.id
            or other.id in seen
            or (other.dismissed_on is not None and other.dismissed_on <= ctx.on)
        ):
            raise ctx.fail("not_respondent", f"respondents[{index}].servant", person.servant, rules.respondents_paragraph)
        seen.add(other.id)
        ctx.session.add(SurveyInvitation(appraisal_id=id_of(ctx.appraisal), respondent_id=other.id, role=person.role))
    ctx.session.add(SurveyInvitation(appraisal_id=id_of(ctx.appraisal), respondent_id=id_of(assessee), role="self"))
    _open_tally(ctx)
    return {"respondents": len(people)}


def respondent(ctx: Context, assessee: Servant, named: int | str) -> Servant | None:
    """The servant of the assessee's body named by personnel number (text) or id (number)."""
    if isinstance(named, str):
        query = select(Servant).where(Servant.state_body_id == assessee.state_body_id, Servant.personnel_no == named)
        return ctx.session.exec(query).first()
    other = ctx.session.get(Servant, named)
    return other if other is not None and other.state_body_id == assessee.state_body_id else None


def _open_tally(ctx: Context) -> None:
    """Every cell of the survey, at zero, before anyone answers."""
    rules = ctx.definition.survey360
    assert rules is not None
    cells = [
        {"appraisal_id": ctx.appraisal.id, "competency": c.id, "question": q, "value": option.value, "count": 0}
        for c in rules.competencies[assessee_group(ctx)]
        for q in range(rules.questions_per_competency)
        for option in rules.answer_scale
    ]
    ctx.session.connection().execute(insert(SurveyTally), cells)


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
    chosen = [(c, q, int(v)) for c, values in answers.items() for q, v in enumerate(values)]
    if invitation.role == "self":
        ctx.session.add_all(SelfAnswer(appraisal_id=id_of(ctx.appraisal), competency=c, question=q, value=v) for c, q, v in chosen)
    else:  # one statement over every cell: +1 where chosen, +0 elsewhere
        cell = tuple_(col(SurveyTally.competency), col(SurveyTally.question), col(SurveyTally.value))
        ctx.session.execute(
            update(SurveyTally).where(col(SurveyTally.appraisal_id) == ctx.appraisal.id).values(count=SurveyTally.count + case((cell.in_(chosen), 1), else_=0))
        )
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
        raise ctx.fail("too_few_answers", "respondents", len(others), rules.respondents_paragraph, present=len(others), needed=rules.respondents.min)
    own: dict[str, list[Decimal]] = defaultdict(list)
    for answer in ctx.session.exec(select(SelfAnswer).where(SelfAnswer.appraisal_id == ctx.appraisal.id)):
        own[answer.competency].append(Decimal(answer.value))
    result = pooled_score(ctx.definition, assessee_group(ctx), pooled_answers(ctx.session, id_of(ctx.appraisal)), own or None, len(others))
    return {**ctx.record(result), "weakest": result.details["weakest"]}


def assessee_group(ctx: Context) -> Literal["head", "staff"]:
    """Heads answer Annex 5's twelve competencies, staff Annex 6's eight (п.35)."""
    servant = ctx.session.get(Servant, ctx.appraisal.servant_id)
    position = servant and servant.position_id and ctx.session.get(Position, servant.position_id)
    return "head" if ctx.definition.is_head(position.category if position else None) else "staff"

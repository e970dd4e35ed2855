"""Facts an action records: acts of refusal, absences, dismissal, appraisal without the
servant, appeals and their outcome."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Optional

from pydantic import Field
from sqlmodel import select

from methodology.scoring.common import round_score
from methodology.scoring.requests import Number
from models import Absence, Appeal, RefusalAct, Servant
from models.db import id_of
from states.handlers import Context, handler
from states.handlers.sheets import Payload


class Act(Payload):
    text: str = Field(min_length=1)
    witnesses: list[int] = []


@handler("refusal_act")
def refusal_act(ctx: Context) -> dict[str, Any]:
    """mne2017 п.25, п.36: HR and the manager draw up an act; the appraisal goes on."""
    act = ctx.parse(Act)
    refused = ctx.row.action.removeprefix("refuse_").removeprefix("to_")
    ctx.session.add(RefusalAct(appraisal_id=id_of(ctx.appraisal), refused=refused, drawn_up_on=ctx.on, witnesses=act.witnesses, text=act.text))
    return {"refused": refused}


class AbsenceLine(Payload):
    kind: str
    start: date
    end: Optional[date] = None


@handler("absence")
def absence(ctx: Context) -> dict[str, Any]:
    """mne2017 п.3, typical2023 п.6: only the absences the methodology names defer."""
    line = ctx.parse(AbsenceLine)
    scope = ctx.definition.scope
    assert scope is not None
    if line.kind not in scope.absences:
        raise ctx.fail("unknown", "kind", line.kind, scope.absences_paragraph, expected=", ".join(scope.absences))
    if line.end is not None:
        if line.end < line.start:
            raise ctx.fail("at_least", "end", line.end.isoformat(), low=line.start.isoformat())
        ctx.session.add(Absence(servant_id=ctx.appraisal.servant_id, kind=line.kind, start=line.start, end=line.end))
    ctx.appraisal.reason = line.kind
    return {"absence": line.kind, "start": line.start.isoformat()}


class Dismissal(Payload):
    dismissed_on: date


@handler("dismissal")
def dismissal(ctx: Context) -> dict[str, Any]:
    day = ctx.parse(Dismissal).dismissed_on
    _dismiss(ctx, day)
    return {"dismissed_on": day.isoformat()}


class WithoutParticipation(Payload):
    reason: Literal["dismissed", "absent"]
    since: date


@handler("without_participation")
def without_participation(ctx: Context) -> dict[str, Any]:
    """typical2023 п.6–7: dismissed, or absent for differentiation and 360: appraised
    without the servant, on the normal deadlines."""
    line = ctx.parse(WithoutParticipation)
    flow = ctx.definition.flow(ctx.kind)
    if line.reason == "absent" and flow.when_absent != "without_participation":
        scope = ctx.definition.scope
        raise ctx.fail("unknown", "reason", line.reason, scope.absences_paragraph if scope else None, expected="dismissed")
    if line.reason == "dismissed":
        _dismiss(ctx, line.since)
    ctx.appraisal.participation, ctx.appraisal.reason = "without", line.reason
    return {"reason": line.reason, "since": line.since.isoformat()}


def _dismiss(ctx: Context, day: date) -> None:
    servant = ctx.session.get(Servant, ctx.appraisal.servant_id)
    assert servant is not None
    servant.dismissed_on = day
    ctx.session.add(servant)
    ctx.appraisal.reason = "dismissed"


class AppealLine(Payload):
    authority: str = Field(min_length=1)
    text: str = Field(min_length=1)


@handler("appeal")
def appeal(ctx: Context) -> dict[str, Any]:
    """mne2017 п.38: to the civil-service authority within 10 working days of the decision."""
    line = ctx.parse(AppealLine)
    ctx.session.add(Appeal(appraisal_id=id_of(ctx.appraisal), filed_on=ctx.on, authority=line.authority))
    return {"authority": line.authority}


class AppealOutcome(Payload):
    outcome: Literal["rejected", "revised"]
    score: Optional[Number] = None


@handler("appeal_decision")
def appeal_decision(ctx: Context) -> dict[str, Any]:
    """mne2017 п.39–40: the authority's decision; a revision changes the result."""
    line = ctx.parse(AppealOutcome)
    pending = ctx.session.exec(select(Appeal).where(Appeal.appraisal_id == ctx.appraisal.id, Appeal.decided_on == None)).first()  # noqa: E711
    assert pending is not None, "an appealed appraisal has its appeal"
    if (line.outcome == "revised") != (line.score is not None):
        raise ctx.fail("missing", "score", line.score)
    pending.decided_on, pending.outcome, pending.revised_score = ctx.on, line.outcome, line.score
    ctx.session.add(pending)
    if line.score is not None:
        return {"outcome": line.outcome, **set_score(ctx, line.score)}
    return {"outcome": line.outcome}


def set_score(ctx: Context, score: Any, field: str = "score") -> dict[str, Any]:
    """A score decided by people (commission, appeal, calibration), on the kind's scale
    and bands."""
    kind = ctx.kind
    rules = ctx.definition.rules(kind)
    assert rules is not None
    span = ctx.definition.score_span(kind)
    if not span.min <= score <= span.max:
        raise ctx.fail("range", field, score, rules.paragraph, low=span.min, high=span.max)
    rounded = round_score(score)
    band = ctx.definition.bands(rules.bands).band_for(rounded)
    ctx.appraisal.score, ctx.appraisal.band = rounded, band.id
    return {"score": str(rounded), "band": band.id}

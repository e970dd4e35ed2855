"""Score sheets and plans: what the servant and the manager write, checked by the same
scoring functions the CLI uses, and stored as rows of the appraisal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, delete, select

from methodology.scoring.annual import annual_score as annual_result
from methodology.scoring.differentiation import ParameterScore as ParameterInput
from methodology.scoring.differentiation import differentiation_score
from methodology.scoring.kpi import KpiInput, as_direction, kpi_score
from methodology.scoring.plan import plan_score as plan_result
from methodology.scoring.quarterly import quarterly_score as quarterly_result
from methodology.scoring.requests import Number
from models import Appraisal, BonusItem, Indicator, ParameterScore, Violation
from models.db import id_of
from states.handlers import Context, handler


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BonusLine(Payload):
    description: str = Field(min_length=1)
    points: Number


class SelfAssessment(Payload):
    bonus_items: list[BonusLine] = []


class ViolationLine(Payload):
    kind: Literal["executive", "labour"]
    occurred_on: date
    source: Literal["hr", "document_flow", "direct_manager"]
    proof: str = Field(min_length=1)  # п.22: proven by documents


class ManagerSheet(Payload):
    bonus_items: list[BonusLine] = []
    violations: list[ViolationLine] = []


@handler("self_assessment")
def self_assessment(ctx: Context) -> dict[str, Any]:
    """mne2017 п.23: the servant's own column of Annex 2."""
    sheet = ctx.parse(SelfAssessment)
    own = quarterly_result(ctx.definition, [line.points for line in sheet.bonus_items], Decimal(0))
    _replace(ctx, BonusItem)
    for line in sheet.bonus_items:
        ctx.session.add(BonusItem(appraisal_id=id_of(ctx.appraisal), description=line.description, self_points=int(line.points)))
    return {"self_score": str(own.score)}


@handler("quarterly_score")
def quarterly_score(ctx: Context) -> dict[str, Any]:
    """mne2017 п.24, п.26: the manager checks against HR's facts, corrects and scores."""
    sheet = ctx.parse(ManagerSheet)
    result = quarterly_result(ctx.definition, [line.points for line in sheet.bonus_items], Decimal(len(sheet.violations)))
    own = {item.description: item for item in _rows(ctx, BonusItem)}
    _replace(ctx, BonusItem)
    for line in sheet.bonus_items:
        mine = own.pop(line.description, None)
        ctx.session.add(
            BonusItem(
                appraisal_id=id_of(ctx.appraisal),
                description=line.description,
                self_points=mine.self_points if mine else None,
                points=int(line.points),
            )
        )
    for left_out in own.values():  # claimed by the servant, not accepted by the manager
        ctx.session.add(BonusItem(appraisal_id=id_of(ctx.appraisal), description=left_out.description, self_points=left_out.self_points))
    _replace(ctx, Violation)
    for fact in sheet.violations:
        ctx.session.add(Violation(appraisal_id=id_of(ctx.appraisal), **fact.model_dump()))
    return {**ctx.record(result), "violations": len(sheet.violations)}


class PlanLine(Payload):
    text: str = Field(min_length=1)
    measurable: bool


class PlanIndicators(Payload):
    indicators: list[PlanLine]


class PlanCorrections(Payload):
    indicators: list[PlanLine] | None = None


@handler("plan_indicators")
def plan_indicators(ctx: Context) -> dict[str, Any]:
    return _store_plan(ctx, ctx.parse(PlanIndicators).indicators)


@handler("plan_corrections")
def plan_corrections(ctx: Context) -> dict[str, Any]:
    corrected = ctx.parse(PlanCorrections).indicators
    return _store_plan(ctx, corrected) if corrected is not None else {"corrected": False}


def _store_plan(ctx: Context, lines: list[PlanLine]) -> dict[str, Any]:
    """mne2017 п.12: at most four indicators, at least half of them measurable."""
    rules = ctx.definition.plan
    assert rules is not None
    if not rules.indicators.min <= len(lines) <= rules.indicators.max:
        raise ctx.fail("count", "indicators", len(lines), rules.indicator_paragraph, low=rules.indicators.min, high=rules.indicators.max)
    measurable = sum(line.measurable for line in lines)
    if Decimal(measurable) < rules.measurable_share_min * len(lines):
        raise ctx.fail("measurable_share", "indicators", f"{measurable}/{len(lines)}", "п.12", share=f"{rules.measurable_share_min:.0%}")
    _replace(ctx, Indicator)
    for position, line in enumerate(lines):
        ctx.session.add(Indicator(appraisal_id=id_of(ctx.appraisal), position=position, text=line.text, measurable=line.measurable))
    return {"indicators": len(lines), "measurable": measurable}


class Scores(Payload):
    scores: list[Number]


@handler("plan_score")
def plan_score(ctx: Context) -> dict[str, Any]:
    """mne2017 п.30: each indicator 2..5; the plan is their mean."""
    scores = ctx.parse(Scores).scores
    indicators = _matching(ctx, scores, "scores")
    result = plan_result(ctx.definition, scores)
    _put(ctx, indicators, "score", scores)
    return ctx.record(result)


class KpiLine(Payload):
    text: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    planned: Number
    direction: Literal["increase", "decrease"]


class KpiPlan(Payload):
    kpis: list[KpiLine]


@handler("kpi_plan")
def kpi_plan(ctx: Context) -> dict[str, Any]:
    """typical2023 п.23–25, Annex 1: three to five KPIs with their planned values."""
    rules = ctx.definition.kpi
    assert rules is not None
    kpis = ctx.parse(KpiPlan).kpis
    if not rules.count.min <= len(kpis) <= rules.count.max:
        raise ctx.fail("count", "kpis", len(kpis), rules.count_paragraph, low=rules.count.min, high=rules.count.max)
    for index, line in enumerate(kpis):
        if line.planned < 0:
            raise ctx.fail("at_least", f"kpis[{index}].planned", line.planned, rules.table_paragraph, low=0)
    _replace(ctx, Indicator)
    for position, line in enumerate(kpis):
        ctx.session.add(Indicator(appraisal_id=id_of(ctx.appraisal), position=position, **line.model_dump()))
    return {"kpis": len(kpis)}


class KpiActuals(Payload):
    actuals: list[Number]


@handler("kpi_actuals")
def kpi_actuals(ctx: Context) -> dict[str, Any]:
    """typical2023 п.23: HR computes the actual values and sends them to the assessor."""
    actuals = ctx.parse(KpiActuals).actuals
    for index, value in enumerate(actuals):
        if value < 0:
            raise ctx.fail("at_least", f"actuals[{index}]", value, low=0)
    _put(ctx, _matching(ctx, actuals, "actuals"), "actual", actuals)
    return {"actuals": len(actuals)}


@handler("kpi_scores")
def kpi_scores(ctx: Context) -> dict[str, Any]:
    """typical2023 п.28, Annex 3: each score inside the range its realisation allows."""
    scores = ctx.parse(Scores).scores
    indicators = _matching(ctx, scores, "scores")
    inputs = [KpiInput(i.planned or Decimal(0), i.actual or Decimal(0), as_direction(i.direction), s) for i, s in zip(indicators, scores)]
    result = kpi_score(ctx.definition, inputs)
    _put(ctx, indicators, "score", scores)
    return ctx.record(result)


class ParameterLine(Payload):
    score: Number
    justification: str


class Differentiation(Payload):
    scores: dict[str, ParameterLine]


@handler("differentiation_scores")
def differentiation_scores(ctx: Context) -> dict[str, Any]:
    """typical2023 п.32–33, Annex 4: every parameter scored with its justification."""
    lines = ctx.parse(Differentiation).scores
    result = differentiation_score(ctx.definition, {k: ParameterInput(v.score, v.justification) for k, v in lines.items()})
    _replace(ctx, ParameterScore)
    for name, line in lines.items():
        ctx.session.add(ParameterScore(appraisal_id=id_of(ctx.appraisal), parameter=name, score=line.score, justification=line.justification))
    return ctx.record(result)


@handler("annual_score")
def annual_score(ctx: Context) -> dict[str, Any]:
    """The year from its completed quarters: mne2017 п.32 (with the plan), typical2023 п.5."""
    ctx.parse(Payload)
    rules = ctx.definition.annual
    assert rules is not None
    quarterly_kinds = ["quarterly"] if rules.method == "weighted" else ["kpi", "differentiation"]
    quarters = [a.score for a in _same_year(ctx, quarterly_kinds) if a.score is not None]
    if not quarters:
        raise ctx.fail("missing_scores", "quarterly_scores", 0, expected=", ".join(quarterly_kinds))
    plan_scores = None
    if rules.method == "weighted":
        plans = _same_year(ctx, ["plan"])
        plan_scores = [i.score for p in plans for i in _rows(ctx, Indicator, p.id) if i.score is not None]
        if not plan_scores:
            raise ctx.fail("missing_scores", "plan_scores", 0, expected="plan")
    result = annual_result(ctx.definition, quarters, plan_scores)
    return {**ctx.record(result), "quarters": [str(q) for q in quarters]}


def _same_year(ctx: Context, kinds: list[str]) -> list[Appraisal]:
    """This servant's completed appraisals of `kinds` in the same year, oldest first."""
    year = ctx.appraisal.period[:4]
    query = (
        select(Appraisal)
        .where(
            Appraisal.servant_id == ctx.appraisal.servant_id,
            Appraisal.methodology == ctx.appraisal.methodology,
            col(Appraisal.kind).in_(kinds),
            Appraisal.period.startswith(year),
        )
        .order_by(Appraisal.period)
    )
    return [a for a in ctx.session.exec(query) if "completion" in a.events or a.kind == "plan"]


def _matching(ctx: Context, values: list[Any], field: str) -> list[Indicator]:
    indicators = sorted(_rows(ctx, Indicator), key=lambda i: i.position)
    if len(values) != len(indicators):
        raise ctx.fail("count", field, len(values), low=len(indicators), high=len(indicators))
    return indicators


def _put(ctx: Context, indicators: list[Indicator], field: str, values: list[Any]) -> None:
    """One value per indicator, in the plan's order."""
    for indicator, value in zip(indicators, values):
        setattr(indicator, field, value)
        ctx.session.add(indicator)


def _rows(ctx: Context, table: Any, appraisal_id: int | None = None) -> list[Any]:
    return list(ctx.session.exec(select(table).where(table.appraisal_id == (appraisal_id or ctx.appraisal.id))))


def _replace(ctx: Context, table: Any) -> None:
    ctx.session.exec(delete(table).where(table.appraisal_id == ctx.appraisal.id))

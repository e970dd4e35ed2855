"""The JSON input of `bagalau score`, one typed request per kind (see docs/cli.md).

Parsing checks the shape (fields, types); the scoring functions check the rules (ranges,
counts, Annex 3). Both report the same `InvalidInput`, naming the field by its path in
the input, so a person can find it: `kpis[2].score`.
"""

from __future__ import annotations

import math
from decimal import Context, Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from methodology import loader
from methodology.errors import DefinitionError, InvalidInput, in_every_language
from methodology.schema import Kind, Methodology
from methodology.scoring.annual import annual_score
from methodology.scoring.common import Result
from methodology.scoring.differentiation import ParameterScore, differentiation_score
from methodology.scoring.kpi import KpiInput, kpi_score
from methodology.scoring.plan import plan_score
from methodology.scoring.quarterly import quarterly_score
from methodology.scoring.survey360 import Respondent, survey360_score

CONTRACT = "docs/cli.md"
#: Input numbers beyond these bounds are typing slips, not appraisals (a budget in tenge
#: fits); refusing them keeps every ratio and sum small enough to compute exactly.
LIMIT = Decimal(10) ** 15
PLACES = 6
_WIDE = Context(prec=100)


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError("number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("number")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number.copy_abs() >= LIMIT:
        raise ValueError("number")
    exponent = number.normalize(_WIDE).as_tuple().exponent  # an int: the number is finite
    if number and isinstance(exponent, int) and exponent < -PLACES:
        raise ValueError("number")
    return number


Number = Annotated[Decimal, BeforeValidator(_number)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    methodology: str
    kind: str


class QuarterlyRequest(_Input):
    bonus_points: list[Number]
    violations: Number


class PlanRequest(_Input):
    indicator_scores: list[Number]


class AnnualRequest(_Input):
    quarterly_scores: list[Number]
    plan_scores: list[Number] | None = None


class KpiItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    planned: Number
    actual: Number
    direction: Literal["increase", "decrease"]
    score: Number


class KpiRequest(_Input):
    kpis: list[KpiItem]


class ParameterItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    score: Number
    justification: str


class DifferentiationRequest(_Input):
    scores: dict[str, ParameterItem]


class RespondentItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    role: Literal["manager", "subordinate", "peer", "self"]
    answers: dict[str, list[Number]]


class Survey360Request(_Input):
    assessee: Literal["head", "staff"]
    respondents: list[RespondentItem]


def _quarterly(m: Methodology, r: QuarterlyRequest) -> Result:
    return quarterly_score(m, r.bonus_points, r.violations)


def _plan(m: Methodology, r: PlanRequest) -> Result:
    return plan_score(m, r.indicator_scores)


def _annual(m: Methodology, r: AnnualRequest) -> Result:
    return annual_score(m, r.quarterly_scores, r.plan_scores)


def _kpi(m: Methodology, r: KpiRequest) -> Result:
    return kpi_score(m, [KpiInput(k.planned, k.actual, k.direction, k.score) for k in r.kpis])


def _differentiation(m: Methodology, r: DifferentiationRequest) -> Result:
    scores = {name: ParameterScore(item.score, item.justification) for name, item in r.scores.items()}
    return differentiation_score(m, scores)


def _survey360(m: Methodology, r: Survey360Request) -> Result:
    return survey360_score(m, r.assessee, [Respondent(x.role, x.answers) for x in r.respondents])


_KINDS: dict[Kind, tuple[type[_Input], Any]] = {
    "quarterly": (QuarterlyRequest, _quarterly),
    "plan": (PlanRequest, _plan),
    "annual": (AnnualRequest, _annual),
    "kpi": (KpiRequest, _kpi),
    "differentiation": (DifferentiationRequest, _differentiation),
    "360": (Survey360Request, _survey360),
}


def score_request(payload: Any) -> Result:
    """Score one JSON request; every failure is an `InvalidInput`."""
    if not isinstance(payload, dict):
        raise InvalidInput("type_object", field="(input)", value=type(payload).__name__, rule=CONTRACT)
    methodology = _methodology(payload.get("methodology"))
    kind = payload.get("kind")
    if kind not in methodology.kinds:
        raise InvalidInput(
            "unknown",
            field="kind",
            value=kind,
            rule=CONTRACT,
            expected=", ".join(methodology.kinds),
        )
    model, scorer = _KINDS[kind]
    try:
        request = model.model_validate(payload)
    except ValidationError as error:
        raise from_validation(error) from None
    return scorer(methodology, request)


def _methodology(name: Any) -> Methodology:
    known = loader.available()
    if not isinstance(name, str) or name not in known:
        raise InvalidInput("unknown", field="methodology", value=name, rule=CONTRACT, expected=", ".join(known))
    try:
        return loader.load(name)
    except DefinitionError as error:  # an operator's broken file: say which and why
        raise InvalidInput("file", field="methodology", value=name, rule=CONTRACT, detail=in_every_language(error)) from None


_TYPE_MESSAGES = {
    "list_type": "type_list",
    "dict_type": "type_object",
    "model_type": "type_object",
    "string_type": "type_text",
    "value_error": "type_number",
}


def from_validation(error: ValidationError, contract: str = CONTRACT) -> InvalidInput:
    """The first problem pydantic found, as our error: field path, value, contract."""
    first = error.errors()[0]
    field = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"]).lstrip(".")
    value = first.get("input")
    common = {"field": field or "(input)", "rule": contract}
    kind = first["type"]
    if kind == "missing":
        return InvalidInput("missing", value="—", **common)
    if kind == "extra_forbidden":
        return InvalidInput("extra", value=value, **common)
    if kind == "literal_error":
        return InvalidInput("unknown", value=value, expected=first["ctx"]["expected"], **common)
    return InvalidInput(_TYPE_MESSAGES.get(kind, "invalid"), value=value, **common)

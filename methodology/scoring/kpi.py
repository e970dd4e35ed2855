"""typical2023 KPI method for heads (п.22–28, Annexes 2–3).

Each KPI's realisation is a percentage of its plan; the assessor's score must lie in the
range Annex 3 allows for that percentage; the final grade is the mean of the KPI scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal, Sequence, cast, get_args

from methodology.schema import Methodology
from methodology.scoring.common import Checks, Result, mean, result, round_score

HUNDRED = Fraction(100)
Direction = Literal["increase", "decrease"]


def as_direction(value: str) -> Direction:
    """`value` (the str column Indicator.direction) as the Direction the method takes."""
    if value not in get_args(Direction):
        raise ValueError(f"no KPI direction {value!r}")
    return cast(Direction, value)


@dataclass(frozen=True)
class KpiInput:
    planned: Decimal
    actual: Decimal
    direction: Direction
    score: Decimal


def realisation(planned: Decimal, actual: Decimal, direction: Direction) -> Decimal:
    """Percent of the plan achieved, rounded half-up to 2 decimals like Annex 3's rows.

    More is better (`increase`): actual / planned. Less is better (`decrease`): planned /
    actual. The zero cases follow the definition's `zero_plan_rule`: a plan of 0 is met by
    any actual when more is better, and only by 0 when less is better; an actual of 0 when
    less is better meets any plan.
    """
    if direction == "increase":
        raw = HUNDRED if planned == 0 else Fraction(actual) / Fraction(planned) * HUNDRED
    elif actual == 0:
        raw = HUNDRED
    else:
        raw = Fraction(0) if planned == 0 else Fraction(planned) / Fraction(actual) * HUNDRED
    return round_score(raw)


def kpi_score(methodology: Methodology, kpis: Sequence[KpiInput]) -> Result:
    rules = methodology.kpi
    assert rules is not None, f"{methodology.id} has no KPI method"
    check = Checks(methodology)
    check.count(kpis, rules.count, "kpis", rules.count_paragraph)
    rows = []
    for index, kpi in enumerate(kpis):
        field = f"kpis[{index}]"
        check.not_negative(kpi.planned, f"{field}.planned", rules.table_paragraph)
        check.not_negative(kpi.actual, f"{field}.actual", rules.table_paragraph)
        check.within(kpi.score, rules.score, f"{field}.score", rules.paragraph)
        check.cents(kpi.score, f"{field}.score", rules.table_paragraph)
        percent = realisation(kpi.planned, kpi.actual, kpi.direction)
        allowed = rules.row_for(percent)
        if not allowed.min <= kpi.score <= allowed.max:
            raise check.fail(
                "kpi_score",
                f"{field}.score",
                kpi.score,
                rules.table_paragraph,
                percent=percent,
                low=allowed.min,
                high=allowed.max,
            )
        rows.append({"percent": percent, "allowed": [allowed.min, allowed.max], "score": kpi.score})
    return result(methodology, "kpi", mean([kpi.score for kpi in kpis]), kpis=rows)

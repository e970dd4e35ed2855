"""The year's grade.

mne2017 (п.32): the mean of the quarterly points goes onto the five-point scale by its
quarterly band (a fractional mean above 105 and up to 130 is effective, п.27), then is
combined with the mean of the individual plan by the definition's weights.
typical2023 (п.5): the mean of the quarterly grades.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Sequence

from methodology.schema import AnnualRules, Methodology
from methodology.scoring.common import Checks, Result, mean, result, round_score


def annual_score(
    methodology: Methodology,
    quarterly_scores: Sequence[Decimal],
    plan_scores: Sequence[Decimal] | None = None,
) -> Result:
    rules = methodology.annual
    assert rules is not None, f"{methodology.id} has no annual grade"
    check = Checks(methodology)
    check.count(quarterly_scores, rules.quarters, "quarterly_scores", rules.paragraph)
    if rules.method == "mean_of_quarters":
        return _mean_of_quarters(methodology, rules, check, quarterly_scores, plan_scores)
    return _weighted(methodology, rules, check, quarterly_scores, plan_scores)


def _mean_of_quarters(
    methodology: Methodology,
    rules: AnnualRules,
    check: Checks,
    quarterly_scores: Sequence[Decimal],
    plan_scores: Sequence[Decimal] | None,
) -> Result:
    if plan_scores:
        raise check.fail("extra", "plan_scores", list(map(str, plan_scores)), rules.paragraph)
    assert rules.quarter_score is not None
    for index, score in enumerate(quarterly_scores):
        check.within(score, rules.quarter_score, f"quarterly_scores[{index}]", rules.paragraph)
    return result(methodology, "annual", mean(quarterly_scores), quarters=len(quarterly_scores))


def _weighted(
    methodology: Methodology,
    rules: AnnualRules,
    check: Checks,
    quarterly_scores: Sequence[Decimal],
    plan_scores: Sequence[Decimal] | None,
) -> Result:
    assert rules.weights and rules.band_values and rules.quarterly_bands and rules.plan_score
    plan_rules = methodology.plan
    plan_scores = plan_scores or []
    if plan_rules is not None:
        check.count(plan_scores, plan_rules.indicators, "plan_scores", plan_rules.indicator_paragraph)
    for index, score in enumerate(plan_scores):
        check.within(score, rules.plan_score, f"plan_scores[{index}]", rules.paragraph)
    quarterly_mean = round_score(mean(quarterly_scores))
    quarterly_band = methodology.bands(rules.quarterly_bands).band_for(quarterly_mean)
    quarterly_value = rules.band_values[quarterly_band.id]
    plan_mean = mean(plan_scores)
    raw = Fraction(rules.weights.quarterly) * quarterly_value + Fraction(rules.weights.plan) * plan_mean
    return result(
        methodology,
        "annual",
        raw,
        quarterly_mean=quarterly_mean,
        quarterly_band=quarterly_band.id,
        quarterly_value=quarterly_value,
        plan_mean=round_score(plan_mean),
        weights={"quarterly": rules.weights.quarterly, "plan": rules.weights.plan},
    )

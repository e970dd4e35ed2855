"""mne2017 individual plan: 1 to 4 indicators, each scored 2..5, the plan is their mean
(п.12, п.30, Annex 3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from methodology.schema import Methodology
from methodology.scoring.common import Checks, Result, mean, result


def plan_score(methodology: Methodology, indicator_scores: Sequence[Decimal]) -> Result:
    rules = methodology.plan
    assert rules is not None, f"{methodology.id} has no individual plan"
    check = Checks(methodology)
    check.count(indicator_scores, rules.indicators, "indicator_scores", rules.indicator_paragraph)
    for index, score in enumerate(indicator_scores):
        field = f"indicator_scores[{index}]"
        check.whole(score, field, rules.indicator_paragraph)
        check.within(score, rules.indicator_score, field, rules.indicator_paragraph)
    return result(methodology, "plan", mean(indicator_scores))

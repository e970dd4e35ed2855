"""mne2017 quarterly score: 100 + bonus points − 2 × proven violations (п.15–27)."""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from methodology.schema import Methodology
from methodology.scoring.common import Checks, Result, result


def quarterly_score(methodology: Methodology, bonus_points: Sequence[Decimal], violations: Decimal) -> Result:
    rules = methodology.quarterly
    assert rules is not None, f"{methodology.id} has no quarterly points"
    check = Checks(methodology)
    for index, points in enumerate(bonus_points):
        field = f"bonus_points[{index}]"
        check.whole(points, field, rules.bonus_paragraph)
        check.within(points, rules.bonus_item, field, rules.bonus_paragraph)
    check.whole(violations, "violations", rules.penalty_paragraph)
    check.not_negative(violations, "violations", rules.penalty_paragraph)
    bonus = sum(bonus_points, Decimal(0))
    penalty = rules.penalty_per_violation * violations
    return result(
        methodology,
        "quarterly",
        rules.base_points + bonus - penalty,
        base=rules.base_points,
        bonus=bonus,
        penalty=penalty,
    )

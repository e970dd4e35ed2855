"""typical2023 differentiation method for staff (п.29–33, Annex 4): every parameter the
definition lists is scored with a written justification; the grade is their mean."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from methodology.schema import Methodology
from methodology.scoring.common import Checks, Result, mean, result


@dataclass(frozen=True)
class ParameterScore:
    score: Decimal
    justification: str


def differentiation_score(methodology: Methodology, scores: Mapping[str, ParameterScore]) -> Result:
    rules = methodology.differentiation
    assert rules is not None, f"{methodology.id} has no differentiation method"
    check = Checks(methodology)
    expected = [parameter.id for parameter in rules.parameters]
    for name in scores:
        if name not in expected:
            raise check.fail("unknown", f"scores.{name}", name, rules.paragraph, expected=", ".join(expected))
    missing = [name for name in expected if name not in scores]
    if missing:
        raise check.fail("missing_items", "scores", sorted(scores), rules.paragraph, expected=", ".join(missing))
    for name in expected:
        given = scores[name]
        check.within(given.score, rules.score, f"scores.{name}.score", rules.paragraph)
        check.cents(given.score, f"scores.{name}.score", rules.paragraph)
        if not given.justification.strip():
            raise check.fail(
                "justification",
                f"scores.{name}.justification",
                given.justification,
                rules.justification_paragraph,
            )
    return result(methodology, "differentiation", mean([scores[name].score for name in expected]))

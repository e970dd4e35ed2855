"""What every score shares: Decimal arithmetic, half-up rounding, the band, the checks.

Scores are `Decimal` end to end so that 2.005 rounds to 2.01 as a person rounds it, and the
band is taken from the rounded score, the one the servant sees: a mean of 1.995 is
reported 2.00 and is satisfactory (typical2023 п.8).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Sequence

from methodology.errors import InvalidInput
from methodology.schema import Band, CountSpan, Kind, Methodology, Span

CENT = Decimal("0.01")


def round_score(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


@dataclass(frozen=True)
class Result:
    """A reported score: rounded half-up to 2 decimals, with the band it falls in."""

    methodology: str
    kind: Kind
    score: Decimal
    band: Band
    details: dict[str, Any] = field(default_factory=dict)


def result(methodology: Methodology, kind: Kind, raw: Decimal, **details: Any) -> Result:
    score = round_score(raw)
    band = methodology.bands(methodology.rules(kind).bands).band_for(score)
    return Result(methodology.id, kind, score, band, details)


class Checks:
    """Checks of one input against one methodology; each failure names field, value, rule."""

    def __init__(self, methodology: Methodology) -> None:
        self.source = methodology.id

    def fail(self, code: str, field: str, value: Any, rule: str, **params: Any) -> InvalidInput:
        return InvalidInput(code, field=field, value=value, rule=rule, source=self.source, **params)

    def count(self, items: Sequence[Any], span: CountSpan, field: str, rule: str) -> None:
        if not span.min <= len(items) <= span.max:
            raise self.fail("count", field, len(items), rule, low=span.min, high=span.max)

    def within(self, value: Decimal, span: Span, field: str, rule: str) -> None:
        if not span.min <= value <= span.max:
            raise self.fail("range", field, value, rule, low=span.min, high=span.max)

    def whole(self, value: Decimal, field: str, rule: str) -> None:
        if value != value.to_integral_value():
            raise self.fail("integer", field, value, rule)

    def cents(self, value: Decimal, field: str, rule: str) -> None:
        if value != round_score(value):
            raise self.fail("decimals", field, value, rule, places=2)

    def not_negative(self, value: Decimal, field: str, rule: str) -> None:
        if value < 0:
            raise self.fail("at_least", field, value, rule, low=0)

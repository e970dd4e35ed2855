"""What every score shares: exact arithmetic, half-up rounding, the band, the checks.

Inputs are `Decimal` (read exactly from JSON); means and ratios are computed as exact
fractions and rounded once, half-up to 2 decimals, so 2.875 is reported 2.88 as a person
rounds it (a 28-digit Decimal division would give 2.8749… and round down). The band is
taken from the rounded score, the one the servant sees: a mean of 1.995 is reported 2.00
and is satisfactory (typical2023 п.8).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import Any, Sequence, Union

from methodology.errors import InvalidInput
from methodology.schema import Band, CountSpan, Kind, Methodology, Span

Exact = Union[Decimal, Fraction, int]


def round_score(value: Exact) -> Decimal:
    """Half-up (away from zero) to 2 decimals, computed exactly."""
    exact = Fraction(value)
    cents = floor(abs(exact) * 100 + Fraction(1, 2))
    return Decimal(-cents if exact < 0 else cents).scaleb(-2)


def mean(values: Sequence[Exact]) -> Fraction:
    return sum((Fraction(v) for v in values), Fraction(0)) / len(values)


@dataclass(frozen=True)
class Result:
    """A reported score: rounded half-up to 2 decimals, with the band it falls in."""

    methodology: str
    kind: Kind
    score: Decimal
    band: Band
    details: dict[str, Any] = field(default_factory=dict)


def result(methodology: Methodology, kind: Kind, raw: Exact, **details: Any) -> Result:
    score = round_score(raw)
    band = methodology.bands(methodology.rules_of(kind).bands).band_for(score)
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

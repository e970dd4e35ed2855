"""mne2017 scores pinned to hand-computed values: quarterly points (п.15–27), the
individual plan (п.12, п.30) and the annual grade (п.32–33).

Every expected number is worked out by hand in the comment beside it; the rules are
those of /work/shared/spec/METHODOLOGY.md and methodology/definitions/mne2017.yaml.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import methodology
from methodology.errors import InvalidInput
from methodology.i18n import LANGS
from methodology.scoring import score_request
from methodology.scoring.annual import annual_score
from methodology.scoring.plan import plan_score
from methodology.scoring.quarterly import quarterly_score

M = methodology.load("mne2017")


def D(value: object) -> Decimal:
    return Decimal(str(value))


def Ds(*values: object) -> list[Decimal]:
    return [D(v) for v in values]


def assert_refused(error: InvalidInput, code: str, field: str, rule: str) -> None:
    """The error names code, field, rule and source, and reads in all three languages."""
    assert error.code == code
    assert error.field == field
    assert error.rule == rule
    assert error.source == "mne2017"
    rendered = {lang: error.render(lang) for lang in LANGS}
    assert all(text.startswith(f"{field} = ") for text in rendered.values()), rendered
    assert len(set(rendered.values())) == 3, "kk, ru and en messages must differ"
    # The citation is shown in each reader's form (methodology/i18n.py cite()).
    assert "тармақ" in rendered["kk"] and "п." not in rendered["kk"]
    assert f"(mne2017 {rule})" in rendered["ru"]
    assert "para. " in rendered["en"] and "п." not in rendered["en"]


# --- quarterly: 100 + bonus − 2 × violations (п.15–27) -------------------------------


@pytest.mark.parametrize(
    ("bonus", "violations", "expected", "band"),
    [
        # п.27: below 80 is unsatisfactory. 100 + 1 − 2×11 = 101 − 22 = 79.
        ([1], 11, "79.00", "unsatisfactory"),
        # п.27: 80 is the first satisfactory score. 100 + 2 − 2×11 = 102 − 22 = 80.
        ([2], 11, "80.00", "satisfactory"),
        # 80 with no bonus at all: 100 + 0 − 2×10 = 80.
        ([], 10, "80.00", "satisfactory"),
        # п.16: the base alone. 100 + 0 − 0 = 100.
        ([], 0, "100.00", "satisfactory"),
        # п.27: 105 is still satisfactory ("80–105 inclusive"). 100 + 5 − 0 = 105.
        ([5], 0, "105.00", "satisfactory"),
        # п.27: 106 is the first effective score. 100 + 5 + 1 − 0 = 106.
        ([5, 1], 0, "106.00", "effective"),
        # 106 the other way: 100 + 5 + 5 − 2×2 = 110 − 4 = 106.
        ([5, 5], 2, "106.00", "effective"),
        # п.27: 130 is still effective ("106–130 inclusive"). 100 + 6×5 = 130.
        ([5, 5, 5, 5, 5, 5], 0, "130.00", "effective"),
        # п.27: above 130 is excellent. 100 + 6×5 + 1 = 131.
        ([5, 5, 5, 5, 5, 5, 1], 0, "131.00", "excellent"),
        # 131 with violations: 100 + 7×5 − 2×2 = 135 − 4 = 131.
        ([5, 5, 5, 5, 5, 5, 5], 2, "131.00", "excellent"),
        # Penalties may take the score below zero: 100 − 2×51 = −2.
        ([], 51, "-2.00", "unsatisfactory"),
    ],
)
def test_quarterly_score_and_band_boundaries(bonus, violations, expected, band):
    result = quarterly_score(M, Ds(*bonus), D(violations))
    assert result.score == Decimal(expected)
    assert result.score.as_tuple().exponent == -2
    assert result.band.id == band
    assert result.methodology == "mne2017"
    assert result.kind == "quarterly"
    # details: base 100 (п.16), bonus = sum of items (п.17–18), penalty = 2 × v (п.22)
    assert result.details["base"] == 100
    assert result.details["bonus"] == sum(bonus)
    assert result.details["penalty"] == 2 * violations


def test_quarterly_bonus_items_one_and_five_are_the_scale_ends():
    # п.17–18: each bonus item is one integer 1..5. 100 + 1 + 5 − 2×1 = 104.
    result = quarterly_score(M, Ds(1, 5), D(1))
    assert result.score == Decimal("104.00")
    assert result.band.id == "satisfactory"


def test_quarterly_band_labels_in_three_languages():
    # п.27 names: 131 → "өте жақсы" (excellent).
    result = quarterly_score(M, Ds(5, 5, 5, 5, 5, 5, 1), D(0))
    assert result.band.label("kk") == "өте жақсы"
    assert result.band.label("ru") == "превосходно"
    assert result.band.label("en") == "excellent"


def test_quarterly_definition_numbers():
    # п.16 base 100; п.17–18 bonus item 1..5; п.22 penalty 2 per violation.
    rules = M.quarterly
    assert rules.base_points == 100
    assert (rules.bonus_item.min, rules.bonus_item.max) == (1, 5)
    assert rules.penalty_per_violation == 2


@pytest.mark.parametrize(
    ("bonus", "violations", "code", "field", "rule"),
    [
        # п.17–18: a bonus item is 1..5; 0 and 6 are out of range.
        ([3, 0], 0, "range", "bonus_points[1]", "п.17–18"),
        ([3, 6], 0, "range", "bonus_points[1]", "п.17–18"),
        ([6], 0, "range", "bonus_points[0]", "п.17–18"),
        # п.17–18: each bonus item is a whole number.
        ([3, 2.5], 0, "integer", "bonus_points[1]", "п.17–18"),
        ([1, 2, 4.5], 0, "integer", "bonus_points[2]", "п.17–18"),
        # п.20–22: a count of proven violations is whole and not negative.
        ([2], -1, "at_least", "violations", "п.20–22"),
        ([2], 1.5, "integer", "violations", "п.20–22"),
    ],
)
def test_quarterly_refusals(bonus, violations, code, field, rule):
    with pytest.raises(InvalidInput) as caught:
        quarterly_score(M, Ds(*bonus), D(violations))
    assert_refused(caught.value, code, field, rule)


def test_quarterly_range_message_names_the_scale():
    with pytest.raises(InvalidInput) as caught:
        quarterly_score(M, Ds(0), D(0))
    error = caught.value
    assert error.params == {"low": 1, "high": 5}
    assert error.render("en") == "bonus_points[0] = 0: must be from 1 to 5 (mne2017 para. 17–18)"
    assert error.render("ru") == "bonus_points[0] = 0: должно быть от 1 до 5 (mne2017 п.17–18)"
    assert error.render("kk") == "bonus_points[0] = 0: 1 мен 5 аралығында болуы тиіс (mne2017 17–18-тармақ)"


def test_quarterly_through_the_json_contract():
    # The CLI contract gives the same number: 100 + 3 + 4 − 2×3 = 101, satisfactory (п.27).
    result = score_request(
        {"methodology": "mne2017", "kind": "quarterly", "bonus_points": [3, 4], "violations": 3}
    )
    assert result.score == Decimal("101.00")
    assert result.band.id == "satisfactory"


# --- individual plan: mean of 1..4 indicators, each 2..5 (п.12, п.30) ---------------


@pytest.mark.parametrize(
    ("scores", "expected", "band"),
    [
        # (4 + 4 + 5) / 3 = 13/3 = 4.333… → 4.33, effective (п.33 [4,5)).
        ([4, 4, 5], "4.33", "effective"),
        # (2 + 3 + 3) / 3 = 8/3 = 2.666… → 2.67 (half-up), unsatisfactory (< 3).
        ([2, 3, 3], "2.67", "unsatisfactory"),
        # (2 + 3 + 3 + 3) / 4 = 11/4 = 2.75, the highest plan mean below 3: unsatisfactory.
        ([2, 3, 3, 3], "2.75", "unsatisfactory"),
        # 3 / 1 = 3.00: satisfactory (п.33, 3 is the lower bound).
        ([3], "3.00", "satisfactory"),
        # (2 + 4) / 2 = 3.00: satisfactory.
        ([2, 4], "3.00", "satisfactory"),
        # (3 + 4 + 4 + 4) / 4 = 15/4 = 3.75: satisfactory, below 4.
        ([3, 4, 4, 4], "3.75", "satisfactory"),
        # (3 + 5) / 2 = 4.00: effective.
        ([3, 5], "4.00", "effective"),
        # (4 + 5 + 5 + 5) / 4 = 19/4 = 4.75: effective, below 5.
        ([4, 5, 5, 5], "4.75", "effective"),
        # (5 + 5 + 5 + 5) / 4 = 5.00: excellent.
        ([5, 5, 5, 5], "5.00", "excellent"),
        # 2 / 1 = 2.00: unsatisfactory ("not met", п.30).
        ([2], "2.00", "unsatisfactory"),
    ],
)
def test_plan_mean_and_band(scores, expected, band):
    result = plan_score(M, Ds(*scores))
    assert result.score == Decimal(expected)
    assert result.score.as_tuple().exponent == -2
    assert result.band.id == band
    assert result.kind == "plan"


@pytest.mark.parametrize(
    ("scores", "code", "field"),
    [
        # п.12: at least one and at most four indicators.
        ([], "count", "indicator_scores"),
        ([3, 3, 3, 3, 3], "count", "indicator_scores"),
        # п.30: each indicator is scored 2..5.
        ([1], "range", "indicator_scores[0]"),
        ([4, 6], "range", "indicator_scores[1]"),
        ([4, 4, 5.5], "integer", "indicator_scores[2]"),
    ],
)
def test_plan_refusals(scores, code, field):
    with pytest.raises(InvalidInput) as caught:
        plan_score(M, Ds(*scores))
    assert_refused(caught.value, code, field, "п.12, п.30")


def test_plan_count_message_names_the_limits():
    with pytest.raises(InvalidInput) as caught:
        plan_score(M, Ds(3, 3, 3, 3, 3))
    assert caught.value.value == 5
    assert caught.value.params == {"low": 1, "high": 4}
    assert "from 1 to 4" in caught.value.render("en")


# --- annual: 0.5 × band value of the quarterly mean + 0.5 × plan mean (п.32–33) ----


def test_annual_weights_come_from_the_definition():
    # п.32: the formula's weights are lost in the seed; bagalau states equal weights.
    assert M.annual.weights.quarterly == Decimal("0.5")
    assert M.annual.weights.plan == Decimal("0.5")
    # п.32: unsatisfactory → 2, satisfactory → 3, effective → 4, excellent → 5.
    assert M.annual.band_values == {"unsatisfactory": 2, "satisfactory": 3, "effective": 4, "excellent": 5}


@pytest.mark.parametrize(
    ("quarters", "plan", "q_mean", "q_band", "q_value", "plan_mean", "expected", "band"),
    [
        # mean 76 → unsatisfactory → 2; 0.5×2 + 0.5×4 = 1 + 2 = 3.00 satisfactory.
        ([76, 76, 76, 76], [4, 4], "76.00", "unsatisfactory", 2, "4.00", "3.00", "satisfactory"),
        # mean (79 + 80)/2 = 79.5 → below 80, unsatisfactory → 2; 0.5×2 + 0.5×3 = 2.50.
        ([79, 80], [3], "79.50", "unsatisfactory", 2, "3.00", "2.50", "unsatisfactory"),
        # mean (79 + 81)/2 = 80 → satisfactory → 3; 0.5×3 + 0.5×3 = 3.00.
        ([79, 81], [3], "80.00", "satisfactory", 3, "3.00", "3.00", "satisfactory"),
        # mean 105 → satisfactory (п.27 "80–105 inclusive") → 3; 0.5×3 + 0.5×4 = 3.50.
        ([105], [4], "105.00", "satisfactory", 3, "4.00", "3.50", "satisfactory"),
        # fractional mean (105 + 106)/2 = 105.5 → above 105 → effective → 4;
        # 0.5×4 + 0.5×4 = 4.00 effective.
        ([105, 106], [4], "105.50", "effective", 4, "4.00", "4.00", "effective"),
        # mean (105×3 + 106)/4 = 421/4 = 105.25 → effective → 4; 0.5×4 + 0.5×3 = 3.50.
        ([105, 105, 105, 106], [3], "105.25", "effective", 4, "3.00", "3.50", "satisfactory"),
        # mean 130 → effective (п.27 "106–130 inclusive") → 4; 0.5×4 + 0.5×5 = 4.50.
        ([130, 130, 130, 130], [5], "130.00", "effective", 4, "5.00", "4.50", "effective"),
        # mean (130×3 + 131)/4 = 521/4 = 130.25 → above 130 → excellent → 5;
        # 0.5×5 + 0.5×5 = 5.00 excellent.
        ([130, 130, 130, 131], [5], "130.25", "excellent", 5, "5.00", "5.00", "excellent"),
        # mean 106 → effective → 4; plan (4+4+5)/3 = 4.333…; 0.5×4 + 0.5×4.333… = 2 + 2.1666…
        # = 4.1666… → 4.17 effective (the plan mean is not rounded before weighting).
        ([106, 106, 106, 106], [4, 4, 5], "106.00", "effective", 4, "4.33", "4.17", "effective"),
        # Half-up: mean 70 → 2; plan (2+2+2+3)/4 = 2.25; 0.5×2 + 0.5×2.25 = 1 + 1.125 = 2.125
        # → 2.13 (half-even would give 2.12).
        ([70], [2, 2, 2, 3], "70.00", "unsatisfactory", 2, "2.25", "2.13", "unsatisfactory"),
        # Half-up: mean 90 → 3; plan (3+3+3+4)/4 = 3.25; 1.5 + 1.625 = 3.125 → 3.13
        # (half-even would give 3.12).
        ([90, 90], [3, 3, 3, 4], "90.00", "satisfactory", 3, "3.25", "3.13", "satisfactory"),
        # Band edges on the result: 0.5×5 + 0.5×2 = 3.50; 0.5×2 + 0.5×5 = 3.50 …
        # … and 0.5×5 + 0.5×3 = 4.00 effective; 0.5×3 + 0.5×5 = 4.00 effective.
        ([140], [3], "140.00", "excellent", 5, "3.00", "4.00", "effective"),
        ([100], [5], "100.00", "satisfactory", 3, "5.00", "4.00", "effective"),
        # Lowest possible: 0.5×2 + 0.5×2 = 2.00 unsatisfactory.
        ([50], [2], "50.00", "unsatisfactory", 2, "2.00", "2.00", "unsatisfactory"),
    ],
)
def test_annual_weighted(quarters, plan, q_mean, q_band, q_value, plan_mean, expected, band):
    result = annual_score(M, Ds(*quarters), Ds(*plan))
    assert result.kind == "annual"
    assert result.details["quarterly_mean"] == Decimal(q_mean)
    assert result.details["quarterly_band"] == q_band
    assert result.details["quarterly_value"] == q_value
    assert result.details["plan_mean"] == Decimal(plan_mean)
    assert result.details["weights"] == {"quarterly": Decimal("0.5"), "plan": Decimal("0.5")}
    assert result.score == Decimal(expected)
    assert result.score.as_tuple().exponent == -2
    assert result.band.id == band


@pytest.mark.parametrize(
    ("score", "band"),
    [
        # п.33 as closed by the definition: <3, [3,4), [4,5), 5.
        ("0", "unsatisfactory"),
        ("2.99", "unsatisfactory"),
        ("3.00", "satisfactory"),
        ("3.99", "satisfactory"),
        ("4.00", "effective"),
        ("4.99", "effective"),
        ("5.00", "excellent"),
    ],
)
def test_five_point_bands(score, band):
    assert M.bands("five_point").band_for(Decimal(score)).id == band


@pytest.mark.parametrize(
    ("score", "band"),
    [
        # п.27: below 80; 80–105; above 105 up to 130; above 130.
        ("79.99", "unsatisfactory"),
        ("80.00", "satisfactory"),
        ("105.00", "satisfactory"),
        ("105.01", "effective"),
        ("130.00", "effective"),
        ("130.01", "excellent"),
    ],
)
def test_points_bands_for_fractional_means(score, band):
    assert M.bands("points").band_for(Decimal(score)).id == band


@pytest.mark.parametrize(
    ("quarters", "plan", "code", "field", "rule"),
    [
        # п.32–33: one to four quarters.
        ([], [4], "count", "quarterly_scores", "п.32–33"),
        ([100, 100, 100, 100, 100], [4], "count", "quarterly_scores", "п.32–33"),
        # Plan scores are 2..5 (п.30).
        ([100], [1], "range", "plan_scores[0]", "п.32–33"),
        ([100], [4, 1.99], "range", "plan_scores[1]", "п.32–33"),
        ([100], [4, 5.01], "range", "plan_scores[1]", "п.32–33"),
        ([100], [6], "range", "plan_scores[0]", "п.32–33"),
        # п.12: one to four plan indicators.
        ([100], [], "count", "plan_scores", "п.12, п.30"),
        ([100], [4, 4, 4, 4, 4], "count", "plan_scores", "п.12, п.30"),
    ],
)
def test_annual_refusals(quarters, plan, code, field, rule):
    with pytest.raises(InvalidInput) as caught:
        annual_score(M, Ds(*quarters), Ds(*plan))
    assert_refused(caught.value, code, field, rule)


def test_annual_without_plan_is_refused():
    # п.32: the plan is one of the two parts; no plan at all is a count of 0.
    with pytest.raises(InvalidInput) as caught:
        annual_score(M, Ds(100), None)
    assert_refused(caught.value, "count", "plan_scores", "п.12, п.30")


def test_annual_through_the_json_contract():
    # (105 + 106)/2 = 105.5 → effective → 4; plan (3+5)/2 = 4; 0.5×4 + 0.5×4 = 4.00.
    result = score_request(
        {"methodology": "mne2017", "kind": "annual", "quarterly_scores": [105, 106], "plan_scores": [3, 5]}
    )
    assert result.score == Decimal("4.00")
    assert result.band.id == "effective"
    assert result.band.label("kk") == "тиімді"

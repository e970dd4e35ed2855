"""typical2023 scores pinned to hand-computed values: result bands (п.8), the KPI method
and its Annex 3 table (п.22–28), the differentiation method (п.29–33, Annex 4), the 360
method (п.34–37, Annexes 5–8) and the annual grade (п.5).

Every expected number is worked out by hand in the comment beside it; the rules are
those of /work/shared/spec/METHODOLOGY.md and methodology/definitions/typical2023.yaml.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import methodology
from methodology.errors import InvalidInput
from methodology.i18n import LANGS
from methodology.scoring import score_request
from methodology.scoring.annual import annual_score
from methodology.scoring.differentiation import ParameterScore, differentiation_score
from methodology.scoring.kpi import KpiInput, kpi_score, realisation
from methodology.scoring.survey360 import Respondent, survey360_score

M = methodology.load("typical2023")
CENT = Decimal("0.01")


def D(value: object) -> Decimal:
    return Decimal(str(value))


def Ds(*values: object) -> list[Decimal]:
    return [D(v) for v in values]


def assert_renders(error: InvalidInput) -> dict[str, str]:
    rendered = {lang: error.render(lang) for lang in LANGS}
    assert all(text.startswith(f"{error.field} = ") for text in rendered.values()), rendered
    assert len(set(rendered.values())) == 3, "kk, ru and en messages must differ"
    assert error.source == "typical2023"
    return rendered


# --- result bands (п.8) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [
        # п.8: 0–1.99 unsatisfactory; 2–2.99 satisfactory; 3–3.99 properly; 4–5 effectively.
        ("0.00", "unsatisfactory"),
        ("1.99", "unsatisfactory"),
        ("2.00", "satisfactory"),
        ("2.99", "satisfactory"),
        ("3.00", "proper"),
        ("3.99", "proper"),
        ("4.00", "effective"),
        ("5.00", "effective"),
    ],
)
def test_result_bands(score, band):
    assert M.bands("result").band_for(Decimal(score)).id == band


def test_every_method_uses_the_result_bands():
    # п.8: the bands are the same for every method.
    for kind in ("kpi", "differentiation", "360", "annual"):
        assert M.rules(kind).bands == "result"


# --- KPI: realisation (п.28, Annex 2) ---------------------------------------------------


@pytest.mark.parametrize(
    ("planned", "actual", "direction", "expected"),
    [
        # more is better: 92 / 100 × 100 = 92.00
        (100, 92, "increase", "92.00"),
        # less is better: planned / actual = 12 / 15 × 100 = 80.00
        (12, 15, "decrease", "80.00"),
        # less is better, actual 0 meets any plan: 100 (zero_plan_rule)
        (12, 0, "decrease", "100.00"),
        # more is better, plan 0 is met by any actual: 100 (zero_plan_rule)
        (0, 7, "increase", "100.00"),
        (0, 0, "increase", "100.00"),
        # less is better, plan 0: actual 0 → 100, actual 3 → 0 (zero_plan_rule)
        (0, 0, "decrease", "100.00"),
        (0, 3, "decrease", "0.00"),
        # half-up: 2 / 3 × 100 = 66.666… → 66.67
        (3, 2, "increase", "66.67"),
        # half-up on an exact half: 1.01 / 200 × 100 = 0.505 → 0.51 (half-even: 0.50)
        (200, "1.01", "increase", "0.51"),
        (D("1.01"), 200, "decrease", "0.51"),
        # over-achievement is kept: 130 / 100 = 130.00
        (100, 130, "increase", "130.00"),
        # less is better and worse than planned: 10 / 40 = 25.00
        (10, 40, "decrease", "25.00"),
    ],
)
def test_realisation(planned, actual, direction, expected):
    percent = realisation(D(planned), D(actual), direction)
    assert percent == Decimal(expected)
    assert percent.as_tuple().exponent == -2


PAD = KpiInput(D(100), D(100), "increase", D(5))  # 100 % scored 5 (Annex 3 top row)


def kpis_with(kpi: KpiInput, position: int) -> list[KpiInput]:
    items = [PAD, PAD]
    items.insert(position, kpi)
    return items


@pytest.mark.parametrize(("planned", "actual", "field"), [(-1, 5, "planned"), (5, -1, "actual"), ("-0.01", 0, "planned")])
def test_negative_planned_or_actual_refused(planned, actual, field):
    kpi = KpiInput(D(planned), D(actual), "increase", D(0))
    with pytest.raises(InvalidInput) as caught:
        kpi_score(M, kpis_with(kpi, 1))
    error = caught.value
    assert error.code == "at_least"
    assert error.field == f"kpis[1].{field}"
    assert error.rule == "п.28, Annex 3"
    assert_renders(error)


# --- KPI: Annex 3, every row (п.28) -----------------------------------------------------

TABLE = list(M.kpi.table)


def row_top(index: int) -> Decimal:
    """The highest realisation % of a row: the next row up's start minus 0.01;
    the 100 % row has no top, 130 % stands for "and above"."""
    return Decimal(130) if index == 0 else TABLE[index - 1].from_percent - CENT


ROWS = [pytest.param(i, id=f"from{row.from_percent}") for i, row in enumerate(TABLE)]


def test_annex3_table_is_the_seed_table():
    # Annex 3 as the digest prints it (the 40 % row's "44,49" read as 44.99).
    as_text = [(str(r.from_percent), str(r.min), str(r.max)) for r in TABLE]
    assert as_text == [
        ("100", "5", "5"), ("95", "4.75", "4.99"), ("90", "4.5", "4.74"), ("85", "4.25", "4.49"),
        ("80", "4", "4.24"), ("75", "3.75", "3.99"), ("70", "3.5", "3.74"), ("65", "3.25", "3.49"),
        ("60", "3", "3.24"), ("55", "2.75", "2.99"), ("50", "2.5", "2.74"), ("45", "2.25", "2.49"),
        ("40", "2", "2.24"), ("35", "1.75", "1.99"), ("30", "1.5", "1.74"), ("25", "1.25", "1.49"),
        ("20", "1", "1.24"), ("15", "0.75", "0.99"), ("10", "0.5", "0.74"), ("5", "0.25", "0.49"),
        ("0", "0", "0.24"),
    ]


@pytest.mark.parametrize("where", ["bottom", "top"])
@pytest.mark.parametrize("index", ROWS)
def test_annex3_row_accepts_its_range(index, where):
    row = TABLE[index]
    percent = row.from_percent if where == "bottom" else row_top(index)
    position = index % 3  # the KPI under test moves through positions 0, 1, 2
    for score in (row.min, row.max):
        # planned 100, actual = percent: realisation is exactly `percent`
        kpi = KpiInput(D(100), percent, "increase", score)
        result = kpi_score(M, kpis_with(kpi, position))
        row_details = result.details["kpis"][position]
        assert row_details["percent"] == percent
        assert row_details["allowed"] == [row.min, row.max]
        assert row_details["score"] == score
        # mean of (score, 5, 5), half-up to cents
        assert result.score == ((score + 10) / 3).quantize(CENT, rounding="ROUND_HALF_UP")


def test_annex3_top_row_bottom_uses_actual_100_and_130():
    # 100 % and 130 % both fall in the "100 and above" row: only 5 is allowed.
    for actual in (100, 130):
        result = kpi_score(M, kpis_with(KpiInput(D(100), D(actual), "increase", D(5)), 0))
        assert result.details["kpis"][0]["percent"] == Decimal(actual)
        assert result.score == Decimal("5.00")


@pytest.mark.parametrize("side", ["below_min", "above_max"])
@pytest.mark.parametrize("where", ["bottom", "top"])
@pytest.mark.parametrize("index", ROWS)
def test_annex3_row_refuses_outside_its_range(index, where, side):
    row = TABLE[index]
    percent = row.from_percent if where == "bottom" else row_top(index)
    position = index % 3
    score = row.min - CENT if side == "below_min" else row.max + CENT
    kpi = KpiInput(D(100), percent, "increase", score)
    with pytest.raises(InvalidInput) as caught:
        kpi_score(M, kpis_with(kpi, position))
    error = caught.value
    assert error.field == f"kpis[{position}].score"
    assert error.value == score
    rendered = assert_renders(error)
    if Decimal(0) <= score <= Decimal(5):
        # п.28, Annex 3: the score is on the 0–5 scale but outside the row's range.
        assert error.code == "kpi_score"
        assert error.rule == "п.28, Annex 3"
        assert error.params == {"percent": percent, "low": row.min, "high": row.max}
        assert f"for a realisation of {percent.quantize(CENT)}%" in rendered["en"]  # e.g. 95.00%
        assert f"{row.min}–{row.max}" in rendered["en"]
        assert f"{row.min}–{row.max}" in rendered["kk"]
        assert f"от {row.min} до {row.max}" in rendered["ru"]
    else:
        # −0.01 (0 % row) and 5.01 (100 % row) are off the whole 0–5 scale of п.28, which
        # is checked first and reported as a range error over the scale.
        assert error.code == "range"
        assert error.rule == "п.22–28"
        assert error.params == {"low": 0, "high": 5}


@pytest.mark.parametrize(
    ("items", "expected", "band"),
    [
        # 95 % → 4.75, 100 % → 5, 90 % → 4.5: (4.75 + 5 + 4.5) / 3 = 14.25 / 3 = 4.75
        ([(95, "4.75"), (100, "5"), (90, "4.5")], "4.75", "effective"),
        # 80 % → 4.00, 60 % → 3.00, 55 % → 2.99: 9.99 / 3 = 3.33 → proper
        ([(80, "4.00"), (60, "3.00"), (55, "2.99")], "3.33", "proper"),
        # 44.99 % → 2.24, 35 % → 1.99, 0 % → 0: 4.23 / 3 = 1.41 → unsatisfactory
        ([("44.99", "2.24"), (35, "1.99"), (0, "0")], "1.41", "unsatisfactory"),
        # five KPIs: 5 + 5 + 4.99 + 4.75 + 3 = 22.74; / 5 = 4.548 → 4.55
        ([(100, 5), (120, 5), ("99.99", "4.99"), (95, "4.75"), (60, 3)], "4.55", "effective"),
        # four KPIs, half-up: 5 + 5 + 5 + 4.98 = 19.98; / 4 = 4.995 → 5.00
        ([(100, 5), (100, 5), (100, 5), (97, "4.98")], "5.00", "effective"),
        # four KPIs at a band edge: 2 + 2 + 2 + 1.96 = 7.96; / 4 = 1.99 → unsatisfactory
        ([(40, 2), (40, 2), (40, 2), (35, "1.96")], "1.99", "unsatisfactory"),
        # … and 2 + 2 + 2 + 1.98 = 7.98; / 4 = 1.995 → 2.00 → satisfactory (common.py)
        ([(40, 2), (40, 2), (40, 2), (35, "1.98")], "2.00", "satisfactory"),
    ],
)
def test_kpi_mean_by_hand(items, expected, band):
    kpis = [KpiInput(D(100), D(percent), "increase", D(score)) for percent, score in items]
    result = kpi_score(M, kpis)
    assert result.score == Decimal(expected)
    assert result.band.id == band
    assert result.kind == "kpi"


def test_kpi_decrease_direction_uses_the_table():
    # less is better: planned 12, actual 15 → 80.00 % → 4–4.24; 4.1 accepted, 4.3 refused.
    kpi = KpiInput(D(12), D(15), "decrease", D("4.1"))
    result = kpi_score(M, [kpi, PAD, PAD])
    # (4.1 + 5 + 5) / 3 = 14.1 / 3 = 4.70
    assert result.score == Decimal("4.70")
    with pytest.raises(InvalidInput) as caught:
        kpi_score(M, [KpiInput(D(12), D(15), "decrease", D("4.3")), PAD, PAD])
    assert caught.value.code == "kpi_score"
    assert caught.value.params["percent"] == Decimal("80.00")


@pytest.mark.parametrize(("count", "accepted"), [(2, False), (3, True), (5, True), (6, False)])
def test_kpi_count(count, accepted):
    # п.24: three to five KPIs.
    kpis = [PAD] * count
    if accepted:
        assert kpi_score(M, kpis).score == Decimal("5.00")
    else:
        with pytest.raises(InvalidInput) as caught:
            kpi_score(M, kpis)
        error = caught.value
        assert (error.code, error.field, error.value) == ("count", "kpis", count)
        assert error.rule == "п.24"
        assert error.params == {"low": 3, "high": 5}
        assert_renders(error)


@pytest.mark.parametrize(("percent", "score"), [(95, "4.755"), (0, "0.125"), (50, "2.501")])
def test_kpi_score_with_three_decimals_refused(percent, score):
    kpi = KpiInput(D(100), D(percent), "increase", D(score))
    with pytest.raises(InvalidInput) as caught:
        kpi_score(M, [PAD, kpi, PAD])
    error = caught.value
    assert (error.code, error.field) == ("decimals", "kpis[1].score")
    assert error.params == {"places": 2}
    assert_renders(error)


def test_kpi_trailing_zeros_are_not_extra_decimals():
    # 5.000 is the number 5: accepted at 100 %.
    assert kpi_score(M, [KpiInput(D(100), D(100), "increase", D("5.000")), PAD, PAD]).score == Decimal("5.00")


@pytest.mark.parametrize("score", ["-1", "5.5"])
def test_kpi_score_off_the_scale_refused(score):
    # п.28: each KPI is scored 0–5.
    with pytest.raises(InvalidInput) as caught:
        kpi_score(M, [KpiInput(D(100), D(100), "increase", D(score)), PAD, PAD])
    assert (caught.value.code, caught.value.field) == ("range", "kpis[0].score")


def test_kpi_through_the_json_contract():
    # 92/100 → 92 % → 4.5–4.74; 4.6 + 5 + 5 = 14.6; / 3 = 4.8666… → 4.87
    payload = {
        "methodology": "typical2023",
        "kind": "kpi",
        "kpis": [
            {"planned": 100, "actual": 92, "direction": "increase", "score": Decimal("4.6")},
            {"planned": 100, "actual": 100, "direction": "increase", "score": 5},
            {"planned": 8, "actual": 8, "direction": "decrease", "score": 5},
        ],
    }
    result = score_request(payload)
    assert result.score == Decimal("4.87")
    assert result.band.id == "effective"


# --- differentiation (п.29–33, Annex 4) -------------------------------------------------

PARAMETERS = ["quality", "deadlines", "initiative", "discipline"]


def sheet(*scores: object, justification: str = "as recorded in the sheet") -> dict[str, ParameterScore]:
    return {name: ParameterScore(D(score), justification) for name, score in zip(PARAMETERS, scores)}


def test_the_four_parameters():
    # п.33: quality; deadlines; independence and initiative; labour discipline.
    assert [p.id for p in M.differentiation.parameters] == PARAMETERS
    assert (M.differentiation.score.min, M.differentiation.score.max) == (0, 5)


@pytest.mark.parametrize(
    ("scores", "expected", "band"),
    [
        # (2 + 2 + 2 + 1.96) / 4 = 7.96 / 4 = 1.99 → unsatisfactory (п.8)
        ((2, 2, 2, "1.96"), "1.99", "unsatisfactory"),
        # (2 + 2 + 2 + 1.97) / 4 = 7.97 / 4 = 1.9925 → 1.99 → unsatisfactory
        ((2, 2, 2, "1.97"), "1.99", "unsatisfactory"),
        # (2 + 2 + 2 + 1.98) / 4 = 7.98 / 4 = 1.995 → 2.00 (half-up) → satisfactory
        ((2, 2, 2, "1.98"), "2.00", "satisfactory"),
        # (2 + 2 + 2 + 2) / 4 = 2.00 → satisfactory
        ((2, 2, 2, 2), "2.00", "satisfactory"),
        # (3 + 3 + 3 + 2.96) / 4 = 11.96 / 4 = 2.99 → satisfactory
        ((3, 3, 3, "2.96"), "2.99", "satisfactory"),
        # 12 / 4 = 3.00 → proper
        ((3, 3, 3, 3), "3.00", "proper"),
        # (4 + 4 + 4 + 3.96) / 4 = 15.96 / 4 = 3.99 → proper
        ((4, 4, 4, "3.96"), "3.99", "proper"),
        # 16 / 4 = 4.00 → effective
        ((4, 4, 4, 4), "4.00", "effective"),
        # (3.5 + 4 + 4.25 + 5) / 4 = 16.75 / 4 = 4.1875 → 4.19
        (("3.5", 4, "4.25", 5), "4.19", "effective"),
        # the scale ends (п.32: 0–5): 0 + 0 + 0 + 0 = 0.00; 20 / 4 = 5.00
        ((0, 0, 0, 0), "0.00", "unsatisfactory"),
        ((5, 5, 5, 5), "5.00", "effective"),
    ],
)
def test_differentiation_mean(scores, expected, band):
    result = differentiation_score(M, sheet(*scores))
    assert result.score == Decimal(expected)
    assert result.band.id == band
    assert result.kind == "differentiation"


def test_differentiation_order_of_parameters_does_not_matter():
    scores = sheet("3.5", 4, "4.25", 5)
    reversed_scores = dict(reversed(list(scores.items())))
    assert differentiation_score(M, reversed_scores).score == Decimal("4.19")


def refused_differentiation(scores: dict[str, ParameterScore]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        differentiation_score(M, scores)
    assert_renders(caught.value)
    return caught.value


def test_differentiation_missing_parameter():
    scores = sheet(4, 4, 4, 4)
    del scores["discipline"]
    error = refused_differentiation(scores)
    assert (error.code, error.field) == ("missing_items", "scores")
    assert error.params == {"expected": "discipline"}
    assert error.rule == "п.29–33, Annex 4"


def test_differentiation_unknown_parameter():
    scores = {**sheet(4, 4, 4, 4), "punctuality": ParameterScore(D(4), "on time")}
    error = refused_differentiation(scores)
    assert (error.code, error.field, error.value) == ("unknown", "scores.punctuality", "punctuality")
    assert error.params == {"expected": "quality, deadlines, initiative, discipline"}


@pytest.mark.parametrize("score", ["-0.5", "5.5", "-0.01", "5.01"])
def test_differentiation_score_off_the_scale(score):
    error = refused_differentiation(sheet(4, score, 4, 4))
    assert (error.code, error.field) == ("range", "scores.deadlines.score")
    assert error.params == {"low": 0, "high": 5}


def test_differentiation_score_with_three_decimals():
    error = refused_differentiation(sheet(4, 4, "4.125", 4))
    assert (error.code, error.field) == ("decimals", "scores.initiative.score")


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_differentiation_blank_justification(blank):
    scores = sheet(4, 4, 4, 4)
    scores["deadlines"] = ParameterScore(D(4), blank)
    error = refused_differentiation(scores)
    assert (error.code, error.field) == ("justification", "scores.deadlines.justification")
    assert error.rule == "Annex 4"


# --- 360 (п.34–37, Annexes 5–8) ----------------------------------------------------------

STAFF = [c.id for c in M.survey360.competencies["staff"]]
HEAD = [c.id for c in M.survey360.competencies["head"]]


def respondent(role: str, assessee: str, value: int = 4, **override: list[int]) -> Respondent:
    competencies = STAFF if assessee == "staff" else HEAD
    answers = {c: Ds(value, value, value) for c in competencies}
    answers.update({c: Ds(*values) for c, values in override.items()})
    return Respondent(role, answers)


def panel(assessee: str, others: int, *, with_self: bool = True) -> list[Respondent]:
    roles = ["manager"] + ["subordinate", "peer"] * 4
    people = [respondent(role, assessee) for role in roles[:others]]
    if with_self:
        people.append(respondent("self", assessee, 1))
    return people


def refused_360(assessee: str, respondents: list[Respondent]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        survey360_score(M, assessee, respondents)
    assert_renders(caught.value)
    return caught.value


def test_360_competency_lists():
    # Annex 6: eight staff competencies; Annex 5: twelve head competencies.
    assert STAFF == [
        "communication", "ethics", "change_management", "result_orientation",
        "independence", "cooperation", "promptness", "self_development",
    ]
    assert HEAD == [
        "management", "communication", "ethics", "change_management", "result_orientation",
        "independence", "team_management", "leadership", "cooperation", "promptness",
        "self_development", "initiative",
    ]
    assert M.survey360.questions_per_competency == 3
    assert (M.survey360.answer_span.min, M.survey360.answer_span.max) == (1, 5)


@pytest.mark.parametrize(("others", "accepted"), [(2, False), (3, True), (7, True), (8, False)])
@pytest.mark.parametrize("assessee", ["staff", "head"])
def test_360_respondent_count_excludes_self(assessee, others, accepted):
    # п.36: 3 to 7 respondents; the self-assessment is not one of them.
    respondents = panel(assessee, others, with_self=True)
    assert len(respondents) == others + 1
    if accepted:
        result = survey360_score(M, assessee, respondents)
        assert result.details["respondents"] == others
        assert result.score == Decimal("4.00")  # every respondent answered 4
    else:
        error = refused_360(assessee, respondents)
        assert (error.code, error.field, error.value) == ("count", "respondents", others)
        assert error.params == {"low": 3, "high": 7}
        assert error.rule == "п.36"


def test_360_seven_without_self_is_accepted_and_eight_refused_without_self():
    assert survey360_score(M, "staff", panel("staff", 7, with_self=False)).details["respondents"] == 7
    error = refused_360("staff", panel("staff", 8, with_self=False))
    assert (error.code, error.value) == ("count", 8)


@pytest.mark.parametrize("single", ["self", "manager"])
def test_360_only_one_self_and_one_manager(single):
    respondents = panel("staff", 3, with_self=False) + [respondent(single, "staff"), respondent(single, "staff")]
    if single == "manager":
        respondents = respondents[1:]  # drop the panel's manager: still two managers below
        respondents.append(respondent("peer", "staff"))
    error = refused_360("staff", respondents)
    assert (error.code, error.field, error.value) == ("one_only", "respondents.role", single)


def test_360_unknown_role():
    respondents = panel("staff", 3) + [Respondent("friend", respondent("peer", "staff").answers)]
    error = refused_360("staff", respondents)
    assert (error.code, error.field) == ("unknown", "respondents[4].role")


@pytest.mark.parametrize("answer", [0, 6])
def test_360_answer_off_the_scale(answer):
    respondents = panel("staff", 3)
    respondents[1] = respondent("subordinate", "staff", ethics=[4, 4, answer])
    error = refused_360("staff", respondents)
    assert (error.code, error.field) == ("range", "respondents[1].answers.ethics[2]")
    assert error.params == {"low": 1, "high": 5}
    assert error.rule == "п.34–37, Annex 5–8"


def test_360_answer_not_whole():
    respondents = panel("staff", 3)
    respondents[0] = Respondent("manager", {**respondent("manager", "staff").answers, "ethics": Ds(4, "3.5", 4)})
    error = refused_360("staff", respondents)
    assert (error.code, error.field) == ("integer", "respondents[0].answers.ethics[1]")


@pytest.mark.parametrize("given", [[4, 4], [4, 4, 4, 4]])
def test_360_exactly_three_answers_per_competency(given):
    respondents = panel("head", 3)
    respondents[2] = respondent("peer", "head", leadership=given)
    error = refused_360("head", respondents)
    assert (error.code, error.field, error.value) == ("answers", "respondents[2].answers.leadership", len(given))
    assert error.params == {"expected": 3}


def test_360_missing_competency():
    respondents = panel("head", 3)
    answers = dict(respondents[0].answers)
    del answers["management"]
    respondents[0] = Respondent("manager", answers)
    error = refused_360("head", respondents)
    assert (error.code, error.field) == ("missing_items", "respondents[0].answers")
    assert error.params == {"expected": "management"}


def test_360_staff_answering_a_head_competency_is_unknown():
    # "leadership" is in Annex 5 (heads) only, not in Annex 6 (staff).
    respondents = panel("staff", 3)
    respondents[0] = respondent("manager", "staff", leadership=[4, 4, 4])
    error = refused_360("staff", respondents)
    assert (error.code, error.field, error.value) == ("unknown", "respondents[0].answers.leadership", "leadership")


def test_360_head_given_only_staff_competencies_is_missing_items():
    people = [respondent(role, "staff") for role in ("manager", "peer", "peer")]
    error = refused_360("head", people)
    assert (error.code, error.field) == ("missing_items", "respondents[0].answers")
    # the four head-only competencies, in Annex 5 order
    assert error.params == {"expected": "management, team_management, leadership, initiative"}


def test_360_staff_means_by_hand():
    # manager answers 5 everywhere, subordinate 4, peer 3, except the peer's ethics (1,2,3).
    # competency mean = sum of answers / number of answers, self excluded:
    #   every competency but ethics: (5×3 + 4×3 + 3×3) / 9 = 36 / 9 = 4.00
    #   ethics: (15 + 12 + 1 + 2 + 3) / 9 = 33 / 9 = 3.666… → 3.67
    # overall = mean of the 8 competency means = (7×4 + 33/9) / 8 = (95/3) / 8 = 95/24
    #   = 3.9583… → 3.96 → proper (п.8)
    respondents = [
        respondent("manager", "staff", 5),
        respondent("subordinate", "staff", 4),
        respondent("peer", "staff", 3, ethics=[1, 2, 3]),
        respondent("self", "staff", 1, promptness=[5, 5, 2]),
    ]
    result = survey360_score(M, "staff", respondents)
    assert result.kind == "360"
    assert result.score == Decimal("3.96")
    assert result.band.id == "proper"
    competencies = result.details["competencies"]
    assert list(competencies) == STAFF
    assert competencies["ethics"] == Decimal("3.67")
    assert all(competencies[c] == Decimal("4.00") for c in STAFF if c != "ethics")
    assert result.details["weakest"] == ["ethics"]
    assert result.details["respondents"] == 3
    assert result.details["assessee"] == "staff"
    # the self-assessment is shown apart: 1 everywhere, promptness (5+5+2)/3 = 4.00
    own = result.details["self"]
    assert own["promptness"] == Decimal("4.00")
    assert all(own[c] == Decimal("1.00") for c in STAFF if c != "promptness")


def test_360_self_assessment_does_not_change_the_score():
    others = [
        respondent("manager", "head", 5),
        respondent("subordinate", "head", 4, leadership=[2, 2, 3]),
        respondent("peer", "head", 3),
    ]
    without_self = survey360_score(M, "head", others)
    with_low_self = survey360_score(M, "head", others + [respondent("self", "head", 1)])
    with_high_self = survey360_score(M, "head", others + [respondent("self", "head", 5)])
    # leadership: (15 + 2 + 2 + 3 + 9) / 9 = 31 / 9 = 3.444… → 3.44; the other eleven: 36/9 = 4
    # overall = (11×4 + 31/9) / 12 = (427/9) / 12 = 427/108 = 3.9537… → 3.95
    for result in (without_self, with_low_self, with_high_self):
        assert result.score == Decimal("3.95")
        assert result.details["competencies"] == without_self.details["competencies"]
        assert result.details["competencies"]["leadership"] == Decimal("3.44")
        assert result.details["weakest"] == ["leadership"]
        assert result.details["respondents"] == 3
    assert without_self.details["self"] is None
    assert set(with_high_self.details["self"].values()) == {Decimal("5.00")}


def test_360_weakest_lists_every_lowest_competency():
    # ethics and cooperation tie for lowest: all three respondents answer 3,3,3 on both
    # → 27/9 = 3.00; every other competency 36/9 = 4.00.
    people = [
        respondent(role, "staff", 4, ethics=[3, 3, 3], cooperation=[3, 3, 3])
        for role in ("manager", "subordinate", "peer")
    ]
    result = survey360_score(M, "staff", people)
    assert result.details["weakest"] == ["ethics", "cooperation"]  # in Annex 6 order
    # overall = (6×4 + 2×3) / 8 = 30 / 8 = 3.75
    assert result.score == Decimal("3.75")


def test_360_overall_by_hand():
    # Staff, three respondents:
    # communication: 4,4,4 | 4,4,4 | 4,4,5 → 37/9; every other competency 4,4,4 ×3 → 36/9.
    # overall = (7×36/9 + 37/9) / 8 = (289/9) / 8 = 289/72 = 4.01388… → 4.01.
    people = [respondent("manager", "staff"), respondent("peer", "staff"),
              respondent("subordinate", "staff", communication=[4, 4, 5])]
    result = survey360_score(M, "staff", people)
    assert result.details["competencies"]["communication"] == Decimal("4.11")  # 37/9 = 4.111…
    assert result.score == Decimal("4.01")


def test_360_overall_exact_half_rounds_up():
    # Staff, three respondents (self excluded, п.36):
    #   manager: 1,1,1 on every competency
    #   peer A:  1,1,1 except independence 1,4,5; cooperation 3,5,5; promptness 3,5,5;
    #            self_development 5,5,5
    #   peer B:  5,5,5 on every competency
    # competency sums (of 9 answers): communication, ethics, change_management,
    # result_orientation 3+3+15 = 21; independence 3+10+15 = 28; cooperation and
    # promptness 3+13+15 = 31; self_development 3+15+15 = 33.
    # overall = mean of the 8 competency means = (4×21 + 28 + 2×31 + 33) / 9 / 8
    #         = 207/9/8 = 23/8 = 2.875 exactly → half-up 2.88 (common.py: half-up on the
    #         exact mean, as a person rounds it) → satisfactory (п.8).
    ones = {c: [1, 1, 1] for c in STAFF}
    peer_a = {**ones, "independence": [1, 4, 5], "cooperation": [3, 5, 5],
              "promptness": [3, 5, 5], "self_development": [5, 5, 5]}
    people = [
        Respondent("manager", {c: Ds(*v) for c, v in ones.items()}),
        Respondent("peer", {c: Ds(*v) for c, v in peer_a.items()}),
        respondent("peer", "staff", 5),
    ]
    result = survey360_score(M, "staff", people)
    assert result.details["competencies"] == {
        "communication": Decimal("2.33"), "ethics": Decimal("2.33"),            # 21/9
        "change_management": Decimal("2.33"), "result_orientation": Decimal("2.33"),
        "independence": Decimal("3.11"),                                        # 28/9
        "cooperation": Decimal("3.44"), "promptness": Decimal("3.44"),          # 31/9
        "self_development": Decimal("3.67"),                                    # 33/9
    }
    assert result.score == Decimal("2.88")
    assert result.band.id == "satisfactory"


def _walk(value: Any):
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _walk(item)


def test_360_result_keeps_respondents_anonymous():
    # п.34: the 360 is anonymous; only means leave the scoring.
    respondents = [
        respondent("manager", "head", 5, ethics=[1, 2, 5]),
        respondent("subordinate", "head", 2, ethics=[3, 3, 4]),
        respondent("peer", "head", 3),
        respondent("peer", "head", 4),
        respondent("self", "head", 5),
    ]
    result = survey360_score(M, "head", respondents)
    details = result.details
    assert set(details) == {"assessee", "respondents", "competencies", "self", "weakest"}
    raw_answer_lists = [list(answers) for r in respondents for answers in r.answers.values()]
    for value in _walk(details):
        if isinstance(value, (list, tuple)):
            assert list(value) not in raw_answer_lists
            assert all(isinstance(item, str) for item in value)  # only the weakest ids
    for value in details["competencies"].values():
        assert value.as_tuple().exponent == -2
    # no role and no per-respondent entry anywhere
    assert not any(isinstance(v, Respondent) for v in _walk(details))
    assert "manager" not in repr(details) and "subordinate" not in repr(details)
    # ethics: (1+2+5 + 3+3+4 + 3×3 + 4×3) / 12 = 39 / 12 = 3.25
    assert details["competencies"]["ethics"] == Decimal("3.25")


def test_360_through_the_json_contract():
    people = [
        {"role": role, "answers": {c: [value] * 3 for c in STAFF}}
        for role, value in (("manager", 5), ("peer", 4), ("subordinate", 3), ("self", 1))
    ]
    # every competency (5×3 + 4×3 + 3×3) / 9 = 4.00; overall 4.00, effective
    result = score_request({"methodology": "typical2023", "kind": "360", "assessee": "staff", "respondents": people})
    assert result.score == Decimal("4.00")
    assert result.band.id == "effective"
    assert result.details["respondents"] == 3


# --- annual (п.5) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quarters", "expected", "band"),
    [
        # (4 + 3.5 + 5 + 4.25) / 4 = 16.75 / 4 = 4.1875 → 4.19
        ((4, "3.5", 5, "4.25"), "4.19", "effective"),
        # (2 + 1.99) / 2 = 1.995 → 2.00 (half-up) → satisfactory
        ((2, "1.99"), "2.00", "satisfactory"),
        # (2 + 1.97) / 2 = 1.985 → 1.99 → unsatisfactory
        ((2, "1.97"), "1.99", "unsatisfactory"),
        # (3 + 3 + 3) / 3 = 3.00 → proper; one quarter alone
        ((3, 3, 3), "3.00", "proper"),
        ((5,), "5.00", "effective"),
        ((0,), "0.00", "unsatisfactory"),
        # (4 + 4 + 3.99) / 3 = 11.99 / 3 = 3.99666… → 4.00 → effective
        ((4, 4, "3.99"), "4.00", "effective"),
    ],
)
def test_annual_mean_of_quarters(quarters, expected, band):
    result = annual_score(M, Ds(*quarters))
    assert result.score == Decimal(expected)
    assert result.band.id == band
    assert result.details == {"quarters": len(quarters)}


@pytest.mark.parametrize(
    ("quarters", "code", "field"),
    [
        ((), "count", "quarterly_scores"),
        ((4, 4, 4, 4, 4), "count", "quarterly_scores"),
        ((4, "-0.01"), "range", "quarterly_scores[1]"),
        (("5.01",), "range", "quarterly_scores[0]"),
    ],
)
def test_annual_refusals(quarters, code, field):
    with pytest.raises(InvalidInput) as caught:
        annual_score(M, Ds(*quarters))
    error = caught.value
    assert (error.code, error.field) == (code, field)
    assert error.rule == "п.5"
    assert_renders(error)


def test_annual_takes_no_plan():
    # п.5: typical2023's annual grade is the quarters' mean only.
    with pytest.raises(InvalidInput) as caught:
        annual_score(M, Ds(4), Ds(4))
    assert (caught.value.code, caught.value.field) == ("extra", "plan_scores")

"""Properties of `score_request`, the JSON contract of `bagalau score` (docs/cli.md).

Whatever a person feeds it, the call either returns a `Result` (a Decimal score with two
decimals, in a band of the kind's band set) or raises `InvalidInput` that renders in kk,
ru and en: never any other exception (methodology/errors.py: "nothing else escapes the
rules layer"). Numbers arrive as the CLI makes them: ints and Decimals
(json.loads(..., parse_float=Decimal)); raw floats, nan and inf included, must be refused
or read, never crash.

Plus arithmetic properties checked against an independent hand computation with
`fractions.Fraction`: the mne2017 quarterly formula (п.15–27), the typical2023 KPI mean
(Annex 2) with Annex 3 rows (п.28), the differentiation mean (п.33) and the 360 means
(Annexes 7–8, п.36), and monotone band sets (mne2017 п.27, п.33; typical2023 п.8).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import methodology
from methodology.errors import InvalidInput
from methodology.i18n import LANGS
from methodology.scoring import Result, score_request

# derandomize: the same examples every run, so a failure is reproducible, not flaky.
SETTINGS = settings(
    max_examples=200, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

METHODOLOGIES = methodology.available()
LOADED = {name: methodology.load(name) for name in METHODOLOGIES}
MNE = LOADED["mne2017"]
TYP = LOADED["typical2023"]
KINDS = ["quarterly", "plan", "annual", "kpi", "differentiation", "360"]
FAKE_METHODOLOGIES = ["mne2016", "", "MNE2017", "typical", "typical2023 ", "none"]
FAKE_KINDS = ["", "Quarterly", "kpis", "720", "score", "annual "]
PARAMETERS = [p.id for p in TYP.differentiation.parameters]
COMPETENCIES = {group: [c.id for c in items] for group, items in TYP.survey360.competencies.items()}
TABLE = list(TYP.kpi.table)


# --- the outcome every call must have ---------------------------------------------------


def check_outcome(payload: Any) -> Result | None:
    """A Result with a 2-decimal Decimal score in one of the kind's bands, or an
    InvalidInput rendering in kk, ru, en. Any other exception fails the test."""
    try:
        result = score_request(payload)
    except InvalidInput as error:
        assert isinstance(error.code, str) and error.code
        assert isinstance(error.field, str) and error.field
        rendered = [error.render(lang) for lang in LANGS]
        assert all(isinstance(text, str) and text for text in rendered)
        return None
    assert isinstance(result, Result)
    assert isinstance(result.score, Decimal)
    assert result.score.is_finite()
    assert result.score.as_tuple().exponent == -2
    assert result.methodology == payload["methodology"]
    assert result.kind == payload["kind"]
    m = LOADED[result.methodology]
    band_set = m.bands(m.rules(result.kind).bands)
    assert result.band.id in [band.id for band in band_set.bands]
    assert result.band == band_set.band_for(result.score)  # the band of the rounded score
    for lang in LANGS:
        assert result.band.label(lang)
    return result


# --- numbers as they may arrive ----------------------------------------------------------

EDGE_NUMBERS = [
    Decimal("1E-30"), Decimal("-0"), Decimal("0.005"), Decimal("999999999999999"),
    Decimal("1E15"), Decimal("-1E15"), Decimal("1E-1000000"), Decimal("1E+1000000"),
    Decimal("NaN"), Decimal("-Infinity"), Decimal("Infinity"), 10**15, -(10**15), 10**30,
    float("nan"), float("inf"), float("-inf"), 1e-30, 2.5, -0.0, 1e300,
]
numbers = st.one_of(
    st.integers(-3, 8),
    st.integers(-(10**16), 10**16),
    st.decimals(min_value=-1, max_value=6, places=2),
    st.decimals(min_value=-1, max_value=6, places=3),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(EDGE_NUMBERS),
)
junk = st.one_of(st.none(), st.booleans(), st.text(max_size=4), st.lists(st.integers(), max_size=2), st.just({}))
maybe_number = st.one_of(numbers, numbers, numbers, junk)


def methodology_for(kind: str) -> st.SearchStrategy[Any]:
    """Mostly a methodology that has the kind, sometimes one that has not, or a fake."""
    having = [name for name, m in LOADED.items() if kind in m.kinds]
    return st.one_of(
        st.sampled_from(having),
        st.sampled_from(having),
        st.sampled_from(having),
        st.sampled_from(METHODOLOGIES + FAKE_METHODOLOGIES),
        junk,
    )


def payload(kind: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    extra = st.dictionaries(st.sampled_from(["note", "period", "score", "kpis", "kind2"]), junk, max_size=1)
    base = st.fixed_dictionaries({"methodology": methodology_for(kind), "kind": st.just(kind), **fields})
    return st.one_of(base, base, base, st.builds(lambda b, e: {**b, **e}, base, extra))


def number_list(values: st.SearchStrategy[Any], max_size: int = 6) -> st.SearchStrategy[Any]:
    return st.one_of(st.lists(values, max_size=max_size), st.lists(values, max_size=max_size), junk)


# --- per-kind, well-formed-ish payloads --------------------------------------------------

quarterly_payloads = payload(
    "quarterly",
    bonus_points=number_list(st.one_of(st.integers(0, 6), maybe_number), max_size=10),
    violations=st.one_of(st.integers(-2, 60), maybe_number),
)

plan_payloads = payload(
    "plan",
    indicator_scores=number_list(st.one_of(st.integers(1, 6), maybe_number)),
)

annual_payloads = st.one_of(
    payload(
        "annual",
        quarterly_scores=number_list(st.one_of(st.integers(60, 140), st.decimals(0, 5, places=2), maybe_number)),
        plan_scores=st.one_of(st.none(), number_list(st.one_of(st.integers(1, 6), st.decimals(2, 5, places=2), maybe_number))),
    ),
    payload(
        "annual",
        quarterly_scores=number_list(st.one_of(st.decimals(-1, 6, places=2), maybe_number)),
    ),
)


@st.composite
def valid_kpi(draw: st.DrawFn) -> dict[str, Any]:
    """A KPI whose score lies in the Annex 3 row of its realisation (п.28)."""
    index = draw(st.integers(0, len(TABLE) - 1))
    row = TABLE[index]
    top = Decimal(150) if index == 0 else TABLE[index - 1].from_percent - Decimal("0.01")
    percent = draw(st.decimals(row.from_percent, top, places=2))
    score = draw(st.decimals(row.min, row.max, places=2))
    base = draw(st.sampled_from([Decimal(100), Decimal(200), Decimal(50), Decimal(4)]))
    if draw(st.booleans()) or percent == 0:
        # more is better: actual / planned × 100 = percent
        return {"planned": base, "actual": percent * base / 100, "direction": "increase", "score": score,
                "_percent": percent}
    # less is better: planned / actual × 100 = percent
    return {"planned": percent * base / 100, "actual": base, "direction": "decrease", "score": score,
            "_percent": percent}


def public(kpi: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in kpi.items() if not key.startswith("_")}


fuzzy_kpi = st.fixed_dictionaries(
    {
        "planned": st.one_of(st.integers(0, 200), maybe_number),
        "actual": st.one_of(st.integers(0, 200), maybe_number),
        "direction": st.one_of(st.sampled_from(["increase", "decrease"]), st.sampled_from(["up", "down", ""]), junk),
        "score": st.one_of(st.decimals(0, 5, places=2), maybe_number),
    }
)
kpi_items = st.one_of(valid_kpi().map(public), valid_kpi().map(public), fuzzy_kpi, junk)
kpi_payloads = payload("kpi", kpis=st.one_of(st.lists(kpi_items, min_size=2, max_size=6), junk))

parameter_item = st.fixed_dictionaries(
    {
        "score": st.one_of(st.decimals(0, 5, places=2), st.decimals(-1, 6, places=2), maybe_number),
        "justification": st.one_of(st.text(max_size=8), st.sampled_from(["", "  ", "done on time"]), junk),
    }
)
differentiation_payloads = payload(
    "differentiation",
    scores=st.one_of(
        st.dictionaries(st.sampled_from(PARAMETERS + ["punctuality", "Quality", ""]), parameter_item, max_size=5),
        st.fixed_dictionaries({name: parameter_item for name in PARAMETERS}),
        junk,
    ),
)


@st.composite
def answers_for(draw: st.DrawFn, group: str, fuzzy: bool) -> Any:
    names = list(COMPETENCIES.get(group, COMPETENCIES["staff"]))
    if fuzzy:
        names = draw(st.lists(st.sampled_from(COMPETENCIES["head"] + ["charisma"]), unique=True, max_size=13))
        answer = st.one_of(st.integers(0, 6), maybe_number)
        size = st.sampled_from([3, 3, 3, 2, 4])
    else:
        answer = st.integers(1, 5)
        size = st.just(3)
    return {name: draw(st.lists(answer, min_size=draw(size), max_size=3 if not fuzzy else 4)) for name in names}


@st.composite
def survey360_payloads(draw: st.DrawFn) -> dict[str, Any]:
    group = draw(st.sampled_from(["head", "staff", "head", "staff", "manager", ""]))
    fuzzy = draw(st.booleans())
    if fuzzy:
        roles = draw(st.lists(st.sampled_from(["manager", "subordinate", "peer", "self", "boss"]), max_size=9))
    else:
        others = draw(st.integers(2, 8))
        roles = ["manager"] + draw(st.lists(st.sampled_from(["subordinate", "peer"]), min_size=others - 1, max_size=others - 1))
        if draw(st.booleans()):
            roles.append("self")
    respondents = [{"role": role, "answers": draw(answers_for(group, fuzzy))} for role in roles]
    return {
        "methodology": draw(methodology_for("360")),
        "kind": "360",
        "assessee": group,
        "respondents": draw(st.one_of(st.just(respondents), st.just(respondents), junk)),
    }


TINY_PLAN_KPI = {
    "methodology": "typical2023",
    "kind": "kpi",
    "kpis": [
        # JSON `1e-30` arrives as Decimal('1E-30'); 1 / 1E-30 × 100 = 1E+32 %, a 100 % row.
        {"planned": Decimal("1E-30"), "actual": 1, "direction": "increase", "score": 5},
        {"planned": 100, "actual": 100, "direction": "increase", "score": 5},
        {"planned": 100, "actual": 100, "direction": "increase", "score": 5},
    ],
}


@SETTINGS
@given(quarterly_payloads)
@example({"methodology": "mne2017", "kind": "quarterly", "bonus_points": [float("nan")], "violations": 0})
@example({"methodology": "mne2017", "kind": "quarterly", "bonus_points": [1], "violations": float("inf")})
@example({"methodology": "mne2017", "kind": "quarterly", "bonus_points": [], "violations": Decimal("999999999999999")})
@example({"methodology": "mne2017", "kind": "quarterly", "bonus_points": [Decimal("1E+1000000")], "violations": 0})
def test_quarterly_requests_never_crash(request: dict[str, Any]):
    check_outcome(request)


@SETTINGS
@given(plan_payloads)
@example({"methodology": "mne2017", "kind": "plan", "indicator_scores": [4.0, 4.5]})
def test_plan_requests_never_crash(request: dict[str, Any]):
    check_outcome(request)


@SETTINGS
@given(annual_payloads)
@example({"methodology": "mne2017", "kind": "annual", "quarterly_scores": [Decimal("1E-1000000")], "plan_scores": [4]})
@example({"methodology": "typical2023", "kind": "annual", "quarterly_scores": [float("-inf")]})
def test_annual_requests_never_crash(request: dict[str, Any]):
    check_outcome(request)


@SETTINGS
@given(kpi_payloads)
@example(TINY_PLAN_KPI)
def test_kpi_requests_never_crash(request: dict[str, Any]):
    check_outcome(request)


@SETTINGS
@given(differentiation_payloads)
@example(
    {"methodology": "typical2023", "kind": "differentiation",
     "scores": {name: {"score": Decimal("1E+1000000"), "justification": "x"} for name in PARAMETERS}}
)
def test_differentiation_requests_never_crash(request: dict[str, Any]):
    check_outcome(request)


@SETTINGS
@given(survey360_payloads())
@example(
    {"methodology": "typical2023", "kind": "360", "assessee": "head",
     "respondents": [{"role": "manager", "answers": {"management": [0, 0, Decimal("1E+1000000")]}}]}
)
def test_360_requests_never_crash(request: dict[str, Any]):
    check_outcome(request)


# --- arbitrary JSON-like garbage --------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6), st.decimals(allow_nan=True, allow_infinity=True),
)
garbage = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=6), children, max_size=4),
    ),
    max_leaves=16,
)
field_names = st.sampled_from(
    ["bonus_points", "violations", "indicator_scores", "quarterly_scores", "plan_scores", "kpis",
     "scores", "assessee", "respondents", "planned", "score", "role", "answers"]
)
garbage_payloads = st.builds(
    lambda head, body: {**body, **head},
    st.fixed_dictionaries(
        {},
        optional={
            "methodology": st.one_of(st.sampled_from(METHODOLOGIES + FAKE_METHODOLOGIES), garbage),
            "kind": st.one_of(st.sampled_from(KINDS + FAKE_KINDS), garbage),
        },
    ),
    st.dictionaries(st.one_of(field_names, st.text(max_size=6)), garbage, max_size=5),
)


@SETTINGS
@given(garbage)
@example([])
@example("mne2017")
@example(None)
def test_any_json_value_never_crashes(value: Any):
    check_outcome(value)


@SETTINGS
@given(garbage_payloads)
@example({"methodology": "typical2023", "kind": "360"})
@example({"methodology": "mne2017", "kind": "kpi"})
@example({"methodology": ["mne2017"], "kind": {"a": 1}})
def test_garbage_payloads_never_crash(value: dict[str, Any]):
    check_outcome(value)


def test_kpi_tiny_plan_from_cli_json_is_scored_or_refused():
    """The CLI reads `1e-30` as Decimal('1E-30'); a realisation of 1E+32 % must still end
    as a Result (the 100 % row: score 5 allowed) or an InvalidInput, not a decimal error."""
    text = json.dumps(
        {
            "methodology": "typical2023",
            "kind": "kpi",
            "kpis": [{"planned": "PLANNED", "actual": 1, "direction": "increase", "score": 5}]
            + [{"planned": 100, "actual": 100, "direction": "increase", "score": 5}] * 2,
        }
    ).replace('"PLANNED"', "1e-30")
    request = json.loads(text, parse_float=Decimal)
    assert request["kpis"][0]["planned"] == Decimal("1E-30")
    check_outcome(request)


def test_number_beyond_decimal_exponent_range_from_cli_json_is_refused():
    """The CLI reads `1e1000000` as Decimal('1E+1000000'), finite but above the context's
    Emax; the ±10^15 limit (requests.py LIMIT) must refuse it as InvalidInput
    (type_number), not overflow while checking it."""
    text = '{"methodology": "mne2017", "kind": "quarterly", "bonus_points": [1e1000000], "violations": 0}'
    request = json.loads(text, parse_float=Decimal)
    assert request["bonus_points"] == [Decimal("1E+1000000")]
    check_outcome(request)


# --- arithmetic properties ---------------------------------------------------------------


def half_up(value: Fraction) -> Decimal:
    """Round a non-negative or negative Fraction half-up (away from zero) to cents."""
    cents = value * 100
    whole = math.floor(abs(cents) + Fraction(1, 2))
    return (Decimal(whole) if cents >= 0 else -Decimal(whole)).scaleb(-2)


@SETTINGS
@given(st.lists(st.integers(1, 5), max_size=15), st.integers(0, 80))
def test_quarterly_is_100_plus_bonus_minus_twice_violations(bonus: list[int], violations: int):
    # mne2017 п.16, п.17–18, п.22: score = 100 + Σ bonus − 2 × violations
    result = check_outcome({"methodology": "mne2017", "kind": "quarterly", "bonus_points": bonus, "violations": violations})
    assert result is not None
    expected = 100 + sum(bonus) - 2 * violations
    assert result.score == Decimal(expected).quantize(Decimal("0.01"))
    # п.27: below 80; 80–105; 106–130; above 130
    band = ("unsatisfactory" if expected < 80 else "satisfactory" if expected <= 105
            else "effective" if expected <= 130 else "excellent")
    assert result.band.id == band


@SETTINGS
@given(st.lists(valid_kpi(), min_size=3, max_size=5))
def test_kpi_mean_equals_hand_mean(kpis: list[dict[str, Any]]):
    # Annex 2: final = Σ scores / number of KPIs, half-up to cents; п.8 bands.
    result = check_outcome({"methodology": "typical2023", "kind": "kpi", "kpis": [public(k) for k in kpis]})
    assert result is not None
    hand = half_up(sum((Fraction(k["score"]) for k in kpis), Fraction(0)) / len(kpis))
    assert result.score == hand
    band = ("unsatisfactory" if hand < 2 else "satisfactory" if hand < 3 else "proper" if hand < 4 else "effective")
    assert result.band.id == band
    for row, kpi in zip(result.details["kpis"], kpis):
        assert row["percent"] == kpi["_percent"]
        assert row["allowed"][0] <= kpi["score"] <= row["allowed"][1]


@SETTINGS
@given(st.lists(st.decimals(0, 5, places=2), min_size=4, max_size=4))
def test_differentiation_mean_equals_hand_mean(scores: list[Decimal]):
    # п.33, Annex 4: final = Σ parameter scores / 4, half-up to cents.
    request = {
        "methodology": "typical2023",
        "kind": "differentiation",
        "scores": {name: {"score": s, "justification": "see the sheet"} for name, s in zip(PARAMETERS, scores)},
    }
    result = check_outcome(request)
    assert result is not None
    assert result.score == half_up(sum((Fraction(s) for s in scores), Fraction(0)) / 4)


@st.composite
def valid_panel(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    group = draw(st.sampled_from(["head", "staff"]))
    names = COMPETENCIES[group]
    others = draw(st.integers(3, 7))
    roles = ["manager"] + ["peer"] * (others - 1)
    if draw(st.booleans()):
        roles.insert(draw(st.integers(0, len(roles))), "self")
    triple = st.lists(st.integers(1, 5), min_size=3, max_size=3)
    return group, [{"role": role, "answers": {name: draw(triple) for name in names}} for role in roles]


EXACT_HALF_PANEL = (  # overall 207/72 = 23/8 = 2.875 exactly: half-up gives 2.88
    "staff",
    [
        {"role": "manager", "answers": {c: [1, 1, 1] for c in COMPETENCIES["staff"]}},
        {"role": "peer", "answers": {**{c: [1, 1, 1] for c in COMPETENCIES["staff"]},
                                     "independence": [1, 4, 5], "cooperation": [3, 5, 5],
                                     "promptness": [3, 5, 5], "self_development": [5, 5, 5]}},
        {"role": "peer", "answers": {c: [5, 5, 5] for c in COMPETENCIES["staff"]}},
    ],
)


@SETTINGS
@given(valid_panel())
@example(EXACT_HALF_PANEL)
def test_360_means_equal_hand_means(panel: tuple[str, list[dict[str, Any]]]):
    # Annexes 7–8: competency mean = Σ answers / number of answers, self excluded (п.36);
    # overall = mean of the competency means.
    group, people = panel
    result = check_outcome({"methodology": "typical2023", "kind": "360", "assessee": group, "respondents": people})
    assert result is not None
    others = [p for p in people if p["role"] != "self"]
    means = {
        name: Fraction(sum(a for p in others for a in p["answers"][name]), 3 * len(others))
        for name in COMPETENCIES[group]
    }
    assert result.score == half_up(sum(means.values(), Fraction(0)) / len(means))
    assert result.details["competencies"] == {name: half_up(value) for name, value in means.items()}
    lowest = min(half_up(value) for value in means.values())
    assert result.details["weakest"] == [n for n, v in means.items() if half_up(v) == lowest]
    assert result.details["respondents"] == len(others)
    assert set(result.details) == {"assessee", "respondents", "competencies", "self", "weakest"}


BAND_SETS = [(name, set_id) for name, m in LOADED.items() for set_id in m.band_sets]


@SETTINGS
@given(
    st.sampled_from(BAND_SETS),
    st.decimals(min_value=-50, max_value=200, places=2),
    st.decimals(min_value=-50, max_value=200, places=2),
)
def test_bands_are_monotone(band_set: tuple[str, str], a: Decimal, b: Decimal):
    # a higher score never gets a lower band (mne2017 п.27, п.33; typical2023 п.8)
    name, set_id = band_set
    bands = LOADED[name].bands(set_id)
    order = [band.id for band in bands.bands]
    low, high = sorted((a, b))
    assert order.index(bands.band_for(low).id) <= order.index(bands.band_for(high).id)


def test_band_sets_cover_every_methodology():
    # every shipped methodology is exercised by the properties above
    assert {"mne2017", "typical2023"} <= set(METHODOLOGIES)
    assert ("mne2017", "points") in BAND_SETS and ("typical2023", "result") in BAND_SETS

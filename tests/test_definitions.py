"""Methodology definitions: the shipped ones are complete, a broken one is refused with
its path and field, and a new variant is a file, not code (typical2025)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

import methodology
from methodology import loader
from methodology.errors import DefinitionError
from methodology.i18n import LANGS, cite

SHIPPED = loader.SHIPPED


def test_every_shipped_definition_loads_with_its_kinds() -> None:
    assert methodology.available()[:3] == ["mne2017", "typical2023", "typical2025"]
    assert methodology.load("mne2017").kinds == ["quarterly", "plan", "annual"]
    assert methodology.load("typical2023").kinds == ["annual", "kpi", "differentiation", "360"]


def test_typical2023_has_the_annexes_texts() -> None:
    survey = methodology.load("typical2023").survey360
    assert survey is not None
    # п.35: twelve competencies of heads (Annex 5), eight of staff (Annex 6), three questions each
    assert len(survey.competencies["head"]) == 12
    assert len(survey.competencies["staff"]) == 8
    assert {c.id for c in survey.competencies["staff"]} < {c.id for c in survey.competencies["head"]}
    for group in survey.competencies.values():
        for competency in group:
            assert len(competency.questions) == 3
            for text in [competency.name, *competency.questions]:
                assert all(text(lang) for lang in LANGS)
                assert text.kk != text.en and text.ru != text.en
    assert [o.value for o in survey.answer_scale] == [1, 2, 3, 4, 5]
    parameters = methodology.load("typical2023").differentiation.parameters  # type: ignore[union-attr]
    assert [p.id for p in parameters] == ["quality", "deadlines", "initiative", "discipline"]  # п.33


def test_annex3_table_is_the_seeds_and_leaves_no_gap() -> None:
    table = methodology.load("typical2023").kpi.table  # type: ignore[union-attr]
    assert [row.from_percent for row in table] == [Decimal(p) for p in range(100, -1, -5)] and len(table) == 21
    assert (table[0].min, table[0].max) == (5, 5)
    # every range ends 0.01 below the next row's start: 40–44.99 → 2–2.24 (seed typo "44,49")
    for upper, lower in zip(table, table[1:]):
        assert lower.max == upper.min - Decimal("0.01")
    assert (table[12].from_percent, table[12].min, table[12].max) == (40, 2, Decimal("2.24"))


def test_mne2017_states_its_annual_weights_and_their_source() -> None:
    annual = methodology.load("mne2017").annual
    assert annual is not None and annual.weights is not None
    assert (annual.weights.quarterly, annual.weights.plan) == (Decimal("0.5"), Decimal("0.5"))
    assert "п.32" in (annual.weights_source or "")


def test_typical2025_changes_only_three_deadlines() -> None:
    base = methodology.load("typical2023").model_dump(by_alias=True)
    variant = methodology.load("typical2025").model_dump(by_alias=True)
    differing = {key for key in base if base[key] != variant[key]}
    assert differing == {"id", "title", "source", "deadlines"}
    changed = {step for step in base["deadlines"] if base["deadlines"][step] != variant["deadlines"][step]}
    assert changed == {"kpi_appraisal", "differentiation_appraisal", "annual_grade"}
    assert variant["deadlines"]["kpi_appraisal"]["term"] == {"type": "day_of_month_after_period", "day": 20}
    assert variant["deadlines"]["annual_grade"]["term"] == {
        "type": "fixed_date", "month": 1, "day": 30, "year_offset": 1,
    }


def test_an_operators_variant_is_found_on_the_search_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "akimat2026.yaml").write_text(
        "extends: typical2023\nid: akimat2026\n"
        "deadlines:\n  kpi_notice:\n    term: {type: day_of_month_after_period, day: 3}\n",
        "utf-8",
    )
    monkeypatch.setenv("BAGALAU_DEFINITIONS", str(tmp_path))
    assert methodology.available()[0] == "akimat2026"
    definition = methodology.load("akimat2026")
    assert definition.deadlines["kpi_notice"].term.day == 3  # type: ignore[union-attr]
    assert definition.kpi == methodology.load("typical2023").kpi


def _broken(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load((SHIPPED / "typical2023.yaml").read_text("utf-8"))
    edit(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def _drop_russian(data: dict) -> None:
    del data["band_sets"]["result"]["bands"][1]["label"]["ru"]


def _bands_out_of_order(data: dict) -> None:
    data["band_sets"]["result"]["bands"][2]["min"] = 1


def _unknown_band_set(data: dict) -> None:
    data["kpi"]["bands"] = "nonexistent"


def _unknown_anchor(data: dict) -> None:
    data["deadlines"]["familiarisation"]["term"]["after"] = "payday"


def _table_not_to_zero(data: dict) -> None:
    data["kpi"]["table"].pop()


def _two_questions(data: dict) -> None:
    data["360"]["competencies"]["staff"][0]["questions"].pop()


def _unknown_field(data: dict) -> None:
    data["kpi"]["colour"] = "red"


def _orphan_deadline(data: dict) -> None:
    data["events"]["plan_approved"]["opens"] = []  # nothing opens kpi_plan_placed (п.23) any more


def _opens_an_unknown_deadline(data: dict) -> None:
    data["events"]["appointment"]["opens"] = ["payday"]


def _cycle(data: dict) -> None:
    data["deadlines"]["kpi_appraisal"]["term"] = {"type": "working_days", "days": 1, "after": "step:kpi_actuals_sent"}


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (_drop_russian, "band_sets.result.bands.1.label.ru"),
        (_bands_out_of_order, "band_sets.result"),
        (_unknown_band_set, "nonexistent"),
        (_unknown_anchor, "payday"),
        (_table_not_to_zero, "kpi"),
        (_two_questions, "competencies.staff.communication"),
        (_unknown_field, "kpi.colour"),
        (_cycle, "counts from itself"),
        (_orphan_deadline, "deadlines.kpi_plan_placed: nothing opens it"),
        (_opens_an_unknown_deadline, "events.appointment.opens: 'payday'"),
    ],
)
def test_a_broken_definition_names_the_file_and_the_field(tmp_path: Path, edit, where: str) -> None:
    path = _broken(tmp_path, edit)
    with pytest.raises(DefinitionError) as caught:
        loader.load(str(path))
    assert str(path.resolve()) in str(caught.value)
    assert where in str(caught.value)


def test_weights_must_add_up_to_one(tmp_path: Path) -> None:
    data = yaml.safe_load((SHIPPED / "mne2017.yaml").read_text("utf-8"))
    data["annual"]["weights"] = {"quarterly": 0.6, "plan": 0.5}
    path = tmp_path / "weights.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(DefinitionError, match="annual.weights.*add up to 1"):
        loader.load(str(path))


def test_not_yaml_and_self_extension_are_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", "utf-8")
    with pytest.raises(DefinitionError, match=r"not valid YAML \(line 2, column 1\)"):
        loader.load(str(bad))
    loop = tmp_path / "loop.yaml"
    loop.write_text(f"extends: {loop}\nid: loop\n", "utf-8")
    with pytest.raises(DefinitionError, match="extends itself"):
        loader.load(str(loop))
    with pytest.raises(DefinitionError, match="no definition named 'nope'"):
        loader.load("nope")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("kk", "typical2023 28-тармақ, 3-қосымша"), ("ru", "typical2023 п.28, прил. 3"), ("en", "typical2023 para. 28, Annex 3")],
)
def test_citations_are_rendered_in_the_readers_language(lang: str, expected: str) -> None:
    assert cite("typical2023", "п.28, Annex 3", lang) == expected  # type: ignore[arg-type]


def test_a_changed_search_path_finds_the_operators_file_over_a_cached_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BAGALAU_DEFINITIONS", raising=False)
    shipped = methodology.load("typical2023")  # found among the shipped ones, and remembered
    (tmp_path / "typical2023.yaml").write_text("extends: " + str(SHIPPED / "typical2023.yaml") + "\ntitle_suffix_for_test: 1\n", "utf-8")
    monkeypatch.setenv("BAGALAU_DEFINITIONS", str(tmp_path))
    with pytest.raises(DefinitionError):  # the operator's file now shadows the shipped one: its unknown field is refused
        methodology.load("typical2023")
    monkeypatch.delenv("BAGALAU_DEFINITIONS")
    assert methodology.load("typical2023") is shipped


def test_every_deadline_of_the_shipped_definitions_is_opened_by_something() -> None:
    """A deadline nothing opens is a rule nobody is held to: each is opened by a workflow at
    creation, by a transition, or by an event (the schedule, an appointment, an action)."""
    for name in ["mne2017", "typical2023", "typical2025"]:
        definition = methodology.load(name)
        opened = {step for event in definition.events.values() for step in event.opens}
        for kind in definition.workflow:
            flow = definition.flow(kind)
            opened.update(flow.opens, *(row.opens for row in flow.transitions))
        assert opened >= set(definition.deadlines), (name, set(definition.deadlines) - opened)

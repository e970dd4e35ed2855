"""Scenarios hire, transfer and dismiss on a day (applied as a re-import of HR's file
would be), the summary names each deadline's due day and each refusal's reason id, and a
mistake in the file itself is told as such, naming the step, before anything runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bagalau import simulation
from methodology.errors import InvalidInput

PEOPLE = [
    {"id": "vice", "name": "Vice", "unit": "u", "position": "Vice-minister", "category": "A-1", "start": "2020-01-06", "roles": ["outside_b_corps"]},
    {"id": "head", "name": "Head", "unit": "u", "position": "Director", "category": "B-1", "start": "2020-01-06", "manager": "vice",
     "roles": ["appointing_official"]},
    {"id": "hr", "name": "HR", "unit": "u", "position": "HR", "category": "B-4", "start": "2020-01-06", "manager": "head", "roles": ["head_of_hr"]},
    {"id": "boss", "name": "Boss", "unit": "u", "position": "Head of division", "category": "B-3", "start": "2020-01-06", "manager": "head"},
    {"id": "old", "name": "Old", "unit": "u", "position": "Expert", "category": "B-5", "start": "2020-01-06", "manager": "boss"},
]
NEW = {"id": "new", "name": "New", "unit": "u", "position": "Expert", "category": "B-5", "start": "2026-02-15", "manager": "boss"}


def scenario(tmp_path: Path, steps: list[dict[str, Any]]) -> Path:
    path = tmp_path / "year.yaml"
    path.write_text(yaml.safe_dump({
        "title": "t", "methodology": "mne2017", "until": "2026-04-01",
        "organisation": {"code": "b", "name": "B", "units": [{"code": "u", "name": "U"}], "people": PEOPLE},
        "steps": steps,
    }, allow_unicode=True), "utf-8")
    return path


def played(tmp_path: Path, steps: list[dict[str, Any]]) -> dict[str, Any]:
    return simulation.run(simulation.load(scenario(tmp_path, steps)), f"sqlite:///{tmp_path / 'sim.sqlite3'}")


def row(summary: dict[str, Any], servant: str) -> dict[str, Any]:
    [found] = [a for a in summary["appraisals"] if a["servant"] == servant and a["kind"] == "plan"]
    return found


def test_a_hire_a_transfer_and_a_dismissal_on_a_day(tmp_path: Path) -> None:
    summary = played(tmp_path, [
        {"day": "2026-01-05", "open": {"kind": "plan", "period": "2026"}},
        {"day": "2026-02-15", "hire": NEW},
        {"day": "2026-02-16", "transfer": {"who": "old", "manager": "head"}},
        {"day": "2026-03-02", "dismiss": {"who": "boss"}},
        {"day": "2026-03-03", "who": "boss", "do": "submit", "of": "boss", "kind": "plan", "period": "2026", "expect": "refused"},
    ])
    assert [(d["step"], d["due"], d["status"]) for d in row(summary, "new")["due"]] == [("plan_after_appointment", "2026-02-27", "open")]
    assert row(summary, "boss")["state"] == "withdrawn"
    assert [(r["step"], r["reason"], r["expected"]) for r in summary["refusals"]] == [(5, "not_now", True)]


def test_steps_out_of_date_order_are_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        simulation.load(scenario(tmp_path, [
            {"day": "2026-01-05", "open": {"kind": "plan", "period": "2026"}},
            {"day": "2026-01-04", "open": {"kind": "quarterly", "period": "2026-Q1"}},
        ]))
    assert caught.value.code == "scenario_order"
    assert caught.value.render("en").startswith("steps[2].day = '2026-01-04': step 2 (2026-01-04) comes before step 1 (2026-01-05)")


@pytest.mark.parametrize(("step", "field"), [
    ({"day": "2026-01-05", "who": "nobody", "do": "submit", "of": "old", "kind": "plan", "period": "2026"}, "steps[1].who"),
    ({"day": "2026-01-05", "dismiss": {"who": "new"}}, "steps[1].dismiss.who"),  # hired only later
])
def test_an_unknown_person_is_a_mistake_of_the_file(tmp_path: Path, step: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        simulation.load(scenario(tmp_path, [step, {"day": "2026-02-15", "hire": NEW}]))
    assert (caught.value.code, caught.value.field) == ("scenario_person", field)
    assert "step 1 names a person" in caught.value.render("en")

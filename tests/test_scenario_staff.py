"""Scenarios hire, transfer and dismiss on a day, draft and approve the schedule, import
past results (applied as a re-import of HR's file
would be), hold and purge as `bagalau hold` and `bagalau purge` do, the summary names each deadline's due day and each refusal's reason id, and a
mistake in the file itself is told as such, naming the step, before anything runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sqlmodel import Session, select

from bagalau import simulation
from methodology.errors import InvalidInput
from models import AuditEvent
from models.db import engine as make_engine

PEOPLE = [
    {"id": "vice", "name": "Vice", "unit": "u", "position": "Vice-minister", "category": "A-1", "start": "2020-01-06", "roles": ["outside_b_corps"]},
    {"id": "head", "name": "Head", "unit": "u", "position": "Director", "category": "B-1", "start": "2020-01-06", "manager": "vice",
     "roles": ["appointing_official"]},
    {"id": "hr", "name": "HR", "unit": "u", "position": "HR", "category": "B-4", "start": "2020-01-06", "manager": "head", "roles": ["head_of_hr"]},
    {"id": "boss", "name": "Boss", "unit": "u", "position": "Head of division", "category": "B-3", "start": "2020-01-06", "manager": "head"},
    {"id": "old", "name": "Old", "unit": "u", "position": "Expert", "category": "B-5", "start": "2020-01-06", "manager": "boss"},
]
NEW = {"id": "new", "name": "New", "unit": "u", "position": "Expert", "category": "B-5", "start": "2026-02-15", "manager": "boss"}


def scenario(tmp_path: Path, steps: list[dict[str, Any]], until: str = "2026-04-01", **organisation: Any) -> Path:
    path = tmp_path / "year.yaml"
    path.write_text(yaml.safe_dump({
        "title": "t", "methodology": "mne2017", "until": until,
        "organisation": {"code": "b", "name": "B", "units": [{"code": "u", "name": "U"}], "people": PEOPLE, **organisation},
        "steps": steps,
    }, allow_unicode=True), "utf-8")
    return path


def played(tmp_path: Path, steps: list[dict[str, Any]], until: str = "2026-04-01", **organisation: Any) -> dict[str, Any]:
    return simulation.run(simulation.load(scenario(tmp_path, steps, until, **organisation)), f"sqlite:///{tmp_path / 'sim.sqlite3'}")


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
    ({"day": "2026-01-05", "who": "nobody", "approve_schedule": {"kind": "quarterly", "period": "2026-Q1"}}, "steps[1].who"),
    ({"day": "2026-01-05", "past_results": [{"who": "new", "year": 2025, "score": 3.5, "band": "satisfactory", "source_no": "7",
                                             "source_date": "2025-12-19"}]}, "steps[1].past_results[0].who"),
    ({"day": "2026-01-05", "who": "hr", "of": "old", "kind": "plan", "period": "2026", "assign_assessor": {"to": "nobody"}}, "steps[1].assign_assessor.to"),
])
def test_an_unknown_person_is_a_mistake_of_the_file(tmp_path: Path, step: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        simulation.load(scenario(tmp_path, [step, {"day": "2026-02-15", "hire": NEW}]))
    assert (caught.value.code, caught.value.field) == ("scenario_person", field)
    assert "step 1 names a person" in caught.value.render("en")


def test_a_change_of_assessor_is_refused_by_the_rules_of_bagalau_assessor(tmp_path: Path) -> None:
    """The steps go through states/assessors.py: only HR assigns (mne2017 п.4), never the
    servant as their own assessor, mne2017 knows no delegation (typical2023 п.32 does), and
    from the substitution on the substitute acts, not the one replaced."""
    on_old = {"of": "old", "kind": "plan", "period": "2026", "expect": "refused"}
    indicators = [{"text": "Report", "measurable": True}, {"text": "Review", "measurable": True}]
    summary = played(tmp_path, [
        {"day": "2026-01-05", "open": {"kind": "plan", "period": "2026"}},
        {"day": "2026-01-06", "who": "old", "assign_assessor": {"to": "head"}, **on_old},
        {"day": "2026-01-06", "who": "hr", "assign_assessor": {"to": "old"}, **on_old},
        {"day": "2026-01-06", "who": "boss", "delegate_assessor": {"to": "head"}, **on_old},
        {"day": "2026-01-07", "who": "hr", "assign_assessor": {"to": "head", "reason": "order 5"}, **on_old, "expect": "ok"},
        {"day": "2026-01-07", "who": "old", "do": "submit", **on_old, "expect": "ok", "data": {"indicators": indicators}},
        {"day": "2026-01-08", "who": "boss", "do": "agree", **on_old},
        {"day": "2026-01-08", "who": "head", "do": "agree", **on_old, "expect": "ok"},
    ])
    assert [(r["step"], r["do"], r["reason"], r["expected"]) for r in summary["refusals"]] == [
        (2, "assign_assessor", "not_your_role", True),
        (3, "assign_assessor", "assessor_is_servant", True),
        (4, "delegate_assessor", "not_delegable", True),
        (7, "agree", "not_your_role", True),  # Boss is no longer the assessor from 7 January
    ]
    assert summary["unexpected"] == 0
    assert row(summary, "old")["audit_events"] == 4  # the opening, the substitution, the submission, Head's agreement


def test_a_schedule_drafted_and_approved_opens_the_notice_of_the_cycle_opened_after(tmp_path: Path) -> None:
    """mne2017 п.14: the approved day dates the sheets; a step without its actor is a mistake of the file."""
    summary = played(tmp_path, [
        {"day": "2026-03-16", "who": "hr", "draft_schedule": {"kind": "quarterly", "period": "2026-Q1", "unit": "u", "starts": "2026-04-06"}},
        {"day": "2026-03-16", "who": "hr", "approve_schedule": {"kind": "quarterly", "period": "2026-Q1"}, "expect": "refused"},
        {"day": "2026-03-17", "who": "head", "approve_schedule": {"kind": "quarterly", "period": "2026-Q1"}},
        {"day": "2026-03-20", "open": {"kind": "quarterly", "period": "2026-Q1"}},
    ])
    [old] = [a for a in summary["appraisals"] if (a["servant"], a["kind"]) == ("old", "quarterly")]
    assert [(d["step"], d["due"]) for d in old["due"] if d["step"] == "schedule_notice"] == [("schedule_notice", "2026-03-27")]  # 6 April − 10 days
    assert [(r["step"], r["reason"], r["expected"]) for r in summary["refusals"]] == [(2, "not_your_role", True)]
    with pytest.raises(InvalidInput):
        simulation.load(scenario(tmp_path, [{"day": "2026-03-17", "approve_schedule": {"kind": "quarterly", "period": "2026-Q1"}}]))


@pytest.mark.parametrize(("band", "reason"), [("unsatisfactory", None), ("effective", "past_band")])
def test_past_results_are_checked_as_hr_s_file_is(tmp_path: Path, band: str, reason: str | None) -> None:
    """A score of 2.9 is unsatisfactory on mne2017's annual scale (п.33): any other band refuses the step, naming the row."""
    summary = played(tmp_path, [
        {"day": "2026-01-12", "past_results": [{"who": "old", "year": 2025, "score": 2.9, "band": band, "source_no": "№ 7", "source_date": "2025-12-19"}]},
    ])
    assert [r["reason"] for r in summary["refusals"]] == ([reason] if reason else [])
    if reason:
        assert summary["refusals"][0]["message"].startswith("past_results[0].band = 'effective'")


Q1 = {"kind": "quarterly", "period": "2026-Q1"}
COMMISSION = {"order": "1", "formed_on": "2026-01-05", "chair": "head", "members": ["boss", "vice"], "secretary": "hr"}


def closed_q1(sheets: tuple[str, ...]) -> list[dict[str, Any]]:
    """The steps that take the sheets' Q1 (Boss appraises Old, Head appraises Boss) to closed on 24 April 2026 (mne2017 п.38, п.47)."""
    def by(who: str, of: str, do: str, day: str, **data: Any) -> dict[str, Any]:
        return {"day": day, "who": who, "do": do, "of": of, **Q1, **({"data": data} if data else {})}

    def votes(of: str) -> dict[str, str]:  # a member does not vote on their own result (mne2017 п.8–9)
        return {voter: "approve" for voter in ("head", "boss", "vice") if voter != of}

    return [
        {"day": "2026-03-20", "open": Q1},
        *(by("hr", s, "notify", "2026-03-20") for s in sheets),
        *(by(s, s, "submit", "2026-04-02") for s in sheets),
        *(by({"old": "boss", "boss": "head"}[s], s, "agree", "2026-04-06") for s in sheets),
        *(by(s, s, "sign", "2026-04-07") for s in sheets),
        *(by("hr", s, "decide", "2026-04-09", held_on="2026-04-09", present=["head", "boss", "vice", "hr"], votes=votes(s)) for s in sheets),
        *(by("hr", s, "familiarise", "2026-04-10") for s in sheets),
        *(by("hr", s, "close", "2026-04-24") for s in sheets),
    ]


def test_a_purge_step_purges_what_is_past_retention_on_its_day_and_keeps_a_legal_hold(tmp_path: Path) -> None:
    """Three years from the end (typical2023 п.15, kept by mne2017): closed on 24 April 2026,
    a sheet is kept on 24 April 2029 and purged on the 25th, audited with the paragraph;
    one on legal hold is kept, one whose hold was released is not (states/retention.py)."""
    held = {"of": "boss", **Q1, "legal_hold": {"reason": "court case 5"}}
    summary = played(tmp_path, [
        *closed_q1(("old", "boss")),
        {"day": "2026-04-27", **held},
        {"day": "2026-04-27", "of": "old", **Q1, "legal_hold": {"reason": "inquiry 9"}},
        {"day": "2026-05-04", "of": "old", **Q1, "legal_hold": {"reason": "inquiry 9 closed", "held": False}},
        {"day": "2029-04-24", "purge": {}},
        {"day": "2029-04-25", "purge": {"dry_run": True}},
        {"day": "2029-04-25", "purge": {}},
        {"day": "2029-04-26", **held, "expect": "refused"},  # already held
    ], until="2029-04-30", commission=COMMISSION)
    q1 = {a["servant"]: a for a in summary["appraisals"] if a["kind"] == "quarterly"}
    old, boss = {"servant": "old", **Q1}, {"servant": "boss", **Q1}
    assert [(p["step"], p["on"], p["dry_run"], p["purged"], p["kept_on_hold"], p["rows"] > 0) for p in summary["purges"]] == [
        (19, "2029-04-24", False, [], [], False),
        (20, "2029-04-25", True, [old], [boss], False),
        (21, "2029-04-25", False, [old], [boss], True),
    ]
    assert [(q1[s]["state"], q1[s]["score"], q1[s]["band"], q1[s]["purged_on"]) for s in ("old", "boss")] == [
        ("closed", None, None, "2029-04-25"), ("closed", 100.0, "satisfactory", None)]
    assert [(r["step"], r["do"], r["reason"], r["expected"]) for r in summary["refusals"]] == [(22, "legal_hold", "hold_already", True)]
    engine = make_engine(f"sqlite:///{tmp_path / 'sim.sqlite3'}")
    with Session(engine) as session:
        purges = session.exec(select(AuditEvent).where(AuditEvent.action == "purge")).all()
    assert [(e.actor_role, e.reason, e.at.date().isoformat()) for e in purges] == [("system", "mne2017 typical2023 п.15", "2029-04-25")]


@pytest.mark.parametrize(("step", "code", "field", "value"), [
    ({"day": "2026-01-05", "purge": {}, "open": {"kind": "plan", "period": "2026"}}, "scenario_one_thing", "steps[1]", "open, purge"),
    ({"day": "2026-01-05", "purge": {}, "dismiss": {"who": "old"}}, "scenario_one_thing", "steps[1]", "dismiss, purge"),
    ({"day": "2026-01-05", "note": "nothing"}, "scenario_one_thing", "steps[1]", "—"),
    ({"day": "2026-01-05", "of": "old", "kind": "plan", "legal_hold": {"reason": "court case 5"}}, "scenario_needs", "steps[1].period", "—"),
    ({"day": "2026-01-05", "of": "old", "kind": "plan", "period": "2026", "do": "submit"}, "scenario_needs", "steps[1].who", "—"),
])
def test_a_step_doing_two_things_or_missing_what_it_needs_is_a_mistake_of_the_file(
    tmp_path: Path, step: dict[str, Any], code: str, field: str, value: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        simulation.load(scenario(tmp_path, [step]))
    assert (caught.value.code, caught.value.field, caught.value.value) == (code, field, value)
    assert caught.value.render("en").startswith(f"{field} = '{value}': step 1 ")

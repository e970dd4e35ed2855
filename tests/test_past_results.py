"""Annual results from before a body used bagalau, on both databases: imported whole or
not at all, audited, read only by those who may read a result (typical2023 п.16, п.21),
and counted by the consequence rules (mne2017 п.46: two consecutive unsatisfactory annual
results lead to demotion; a year without a result breaks the row)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from methodology.errors import InvalidInput
from models import AuditEvent, PastResult, Servant
from models.db import transaction
from orgimport import import_organisation
from services.past_results import import_past_results, past_results_of
from states import audit_chain
from states.cycles import open_cycle
from tests.checks import consequences_of
from tests.factories import Org, hire, noon, organisation
from tests.inprocess import cli
from tests.test_lifecycle_mne2017 import SHEET, Step, commission_of, decision, plan, quarter, run, unsatisfactory_year

HEADER = "state_body_code,personnel_no,year,score,band,source_no,source_date"
ON = date(2026, 2, 2)  # the day HR imports: before bagalau's first annual appraisal


def results_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "past.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", "utf-8")
    return path


def imported(org: Org, tmp_path: Path, *rows: str) -> None:
    report = import_past_results(org.engine, results_file(tmp_path, *rows), ON, noon(ON))
    assert report.ok, [p.as_dict("en") for p in report.problems]


def good_year(org: Org, year: int) -> int:
    """The quarter at 106 (effective → 4), the plan 4, 5 → 4.25: effective (п.27, п.32–33)."""
    quarter(org, f"{year}-Q1", SHEET, opened=date(year, 4, 1), decided=date(year, 4, 8))
    plan(org, year, [4, 5], scored=date(year, 11, 2))
    open_cycle(org.engine, org.code, "annual", str(year), on=date(year, 11, 26))
    appraisal_id = org.appraisal("servant", "annual", str(year)).id
    assert appraisal_id is not None
    run(org, appraisal_id, [Step("compute", "hr", date(year, 11, 27)), Step("decide", "official", date(year, 11, 28), decision(f"{year}-11-28")),
                            Step("familiarise", "hr", date(year, 12, 1)), Step("close", "hr", date(year, 12, 15))])
    return appraisal_id


# --- the consequence rules see them (mne2017 п.46) ----------------------------------------


@pytest.mark.parametrize("past, demoted", [
    (["body,servant,2025,2.25,unsatisfactory,No. 12,2025-12-10"], True),  # two in a row: 2025 and 2026
    (["body,servant,2025,3.50,satisfactory,No. 12,2025-12-10"], False),  # the year before was satisfactory
    (["body,servant,2024,2.00,unsatisfactory,No. 9,2024-12-12"], False),  # 2025 has no result: not consecutive
    (["body,servant,2024,2.00,unsatisfactory,No. 9,2024-12-12", "body,servant,2025,2.50,unsatisfactory,No. 12,2025-12-10"], True),
    (["body,colleague1,2025,2.25,unsatisfactory,No. 12,2025-12-10"], False),  # another servant's year
])
def test_an_imported_year_counts_towards_two_unsatisfactory_years_in_a_row(
    db: Engine, tmp_path: Path, past: list[str], demoted: bool
) -> None:
    org = organisation(db)
    commission_of(org, date(2025, 1, 6))
    imported(org, tmp_path, *past)
    made = consequences_of(db, unsatisfactory_year(org, 2026))
    assert ("demotion_review" in made) == demoted
    assert {"no_mentoring", "training_due"} <= set(made)  # one unsatisfactory year entails these alone (п.44–45)
    if demoted:
        assert (made["demotion_review"].paragraph, made["demotion_review"].servant_id) == ("п.46", org.ids["servant"])


def test_an_unsatisfactory_past_year_and_a_good_year_now_is_no_consequence(db: Engine, tmp_path: Path) -> None:
    org = organisation(db)
    commission_of(org, date(2025, 1, 6))
    imported(org, tmp_path, "body,servant,2025,2.25,unsatisfactory,No. 12,2025-12-10")
    assert sorted(consequences_of(db, good_year(org, 2026))) == ["bonus_eligible"]  # п.43 only


def test_a_year_without_a_result_breaks_the_row_of_bagalaus_own_years(db: Engine) -> None:
    """2024 and 2026 unsatisfactory in bagalau, nothing for 2025: not consecutive (п.46)."""
    org = organisation(db)
    commission_of(org, date(2024, 1, 5))
    assert "demotion_review" not in consequences_of(db, unsatisfactory_year(org, 2024))
    assert "demotion_review" not in consequences_of(db, unsatisfactory_year(org, 2026))


# --- the import: whole or nothing, audited --------------------------------------------------


def test_the_import_is_audited_and_a_second_load_changes_nothing(db: Engine, tmp_path: Path) -> None:
    organisation(db)
    path = results_file(tmp_path, "body,servant,2025,2.25,unsatisfactory,No. 12,2025-12-10", "body,manager,2025,4,effective,No. 12,2025-12-10")
    assert import_past_results(db, path, ON, noon(ON)).counts == {"past_result": {"created": 2, "updated": 0, "unchanged": 0}}
    assert import_past_results(db, path, ON, noon(ON)).counts == {"past_result": {"created": 0, "updated": 0, "unchanged": 2}}
    corrected = results_file(tmp_path, "body,servant,2025,3.00,satisfactory,No. 12-a,2025-12-20")
    assert import_past_results(db, corrected, ON, noon(ON)).counts == {"past_result": {"created": 0, "updated": 1, "unchanged": 0}}
    with transaction(db) as session:
        events = list(session.exec(select(AuditEvent).where(col(AuditEvent.past_result_id).is_not(None)).order_by(col(AuditEvent.id))))
        assert [(e.action, e.actor_role, e.from_state, e.to_state) for e in events] == [
            ("import_past_result", "hr", None, "unsatisfactory"), ("import_past_result", "hr", None, "effective"),
            ("import_past_result", "hr", "unsatisfactory", "satisfactory")]
        assert events[-1].reason == "No. 12-a 2025-12-20"  # the source document
        assert all(e.hash for e in events) and audit_chain.verify(session) == []  # sealed in the body's chain


BAD_ROWS = [
    "body,servant,2025,2.25,unsatisfactory,No. 12,2025-12-10",  # row 2: good, and still not loaded
    "body,nobody,2025,2.25,unsatisfactory,No. 12,2025-12-10",  # 3: unknown servant
    "body,manager,2025,3.50,unsatisfactory,No. 12,2025-12-10",  # 4: 3.50 is satisfactory (п.33)
    "body,member,2025,7,excellent,No. 12,2025-12-10",  # 5: the scale is 2–5
    "body,colleague1,2025,4,great,No. 12,2025-12-10",  # 6: no such band
    "body,servant,2025,2.30,unsatisfactory,No. 13,2025-12-11",  # 7: the servant's 2025 twice
    "body,colleague2,2027,4,effective,No. 1,2027-01-10",  # 8: a year and a protocol after today
    "body,colleague3,2025,4,effective,No. 1,2024-12-01",  # 9: a protocol before its year
    "other,servant,2025,4,effective,No. 1,2025-12-01",  # 10: no such body
    "body,hr,twenty,4.125,effective,,2025-13-01",  # 11: year, decimals, no protocol number, no such day
]
EXPECTED = [
    (3, "personnel_no", "org_servant_unknown"), (4, "band", "past_band"), (5, "score", "range"),
    (6, "band", "org_unknown_value"), (7, "year", "org_duplicate"), (8, "year", "range"), (8, "source_date", "range"),
    (9, "source_date", "range"), (10, "state_body_code", "past_body_unknown"),
    (11, "year", "integer"), (11, "score", "decimals"), (11, "source_no", "org_required"), (11, "source_date", "date_impossible"),
]


def test_every_problem_is_reported_in_the_readers_language_and_nothing_is_written(db: Engine, tmp_path: Path) -> None:
    organisation(db)
    report = import_past_results(db, results_file(tmp_path, *BAD_ROWS), ON, noon(ON))
    assert sorted((p.row, p.column, p.code) for p in report.problems) == sorted(EXPECTED)
    band = next(p for p in report.problems if p.code == "past_band")
    assert (band.value, band.message("en")) == ("unsatisfactory", "a score of 3.50 falls in the band «satisfactory» (mne2017 п.33)")
    assert band.message("kk").startswith("3.50 балы «satisfactory»")
    with transaction(db) as session:
        assert session.exec(select(PastResult)).first() is None
        assert session.exec(select(AuditEvent)).first() is None


def test_a_year_bagalau_holds_is_not_imported(db: Engine, tmp_path: Path) -> None:
    org = organisation(db)
    commission_of(org, date(2025, 1, 6))
    unsatisfactory_year(org, 2025)
    report = import_past_results(db, results_file(tmp_path, "body,servant,2025,2.25,unsatisfactory,No. 12,2025-12-10"), ON, noon(ON))
    assert [(p.row, p.column, p.code) for p in report.problems] == [(2, "year", "past_held")]


def test_the_command_loads_or_refuses_the_whole_file(db: Engine, tmp_path: Path) -> None:
    organisation(db)
    url = str(db.url) if db.url.get_backend_name() == "sqlite" else db.url.render_as_string(hide_password=False)
    env = {"BAGALAU_DATABASE_URL": url, "COLUMNS": "250"}
    bad = cli("results", "import", str(results_file(tmp_path, *BAD_ROWS)), "--on", ON.isoformat(), "--lang", "ru", env=env)
    assert bad.code == 2 and bad.out == "" and "Файл не загружен: ошибок 13" in bad.err
    good = cli("results", "import", str(results_file(tmp_path, BAD_ROWS[0])), "--on", ON.isoformat(), "--json", env=env)
    assert good.code == 0, good.err
    assert json.loads(good.out)["counts"]["past_result"]["created"] == 1
    shown = cli("results", "show", "servant", "--body", "body", "--as", "manager", env=env)
    assert json.loads(shown.out) == [{"year": 2025, "kind": "annual", "score": 2.25, "band": "unsatisfactory",
                                      "source": {"number": "No. 12", "date": "2025-12-10"}}]
    refused = cli("results", "show", "manager", "--body", "body", "--as", "servant", "--lang", "en", env=env)  # a subordinate
    assert refused.one_line_refusal() == ("--as = 'servant': this person may not read this servant's results: results are "
                                          "confidential, known only to the people the methodology names (mne2017 para. 32, para. 35)")


# --- who reads them: those who may read a result ---------------------------------------------


@pytest.mark.parametrize("methodology, readers", [
    ("mne2017", {"servant", "manager", "hr"}),  # result_readers: servant, direct manager, HR, head of HR (п.32, п.35)
    ("typical2023", {"servant", "manager", "hr"}),  # the head of HR (п.21); "hr" is also head of HR here
])
def test_a_past_result_is_read_by_those_who_may_read_a_result(db: Engine, tmp_path: Path, methodology: str, readers: set[str]) -> None:
    org = organisation(db, methodology)
    rule = {"mne2017": "body,servant,2025,2.25,unsatisfactory,No. 12,2025-12-10", "typical2023": "body,servant,2025,1.50,unsatisfactory,No. 12,2025-12-10"}
    imported(org, tmp_path, rule[methodology])
    for who in ("servant", "manager", "hr", "colleague1", "member", "official", "vice"):
        try:
            rows = past_results_of(db, "body", "servant", who)
        except InvalidInput as refused:
            assert who not in readers, who
            assert (refused.code, refused.field) == ("past_not_reader", "--as")
            continue
        assert who in readers and [r["band"] for r in rows] == ["unsatisfactory"], who


def test_an_hr_officer_who_is_not_head_of_hr_reads_no_typical2023_result(db: Engine, tmp_path: Path) -> None:
    """typical2023 п.21 names the head of HR, not every HR officer; mne2017 gives HR its steps."""
    for methodology, reads in (("typical2023", False), ("mne2017", True)):
        org = organisation(db, methodology, code=methodology)
        hire(org, "officer", manager="hr")
        with transaction(db) as session:
            officer = session.get(Servant, org.ids["officer"])
            assert officer is not None
            officer.is_hr = True
            session.add(officer)
        try:
            past_results_of(db, methodology, "servant", "officer")
        except InvalidInput:
            assert not reads
            continue
        assert reads


def test_the_example_file_loads_onto_the_example_organisation(db: Engine) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples" / "org"
    assert import_organisation(db, examples / "servants.csv", examples / "absences.csv").ok
    report = import_past_results(db, examples / "past_results.csv", ON, noon(ON))
    assert report.ok, [p.as_dict("en") for p in report.problems]
    assert report.counts["past_result"]["created"] == 5

"""The `bagalau` command line as a script sees it: JSON out, exit codes, one-line errors.

Each call runs the installed entry point in a subprocess, so what is tested is what a
person or a script gets: no traceback ever, exit 2 and one line on stderr for bad input.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BAGALAU = str(Path(sys.executable).with_name("bagalau"))
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BAGALAU, *args], input=stdin, capture_output=True, text=True, timeout=60)


def refused(*args: str, stdin: str | None = None) -> str:
    done = run(*args, stdin=stdin)
    assert done.returncode == 2, done
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_score_prints_the_contract_fields() -> None:
    done = run("score", str(EXAMPLES / "score" / "mne2017-quarterly-q2.json"), "--lang", "ru")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    # 100 + (4+5+3+2+5+3+4) − 2×1 = 124: effective, 106–130 (mne2017 п.27)
    assert (out["score"], out["band"], out["band_label"]) == (124, "effective", "эффективно")


def test_score_reads_stdin_and_reports_360_aggregates_only() -> None:
    answers = {"communication": [4, 4, 4], "ethics": [5, 5, 5], "change_management": [3, 3, 3],
               "result_orientation": [4, 4, 4], "independence": [4, 4, 4], "cooperation": [4, 4, 4],
               "promptness": [4, 4, 4], "self_development": [2, 2, 2]}
    respondents = [{"role": role, "answers": answers} for role in ("manager", "peer", "peer")]
    respondents.append({"role": "self", "answers": {k: [5, 5, 5] for k in answers}})
    payload = {"methodology": "typical2023", "kind": "360", "assessee": "staff", "respondents": respondents}
    done = run("score", "-", "--lang", "en", stdin=json.dumps(payload))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    # competency means 4,5,3,4,4,4,4,2 → overall 30/8 = 3.75: proper (typical2023 п.8)
    assert (out["score"], out["band"]) == (3.75, "proper")
    assert out["competencies"]["self_development"] == 2 and out["self"]["ethics"] == 5
    assert out["weakest"] == ["self_development"]
    assert "answers" not in done.stdout  # anonymity: no respondent's answers leave (п.34)


@pytest.mark.parametrize(
    ("payload", "names"),
    [
        ({"methodology": "typical2023", "kind": "kpi", "kpis": [
            {"planned": 100, "actual": 92, "direction": "increase", "score": 4.8},
            {"planned": 1, "actual": 1, "direction": "increase", "score": 5},
            {"planned": 1, "actual": 1, "direction": "increase", "score": 5}]},
         ["kpis[0].score", "4.8", "4.5", "4.74", "92.00%", "п.28"]),
        ({"methodology": "mne2017", "kind": "quarterly", "bonus_points": [6], "violations": 0},
         ["bonus_points[0]", "6", "п.17–18"]),
        ({"methodology": "typical2023", "kind": "differentiation", "scores": {}},
         ["scores", "quality"]),
        ({"methodology": "mne2017", "kind": "kpi"}, ["kind", "'kpi'", "quarterly, plan, annual"]),
        ({"methodology": "nope", "kind": "kpi"}, ["methodology", "'nope'", "mne2017"]),
        ({"methodology": "mne2017", "kind": "plan", "indicator_scores": "4"},
         ["indicator_scores", "'4'"]),
    ],
)
def test_bad_score_input_is_one_line_naming_field_value_rule(payload: dict, names: list[str]) -> None:
    line = refused("score", "-", "--lang", "ru", stdin=json.dumps(payload))
    for name in names:
        assert name in line


def test_errors_are_told_in_the_chosen_language() -> None:
    payload = json.dumps({"methodology": "mne2017", "kind": "quarterly", "bonus_points": [], "violations": -1})
    kk = refused("score", "-", "--lang", "kk", stdin=payload)
    ru = refused("score", "-", "--lang", "ru", stdin=payload)
    en = refused("score", "-", "--lang", "en", stdin=payload)
    assert "0 немесе одан көп" in kk and "не меньше 0" in ru and "must be 0 or more" in en
    assert "20–22-тармақ" in kk and "п.20–22" in ru and "para. 20–22" in en


def test_broken_json_missing_file_and_nan_are_refused(tmp_path: Path) -> None:
    assert "FILE" in refused("score", "-", stdin="{not json")
    assert "FILE" in refused("score", str(tmp_path / "absent.json"))
    line = refused("score", "-", "--lang", "en", stdin='{"methodology": "mne2017", "kind": "quarterly", '
                                                      '"bonus_points": [], "violations": NaN}')
    assert line.startswith("violations = 'NaN'") and "not numbers" in line  # the field, not FILE
    assert "line 1, column 2" in refused("score", "-", "--lang", "en", stdin="{not json")


def test_workdays_add_and_check() -> None:
    assert run("workdays", "add", "2026-03-20", "1").stdout.strip() == "2026-03-26"  # Nauryz 21–25 March
    assert run("workdays", "add", "2026-12-15", "1").stdout.strip() == "2026-12-17"  # Independence Day
    done = run("workdays", "check", "2026-03-24", "--lang", "ru")
    assert done.stdout.splitlines() == ["нерабочий день", "2026-03-24, вторник: Наурыз мейрамы (перенесённый выходной)"]
    assert run("workdays", "check", "2026-03-26").stdout.splitlines()[0] == "жұмыс күні"
    assert "DATE" in refused("workdays", "add", "2026-02-30", "1")
    assert "no such day in the calendar" in refused("workdays", "add", "2021-02-31", "1", "--lang", "en")
    assert "YYYY-MM-DD" in refused("workdays", "add", "31.02.2021", "1", "--lang", "en")
    assert run("workdays", "add", "2026-03-27", "-1").stdout.strip() == "2026-03-26"  # counts back over Nauryz
    assert run("workdays", "add", "2026-03-26", "-1").stdout.strip() == "2026-03-20"
    assert "'N'" in refused("workdays", "add", "2026-01-01")


def test_deadlines_lists_every_step_and_what_it_waits_for() -> None:
    done = run("deadlines", "--methodology", "typical2025", "--kind", "kpi", "--period", "2026-Q1",
               "--event", "completion=2026-04-17")
    assert done.returncode == 0, done.stderr
    steps = {item["step"]: item for item in json.loads(done.stdout)}
    assert steps["kpi_appraisal"]["due"] == "2026-04-20"  # the 20th, typical2025
    assert steps["kpi_appraisal"]["rule"] == "typical2023 п.5".replace("typical2023", "typical2025")
    assert steps["familiarisation"]["due"] == "2026-04-21"  # 2 working days after 17 April (п.12)
    assert steps["calibration_application"] == {**steps["calibration_application"], "due": None,
                                                "waits_for": "familiarisation"}
    assert "period" in refused("deadlines", "-m", "typical2023", "-k", "360", "-p", "2026-Q1")
    assert "--event" in refused("deadlines", "-m", "mne2017", "-k", "annual", "-p", "2026", "-e", "payday=2026-01-01")


def test_methodology_list_and_show() -> None:
    names = [line.split("\t")[0] for line in run("methodology", "list").stdout.splitlines()]
    assert names == ["mne2017", "typical2023", "typical2025"]
    whole = json.loads(run("methodology", "show", "typical2023", "--json").stdout)
    assert [c["id"] for c in whole["360"]["competencies"]["staff"]][:2] == ["communication", "ethics"]
    assert whole["360"]["competencies"]["head"][0]["questions"][0]["ru"]
    assert set(whole["differentiation"]["parameters"][0]) == {"id", "name", "criterion"}
    assert whole["deadlines"]["kpi_notice"]["paragraph"] == "п.27"
    assert "'M'" in refused("methodology", "show")
    assert "'nope'" in refused("methodology", "show", "nope")


def test_demo_scores_every_example(tmp_path: Path) -> None:
    done = run("demo", "--examples", str(EXAMPLES), "--lang", "en", "--forms", str(tmp_path))
    assert done.returncode == 0, done.stderr
    for example in (EXAMPLES / "score").glob("*.json"):
        assert example.stem[:12] in done.stdout

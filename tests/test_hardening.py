"""The defects of the hardening issue, one test each: every one failed before the fix.

Bad input, settings and paths get exit 2 and one line, within seconds, and leave the
database as it was; the audit trail names what was altered, inserted or deleted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.checks import snapshot
from tests.factories import organisation
from tests.inprocess import cli
from sqlalchemy.engine import Engine

from methodology import inputs, loader
from methodology.errors import InvalidInput
from models.db import transaction
from states import audit_chain
from states.cycles import open_cycle
from states.outbox import action_key

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SHIPPED_TEXT = (Path(inputs.__file__).parent / "definitions" / "typical2023.yaml").read_text("utf-8")
SCORE = '{{"methodology": "typical2023", "kind": "annual", "quarterly_scores": [{}]}}'
KPIS = [
    {"text": "Audits finished on time", "unit": "%", "planned": 100, "direction": "increase"},
    {"text": "Budget funds recovered", "unit": "mln tenge", "planned": 200, "direction": "increase"},
    {"text": "Complaints upheld", "unit": "complaints", "planned": 4, "direction": "decrease"},
]


def url(db: Engine) -> str:
    return db.url.render_as_string(hide_password=False)


def kpi_appraisal(db: Engine) -> int:
    org = organisation(db, "typical2023")
    open_cycle(db, org.code, "kpi", "2026-Q1", on=date(2026, 1, 5))
    return org.appraisal("manager", "kpi", "2026-Q1").id  # type: ignore[return-value]


# --- numbers, JSON ------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["1e-999999999", "1e-9999999", "9" * 5000, "1e400"])
def test_a_huge_number_is_refused_on_its_text_in_a_second(number: str) -> None:
    line = cli("score", "-", "--lang", "en", stdin=SCORE.format(number)).one_line_refusal(limit=3)
    assert line.startswith("quarterly_scores[0] = ") and "too long" in line


def test_json_nested_100000_deep_is_refused() -> None:
    line = cli("score", "-", "--lang", "en", stdin="[" * 100_000 + "]" * 100_000).one_line_refusal(limit=3)
    assert "nested too deep" in line


def test_a_duplicate_key_is_refused_not_merged() -> None:
    line = cli("score", "-", "--lang", "en", stdin='{"methodology": "typical2023", "methodology": "mne2017"}').one_line_refusal()
    assert line.startswith("methodology = ") and "twice" in line


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_name_their_field_not_the_file(constant: str) -> None:
    line = cli("score", "-", "--lang", "en", stdin=SCORE.format(constant)).one_line_refusal()
    assert line.startswith(f"quarterly_scores[0] = '{constant}'")


def test_a_planned_value_of_1e_minus_99999999_is_refused_not_stored_as_zero(db: Engine) -> None:
    appraisal = kpi_appraisal(db)
    before = snapshot(db)
    kpis = json.dumps({"kpis": KPIS}).replace('"planned": 100', '"planned": 1e-99999999')
    line = cli("act", str(appraisal), "set_kpis", "--as", "official", "--on", "2026-01-12", "--data", kpis,
               "--lang", "en", env={"BAGALAU_DATABASE_URL": url(db)}).one_line_refusal(limit=5)
    assert line.startswith("kpis[0].planned = ")
    assert snapshot(db) == before


@pytest.mark.parametrize("text", ["Audits\x00finished", "Audits\x85 finished"])
def test_nul_and_c1_controls_in_a_kpi_text_are_refused_on_both_databases(db: Engine, text: str) -> None:
    appraisal = kpi_appraisal(db)
    before = snapshot(db)
    data = json.dumps({"kpis": [{**KPIS[0], "text": text}, *KPIS[1:]]})
    line = cli("act", str(appraisal), "set_kpis", "--as", "official", "--on", "2026-01-12", "--data", data,
               "--lang", "en", env={"BAGALAU_DATABASE_URL": url(db)}).one_line_refusal()
    assert line.startswith("kpis[0].text = ") and "control character" in line
    assert snapshot(db) == before


def test_a_zero_width_space_is_blank() -> None:
    assert inputs.text("\u200b\u200d \ufeff", "justification", "п.28") == ""
    assert inputs.text("Written", "justification", "п.28") == "Written"
    with pytest.raises(InvalidInput):
        inputs.text("Жұмабаев\r\nBcc: x@example.org", "full_name", "org")


# --- dates, periods, ids -----------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("deadlines", "--methodology", "typical2023", "--kind", "kpi", "--period", "0000-Q1"),
    ("deadlines", "--methodology", "typical2023", "--kind", "kpi", "--period", "9999-Q4"),
    ("deadlines", "--methodology", "typical2023", "--kind", "annual", "--period", "9999"),
    ("deadlines", "--methodology", "typical2023", "--kind", "annual", "--period", "2026", "--event", "completion=9999-12-31"),
    ("deadlines", "--methodology", "typical2023", "--kind", "kpi", "--period", "２０２６-Q1"),  # full-width digits
])
def test_periods_and_dates_out_of_range_are_refused(args: tuple[str, ...]) -> None:
    cli(*args, "--lang", "en").one_line_refusal()


def test_cycles_far_ahead_and_actions_long_ago_or_ahead_are_refused(db: Engine) -> None:
    appraisal = kpi_appraisal(db)
    env = {"BAGALAU_DATABASE_URL": url(db)}
    before = snapshot(db)
    assert "2030-Q1" in cli("cycle", "open", "body", "kpi", "2030-Q1", "--on", "2026-04-01", env=env).one_line_refusal()
    assert "0000-Q1" in cli("cycle", "open", "body", "kpi", "0000-Q1", "--on", "2026-04-01", env=env).one_line_refusal()
    for day in ("1990-01-01", "2025-12-31", (date.today().replace(year=date.today().year + 1)).isoformat()):
        line = cli("act", str(appraisal), "set_kpis", "--as", "official", "--on", day, "--data", json.dumps({"kpis": KPIS}),
                   env=env).one_line_refusal()
        assert line.startswith(f"--on = '{day}'")
    assert snapshot(db) == before


def test_a_period_in_full_width_digits_opens_nothing(db: Engine) -> None:
    kpi_appraisal(db)
    before = snapshot(db)
    line = cli("cycle", "open", "body", "kpi", "２０２６-Q2", "--on", "2026-07-01", "--lang", "en",
               env={"BAGALAU_DATABASE_URL": url(db)}).one_line_refusal()
    assert line.startswith("period = '２０２６-Q2': ")
    assert snapshot(db) == before


@pytest.mark.parametrize(("args", "field"), [(("--since", "2026-05-01"), "--since = '2026-05-01'"), (("--folder", ""), "--folder = ''")])
def test_a_report_since_after_its_day_or_into_no_folder_records_nothing(db: Engine, tmp_path: Path, args: tuple[str, str],
                                                                          field: str) -> None:
    """Both were taken: the report's notices recorded, its files in the current folder."""
    kpi_appraisal(db)
    before = snapshot(db)
    folder = () if args[0] == "--folder" else ("--folder", str(tmp_path / "out"))
    line = cli("report", "--on", "2026-04-01", *folder, *args, "--lang", "en",
               env={"BAGALAU_DATABASE_URL": url(db), "PREFECT_API_URL": None}).one_line_refusal()
    assert line.startswith(field)
    assert snapshot(db) == before and not (tmp_path / "out").exists()


def test_a_relative_definitions_folder_is_looked_up_from_the_current_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One process (the console, the campaign in process) in two folders: the second's
    `defs/x.yaml` is read, not the first's remembered path."""
    for name, title in (("one", "first"), ("two", "second")):
        (tmp_path / name / "defs").mkdir(parents=True)
        (tmp_path / name / "defs" / "x.yaml").write_text(f"extends: typical2023\nid: x\ntitle: {{kk: {title}, ru: {title}, en: {title}}}\n")
    monkeypatch.setenv("BAGALAU_DEFINITIONS", "defs")
    seen = []
    for name in ("one", "two"):
        monkeypatch.chdir(tmp_path / name)
        seen.append(loader.load("x").title("en"))
    assert seen == ["first", "second"]


@pytest.mark.parametrize("command", ["show", "act"])
def test_an_appraisal_id_of_2_to_the_70_is_refused(db: Engine, command: str) -> None:
    kpi_appraisal(db)
    extra = ["agree"] if command == "act" else []
    cli(command, str(2**70), *extra, "--as", "official", env={"BAGALAU_DATABASE_URL": url(db)}).one_line_refusal()


# --- files and folders -------------------------------------------------------------------


def test_a_report_folder_that_is_a_file_and_a_document_into_a_missing_folder(db: Engine, tmp_path: Path) -> None:
    appraisal = kpi_appraisal(db)
    env = {"BAGALAU_DATABASE_URL": url(db), "PREFECT_API_URL": None}
    (tmp_path / "file").write_text("x")
    assert "path" in cli("report", "--folder", str(tmp_path / "file"), "--on", "2026-04-01", "--lang", "en", env={**env, "BAGALAU_LANG": "en"}).one_line_refusal()
    cli("document", "kpi-sheet", "--appraisal", str(appraisal), "--as", "official", "-o", str(tmp_path / "none" / "x.html"), env=env).one_line_refusal()


def test_a_calendar_with_two_conflicting_entries_for_one_date_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "calendar.yaml"
    entry = "  - {{date: 2026-03-23, working: {}, reason: {{kk: a, ru: a, en: a}}, source: order}}\n"
    table.write_text("days:\n" + entry.format("true") + entry.format("false"), "utf-8")
    line = cli("workdays", "add", "2026-03-20", "3", "--calendar", str(table)).one_line_refusal()
    assert "2026-03-23" in line


@pytest.mark.parametrize("variable", ["BAGALAU_CALENDAR", "BAGALAU_DEFINITIONS"])
def test_yaml_with_a_duplicate_key_or_a_missing_folder_is_refused(tmp_path: Path, variable: str) -> None:
    if variable == "BAGALAU_CALENDAR":
        (tmp_path / "c.yaml").write_text("days: []\ndays: []\n", "utf-8")
        value = str(tmp_path / "c.yaml")
    else:
        value = str(tmp_path / "missing")
    line = cli("score", str(EXAMPLES / "score" / "typical2023-annual.json"), "--lang", "en", env={variable: value}).one_line_refusal()
    assert variable in line


def test_a_definition_with_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    shipped = SHIPPED_TEXT
    (tmp_path / "twice.yaml").write_text(shipped + "\nid: twice\n", "utf-8")
    line = cli("methodology", "show", "twice", env={"BAGALAU_DEFINITIONS": str(tmp_path)}).one_line_refusal()
    second = shipped.count("\n") + 2  # after the blank line the text adds
    assert line.endswith(f"twice.yaml: id: кілт {second}-жолда екінші рет берілген: біреуін қалдырыңыз"), line


BROKEN_DEFINITIONS = {  # a file's text → what its one line must say, in kk and en
    "twice": (SHIPPED_TEXT + "\nid: twice\n", {
        "kk": f"id: кілт {SHIPPED_TEXT.count(chr(10)) + 2}-жолда екінші рет берілген",
        "en": f"id: the key is given a second time on line {SHIPPED_TEXT.count(chr(10)) + 2}"}),
    "unclosed": ("id: [unclosed\n", {"kk": "YAML ретінде оқылмады (2-жол, 1-баған)", "en": "not valid YAML (line 2, column 1)"}),
    "bell": ("id: bell\ntitle: {kk: a\x07b}\n", {"kk": "2-жолда басқару таңбасы (U+0007)", "en": "line 2 holds a control character (U+0007)"}),
    "escaped": ('id: escaped\ntitle: {kk: "a\\u0085b"}\n', {"kk": "title.kk = 'a\\x85b': басқару таңбасы (U+0085)",
                                                           "en": "title.kk = 'a\\x85b': must not contain a control character (U+0085)"}),
    "zero": (SHIPPED_TEXT.replace("\n  every: 3", "\n  every: 0", 1),
             {"kk": "escalation.every = 0: 1 немесе одан көп болуы тиіс", "en": "escalation.every = 0: must be 1 or more"}),
}


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_methodology_list_warns_of_each_broken_file_and_lists_the_others(tmp_path: Path, lang: str) -> None:
    """A broken operator's file is a warning, not a failure: one line each, in the reader's
    language, naming the file, the field and the rule; every good definition listed, exit 0."""
    for name, (text, _) in BROKEN_DEFINITIONS.items():
        (tmp_path / f"{name}.yaml").write_text(text, "utf-8")
    done = cli("methodology", "list", "--lang", lang, env={"BAGALAU_DEFINITIONS": str(tmp_path)})
    assert done.code == 0, done.err
    assert [line.split("\t")[0] for line in done.out.splitlines()] == ["mne2017", "typical2023", "typical2025"]
    warnings = done.err.strip().splitlines()
    assert len(warnings) == len(BROKEN_DEFINITIONS) and "Traceback" not in done.err, done.err
    for (name, (_, said)), line in zip(sorted(BROKEN_DEFINITIONS.items()), warnings):
        assert line.startswith(f"{tmp_path / name}.yaml: ") and said[lang] in line, (said[lang], line)
    assert "duplicate key" not in done.err and "unicode string" not in done.err  # the parser's own English words


def test_a_command_that_needs_a_broken_definition_names_it_in_one_line(db: Engine, tmp_path: Path) -> None:
    """The operator's broken typical2023 shadows the shipped one and is never used in its
    place: `score` and `cycle open` name the file and the rule, and nothing is written."""
    kpi_appraisal(db)
    (tmp_path / "typical2023.yaml").write_text(BROKEN_DEFINITIONS["zero"][0], "utf-8")
    env = {"BAGALAU_DEFINITIONS": str(tmp_path), "BAGALAU_DATABASE_URL": url(db)}
    before = snapshot(db)
    for lang in ("kk", "en"):
        said = BROKEN_DEFINITIONS["zero"][1][lang]
        line = cli("score", "-", "--lang", lang, stdin=SCORE.format(4), env=env).one_line_refusal()
        assert str(tmp_path / "typical2023.yaml") in line and said in line, line
        line = cli("cycle", "open", "body", "kpi", "2026-Q2", "--on", "2026-07-01", "--lang", lang, env=env).one_line_refusal()
        assert str(tmp_path / "typical2023.yaml") in line and said in line, line
    assert snapshot(db) == before


def test_org_import_gives_no_body_a_definition_that_does_not_load(db: Engine, tmp_path: Path) -> None:
    """It took the body: every command of its appraisals would then fail on the broken file."""
    (tmp_path / "typical2023.yaml").write_text(BROKEN_DEFINITIONS["zero"][0], "utf-8")
    before = snapshot(db)
    done = cli("org", "import", str(EXAMPLES / "org" / "servants.csv"), "--json",
               env={"BAGALAU_DEFINITIONS": str(tmp_path), "BAGALAU_DATABASE_URL": url(db)})
    assert done.code == 2, done.err
    [problem] = json.loads(done.out)["problems"]
    assert (problem["column"], problem["value"], problem["code"]) == ("methodology", "typical2023", "org_broken_methodology")
    assert f"{tmp_path / 'typical2023.yaml'}: {BROKEN_DEFINITIONS['zero'][1]['kk']}" in problem["message"]
    assert snapshot(db) == before


@pytest.mark.parametrize("content", [b"\xff\xfe\x00binary", b"steps: [\n" * 1000, b"until: 2027-02-30\n"])
def test_a_broken_scenario_is_refused_in_one_line(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "s.yaml").write_bytes(content)
    cli("simulate", str(tmp_path / "s.yaml")).one_line_refusal()


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{chr(ord(c) - 1)}'] * 9)}]\n" for c in "bcdefghij")


@pytest.mark.parametrize(("command", "content"), [
    (["simulate", "{}"], "title: " + "[" * 50_000 + "]" * 50_000 + "\n"),  # the C stack overflowed: the process died
    (["workdays", "add", "2026-03-20", "3", "--calendar", "{}"], LAUGHS),  # nine lines, 9**9 nodes: it never ended
])
def test_yaml_nested_50000_deep_or_with_aliases_is_refused_before_it_is_built(tmp_path: Path, command: list[str], content: str) -> None:
    (tmp_path / "f.yaml").write_text(content, "utf-8")
    args = [a.format(tmp_path / "f.yaml") for a in command]
    env = {**os.environ, "PYTHONPATH": str(EXAMPLES.parent), "BAGALAU_LANG": "en", "BAGALAU_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite3'}"}
    done = subprocess.run([sys.executable, "-m", "bagalau", *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, (done.returncode, done.stderr[-500:])


def test_a_scenario_on_an_unknown_database_scheme_is_refused() -> None:
    scenario = str(EXAMPLES / "scenarios" / "typical2023-year.yaml")
    cli("simulate", scenario, "--database", "nonsense://").one_line_refusal()


# --- settings and databases --------------------------------------------------------------

SMTP = {"BAGALAU_SMTP_HOST": "mail.example.org", "BAGALAU_SMTP_FROM": "hr@example.org"}
BAD_SETTINGS = [
    {**SMTP, "BAGALAU_SMTP_PORT": "abc"},
    {**SMTP, "BAGALAU_SMTP_TLS": "sometimes"},
    {"BAGALAU_SMTP_HOST": "mail.example.org"},
    {**SMTP, "BAGALAU_SMTP_HOST": "mail.example.org\r\nRCPT TO:<someone@example.org>"},  # into the SMTP dialogue
    {**SMTP, "BAGALAU_SMTP_FROM": "hr@example.org\nBcc: someone@example.org"},
    {"BAGALAU_WEBHOOK_URL": "https://hooks.example.org/in?token=SECRET-TOKEN"},
    {"BAGALAU_WEBHOOK_URL": "ftp://hooks.example.org/in?token=SECRET-TOKEN", "BAGALAU_WEBHOOK_SECRET": "s"},
    {"BAGALAU_INVITATION_DAYS": "0"},  # an invitation's link must work a day at least, 30 at most
    {"BAGALAU_INVITATION_DAYS": "a week"},
    {"BAGALAU_WEB_URL": "appraisal.example.kz"},  # the links would lead nowhere
]


@pytest.mark.parametrize("settings", BAD_SETTINGS)
def test_notices_deliver_reads_its_settings_before_it_records_anything(db: Engine, settings: dict[str, str]) -> None:
    kpi_appraisal(db)
    before = snapshot(db)
    line = cli("notices", "deliver", "--now", "2026-04-20T09:00", env={"BAGALAU_DATABASE_URL": url(db), **settings}).one_line_refusal()
    assert "SECRET-TOKEN" not in line and next(iter(settings)) .split("_")[1] in line
    assert snapshot(db) == before


def test_database_urls_that_cannot_work(tmp_path: Path) -> None:
    (tmp_path / "text.sqlite3").write_text("not a database at all" * 100)
    urls = [
        "nonsense://x", "garbage", f"sqlite:///{tmp_path}/missing/folder.sqlite3",
        "postgresql://postgres@127.0.0.1:1/test", "postgresql://postgres@127.0.0.1:5432/no_such_database_here",
        f"sqlite:///{tmp_path}/text.sqlite3", "postgresql://postgres@127.0.0.1:notaport/test",  # the last was an internal error
    ]
    for address in urls:
        line = cli("notices", "list", "--lang", "en", env={"BAGALAU_DATABASE_URL": address}).one_line_refusal(limit=15)
        assert "BAGALAU_DATABASE_URL" in line, line


def test_a_url_secret_is_redacted() -> None:
    from bagalau.cli.boundary import redact

    assert redact("postgresql://u:hunter2@h/db?x=1") == "postgresql://u:***@h/db?x=1"
    assert "SECRET" not in redact("https://h/in?token=SECRET&a=1")


# --- the audit trail ---------------------------------------------------------------------


def trail(db: Engine) -> list[tuple[int, str]]:
    with transaction(db) as session:
        return [(f.event_id, f.problem) for f in audit_chain.verify(session)]


def events(db: Engine) -> list[int]:
    with db.connect() as connection:
        return [row[0] for row in connection.execute(sa.text("select id from audit_event order by id"))]


def test_audit_verify_names_the_event_altered_inserted_or_deleted(db: Engine) -> None:
    organisation(db, "typical2023")
    open_cycle(db, "body", "kpi", "2026-Q1", on=date(2026, 1, 5))
    open_cycle(db, "body", "kpi", "2026-Q2", on=date(2026, 4, 1))
    ids = events(db)
    assert len(ids) >= 4 and trail(db) == []
    env = {"BAGALAU_DATABASE_URL": url(db)}
    assert json.loads(cli("audit", "verify", env=env).out)["verified"] is True
    with db.begin() as connection:
        was = connection.execute(sa.text("select to_state from audit_event where id = :id"), {"id": ids[1]}).scalar_one()
        connection.execute(sa.text("update audit_event set to_state = 'approved' where id = :id"), {"id": ids[1]})
    assert trail(db) == [(ids[1], "altered")]
    done = cli("audit", "verify", env=env)
    assert done.code == 1 and json.loads(done.out)["breaks"][0] == {"body": "body", "event_id": ids[1], "problem": "altered"}
    with db.begin() as connection:
        connection.execute(sa.text("update audit_event set to_state = :was where id = :id"), {"id": ids[1], "was": was})
        connection.execute(sa.text("delete from audit_event where id = :id"), {"id": ids[2]})
    assert trail(db) == [(ids[3], "deleted")]
    with db.begin() as connection:
        connection.execute(sa.text("delete from audit_event where id >= :id"), {"id": ids[2]})
    assert trail(db) == [(ids[-1], "deleted")]  # the head names the last event, now gone
    with db.begin() as connection:
        connection.execute(sa.text(
            "insert into audit_event (appraisal_id, at, actor_role, action, to_state, data) "
            "select appraisal_id, at, actor_role, 'approve', to_state, data from audit_event where id = :id"), {"id": ids[0]})
    assert trail(db)[0][1] == "inserted"


def test_the_trail_records_the_operator_beside_the_person_acted_for(db: Engine) -> None:
    appraisal = kpi_appraisal(db)
    done = cli("--operator", "hr-clerk-7", "act", str(appraisal), "set_kpis", "--as", "official", "--on", "2026-01-12",
               "--data", json.dumps({"kpis": KPIS}), env={"BAGALAU_DATABASE_URL": url(db)})
    assert done.code == 0, done.err
    with db.connect() as connection:
        row = connection.execute(sa.text("select operator, actor_id from audit_event where action = 'set_kpis'")).one()
    assert row[0] == "hr-clerk-7" and row[1] is not None
    assert trail(db) == []


# --- retention ---------------------------------------------------------------------------


def test_purge_refuses_a_day_after_today_and_a_dry_run_changes_nothing(db: Engine) -> None:
    kpi_appraisal(db)
    env = {"BAGALAU_DATABASE_URL": url(db), "PREFECT_API_URL": None}
    before = snapshot(db)
    assert "2062-01-01" in cli("purge", "--on", "2062-01-01", env=env).one_line_refusal()
    done = cli("purge", "--dry-run", env=env)
    assert done.code == 0 and json.loads(done.out)["purged"] == []
    assert snapshot(db) == before


def test_a_legal_hold_is_set_and_released_with_its_reason_in_the_trail(db: Engine) -> None:
    appraisal = kpi_appraisal(db)
    env = {"BAGALAU_DATABASE_URL": url(db)}
    assert json.loads(cli("hold", "set", str(appraisal), "--reason", "Court case 2-113/2026", env=env).out)["legal_hold"] is True
    cli("hold", "set", str(appraisal), "--reason", "again", env=env).one_line_refusal()
    cli("hold", "release", str(appraisal), "--reason", "\u200b", env=env).one_line_refusal()
    assert "10000" in cli("hold", "release", str(appraisal), "--reason", "x" * 100_000, "--lang", "en", env=env).one_line_refusal()
    assert json.loads(cli("hold", "release", str(appraisal), "--reason", "Judgment in force", env=env).out)["legal_hold"] is False
    with db.connect() as connection:
        rows = connection.execute(sa.text("select action, reason from audit_event where action like 'hold%' order by id")).all()
    assert [tuple(r) for r in rows] == [("hold_set", "Court case 2-113/2026"), ("hold_release", "Judgment in force")]
    assert trail(db) == []


@pytest.mark.parametrize("multiline, limit", [(True, inputs.MAX_TEXT), (False, inputs.MAX_LINE)])
def test_text_is_bounded_at_the_door(multiline: bool, limit: int) -> None:
    assert inputs.text("я" * limit, "--reason", "п.0", multiline=multiline) == "я" * limit
    with pytest.raises(InvalidInput) as refused:
        inputs.text("я" * (limit + 1), "--reason", "п.0", multiline=multiline)
    assert (refused.value.code, refused.value.field, refused.value.params["limit"]) == ("too_large", "--reason", limit)


# --- e-mail ------------------------------------------------------------------------------


def test_a_name_with_a_line_break_cannot_add_a_header() -> None:
    from notifications.channels import Outgoing
    from notifications.channels.smtp import compose
    from notifications.render import Rendered

    outgoing = Outgoing(1, "n:1", "reminder", 1, None, 1, 1, "1001", "Жұмабаев Ерлан\r\nBcc: someone@example.org",
                        "e.zhumabayev@example.org", "kk", Rendered("Subject\r\nBcc: x@example.org", "text", "<p>html</p>"))
    message = compose(outgoing, "hr@example.org")
    assert message["Bcc"] is None
    assert "someone@example.org" not in message.get_all("To", [""])[0].split("<")[-1]
    assert "\n" not in str(message["To"]) and "\n" not in str(message["Subject"])


def test_an_address_that_cannot_be_composed_is_a_failed_attempt_not_a_crash() -> None:
    from notifications.channels import ChannelError, Outgoing
    from notifications.channels.smtp import EmailChannel, SmtpSettings
    from notifications.render import Rendered

    channel = EmailChannel(SmtpSettings("127.0.0.1", 1, "none", "hr@example.org"))
    outgoing = Outgoing(1, "n:1", "reminder", 1, None, 1, 1, "1001", "Name", "bad\r\naddress@example.org", "kk",
                        Rendered("Subject", "text", "<p>html</p>"))
    with pytest.raises(ChannelError, match="cannot compose"):
        channel.send(outgoing)


def test_org_import_refuses_a_name_with_a_line_break(db: Engine, tmp_path: Path) -> None:
    lines = (EXAMPLES / "org" / "servants.csv").read_text("utf-8").splitlines()
    header, first = lines[0], lines[1].split(",")
    first[10] = '"Жұмабаев Ерлан\r\nBcc: someone@example.org"'
    (tmp_path / "s.csv").write_text(header + "\n" + ",".join(first) + "\n", "utf-8")
    before = snapshot(db)
    done = cli("org", "import", str(tmp_path / "s.csv"), "--lang", "en", env={"BAGALAU_DATABASE_URL": url(db)})
    assert done.code == 2 and "control character" in done.err and "Traceback" not in done.err
    assert snapshot(db) == before


@pytest.mark.parametrize("columns", [(10, 11, 12), (7,)])  # the name in full and in parts; the position's title
def test_org_import_takes_a_zero_width_space_alone_for_a_blank_cell(db: Engine, tmp_path: Path, columns: tuple[int, ...]) -> None:
    lines = (EXAMPLES / "org" / "servants.csv").read_text("utf-8").splitlines()
    first = lines[1].split(",")
    for column in columns:
        first[column] = "\u200b"
    (tmp_path / "s.csv").write_text(lines[0] + "\n" + ",".join(first) + "\n", "utf-8")
    before = snapshot(db)
    done = cli("org", "import", str(tmp_path / "s.csv"), "--lang", "en", env={"BAGALAU_DATABASE_URL": url(db)})
    assert done.code == 2 and "Nothing loaded" in done.err and "Traceback" not in done.err, done.err
    assert snapshot(db) == before


def test_org_import_row_shorter_than_the_header(db: Engine, tmp_path: Path) -> None:
    lines = (EXAMPLES / "org" / "servants.csv").read_text("utf-8").splitlines()
    (tmp_path / "s.csv").write_text(lines[0] + "\n" + ",".join(lines[1].split(",")[:5]) + "\n", "utf-8")
    before = snapshot(db)
    done = cli("org", "import", str(tmp_path / "s.csv"), "--lang", "en", env={"BAGALAU_DATABASE_URL": url(db)})
    assert done.code == 2 and "Traceback" not in done.err and "internal" not in done.err, done.err
    assert snapshot(db) == before


# --- who reads a notice ------------------------------------------------------------------


def test_notices_show_checks_the_reader_of_a_notice_carrying_a_score(db: Engine) -> None:
    from datetime import datetime

    from models import Appraisal, Notice

    appraisal = kpi_appraisal(db)
    with transaction(db) as session:
        row = session.get(Appraisal, appraisal)
        assert row is not None
        row.score, row.band = 4.57, "effective"  # type: ignore[assignment]
        session.add(row)
        key = action_key(appraisal, "familiarise", "result", row.servant_id, date(2026, 4, 8))  # the day is read back from the key
        notice = Notice(key=key, appraisal_id=appraisal, recipient_id=row.servant_id, kind="result", level=0,
                        step="familiarise", due=date(2026, 4, 8), created_at=datetime(2026, 4, 8, 9, 0), event="familiarise")
        session.add(notice)
        session.flush()
        notice_id = str(notice.id)
    env = {"BAGALAU_DATABASE_URL": url(db)}
    assert "--as" in cli("notices", "show", notice_id, env=env).one_line_refusal()
    assert "colleague1" in cli("notices", "show", notice_id, "--as", "colleague1", env=env).one_line_refusal()
    shown = cli("notices", "show", notice_id, "--as", "manager", env=env)  # the recipient
    assert shown.code == 0, shown.err


# --- two runs at once on SQLite ----------------------------------------------------------


def test_a_migrated_database_is_not_locked_by_the_migration_each_run_makes_first(tmp_path: Path) -> None:
    import sqlite3
    import time

    from models.migrate import upgrade

    path = tmp_path / "busy.sqlite3"
    upgrade(f"sqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another run holds the write lock
    try:
        started = time.monotonic()
        upgrade(f"sqlite:///{path}")  # at the head: read only, no wait, no "database is locked"
        assert time.monotonic() - started < 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_second_run_waits_for_the_write_lock_instead_of_crashing(tmp_path: Path) -> None:
    import sqlite3
    import threading
    import time

    from models.migrate import upgrade

    path = tmp_path / "busy.sqlite3"
    upgrade(f"sqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(1.5, lambda: (holder.execute("ROLLBACK"), holder.close())).start()
    started = time.monotonic()
    done = cli("sweep", "--now", "2026-04-20T09:00", env={"BAGALAU_DATABASE_URL": f"sqlite:///{path}", "PREFECT_API_URL": None})
    assert done.code == 0, done.err
    assert time.monotonic() - started >= 1.0  # it waited for the other run


# --- 360 respondents ---------------------------------------------------------------------


def test_invite_takes_personnel_numbers_and_refuses_a_dismissed_respondent(db: Engine) -> None:
    from tests.checks import refuse
    from sqlmodel import select

    from models import Servant, SurveyInvitation
    from states.service import act

    org = organisation(db, "typical2023")
    open_cycle(db, org.code, "360", "2025", on=date(2025, 12, 15))
    appraisal = org.appraisal("servant", "360", "2025").id
    with transaction(db) as session:
        gone = session.get(Servant, org.ids["colleague3"])
        assert gone is not None
        gone.dismissed_on = date(2025, 12, 20)  # dismissed before the invitation
        session.add(gone)
    people = [("manager", "manager"), ("colleague1", "peer"), ("colleague3", "peer")]
    error = refuse(db, appraisal, org.ids["hr"], "invite",  # type: ignore[arg-type]
                   {"respondents": [{"servant": n, "role": r} for n, r in people]}, on=date(2026, 1, 5))
    assert (error.code, error.field, error.value) == ("not_respondent", "respondents[2].servant", "colleague3")
    error = refuse(db, appraisal, org.ids["hr"], "invite",  # type: ignore[arg-type]
                   {"respondents": [{"servant": n, "role": r} for n, r in [*people[:2], ("nobody-42", "peer")]]}, on=date(2026, 1, 5))
    assert (error.code, error.value) == ("not_respondent", "nobody-42")  # not "a member of the commission"
    people[2] = ("colleague2", "peer")
    act(db, appraisal, org.ids["hr"], "invite", {"respondents": [{"servant": n, "role": r} for n, r in people]}, on=date(2026, 1, 5))  # type: ignore[arg-type]
    with transaction(db) as session:
        invited = {i.respondent_id for i in session.exec(select(SurveyInvitation).where(SurveyInvitation.appraisal_id == appraisal))}
    assert invited == {org.ids[n] for n, _ in people} | {org.ids["servant"]}


# --- scenarios ---------------------------------------------------------------------------


def _unknown_methodology(plan: dict) -> None:  # type: ignore[type-arg]
    plan["methodology"] = "typical2099"


def _duplicate_person(plan: dict) -> None:  # type: ignore[type-arg]
    plan["organisation"]["people"].append(dict(plan["organisation"]["people"][0]))


def _unknown_manager(plan: dict) -> None:  # type: ignore[type-arg]
    plan["organisation"]["people"][1]["manager"] = "nobody"  # was a KeyError half-way: "internal error", exit 1


def _until_1999(plan: dict) -> None:  # type: ignore[type-arg]
    plan["until"] = date(1999, 12, 31)  # one day before the earliest a B-corps appraisal can be


def _until_9999(plan: dict) -> None:  # type: ignore[type-arg]
    plan["until"] = date(9999, 12, 31)


@pytest.mark.parametrize("change", [_unknown_methodology, _duplicate_person, _unknown_manager, _until_1999, _until_9999],
                         ids=["unknown-methodology", "duplicate-person", "unknown-manager", "until-1999", "until-9999"])
def test_a_scenario_is_refused_up_front(tmp_path: Path, change) -> None:  # type: ignore[no-untyped-def]
    import yaml

    plan = yaml.safe_load((EXAMPLES / "scenarios" / "typical2023-year.yaml").read_text("utf-8"))
    change(plan)
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), "utf-8")
    line = cli("simulate", str(tmp_path / "s.yaml"), "--lang", "en").one_line_refusal(limit=5)
    assert any(word in line for word in ("typical2099", "twice", "nobody", "1999-12-31", "9999-12-31")), line


def test_a_scenario_is_not_played_on_a_database_with_data(db: Engine) -> None:
    organisation(db, "typical2023")
    before = snapshot(db)
    scenario = str(EXAMPLES / "scenarios" / "typical2023-year.yaml")
    line = cli("simulate", scenario, "--database", url(db), "--lang", "en").one_line_refusal()
    assert "not empty" in line
    assert snapshot(db) == before


def test_the_compliance_report_states_that_the_trail_verified(db: Engine, tmp_path: Path) -> None:
    kpi_appraisal(db)
    env = {"BAGALAU_DATABASE_URL": url(db), "PREFECT_API_URL": None}
    done = cli("report", "--folder", str(tmp_path), "--on", "2026-04-01", env=env)
    assert done.code == 0, done.err
    assert json.loads(done.out)["audit_trail"] == {"verified": True, "breaks": []}
    with db.begin() as connection:
        connection.execute(sa.text("update audit_event set actor_role = 'hr' where id = (select min(id) from audit_event)"))
    assert json.loads(cli("report", "--folder", str(tmp_path), "--on", "2026-04-01", env=env).out)["audit_trail"]["verified"] is False

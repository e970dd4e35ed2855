"""Property-based fuzzing of every door of the product: `score`, every action's data, org
import rows (CSV and XLSX), scenario files, calendar and definition files, settings.

Each example is a valid input with one hostile value put somewhere in it (a number too long
to be a score, NaN, nesting too deep, a control character, a key given twice). Whatever and
wherever it is, the person gets exit 2 and one line, no traceback, within a time bound, and
the database is as it was. Examples are few (the commands run in this process, but each one
is still a command): the point is the variety of places, not the count.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from tests.checks import snapshot
from tests.factories import organisation
from tests.inprocess import cli
from methodology import inputs
from methodology.loader import SHIPPED
from states.cycles import open_cycle

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
LIMIT = 10.0  # seconds: a hang is any example slower than this

CONTROL = st.sampled_from([chr(c) for c in (*range(0, 9), 10, 11, 12, 13, *range(14, 32), 127, *range(128, 160))])
HOSTILE_TEXT = st.builds(lambda a, c, b: a + c + b, st.text(max_size=8), CONTROL, st.text(max_size=8))
HOSTILE_NUMBER = st.one_of(
    st.integers(31, 400).map(lambda n: "9" * n),
    st.integers(31, 999_999_999).map(lambda e: f"1e-{e}"),
    st.integers(31, 999_999_999).map(lambda e: f"1e{e}"),
    st.sampled_from(["NaN", "Infinity", "-Infinity"]),
)
DEEP = st.integers(inputs.MAX_DEPTH + 1, 5000).map(lambda n: "[" * n + "]" * n)


def hostile_json() -> st.SearchStrategy[str]:
    """A JSON fragment that must be refused wherever it stands."""
    return st.one_of(HOSTILE_NUMBER, DEEP, HOSTILE_TEXT.map(lambda t: json.dumps(t)), st.just('{"a": 1, "a": 2}'))


def plant(value: Any, fragment: str, choice: int) -> str:
    """JSON text of `value` with one of its leaves (picked by `choice`) replaced by `fragment`."""
    leaves: list[list[Any]] = []

    def walk(node: Any, path: list[Any]) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else None
        if items is None:
            leaves.append(path)
            return
        for key, item in items:
            walk(item, [*path, key])

    walk(value, [])
    target = leaves[choice % len(leaves)]
    marker = "\u0000MARK\u0000"
    copy = json.loads(json.dumps(value))
    node = copy
    for key in target[:-1]:
        node = node[key]
    if target:
        node[target[-1]] = marker
    else:
        copy = marker
    return json.dumps(copy, ensure_ascii=False).replace(json.dumps(marker), fragment)


def url(db: Engine) -> str:
    return db.url.render_as_string(hide_password=False)


# --- score ---------------------------------------------------------------------------------

SHEETS = sorted((EXAMPLES / "score").glob("*.json"))


@FUZZ
@given(sheet=st.sampled_from(SHEETS), fragment=hostile_json(), choice=st.integers(0, 10_000))
def test_score_refuses_a_hostile_value_anywhere(sheet: Path, fragment: str, choice: int) -> None:
    text = plant(json.loads(sheet.read_text("utf-8")), fragment, choice)
    cli("score", "-", stdin=text).one_line_refusal(LIMIT)


# --- every action's data -------------------------------------------------------------------

ACTIONS = sorted({
    row.action
    for name in ("typical2023", "mne2017")
    for flow in __import__("methodology.loader", fromlist=["load"]).load(name).workflow.values()
    for row in flow.transitions if row.handler
})


@pytest.fixture
def appraisal(db: Engine) -> int:
    org = organisation(db, "typical2023")
    open_cycle(db, org.code, "kpi", "2026-Q1", on=date(2026, 1, 5))
    return org.appraisal("manager", "kpi", "2026-Q1").id  # type: ignore[return-value]


@FUZZ
@given(action=st.sampled_from(ACTIONS), fragment=hostile_json(), choice=st.integers(0, 10_000))
def test_every_actions_data_refuses_a_hostile_value(db: Engine, appraisal: int, action: str, fragment: str, choice: int) -> None:
    example = json.loads((EXAMPLES / "actions" / "kpis.json").read_text("utf-8"))
    before = snapshot(db)
    cli("act", str(appraisal), action, "--as", "official", "--on", "2026-01-12", "--data", plant(example, fragment, choice),
        env={"BAGALAU_DATABASE_URL": url(db)}).one_line_refusal(LIMIT)
    assert snapshot(db) == before


# --- org import rows -----------------------------------------------------------------------

ROWS = list(csv.reader(io.StringIO((EXAMPLES / "org" / "servants.csv").read_text("utf-8-sig"))))


def hostile_rows(row: int, column: int, text: str) -> list[list[str]]:
    rows = [list(r) for r in ROWS[:6]]
    rows[1 + row % 5][column % len(ROWS[0])] = text
    return rows


@FUZZ
@given(row=st.integers(0, 4), column=st.integers(0, 17), text=HOSTILE_TEXT, form=st.sampled_from(["csv", "xlsx"]))
def test_org_import_refuses_a_control_character_in_any_cell(db: Engine, tmp_path_factory: pytest.TempPathFactory,
                                                            row: int, column: int, text: str, form: str) -> None:
    path = tmp_path_factory.mktemp("org") / f"servants.{form}"
    rows = hostile_rows(row, column, text)
    if form == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "servants"
        for line in rows:
            sheet.append([_xlsx_safe(cell) for cell in line])
        book.save(path)
    before = snapshot(db)
    done = cli("org", "import", str(path), "--lang", "en", env={"BAGALAU_DATABASE_URL": url(db)})
    assert done.code == 2 and "Traceback" not in done.err and done.seconds < LIMIT, done.err
    assert "internal" not in done.err
    assert snapshot(db) == before


def _xlsx_safe(cell: str) -> str:
    # openpyxl refuses to write most C0 controls itself; a tab, LF or CR reaches the file
    return "".join(c if c in "\t\n\r" or ord(c) >= 32 else "\n" for c in cell)


# --- scenario, calendar and definition files ------------------------------------------------


def hostile_yaml() -> st.SearchStrategy[Any]:
    return st.one_of(
        HOSTILE_TEXT,
        st.integers(inputs.MAX_DEPTH + 1, 200).map(lambda n: _nested(n)),
    )


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def yaml_with(value: Any, planted: Any, choice: int) -> str:
    text = plant(value, json.dumps(planted), choice)
    return yaml.safe_dump(json.loads(text), allow_unicode=True, width=10**6)


def scenario_data() -> Any:
    return json.loads(json.dumps(yaml.safe_load((EXAMPLES / "scenarios" / "typical2023-year.yaml").read_text("utf-8")), default=str))


@FUZZ
@given(planted=hostile_yaml(), choice=st.integers(0, 10_000))
def test_a_scenario_refuses_a_hostile_value_anywhere(tmp_path_factory: pytest.TempPathFactory, planted: Any, choice: int) -> None:
    path = tmp_path_factory.mktemp("scenario") / "s.yaml"
    path.write_text(yaml_with(scenario_data(), planted, choice), "utf-8")
    cli("simulate", str(path)).one_line_refusal(LIMIT)


@FUZZ
@given(case=st.one_of(
    st.tuples(hostile_yaml(), st.integers(0, 5)),
    st.tuples(st.sampled_from(["2026-02-30", "0000-01-01", "9999-99-99"]), st.just(0)),  # the date's leaf
))
def test_a_calendar_file_refuses_a_hostile_value(tmp_path_factory: pytest.TempPathFactory, case: tuple[Any, int]) -> None:
    planted, choice = case
    path = tmp_path_factory.mktemp("calendar") / "c.yaml"
    table = {"days": [{"date": "2026-03-23", "working": True, "reason": {"kk": "a", "ru": "a", "en": "a"}, "source": "order"}]}
    path.write_text(yaml_with(table, planted, choice), "utf-8")
    cli("workdays", "add", "2026-03-20", "3", "--calendar", str(path)).one_line_refusal(LIMIT)


@FUZZ
@given(planted=hostile_yaml(), choice=st.integers(0, 10_000), twice=st.booleans())
def test_a_definition_file_refuses_a_hostile_value(tmp_path_factory: pytest.TempPathFactory, planted: Any, choice: int, twice: bool) -> None:
    folder = tmp_path_factory.mktemp("definitions")
    shipped = (SHIPPED / "typical2023.yaml").read_text("utf-8")
    text = shipped + "\nid: fuzzed\n" if twice else yaml_with(yaml.safe_load(shipped), planted, choice)
    (folder / "fuzzed.yaml").write_text(text, "utf-8")
    cli("methodology", "show", "fuzzed", env={"BAGALAU_DEFINITIONS": str(folder)}).one_line_refusal(LIMIT)


# --- settings ------------------------------------------------------------------------------

SECRET = "tok-3f9a1c"
SETTINGS = st.one_of(
    st.fixed_dictionaries({"BAGALAU_SMTP_HOST": st.just("mail.example.org"), "BAGALAU_SMTP_FROM": st.just("hr@example.org"),
                           "BAGALAU_SMTP_PORT": st.text(min_size=1, max_size=6).filter(lambda t: not t.strip().isdigit() or int(t) > 65535)}),
    st.fixed_dictionaries({"BAGALAU_SMTP_HOST": st.just("mail.example.org"), "BAGALAU_SMTP_FROM": st.just("hr@example.org"),
                           "BAGALAU_SMTP_TLS": st.text(min_size=1, max_size=8).filter(lambda t: t not in ("none", "starttls", "ssl"))}),
    st.fixed_dictionaries({"BAGALAU_WEBHOOK_URL": st.sampled_from(["ftp", "file", "gopher", "javascript", ""]).map(
        lambda scheme: f"{scheme}://hooks.example.org/in?token={SECRET}"), "BAGALAU_WEBHOOK_SECRET": st.just("s")}),
    st.fixed_dictionaries({"BAGALAU_WEBHOOK_URL": st.just(f"https://hooks.example.org/in?token={SECRET}")}),
    st.fixed_dictionaries({"BAGALAU_DATABASE_URL": st.text(min_size=1, max_size=30).filter(lambda t: "://" not in t and t.strip())}),
    st.fixed_dictionaries({"BAGALAU_DEFINITIONS": st.text(alphabet="abcxyz/", min_size=1, max_size=12).map(lambda t: f"/nonexistent/{t}")}),
)


@FUZZ
@given(values=SETTINGS)
def test_a_bad_setting_is_one_line_and_never_its_secret(values: dict[str, str]) -> None:
    line = cli("notices", "list", env=values).one_line_refusal(LIMIT)
    assert SECRET not in line

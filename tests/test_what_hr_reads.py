"""What HR reads, walked whole: every command's output and its own errors, every form and
every notice of an example year, in Kazakh and in Russian, holds no English id and no
Latin word, and no label or message is missing from a catalogue.

The commands run in-process (typer's CliRunner) over one example year built once for the
module. What may be Latin is named and justified in ALLOWED: codes a person types or finds
elsewhere (a personnel number, a state body's code, a methodology id, the names of the
command and its options, environment variables, file formats), never a word of a sentence.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Iterator

import pytest
import yaml
from sqlmodel import Session, select
from typer.testing import CliRunner

from bagalau import simulation
from bagalau.cli.common import reader
from bagalau.cli.main import app
from methodology import loader
from methodology.errors import BagalauError, catalog
from methodology.labels import catalogue, label
from models import Notice, Servant, StateBody
from models.db import engine as make_engine
from notifications import render as notices
from notifications.forms import examples
from notifications.forms.examples import write_example_forms

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "examples" / "scenarios" / "typical2023-year.yaml"
LANGS = ("kk", "ru")
ALLOWED = {
    # what a person types: the command, its sub-commands and file argument, as `--help` names them
    "bagalau", "score", "deadlines", "simulate", "file", "date", "n",  # (an argument as --help names it: FILE, DATE, N)
    # the values --granularity takes, named in its error as the person must type them
    "quarter", "year",
    # the environment variables and standards a message points to
    "prefect", "bagalau_database_url", "prefect_api_url", "bagalau_definitions", "bagalau_calendar", "iso",
    "json", "csv", "xlsx", "html", "pdf", "utf", "yaml", "sqlite", "mapping",
    # a quarter is written 2026-Q1 on every page (the period code HR types)
    "q",
    # Russian writes a quarter in Roman numerals: «за I квартал 2026 года»
    "i", "ii", "iii", "iv",
}
# the flow a one-off command stands in for, by the name the Prefect UI shows it
FLOWS = {"deadline-sweep", "retention-purge", "open-quarterly-cycle", "open-annual-cycle", "open-360-cycle"}


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('year') / 'year.sqlite3'}"
    simulation.run(simulation.load(SCENARIO), url)
    yield url
    make_engine(url).dispose()


@pytest.fixture(scope="module")
def codes(year: str) -> set[str]:
    """The codes of the example year: personnel numbers, state body codes, methodology ids."""
    with Session(make_engine(year)) as session:
        people = set(session.exec(select(Servant.personnel_no)))
        bodies = set(session.exec(select(StateBody.code)))
    return people | bodies | set(loader.available()) | FLOWS


def latin_words(text: str, codes: set[str], *paths: Path) -> set[str]:
    for path in paths:  # a folder the command wrote to is the reader's own
        text = text.replace(str(path.resolve()), " ").replace(str(path), " ")
    text = re.sub(r"(?<![\w-])--[a-z-]+", " ", text)  # an option, as the person typed it
    text = re.sub(r" = '[^']*'", " ", text)  # the value the person gave, echoed in an error
    text = re.sub(r'"[a-z_0-9]+": ', " ", text)  # a key of the JSON a one-off command prints for scripts
    text = re.sub(r"[^\s'(]*/[^\s')]*", " ", text)  # a path: a file named, the doc a rule points to
    text = re.sub(r"(?<![\w-])[\w.-]*\d[\w.-]*", " ", text)  # dates, ids, scores, codes with digits: 2026-Q1, C-4
    for code in sorted(codes, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(code)}(?![\w-])", " ", text)
    return {w for w in re.findall(r"[A-Za-z_]*[A-Za-z]", text) if w.lower() not in ALLOWED}


def run(year: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """The command as `bagalau` runs it: an error of the product is one line in the reader's
    language (bagalau.cli.main does that around the app)."""
    result = CliRunner().invoke(app, list(args), env={"BAGALAU_DATABASE_URL": year, "COLUMNS": "200", **(env or {})})
    if isinstance(result.exception, BagalauError):
        return 2, result.output + result.exception.render(reader())
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception  # a label missing from a catalogue is a KeyError: the walk stops on it
    return result.exit_code, result.output


def commands(tmp: Path) -> list[tuple[str, ...]]:
    """Every command a person reads the output of, with an error of its own where it has one."""
    sheets = ROOT / "examples" / "score"
    only_sheets = tmp / "examples"
    (only_sheets / "score").mkdir(parents=True, exist_ok=True)
    (only_sheets / "scenarios").mkdir(exist_ok=True)
    for sheet in sheets.glob("*.json"):
        (only_sheets / "score" / sheet.name).write_bytes(sheet.read_bytes())
    return [
        ("appraisals", "list", "--limit", "100"),
        ("appraisals", "list", "--overdue", "--on", "2026-12-31"),
        ("appraisals", "list", "--kind", "kpi", "--period", "2026-Q1"),
        ("appraisals", "search", "тұрсын"),
        ("appraisals", "search", "nobody"),
        ("cycles", "list"),
        ("people", "list"),
        ("people", "search", "ОВА"),
        ("methodology", "list"),
        ("methodology", "show", "typical2023"),
        ("methodology", "show", "mne2017"),
        ("workdays", "add", "2026-03-20", "-5"),
        ("workdays", "check", "2026-03-21"),
        ("workdays", "check", "2026-03-26"),
        ("workdays", "add", "2021-02-31", "1"),
        ("workdays", "add", "31.02.2021", "1"),
        ("score", str(tmp / "nonexistent.json")),
        ("score", str(tmp)),
        ("db", "upgrade"),
        ("diagrams", "--out", str(tmp / "diagrams.md")),
        ("demo", "--examples", str(only_sheets), "--forms", str(tmp / "forms")),
        ("purge", "--on", "2026-12-31"),
        ("sweep", "--now", "2026-12-31T10:00"),
        ("open-cycles", "--on", "2027-01-05", "--granularity", "year"),
        ("open-cycles", "--granularity", "decade"),
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_every_command_speaks_the_readers_language(year: str, codes: set[str], lang: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    for args in commands(tmp_path):
        code, output = run(year, *args, "--lang", lang)
        assert code in (0, 2), (args, output)
        assert "Traceback" not in output and "Error" not in output, (args, output)
        left = latin_words(output.replace(" ".join(args), " "), codes, tmp_path)
        assert not left, (args, left, output[:2000])


def test_bagalau_lang_is_the_default_language(year: str) -> None:
    _, output = run(year, "workdays", "check", "2026-03-26", env={"BAGALAU_LANG": "ru"})
    assert output.splitlines()[0] == "рабочий день"


def test_a_broken_definition_is_told_in_the_readers_language_and_the_others_still_load(
        year: str, tmp_path: Path) -> None:
    broken = yaml.safe_load((loader.SHIPPED / "typical2023.yaml").read_text("utf-8"))
    broken["id"] = "broken"
    broken["colour"] = "red"  # extra_forbidden
    broken["escalation"]["every"] = 0  # greater_than_equal
    del broken["source"]  # missing
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(broken, allow_unicode=True), "utf-8")
    env = {"BAGALAU_DEFINITIONS": str(tmp_path)}
    code, output = run(year, "methodology", "list", "--lang", "ru", env=env)
    assert code == 0  # listed, with a warning: see tests/test_hardening.py
    for name in loader.available():  # the shipped ones, listed all the same
        assert f"{name}\t" in output
    assert str(tmp_path / "broken.yaml") in output
    assert "source: нет обязательного поля" in output
    assert "colour = 'red': такого поля нет" in output
    assert "escalation.every = 0: должно быть не меньше 1" in output
    _, kazakh = run(year, "methodology", "list", "--lang", "kk", env=env)
    assert "міндетті өріс жоқ" in kazakh and "Input should" not in kazakh + output


@pytest.mark.parametrize("lang", LANGS)
def test_every_form_of_the_year_in_kk_and_ru_is_in_that_language(year: str, codes: set[str], lang: str,
                                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(examples, "FORMATS", ("html",))  # the PDF text of every form: tests/test_forms.py
    written = write_example_forms(make_engine(year), tmp_path, lang)  # type: ignore[arg-type]
    assert len(written) > 20
    for path in written:
        text = html.unescape(re.sub(r"<style.*?</style>|<[^>]+>", " ", path.read_text("utf-8"), flags=re.S))
        left = latin_words(text, codes | {"DejaVu", "Sans"})
        assert not left, (path.name, left)


@pytest.mark.parametrize("lang", LANGS)
def test_every_notice_of_the_year_in_kk_and_ru_is_in_that_language(year: str, codes: set[str], lang: str) -> None:
    with Session(make_engine(year)) as session:
        stored = session.exec(select(Notice)).all()
        assert {n.kind for n in stored} >= {"sheet_to_fill", "result", "familiarisation", "training"}
        for notice in stored:
            made = notices.render_notice(session, notice, lang)  # type: ignore[arg-type]
            left = latin_words(f"{made.subject}\n{made.text}", codes)
            assert not left, (notice.kind, left, made.text)


def test_every_message_and_label_the_code_asks_for_is_in_the_catalogues() -> None:
    source = "\n".join(p.read_text("utf-8") for folder in ("bagalau", "states", "methodology", "notifications")
                       for p in (ROOT / folder).rglob("*.py"))
    asked = set(re.findall(r"""(?:message|InvalidInput|Problem\([^,]*,)\(?\s*["']([a-z_0-9]+)["']""", source))
    assert len(asked) > 30  # the pattern finds the codes (a broken pattern would find none and pass)
    assert asked <= set(catalog()), sorted(asked - set(catalog()))
    for definition in (loader.load(name) for name in loader.available()):  # a label for every id a page shows
        for kind in definition.workflow:
            for state in definition.flow(kind).states:
                assert label("state", state, "kk", definition.id, kind)
        for step in definition.deadlines:
            assert label("step", step, "ru", definition.id)
        for rule in definition.consequences:
            assert label("consequence", rule.consequence, "kk", definition.id)
        for kind in definition.kinds:
            assert label("kind", kind, "ru")
            for band in definition.band_sets[definition.rules(kind).bands].bands:  # type: ignore[union-attr]
                assert label("band", band.id, "kk", definition.id, kind)
    assert set(catalogue()["roles"]) >= {"servant", "direct_manager", "hr", "head_of_hr", "appointing_official"}
    with pytest.raises(KeyError):
        label("state", "no_such_state", "kk", "typical2023", "kpi")


def test_every_command_takes_lang() -> None:
    """Walked from the command tree, so a command added without `--lang` fails here."""
    from typing import Any

    import typer

    from bagalau.cli.main import app

    def leaves(command: Any, path: str) -> list[tuple[str, Any]]:  # typer's own click: a group has commands
        if hasattr(command, "commands"):
            return [leaf for name, sub in command.commands.items() for leaf in leaves(sub, f"{path} {name}")]
        return [(path, command)]

    without = [path for path, command in leaves(typer.main.get_command(app), "bagalau")
               if not any("--lang" in parameter.opts for parameter in command.params)]
    assert without == []

"""`bagalau demo`: the product's main job on the embedded default, for a first look.

It scores the example sheets in `examples/score/` (the same JSON `bagalau score` reads),
lists the statutory calendar of 2026, plays the example years of `examples/scenarios/` on
a fresh SQLite database each, with a simulated clock, and ends by writing the official
forms of those years (HTML and PDF) into a folder, which it names.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from bagalau import simulation
from bagalau.cli.common import LangOption, use_lang
from bagalau.cli.score import read_json
from methodology import loader
from methodology.deadlines import Period, deadlines
from methodology.i18n import Lang
from methodology.scoring import score_request
from methodology.workdays import default_calendar, weekday_name
from models.db import engine as make_engine
from notifications.forms.examples import write_example_forms

YEAR = 2026


def demo(
    examples: Path = typer.Option(Path("examples"), "--examples", help="Folder of the examples."),
    lang: str = LangOption,
    forms: Path = typer.Option(Path("out/forms"), "--forms", help="Folder to write the example years' forms into."),
) -> None:
    """Score the example sheets, show the 2026 deadline calendar, play the example years
    and write their forms."""
    reader = use_lang(lang)
    # Wide enough for the Kazakh and Russian labels when the output is piped or logged.
    console = Console(width=None if Console().is_terminal else 150)
    console.print(_scores(sorted((examples / "score").glob("*.json")), reader))
    console.print(_calendar(reader))
    written = 0
    for scenario in sorted((examples / "scenarios").glob("*.yaml")):
        table, count = _year(scenario, forms / scenario.stem, reader)
        console.print(table)
        written += count
    console.print(f"Forms of the example years: {written} files (HTML and PDF) written to {forms.resolve()}")


def _scores(files: list[Path], lang: Lang) -> Table:
    table = Table(title="Example sheets scored (bagalau score FILE)")
    for column in ("sheet", "methodology", "kind", "score", "band"):
        table.add_column(column, justify="right" if column == "score" else "left")
    for file in files:
        result = score_request(read_json(str(file)))
        table.add_row(file.stem, result.methodology, result.kind, str(result.score), result.band.label(lang))
    return table


def _year(path: Path, forms: Path, lang: Lang) -> tuple[Table, int]:
    """The year's summary, and how many form files it wrote: the forms are written while
    the year's database still exists."""
    plan = simulation.load(path)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
        summary = simulation.run(plan, url)
        written = write_example_forms(make_engine(url), forms, lang)
    table = Table(title=f"{summary['title']} (bagalau simulate {path})", caption=_refusals(summary))
    for column in ("servant", "kind", "period", "state", "score", "band", "consequences", "met", "late", "missed"):
        table.add_column(column, justify="right" if column in ("score", "met", "late", "missed") else "left")
    for item in summary["appraisals"]:
        done = item["deadlines"]
        table.add_row(
            item["name"], item["kind"], item["period"], item["state"],
            "" if item["score"] is None else f"{item['score']:.2f}", item["band"] or "",
            ", ".join(item["consequences"]), str(done["met"]), str(done["late"]), str(done["missed"]),
        )
    return table, len(written)


def _refusals(summary: dict) -> str:
    expected = sum(1 for r in summary["refusals"] if r["expected"])
    return f"{expected} refusals as the rules require; {summary['unexpected']} unexpected"


def _calendar(lang: Lang) -> Table:
    calendar = default_calendar()
    table = Table(title=f"Statutory deadlines of {YEAR} (bagalau deadlines)")
    for column in ("methodology", "kind", "period", "step", "due", "rule"):
        table.add_column(column)
    for name in loader.available():
        definition = loader.load(name)
        for kind in definition.kinds:
            granularity = definition.rules(kind).period  # type: ignore[union-attr]  # every kind of a definition has rules (checked on load)
            periods = [Period(YEAR, q) for q in (1, 2, 3, 4)] if granularity == "quarter" else [Period(YEAR)]
            for period in periods:
                for due in deadlines(definition, kind, period, {}, calendar):
                    if due.due is not None:
                        table.add_row(
                            name, kind, str(period), due.rule.label(lang),
                            f"{due.due.isoformat()} {weekday_name(due.due, lang)}", due.rule.paragraph,
                        )
    return table

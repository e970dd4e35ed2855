"""`bagalau demo`: the product's main job on the embedded default, for a first look.

It scores the example sheets in `examples/score/` (the same JSON `bagalau score` reads),
lists the statutory calendar of 2026, plays the example years of `examples/scenarios/` on
a fresh SQLite database each, with a simulated clock, and ends by writing the official
forms of those years (HTML and PDF) into a folder, which it names.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Callable

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bagalau import simulation
from bagalau.cli.common import LangOption, use_lang
from bagalau.cli.score import read_json
from methodology import loader
from methodology.deadlines import Period, deadlines
from methodology.i18n import Lang, cite
from methodology.labels import label, message
from methodology.scoring import score_request
from methodology.workdays import default_calendar, weekday_name
from models.db import engine as make_engine
from notifications.forms.base import number
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
    scenarios = sorted((examples / "scenarios").glob("*.yaml"))
    written = 0
    # A year takes seconds to play: a person at a terminal sees which one and how far; a log sees nothing of it.
    with Progress(*Progress.get_default_columns(), console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("", total=len(scenarios) * 2)  # two stages a year: play it, write its forms
        started = [0]

        def stage(code: str, title: str) -> None:
            progress.update(task, completed=started[0], description=message(code, reader, title=title))
            started[0] += 1

        for scenario in scenarios:
            table, count = _year(scenario, forms / scenario.stem, reader, stage)
            console.print(table)
            written += count
    console.print(message("demo_forms", reader, count=written, folder=forms.resolve()))


def _scores(files: list[Path], lang: Lang) -> Table:
    table = Table(title=message("demo_scores", lang))
    for column in ("sheet", "methodology", "kind", "score", "band"):
        table.add_column(label("column", column, lang), justify="right" if column == "score" else "left")
    for file in files:
        result = score_request(read_json(str(file)))
        table.add_row(file.stem, result.methodology, label("kind", result.kind, lang), number(result.score, lang), result.band.label(lang))
    return table


def _year(path: Path, forms: Path, lang: Lang, stage: Callable[[str, str], None]) -> tuple[Table, int]:
    """The year's summary, and how many form files it wrote: the forms are written while
    the year's database still exists. `stage` hears what is being done, for the progress bar."""
    plan = simulation.load(path)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
        stage("demo_playing", plan.title)
        summary = simulation.run(plan, url)
        stage("demo_forms_writing", plan.title)
        written = write_example_forms(make_engine(url), forms, lang)
    table = Table(title=f"{summary['title']} (bagalau simulate {path})", caption=_refusals(summary, lang))
    counts = ("score", "met", "late", "missed")
    for column in ("name", "kind", "period", "state", "score", "band", "consequences", "met", "late", "missed"):
        table.add_column(label("column", column, lang), justify="right" if column in counts else "left")
    methodology = summary["methodology"]
    for item in summary["appraisals"]:
        done, kind = item["deadlines"], item["kind"]
        table.add_row(
            item["name"],
            label("kind", kind, lang),
            item["period"],
            label("state", item["state"], lang, methodology, kind),
            "" if item["score"] is None else number(Decimal(str(item["score"])), lang),
            label("band", item["band"], lang, methodology, kind) if item["band"] else "",
            ", ".join(label("consequence", c, lang, methodology) for c in item["consequences"]),
            str(done["met"]),
            str(done["late"]),
            str(done["missed"]),
        )
    return table, len(written)


def _refusals(summary: dict, lang: Lang) -> str:
    expected = sum(1 for r in summary["refusals"] if r["expected"])
    return message("demo_refusals", lang, expected=expected, unexpected=summary["unexpected"])


def _calendar(lang: Lang) -> Table:
    calendar = default_calendar()
    table = Table(title=message("demo_calendar", lang, year=YEAR))
    for column in ("methodology", "kind", "period", "step", "due", "rule"):
        table.add_column(label("column", column, lang))
    for definition in loader.loadable()[0]:
        for kind in definition.kinds:
            granularity = definition.rules_of(kind).period
            periods = [Period(YEAR, q) for q in (1, 2, 3, 4)] if granularity == "quarter" else [Period(YEAR)]
            for period in periods:
                for due in deadlines(definition, kind, period, {}, calendar):
                    if due.due is not None:
                        table.add_row(
                            definition.id,
                            label("kind", kind, lang),
                            str(period),
                            due.rule.label(lang),
                            f"{due.due.isoformat()} {weekday_name(due.due, lang)}",
                            cite(definition.id, due.rule.paragraph, lang),
                        )
    return table

"""`bagalau methodology list|show`: the definitions the product knows, whole."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table

from bagalau.cli.common import LangOption, print_json, use_lang
from bagalau.cli.deadlines import find
from methodology import loader
from methodology.i18n import cite
from methodology.labels import columns, label, message

app = typer.Typer(help="Methodology definitions.", no_args_is_help=True)


@app.command("list")
def list_(lang: str = LangOption) -> None:
    """Name every definition on the search path, one per line, with its title. A broken
    file is a warning, one line on stderr naming it and what is wrong, not a failure: the
    good ones are listed all the same (exit 0), and no other command loads the broken one."""
    reader = use_lang(lang)
    good, broken = loader.loadable()
    for definition in good:
        print(f"{definition.id}\t{definition.title(reader)}")
    for error in broken:
        problems = error.render(reader).removeprefix(f"{error.path}: ")
        line = message("cli_broken_definition", reader, file=error.path, problems=problems)
        print(" ".join(line.split()), file=sys.stderr)


@app.command("show")
def show(
    name: str = typer.Argument(..., metavar="M", help="Definition id."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole definition as JSON."),
    lang: str = LangOption,
) -> None:
    """Show one definition: bands, parameters, competencies, deadline rules."""
    reader = use_lang(lang)
    definition = find(name)
    if as_json:
        print_json(definition.model_dump(mode="json", by_alias=True))
        return
    console = Console()
    console.print(f"[bold]{definition.id}[/bold]: {definition.title(reader)}")
    console.print(definition.source(reader))
    for set_name, band_set in definition.band_sets.items():
        kinds = [label("kind", kind, reader) for kind in definition.kinds if definition.rules_of(kind).bands == set_name]
        table = Table(title=f"{', '.join(kinds)} ({cite(definition.id, band_set.paragraph, reader)})")
        for column in columns(("band", "from"), reader):
            table.add_column(column)
        for band in band_set.bands:
            start = "" if band.bound is None else (f"≥ {band.min}" if band.min is not None else f"> {band.over}")
            table.add_row(band.label(reader), start)
        console.print(table)
    table = Table(title=label("column", "due", reader))
    for column in columns(("step", "kinds", "rule"), reader):
        table.add_column(column)
    for rule in definition.deadlines.values():
        kind_names = ", ".join(label("kind", kind, reader) for kind in rule.kinds)
        table.add_row(rule.label(reader), kind_names, cite(definition.id, rule.paragraph, reader))
    console.print(table)

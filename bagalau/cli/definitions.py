"""`bagalau methodology list|show`: the definitions the product knows, whole."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from bagalau.cli.common import LangOption, print_json, use_lang
from bagalau.cli.deadlines import find
from methodology import loader

app = typer.Typer(help="Methodology definitions.", no_args_is_help=True)


@app.command("list")
def list_(lang: str = LangOption) -> None:
    """Name every definition on the search path, one per line, with its title."""
    reader = use_lang(lang)
    for name in loader.available():
        print(f"{name}\t{loader.load(name).title(reader)}")


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
        table = Table(title=f"{set_name} ({definition.id} {band_set.paragraph})")
        for column in ("band", "from", "label"):
            table.add_column(column)
        for band in band_set.bands:
            start = "" if band.bound is None else (f"≥ {band.min}" if band.min is not None else f"> {band.over}")
            table.add_row(band.id, start, band.label(reader))
        console.print(table)
    table = Table(title="deadlines")
    for column in ("step", "kinds", "rule", "label"):
        table.add_column(column)
    for step, rule in definition.deadlines.items():
        table.add_row(step, ", ".join(rule.kinds), rule.paragraph, rule.label(reader))
    console.print(table)

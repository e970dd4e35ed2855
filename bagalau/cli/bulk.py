"""`bagalau forms BODY PERIOD --as PERSONNEL_NO [--unit CODE] [--merged] -o FILE`: every
sheet and protocol of a state body, or of one of its units, for a period, printed in one
go (notifications/forms/bulk.py): a ZIP with one PDF per document, or one merged PDF,
with a progress bar on a terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bagalau.cli.common import LangOption, use_lang
from models.db import engine
from notifications.forms.bulk import print_forms


def forms(
    body: str = typer.Argument(..., help="Code of the state body."),
    period: str = typer.Argument(..., help="2026-Q1 (a quarter) or 2026 (a year, with its quarters)."),
    as_: str = typer.Option(..., "--as", help="Personnel number of who will read the forms."),
    unit: Optional[str] = typer.Option(None, "--unit", help="Code of a unit: its forms and those of the units beneath it."),
    merged: bool = typer.Option(False, "--merged", help="One merged PDF instead of a ZIP of PDFs."),
    lang: str = LangOption,
    out: Path = typer.Option(..., "-o", "--out", help="File to write: a .zip, or a .pdf with --merged."),
) -> None:
    """Print a body's or a unit's sheets and protocols for a period, in one file."""
    reader = use_lang(lang)
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("forms", total=None)
        printed = print_forms(
            engine(),
            body,
            period,
            as_,
            reader,
            unit=unit,
            merged=merged,
            started=lambda total: progress.update(task, total=total),
            drawn=lambda: progress.advance(task),
        )
    out.write_bytes(printed.content)
    withheld = f", {printed.withheld} withheld (results this reader may not know)" if printed.withheld else ""
    print(f"{out}: {printed.documents} documents{withheld}")

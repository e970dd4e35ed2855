"""`bagalau results`: annual results from before a body used bagalau. `import` loads them
from HR's file (CSV, or the sheet «past_results» of an XLSX), refused whole with every
problem listed like `org import`'s; `show` gives one servant's to a person who may read a
result (typical2023 п.16, п.21). The consequence rules count them (mne2017 п.46).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bagalau.cli.common import LangOption, print_json, use_lang
from bagalau.cli.org import print_problems, print_summary
from bagalau.cli.workdays import day_or_today, moment_or_now
from models.db import database_url, engine
from models.migrate import upgrade
from services.past_results import import_past_results, past_results_of

app = typer.Typer(help="Annual results from before bagalau: import, show.", no_args_is_help=True)


@app.command("import")
def import_(
    file: Path = typer.Argument(
        ...,
        metavar="FILE",
        help="Results as CSV (UTF-8) or XLSX (sheet «past_results»): state_body_code, personnel_no, year, score, band, source_no, source_date.",
    ),
    on: Optional[str] = typer.Option(None, "--on", help="ISO date the import is made (default: today); no year or protocol after it."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout."),
    lang: str = LangOption,
) -> None:
    """Check the whole file, then load it in one transaction, audited; load nothing if anything is wrong."""
    reader = use_lang(lang)
    url = database_url()
    upgrade(url)
    report = import_past_results(engine(url), file, day_or_today(on), moment_or_now(None))
    if as_json:
        print_json(report.as_dict(reader))
    elif report.ok:
        print_summary(report, reader)
    else:
        print_problems(report, reader)
    if not report.ok:
        raise typer.Exit(2)


@app.command("show")
def show(
    personnel_no: str = typer.Argument(..., metavar="PERSONNEL_NO", help="The servant whose results to show."),
    body: str = typer.Option(..., "--body", help="Code of the servant's state body."),
    as_: str = typer.Option(..., "--as", help="Personnel number of who reads them."),
    lang: str = LangOption,
) -> None:
    """A servant's imported results, to a person who may read a result."""
    use_lang(lang)
    print_json(past_results_of(engine(), body, personnel_no, as_))

"""`bagalau document KIND --appraisal ID --as PERSONNEL_NO --format html|pdf --lang kk|ru|en
-o FILE`: an official form of one appraisal, filled from the database.

The reader is named like every actor of the lifecycle, by personnel number, because a
form that prints a result is given only to those who may know it (typical2023 п.16,
п.21); a refusal is one line on stderr, exit code 2, like every other input error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from bagalau.cli.common import LangOption, use_lang
from methodology.errors import InvalidInput
from models.db import engine
from notifications.forms import FORMS, Format, render
from notifications.forms.base import RULE

FORMATS: tuple[Format, ...] = ("html", "pdf")


def document(
    kind: str = typer.Argument(..., help=f"The form: {', '.join(FORMS)}."),
    appraisal: int = typer.Option(..., "--appraisal", help="Id of the appraisal the form is drawn from."),
    as_: str = typer.Option(..., "--as", help="Personnel number of who will read the form."),
    format: str = typer.Option("html", "--format", help="html or pdf."),
    lang: str = LangOption,
    out: Optional[Path] = typer.Option(None, "-o", "--out", help="File to write (default: standard output)."),
) -> None:
    """Write an official form (annex) of an appraisal as HTML or PDF."""
    reader = use_lang(lang)
    if format not in FORMATS:
        raise InvalidInput("unknown", field="--format", value=format, rule=RULE, expected=", ".join(FORMATS))
    content = render(engine(), kind, appraisal, as_, format, reader)
    if out is None:
        sys.stdout.buffer.write(content)
        return
    out.write_bytes(content)
    print(out)

"""`bagalau notices`: the outbox as HR sees it. `list` what was sent, is waiting or is dead
(out of attempts, with its last error), `show` one notice as its recipient reads it,
`resend` one, `deliver` what is due now (what the sweep flow's delivery task runs). Each
command calls its use case in services/ (services/notices.py, services/sweep.py).

A notice is shown in its recipient's language unless `--lang` asks for another; the
renderer decides, per recipient, whether a result may appear (typical2023 п.16, п.21).
"""

from __future__ import annotations

from typing import Optional

import typer

from bagalau.cli.common import LangOption, print_json, use_lang
from bagalau.cli.workdays import moment_or_now
from models.db import engine
from services import notices
from services.sweep import deliver_notices

app = typer.Typer(help="Notices: the outbox, as their recipients read them.", no_args_is_help=True)
LangChoice = typer.Option(None, "--lang", help="kk, ru or en (default: each recipient's own language).")


@app.command("list")
def list_notices(
    status: Optional[str] = typer.Option(None, "--status", help="pending, sent or dead."),
    person: Optional[str] = typer.Option(None, "--person", help="Recipient's personnel number."),
    lang: Optional[str] = LangChoice,
    limit: int = typer.Option(100, "--limit", min=1, help="At most this many, newest first."),
) -> None:
    """Notices with their delivery state and subject."""
    reader = use_lang(lang) if lang else None
    print_json(notices.list_notices(engine(), status=status, personnel_no=person, lang=reader, limit=limit))


@app.command("show")
def show(
    notice_id: int = typer.Argument(..., metavar="ID", help="Notice id, as `list` prints it."),
    lang: Optional[str] = LangChoice,
    person: Optional[str] = typer.Option(None, "--as", help="Personnel number of who reads it; needed for a notice carrying a result."),
) -> None:
    """One notice rendered: subject and text."""
    reader = use_lang(lang) if lang else None
    print_json(notices.show_notice(engine(), notice_id, reader, person))


@app.command("resend")
def resend(notice_id: int = typer.Argument(..., metavar="ID", help="Notice id."), lang: str = LangOption) -> None:
    """Put a dead or sent notice back to pending, attempts reset.

    The next delivery sends it through every channel again; the inbox keeps one message
    per notice."""
    use_lang(lang)
    print_json(notices.resend_notice(engine(), notice_id))


@app.command("deliver")
def deliver(now: Optional[str] = typer.Option(None, "--now", help="ISO date-time (default: now, Asia/Almaty)."), lang: str = LangOption) -> None:
    """Deliver what is due now, once: the delivery task of the sweep flow, without Prefect."""
    use_lang(lang)
    print_json(deliver_notices(engine(), moment_or_now(now)))

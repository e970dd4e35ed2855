"""`bagalau notices`: the outbox as HR sees it. `list` what was sent, is waiting or is dead
(out of attempts, with its last error), `show` one notice as its recipient reads it,
`resend` one, `deliver` what is due now (what the sweep flow's delivery task runs).

A notice is shown in its recipient's language unless `--lang` asks for another; the
renderer decides, per recipient, whether a result may appear (typical2023 п.16, п.21).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

import typer
from sqlmodel import Session, select

from bagalau.cli.workdays import parse_moment
from bagalau.cli.common import print_json, use_lang
from methodology.errors import InvalidInput
from methodology.i18n import Lang
from models import Notice, Servant
from models.db import engine, transaction
from notifications.render import render_notice
from states.notice_readers import check_reader

app = typer.Typer(help="Notices: the outbox, as their recipients read them.", no_args_is_help=True)
STATUSES = ("pending", "sent", "dead")
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
    if status is not None and status not in STATUSES:
        raise InvalidInput("unknown", field="--status", value=status, rule="docs/cli.md", expected=", ".join(STATUSES))
    with transaction(engine()) as session:
        query = select(Notice).order_by(Notice.id.desc()).limit(limit)  # type: ignore[union-attr]
        if status:
            query = query.where(Notice.status == status)
        if person is not None:
            query = query.where(Notice.recipient_id.in_(_people(session, person)))  # type: ignore[union-attr]
        print_json([_row(session, notice, reader) for notice in session.exec(query)])


@app.command("show")
def show(
    notice_id: int = typer.Argument(..., metavar="ID", help="Notice id, as `list` prints it."),
    lang: Optional[str] = LangChoice,
    person: Optional[str] = typer.Option(None, "--as", help="Personnel number of who reads it; needed for a notice carrying a result."),
) -> None:
    """One notice rendered: subject and text."""
    reader = use_lang(lang) if lang else None
    with transaction(engine()) as session:
        notice = _notice(session, notice_id)
        check_reader(session, notice, person)
        rendered = render_notice(session, notice, reader)
        print_json({**_row(session, notice, reader), "text": rendered.text})


@app.command("resend")
def resend(notice_id: int = typer.Argument(..., metavar="ID", help="Notice id.")) -> None:
    """Put a dead or sent notice back to pending, attempts reset.

    The next delivery sends it through every channel again; the inbox keeps one message
    per notice."""
    with transaction(engine()) as session:
        notice = _notice(session, notice_id)
        if notice.status == "pending":
            raise InvalidInput("unknown", field="ID", value=notice_id, rule="docs/cli.md", expected="a sent or dead notice")
        notice.status, notice.attempts, notice.next_attempt_at, notice.last_error, notice.delivered = "pending", 0, None, None, ""
        session.add(notice)
        print_json({"id": notice.id, "key": notice.key, "status": notice.status, "attempts": notice.attempts})


@app.command("deliver")
def deliver(now: Optional[str] = typer.Option(None, "--now", help="ISO date-time (default: now, Asia/Almaty).")) -> None:
    """Deliver what is due now, once: the delivery task of the sweep flow, without Prefect."""
    from flows.inputs import SweepInput
    from flows.sweep import deliver_notices

    print_json(deliver_notices(SweepInput(now=parse_moment(now))))


def _row(session: Session, notice: Notice, lang: Lang | None) -> dict[str, Any]:
    person = session.get(Servant, notice.recipient_id) if notice.recipient_id else None
    try:
        subject: str | None = render_notice(session, notice, lang).subject
    except Exception as error:  # a notice that cannot be rendered is listed all the same, with why
        subject = f"({type(error).__name__}: {error})"
    return {
        "id": notice.id, "key": notice.key, "kind": notice.kind, "level": notice.level, "event": notice.event,
        "step": notice.step or None, "due": notice.due, "appraisal": notice.appraisal_id,
        "recipient": {"personnel_no": person.personnel_no, "name": person.full_name, "lang": person.lang} if person else None,
        "status": notice.status, "attempts": notice.attempts, "next_attempt_at": _at(notice.next_attempt_at),
        "sent_at": _at(notice.sent_at), "delivered": notice.delivered or None, "last_error": notice.last_error,
        "subject": subject,
    }


def _notice(session: Session, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise InvalidInput("not_found", field="ID", value=notice_id, rule="docs/cli.md")
    return notice


def _people(session: Session, personnel_no: str) -> list[int]:
    found = list(session.exec(select(Servant.id).where(Servant.personnel_no == personnel_no)))
    if not found:
        raise InvalidInput("not_found", field="--person", value=personnel_no, rule="docs/cli.md")
    return found  # type: ignore[return-value]


def _at(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


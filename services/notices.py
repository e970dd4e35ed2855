"""The outbox as HR and its recipients see it: list the notices, show one as its recipient
reads it, put one back to be sent again (`bagalau notices`, and the web console's inbox).

A notice is shown in its recipient's language unless the reader asks for another; the
renderer decides, per recipient, whether a result may appear (typical2023 п.16, п.21).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from methodology.errors import InvalidInput
from methodology.i18n import Lang
from models import Notice, Servant
from models.db import transaction
from notifications.render import render_notice
from states.notice_readers import check_reader

STATUSES = ("pending", "sent", "dead")


def list_notices(
    engine: Engine, *, status: str | None = None, personnel_no: str | None = None, lang: Lang | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Notices with their delivery state and subject, newest first (of one status, to the
    people of one personnel number, if asked)."""
    if status is not None and status not in STATUSES:
        raise InvalidInput("unknown", field="--status", value=status, rule="docs/cli.md", expected=", ".join(STATUSES))
    with transaction(engine) as session:
        query = select(Notice).order_by(col(Notice.id).desc()).limit(limit)
        if status:
            query = query.where(Notice.status == status)
        if personnel_no is not None:
            query = query.where(col(Notice.recipient_id).in_(_people(session, personnel_no)))
        return [_row(session, notice, lang) for notice in session.exec(query)]


def show_notice(engine: Engine, notice_id: int, lang: Lang | None = None, personnel_no: str | None = None) -> dict[str, Any]:
    """One notice rendered for its recipient: its row, subject and text. A notice carrying a
    result is shown only to its recipient or to whoever may read that result (`personnel_no`)."""
    with transaction(engine) as session:
        notice = _notice(session, notice_id)
        check_reader(session, notice, personnel_no)
        rendered = render_notice(session, notice, lang)
        return {**_row(session, notice, lang), "text": rendered.text}


def resend_notice(engine: Engine, notice_id: int) -> dict[str, Any]:
    """Put a dead or sent notice back to pending, attempts reset: the next delivery sends it
    through every channel again; the inbox keeps one message per notice."""
    with transaction(engine) as session:
        notice = _notice(session, notice_id)
        if notice.status == "pending":
            raise InvalidInput("unknown", field="ID", value=notice_id, rule="docs/cli.md", expected="a sent or dead notice")
        notice.status, notice.attempts, notice.next_attempt_at, notice.last_error, notice.delivered = "pending", 0, None, None, ""
        session.add(notice)
        return {"id": notice.id, "key": notice.key, "status": notice.status, "attempts": notice.attempts}


def _row(session: Session, notice: Notice, lang: Lang | None) -> dict[str, Any]:
    person = session.get(Servant, notice.recipient_id) if notice.recipient_id else None
    try:
        subject: str | None = render_notice(session, notice, lang).subject
    except Exception as error:  # a notice that cannot be rendered is listed all the same, with why
        subject = f"({type(error).__name__}: {error})"
    return {
        "id": notice.id,
        "key": notice.key,
        "kind": notice.kind,
        "level": notice.level,
        "event": notice.event,
        "step": notice.step or None,
        "due": notice.due,
        "appraisal": notice.appraisal_id,
        "recipient": {"personnel_no": person.personnel_no, "name": person.full_name, "lang": person.lang} if person else None,
        "status": notice.status,
        "attempts": notice.attempts,
        "next_attempt_at": _at(notice.next_attempt_at),
        "sent_at": _at(notice.sent_at),
        "delivered": notice.delivered or None,
        "last_error": notice.last_error,
        "subject": subject,
    }


def _notice(session: Session, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise InvalidInput("not_found", field="ID", value=notice_id, rule="docs/cli.md")
    return notice


def _people(session: Session, personnel_no: str) -> list[int]:
    found = [i for i in session.exec(select(Servant.id).where(Servant.personnel_no == personnel_no)) if i is not None]
    if not found:
        raise InvalidInput("not_found", field="--person", value=personnel_no, rule="docs/cli.md")
    return found


def _at(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None

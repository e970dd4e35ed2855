"""The in-app inbox: each person's notices as they read them in the application, in their
language, read or unread; every notice but an invitation to the console (states/invitations.py),
which only an outside channel can carry to someone who cannot sign in yet.

A message is written in the same transaction that marks its notice delivered, one per
notice (its unique notice_id), so a retried or resent notice never shows twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from models.db import insert_ignoring_rows, rowcount
from models.outbox import InboxMessage
from notifications.channels import Outgoing
from states.invitations import KIND as INVITATION

NAME = "inbox"
OUTSIDE_ONLY = frozenset({INVITATION})  # a link to sign in is of no use inside the console it opens


def wants(outgoing: Outgoing) -> bool:
    """Whether the notice is read in the application at all."""
    return outgoing.kind not in OUTSIDE_ONLY


def post(session: Session, outgoing: list[Outgoing], at: datetime) -> None:
    """Put the notices in their recipients' inboxes, by one statement; one already there
    stays as it is."""
    if not outgoing:
        return
    rows = [
        {
            "notice_id": o.notice_id,
            "recipient_id": o.recipient_id,
            "lang": o.lang,
            "subject": o.rendered.subject,
            "text": o.rendered.text,
            "html": o.rendered.html,
            "created_at": at,
            "read_at": None,
        }
        for o in outgoing
    ]
    insert_ignoring_rows(session, InboxMessage, rows, ["notice_id"])  # Core, not the ORM's bulk path


def messages(session: Session, person_id: int, *, unread_only: bool = False, limit: int = 50) -> list[InboxMessage]:
    """A person's messages, newest first."""
    query = select(InboxMessage).where(InboxMessage.recipient_id == person_id)
    if unread_only:
        query = query.where(InboxMessage.read_at == None)  # noqa: E711
    return list(session.exec(query.order_by(col(InboxMessage.id).desc()).limit(limit)))


def unread(session: Session, person_id: int) -> int:
    query = select(func.count()).select_from(InboxMessage).where(InboxMessage.recipient_id == person_id, InboxMessage.read_at == None)  # noqa: E711
    return session.exec(query).one()


def mark_read(session: Session, message_id: int, person_id: int, at: datetime) -> bool:
    """Mark one of the person's own messages read; False if it is not theirs or is read."""
    done = session.execute(
        update(InboxMessage)
        .where(col(InboxMessage.id) == message_id, col(InboxMessage.recipient_id) == person_id, col(InboxMessage.read_at).is_(None))
        .values(read_at=at)
    )
    return rowcount(done) == 1

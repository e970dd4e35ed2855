"""HR's invitation to the console, and the one-time link it carries.

Inviting records an invitation row and, in the same transaction, its notice in the
outbox; the notice names the row, never a token. The token is made when the notice is
delivered (`fresh_link`, notifications/delivery.py) and only its SHA-256 is kept, so
nothing stored (the outbox, the audit trail) nor logged holds what opens the link. Every
delivery makes a new token and replaces the hash: a link sent before, a dead letter's
included, stops working, and the link lasts `days` from when it was sent.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlmodel import Session

from methodology.workdays import ALMATY
from models import Invitation, Servant
from models.db import id_of
from states import outbox

KIND = "invitation"  # the notice's kind (notifications/templates/notices/invitation.*.j2)
DAYS = 7  # how long a link stays valid by default (BAGALAU_INVITATION_DAYS)


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def invite(session: Session, servant: Servant, at: datetime, by: Servant | None = None) -> Invitation:
    """A new invitation for `servant` and its notice, to be delivered with a fresh link."""
    row = Invitation(servant_id=id_of(servant), created_by=id_of(by) if by else None, created_at=at, expires_at=at)
    session.add(row)
    session.flush()
    day = at.astimezone(ALMATY).date() if at.tzinfo else at.date()
    outbox.record(
        session,
        [
            {
                "key": outbox.invitation_key(id_of(row), id_of(servant), day),
                "invitation_id": row.id,
                "state_body_id": servant.state_body_id,
                "recipient_id": servant.id,
                "kind": KIND,
                "level": 0,
                "step": KIND,
                "due": day,
                "created_at": at,
                "status": "pending",
                "attempts": 0,
                "delivered": "",
            }
        ],
    )
    return row


def fresh_link(session: Session, invitation_id: int, at: datetime, days: int = DAYS) -> tuple[str, datetime]:
    """A new token for the invitation, valid `days` from `at`; the one before is void."""
    row = session.get(Invitation, invitation_id)
    if row is None:
        raise LookupError(f"invitation {invitation_id} does not exist")
    if row.used_at is not None:
        raise LookupError(f"invitation {invitation_id} was used on {row.used_at:%Y-%m-%d}: invite again")
    token = secrets.token_urlsafe(32)
    row.token_hash, row.expires_at = digest(token), (at + timedelta(days=days)).astimezone(timezone.utc)  # SQLite keeps no zone: UTC
    session.add(row)
    session.flush()
    return token, row.expires_at

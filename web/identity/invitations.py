"""One-time invitation links: HR invites a servant, who opens the link and sets their own
password. The token is random and shown once; the table keeps its SHA-256, its expiry and
when it was spent, so a link works once, and not after its day."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, select

from methodology.errors import InvalidInput
from models import Account, Invitation, Servant
from models.db import id_of
from web.identity.passwords import RULE, set_password
from web.identity.sessions import digest

TTL = timedelta(days=7)


def issue(session: Session, servant: Servant, now: datetime, by: Servant | None = None, ttl: timedelta = TTL) -> str:
    """A new invitation for `servant`; returns the token (the link's last part)."""
    token = secrets.token_urlsafe(32)
    session.add(Invitation(token_hash=digest(token), servant_id=id_of(servant), created_by=id_of(by) if by else None,
                           created_at=now, expires_at=now + ttl))
    return token


def pending(session: Session, token: str, now: datetime) -> Invitation | None:
    """The invitation of a token that is neither spent nor expired, else None."""
    row = session.exec(select(Invitation).where(Invitation.token_hash == digest(token))).first()
    if row is None or row.used_at is not None or _aware(row.expires_at, now) <= now:
        return None
    return row


def redeem(session: Session, token: str, password: str, now: datetime) -> Account:
    """Set the password of the invited servant and spend the invitation."""
    row = pending(session, token, now)
    if row is None:
        raise InvalidInput("invitation_spent", field="token", value="…", rule=RULE)
    servant = session.get(Servant, row.servant_id)
    assert servant is not None
    account = set_password(session, servant, password)
    row.used_at = now
    session.add(row)
    return account


def _aware(moment: datetime, like: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=like.tzinfo)  # SQLite drops the zone

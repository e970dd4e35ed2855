"""Server-side sessions: the cookie holds a random token, the table its SHA-256, so a
stolen database cannot be replayed as a cookie. A session ends when signed out, revoked,
or left idle longer than the setting; every request checks all three."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, col, select

from models import Account, Servant, WebSession
from models.db import id_of

COOKIE = "bagalau_session"
SEEN_EVERY = timedelta(minutes=1)  # how often a session's last_seen is written


@dataclass(frozen=True)
class Signed:
    """Who a request comes from: their account, servant and the session's CSRF token."""

    session_id: int
    account: Account
    person: Servant
    csrf: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, account: Account) -> tuple[str, str]:
    """A new session; returns the cookie token and the CSRF token."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    session.add(WebSession(token_hash=digest(token), account_id=id_of(account), csrf=csrf, created_at=now, last_seen=now))
    return token, csrf


def resolve(session: Session, token: str | None, idle: timedelta) -> Signed | None:
    """The signed-in person of a cookie, or None: unknown, ended, idle too long, disabled.
    One query reads the session, its account and person; the moment last seen is written
    once a minute at most, so a page is not also a write (an idle session may thus end up
    to a minute early, never late)."""
    if not token:
        return None
    query = (
        select(WebSession, Account, Servant)
        .join(Account, col(Account.id) == WebSession.account_id)
        .join(Servant, col(Servant.id) == Account.servant_id)
        .where(WebSession.token_hash == digest(token))
    )
    found = session.exec(query).first()
    now = datetime.now(timezone.utc)
    if found is None or found[0].ended_at is not None:
        return None
    row, account, person = found
    if now - _aware(row.last_seen) > idle:
        row.ended_at = now
        session.add(row)
        return None
    if account.disabled:
        return None
    if now - _aware(row.last_seen) >= SEEN_EVERY:
        row.last_seen = now
        session.add(row)
    return Signed(id_of(row), account, person, row.csrf)


def end(session: Session, session_id: int) -> None:
    row = session.get(WebSession, session_id)
    if row is not None and row.ended_at is None:
        row.ended_at = datetime.now(timezone.utc)
        session.add(row)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # SQLite drops the zone

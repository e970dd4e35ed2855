"""Sign-in throttling, per login and per client, from rows in the database (so it holds
across restarts and workers): too many failures within the window and the next attempt
is refused before the password is even checked."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from models import SignInFailure
from web.settings import Settings


def keys(login: str, client: str) -> tuple[str, str]:
    return f"login:{login}"[:120], f"client:{client}"[:120]


def held(session: Session, settings: Settings, login: str, client: str) -> bool:
    since = datetime.now(timezone.utc) - settings.window
    by_login, by_client = keys(login, client)
    return _count(session, by_login, since) >= settings.login_failures or _count(session, by_client, since) >= settings.client_failures


def failed(session: Session, login: str, client: str) -> None:
    now = datetime.now(timezone.utc)
    for key in keys(login, client):
        session.add(SignInFailure(key=key, at=now))


def succeeded(session: Session, login: str) -> None:
    session.execute(delete(SignInFailure).where(col(SignInFailure.key) == keys(login, "")[0]))


def _count(session: Session, key: str, since: datetime) -> int:
    query = select(func.count()).select_from(SignInFailure).where(SignInFailure.key == key, SignInFailure.at >= since)
    return session.exec(query).one()

"""Local passwords: argon2id hashes (argon2-cffi), set by the person or by
`bagalau users set-password`; an account is made on first use for a servant."""

from __future__ import annotations

from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from methodology.errors import InvalidInput
from models import Account, Servant, WebSession
from models.db import id_of

RULE = "docs/api.md#accounts"
MIN_LENGTH = 8
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def account_of(session: Session, servant: Servant) -> Account:
    """The servant's account, made (without a password) if they have none yet."""
    account = session.exec(select(Account).where(Account.servant_id == servant.id)).first()
    if account is None:
        if session.exec(select(Account).where(Account.login == servant.personnel_no)).first():
            raise InvalidInput("login_taken", field="PERSONNEL_NO", value=servant.personnel_no, rule=RULE)
        account = Account(servant_id=id_of(servant), login=servant.personnel_no, lang=servant.lang, created_at=datetime.now(timezone.utc))
        session.add(account)
        session.flush()
    return account


def set_password(session: Session, servant: Servant, password: str) -> Account:
    """Set a new password; every session of the account ends (whoever held the old one)."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput("password_short", field="password", value="…", rule=RULE, minimum=MIN_LENGTH)
    account = account_of(session, servant)
    account.password_hash = hash_password(password)
    session.add(account)
    end_all(session, id_of(account))
    return account


def end_all(session: Session, account_id: int) -> int:
    """End every open session of an account (a new password, HR's revoke)."""
    open_ = session.exec(select(WebSession).where(WebSession.account_id == account_id, WebSession.ended_at == None))  # noqa: E711
    count = 0
    for row in open_:
        row.ended_at = datetime.now(timezone.utc)
        session.add(row)
        count += 1
    return count

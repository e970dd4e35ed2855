"""The one question the pages ask of identity: who are these credentials?

`LocalAuthenticator` checks a personnel number and a password against the account table.
A body's single sign-on (OpenID Connect) is another `Authenticator`: it answers the same
question from a verified ID token's subject, and the sessions, pages and API stay as they
are, because they only ever see the `Account` it returns.
"""

from __future__ import annotations

from typing import Protocol

from sqlmodel import Session, select

from models import Account
from web.identity.passwords import hash_password, verify

# Verified when the login is unknown, so a wrong login costs as long as a wrong password.
_DUMMY = hash_password("not a password of anyone")


class Authenticator(Protocol):
    def authenticate(self, session: Session, login: str, secret: str) -> Account | None: ...


class LocalAuthenticator:
    def authenticate(self, session: Session, login: str, secret: str) -> Account | None:
        account = session.exec(select(Account).where(Account.login == login)).first()
        if account is None or account.disabled or not account.password_hash:
            verify(_DUMMY, secret)
            return None
        return account if verify(account.password_hash, secret) else None

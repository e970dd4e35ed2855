"""One-time invitation links, as the console reads them: HR invites a servant
(states/invitations.py), delivery sends the link, the servant opens it and sets their own
password. The table keeps the token's SHA-256, its expiry and when it was spent, so a link
works once, and not after its day."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from methodology.errors import InvalidInput
from models import Account, Invitation, Servant
from states.invitations import digest
from web.identity.passwords import RULE, set_password


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

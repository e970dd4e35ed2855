"""Who signs in to the web console: local accounts, their one-time invitations, their
server-side sessions, and the failed sign-ins the throttle counts.

A session is a row, so signing out or HR's revoke ends it at once; the cookie carries
only a random token whose SHA-256 is stored, never the token itself. Failed sign-ins are
rows too, so the throttle survives a restart and holds across workers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel


class Account(SQLModel, table=True):
    """A servant's sign-in: the login (their personnel number) and an argon2 hash, or none
    until a password is set; `lang` is the console language they chose."""

    __tablename__ = "account"
    id: Optional[int] = Field(default=None, primary_key=True)
    servant_id: int = Field(foreign_key="servant.id", unique=True)
    login: str = Field(unique=True, max_length=80)
    password_hash: Optional[str] = Field(default=None, max_length=200)
    lang: str = Field(default="kk", max_length=2)
    disabled: bool = False
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class WebSession(SQLModel, table=True):
    __tablename__ = "web_session"
    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    account_id: int = Field(foreign_key="account.id", index=True)
    csrf: str = Field(max_length=64)  # the session-bound token every form and API write carries
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_seen: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    ended_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class Invitation(SQLModel, table=True):
    """A one-time link to set one's password: only the token's SHA-256 is kept, made when
    its notice is delivered (none before: no link was sent), it expires, and it is spent by
    its first use; a new delivery replaces the hash, so the link sent before stops working."""

    __tablename__ = "invitation"
    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: Optional[str] = Field(default=None, unique=True, max_length=64)
    servant_id: int = Field(foreign_key="servant.id", index=True)
    created_by: Optional[int] = Field(default=None, foreign_key="servant.id")
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    used_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class SignInFailure(SQLModel, table=True):
    """One failed sign-in, keyed by login and by client ("login:1001", "client:10.0.0.5")."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_key_at", "key", "at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(max_length=120)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))

"""Where the data lives: SQLite by default (a file, created on first use), PostgreSQL in
production, chosen by one setting, `BAGALAU_DATABASE_URL`.

Sessions are opened with `transaction()`, which commits on success and rolls back on any
error, so a refused or failed action leaves the database exactly as it was.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import cache
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

DEFAULT_URL = "sqlite:///bagalau.sqlite3"


def database_url() -> str:
    return os.environ.get("BAGALAU_DATABASE_URL") or DEFAULT_URL


def engine(url: str | None = None) -> Engine:
    """The engine of `url`, else of BAGALAU_DATABASE_URL as it is now: one per URL."""
    return _engine(url or database_url())


@cache
def _engine(url: str) -> Engine:
    if url.startswith("postgresql://"):  # the driver we ship
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        made = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(made, "connect", _sqlite_pragmas)
        event.listen(made, "begin", _begin_immediate)
        return made
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    connection.isolation_level = None  # we say BEGIN ourselves (below), not the driver
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")  # SQLite ignores foreign keys unless asked
    cursor.execute("PRAGMA journal_mode = WAL")  # readers do not block the writer
    cursor.execute("PRAGMA busy_timeout = 60000")  # a second sweep waits for the first, up to a minute
    cursor.close()


def _begin_immediate(connection) -> None:  # type: ignore[no-untyped-def]
    # A unit of work takes SQLite's write lock when it starts: two actors on one appraisal
    # queue up and the second reads what the first wrote, instead of both reading the same
    # version and one failing half-way with "database is locked".
    connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def transaction(bind: Engine | None = None) -> Iterator[Session]:
    """One unit of work: everything in it is written, or nothing is."""
    with Session(bind or engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

"""Apply the migrations: `bagalau db upgrade`, `serve`, `deploy`, the first use of a fresh
database (models/db.py), and the tests' fresh databases.

Alembic is driven from code, so no alembic.ini has to sit in the working directory; the
migration scripts ship inside the package.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from models.db import database_url, migrating

SCRIPTS = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate to `revision`; a database already at the head is only read, never locked, so
    every flow may call this first without queueing behind a running sweep (SQLite's write
    lock is taken by any Alembic run, even one with nothing to do)."""
    config = alembic_config(url)
    if revision == "head" and _current(url or database_url()) == ScriptDirectory.from_config(config).get_current_head():
        return
    migrating(url or database_url())
    command.upgrade(config, revision)


def _current(url: str) -> str | None:
    """The database's revision, read by a plain connection (no BEGIN IMMEDIATE)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    reader = create_engine(url, poolclass=NullPool)
    try:
        with reader.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError:
        return None  # not there yet, or unreadable: let the upgrade itself say why
    finally:
        reader.dispose()


def revise(message: str, url: str) -> None:
    """Write a new migration from the difference between the tables and the database."""
    command.revision(alembic_config(url), message=message, autogenerate=True)

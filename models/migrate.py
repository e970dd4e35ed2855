"""Apply the migrations: `bagalau db upgrade`, `serve`, `deploy`, the first use of a fresh
database (models/db.py), and the tests' fresh databases.

Alembic is driven from code, so no alembic.ini has to sit in the working directory; the
migration scripts ship inside the package.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from models.db import database_url, migrating

SCRIPTS = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    migrating(url or database_url())
    command.upgrade(alembic_config(url), revision)


def revise(message: str, url: str) -> None:
    """Write a new migration from the difference between the tables and the database."""
    command.revision(alembic_config(url), message=message, autogenerate=True)

"""Alembic environment: the tables of `models`, the database of `BAGALAU_DATABASE_URL`
(or the URL the caller put on the config)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from models.db import engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or None


def run_migrations_offline() -> None:
    context.configure(url=str(engine(url).url), target_metadata=SQLModel.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with engine(url).connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

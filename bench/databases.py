"""The databases the bench measures: a SQLite file, and a fresh schema of the PostgreSQL
server when it answers; each with its SQLAlchemy URL and a bare DBAPI connection."""

from __future__ import annotations

import os
import sqlite3
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlalchemy as sa

from models.db import engine as make_engine

POSTGRES = os.environ.get("BAGALAU_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class Database:
    """One database to measure: its SQLAlchemy URL and a bare DBAPI connection to it."""

    def __init__(self, name: str, url: str, raw: Callable[[], Any], placeholder: str) -> None:
        self.name, self.url, self.raw, self.placeholder = name, url, raw, placeholder
        self.key = name.lower()  # the `id`s' suffix: sqlite, postgresql
        self.engine = make_engine(url)

    @property
    def is_postgres(self) -> bool:
        return self.key == "postgresql"


@contextmanager
def sqlite_database(folder: Path, stem: str) -> Iterator[Database]:
    path = folder / f"{stem}.sqlite3"
    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA foreign_keys = ON")  # as the product's connections (models/db.py)
        return connection

    yield Database("SQLite", f"sqlite:///{path}", connect, "?")


@contextmanager
def postgres_database() -> Iterator[Database | None]:
    admin = sa.create_engine(POSTGRES)
    try:
        with admin.begin() as connection:
            schema = f"bagalau_bench_{uuid.uuid4().hex[:8]}"
            connection.execute(sa.text(f'create schema "{schema}"'))
    except sa.exc.OperationalError:
        yield None
        return
    import psycopg

    dsn = admin.url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        yield Database("PostgreSQL", f"{POSTGRES}?options=-csearch_path%3D{schema}", lambda: psycopg.connect(dsn, options=f"-csearch_path={schema}"), "%s")
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()

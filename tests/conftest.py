"""Databases for the tests: every test that takes `db` runs once on SQLite and once on
PostgreSQL.

PostgreSQL is the one at BAGALAU_TEST_POSTGRES_URL (default: the local server, database
`test`). Under CI (CI=true) it must answer, and a test fails if it does not; on a machine
without it the PostgreSQL half is skipped, saying why. Each run migrates a schema of its
own with the real Alembic migrations, then every test starts from empty tables.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from models.db import engine as make_engine
from models.migrate import upgrade

POSTGRES_URL = os.environ.get("BAGALAU_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
UNDER_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    make_engine(f"sqlite:///{path}").dispose()  # closing checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    admin = sa.create_engine(POSTGRES_URL)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("select 1"))
    except sa.exc.OperationalError as error:
        if UNDER_CI:
            pytest.fail(f"CI needs PostgreSQL at {POSTGRES_URL}: {error}", pytrace=False)
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL} (set BAGALAU_TEST_POSTGRES_URL): {error.orig}")
    schema = f"bagalau_test_{uuid.uuid4().hex[:8]}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'create schema "{schema}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    upgrade(url)
    yield url
    with admin.begin() as connection:
        connection.execute(sa.text(f'drop schema "{schema}" cascade'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "bagalau.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield make_engine(f"sqlite:///{path}")
        return
    url = request.getfixturevalue("postgres_schema")
    bound = make_engine(url)
    with bound.begin() as connection:
        names = [t for t in sa.inspect(connection).get_table_names() if t != "alembic_version"]
        connection.execute(sa.text("truncate " + ", ".join(f'"{n}"' for n in names) + " restart identity cascade"))
    yield bound


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One Prefect test server for the whole run (it takes 30–50 s to start): a subprocess on
    a temporary database of its own, named by PREFECT_API_URL while it lives."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield

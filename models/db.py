"""Where the data lives: SQLite by default (a file, created on first use), PostgreSQL in
production, chosen by one setting, `BAGALAU_DATABASE_URL`.

Sessions are opened with `transaction()`, which commits on success and rolls back on any
error, so a refused or failed action leaves the database exactly as it was.

The migrations run at `bagalau db upgrade`, `serve` and `deploy`, and on the first use of a
fresh database (no `alembic_version` table yet): `engine()` looks once per process and URL,
so a flow run or a command costs one catalogue lookup, not an Alembic run.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import cache
from typing import Any, Iterator, Protocol, cast

from sqlalchemy import ColumnElement, Table, any_, bindparam, event, func, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session, SQLModel, create_engine

DEFAULT_URL = "sqlite:///bagalau.sqlite3"


def database_url() -> str:
    return os.environ.get("BAGALAU_DATABASE_URL") or DEFAULT_URL


# URLs whose schema this process has looked at (or is migrating: Alembic's env asks for the
# engine of the URL it migrates, and must not start a second upgrade).
_ready: set[str] = set()


def engine(url: str | None = None) -> Engine:
    """The engine of `url`, else of BAGALAU_DATABASE_URL as it is now: one per URL, its
    database migrated first if it is fresh."""
    url = url or database_url()
    made = _engine(url)
    if url not in _ready:
        _ready.add(url)
        if not inspect(made).has_table("alembic_version"):
            from models.migrate import upgrade  # migrate imports this module

            upgrade(url)
    return made


def migrating(url: str) -> None:
    """Say that `url` is being migrated explicitly, so `engine()` leaves it to that."""
    _ready.add(url)


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


def _sqlite_pragmas(connection, _record) -> None:
    connection.isolation_level = None  # we say BEGIN ourselves (below), not the driver
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")  # SQLite ignores foreign keys unless asked
    cursor.execute("PRAGMA journal_mode = WAL")  # readers do not block the writer
    cursor.execute("PRAGMA busy_timeout = 60000")  # a second sweep waits for the first, up to a minute
    cursor.close()


def _begin_immediate(connection) -> None:
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


def insert_ignoring(session: Session, table: type[SQLModel], *keys: str) -> Insert:
    """An INSERT of `table` that skips the rows whose `keys` are already there: how a notice,
    an inbox message, anything recorded "once per key" is written, on either database."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))


def insert_ignoring_rows(
    session: Session, table: type[SQLModel], rows: list[dict[str, Any]], keys: list[str], returning: ColumnElement[Any] | None = None
) -> Result[Any]:
    """`insert_ignoring` executed with these rows (and what each inserted row `returning`
    names). On PostgreSQL, rows that name the same columns go as one array per column
    unnested into the table: a batch of thousands is one statement of a dozen parameters,
    not a statement per row, nor a text of tens of thousands of placeholders the driver
    parses again for every batch. A column no row names takes the table's default."""
    connection = session.connection()
    if session.get_bind().dialect.name == "postgresql" and all(row.keys() == rows[0].keys() for row in rows):
        columns = table_of(table)
        names = list(rows[0])
        arrays = [bindparam(f"column_{name}", [row[name] for row in rows], type_=postgresql.ARRAY(columns.c[name].type)) for name in names]
        source = func.unnest(*arrays).table_valued(*names).render_derived()
        unnested = postgresql.insert(columns).from_select(names, select(*[source.c[name] for name in names])).on_conflict_do_nothing(index_elements=keys)
        return connection.execute(unnested if returning is None else unnested.returning(returning))
    statement = insert_ignoring(session, table, *keys)
    return connection.execute(statement if returning is None else statement.returning(returning), rows)


def among(session: Session, column: ColumnElement[Any], ids: list[int]) -> ColumnElement[bool]:
    """`column IN ids`; on PostgreSQL `= ANY` of one array parameter, so a batch's thousand
    ids are not a thousand placeholders that the statement is rendered with and the driver
    parses again for every batch."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=postgresql.ARRAY(column.type)))
    return column.in_(ids)


def planned_for_values(session: Session) -> None:
    """Have PostgreSQL plan the rest of this transaction's statements for the values they
    are given. A statement the driver has prepared may, after five runs, be given one plan
    for any values (a generic plan), which guesses how long an array parameter is: the plan
    kept for a ministry's list of its bodies counted the country's late steps in 11 ms,
    against 2.6 ms planned for its 200 bodies."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched: Session.execute is typed as returning a Result,
    but a statement that returns no rows gives a CursorResult, which has the count."""
    return cast("CursorResult[Any]", result).rowcount


def table_of(model: type[SQLModel]) -> Table:
    """The table of a table model, for Core statements and column types."""
    return model.__table__  # type: ignore[attr-defined]  # sqlmodel: sets __table__ on table models but does not declare it


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Row) -> int:
    """The id of a row read from the database or flushed to it: a table model types it
    Optional only because a row has none before."""
    assert row.id is not None, f"{type(row).__name__} has no id yet: flush it first"
    return row.id

"""The raw figures: each operation's work written by hand with the fastest means the bare
database offers, through the bare driver, so that product / raw is a true distance to the
limit and not to a slower way of doing the same.

- what an operation wrote, written again: the rows it added, by one INSERT … SELECT per
  table into empty copies of the tables with the same indexes and foreign keys, in one transaction (on
  PostgreSQL also by COPY from memory; the faster counts);
- the sweep: one bare-SQL pass that selects the due rows, inserts their outbox rows and
  advances them (the rows are put back afterwards, for the product's sweep);
- the report: the bare query and the csv module writing its rows.
"""

from __future__ import annotations

import csv
import re
import time
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import SQLModel

import models  # noqa: F401  (every table in the metadata)
from bench.databases import Database

TABLES = [name for name, table in SQLModel.metadata.tables.items() if "id" in table.columns]


def high_water(db: Database) -> dict[str, int]:
    """Each table's highest id: what an operation adds lies above it."""
    with closing(db.raw()) as connection:
        cursor = connection.cursor()
        marks = {}
        for table in TABLES:
            cursor.execute(f"select coalesce(max(id), 0) from {table}")
            marks[table] = cursor.fetchone()[0]
        return marks


def reinsert(db: Database, before: dict[str, int], then: str | None = None) -> float:
    """The rows added since `before` inserted again into copies of their tables (and the
    statement `then`, in the same transaction): the seconds of the faster means."""
    with closing(db.raw()) as connection:
        cursor = connection.cursor()
        grown = [t for t in TABLES if _count(cursor, f"select count(*) from {t} where id > {before[t]}")]
        for table in grown:
            _clone(db, cursor, table)
        connection.commit()
        try:
            timings = [_insert_select(connection, grown, before, then)]
            if db.is_postgres:
                for table in grown:
                    cursor.execute(f"truncate raw_{table}")
                connection.commit()
                timings.append(_copy(connection, grown, before, then))
            return min(timings)
        finally:
            for table in grown:
                cursor.execute(f"drop table raw_{table}")
            connection.commit()


def deliver(db: Database, before: dict[str, int]) -> float:
    """The inbox messages delivery wrote, written again, and their notices marked sent."""
    return reinsert(db, before, then=(
        "update notice set status = 'sent', delivered = 'inbox', next_attempt_at = null "
        f"where id in (select notice_id from inbox_message where id > {before['inbox_message']})"
    ))


def sweep(db: Database, today: date, at: datetime) -> float:
    """Select the due deadlines, insert a reminder for each into a copy of the outbox and
    advance each, in one transaction; the due rows are then put back as they were."""
    p = _placeholders(db)
    due = f"status = 'open' and next_fire <= {p('today')}"
    values = {"today": today, "at": at if db.is_postgres else at.isoformat(), "later": date(2026, 12, 31)}
    with closing(db.raw()) as connection:
        cursor = connection.cursor()
        cursor.execute(f"create table raw_saved as select id, level, next_fire from deadline where {due}", values)
        _clone(db, cursor, "notice")
        connection.commit()
        start = time.perf_counter()
        cursor.execute(
            "insert into raw_notice (key, deadline_id, appraisal_id, step, due, recipient_id, kind, level, created_at, status, attempts, delivered) "
            "select cast(id as varchar) || ':' || cast(due as varchar) || ':reminder:1', id, appraisal_id, step, due, responsible_id, "
            f"'reminder', 1, {p('at')}, 'pending', 0, '' from deadline where {due}", values)
        cursor.execute(f"update deadline set level = 1, next_fire = {p('later')} where {due}", values)
        connection.commit()
        seconds = time.perf_counter() - start
        cursor.execute("update deadline set level = (select s.level from raw_saved s where s.id = deadline.id), "
                       "next_fire = (select s.next_fire from raw_saved s where s.id = deadline.id) where id in (select id from raw_saved)")
        cursor.execute("drop table raw_saved")
        cursor.execute("drop table raw_notice")
        connection.commit()
        return seconds


def report(db: Database, today: date, path: Path) -> float:
    """The compliance report's rows by the bare query, sorted as the report sorts them,
    written by the csv module."""
    p = _placeholders(db)
    done = f"case when d.status = 'done' and d.closed_on <= {p('today')} then d.closed_on end"
    days = (f"coalesce({done}, {p('today')}::date) - d.due" if db.is_postgres
            else f"cast(julianday(coalesce({done}, {p('today')})) - julianday(d.due) as integer)")
    sql = f"""
        select b.name, coalesce(u.name, '—'), coalesce(o.full_name, d.responsible_role), d.step, a.methodology || ' ' || d.paragraph,
               a.kind, a.period, s.full_name, d.due, {done}, {days} as days,
               case when {done} is null then 'overdue' else 'late' end
        from deadline d join appraisal a on a.id = d.appraisal_id join servant s on s.id = a.servant_id
        join state_body b on b.id = s.state_body_id left join position p on p.id = s.position_id
        left join unit u on u.id = p.unit_id left join servant o on o.id = d.responsible_id
        where (d.due < {p('today')} and (d.status = 'open' or (d.status = 'done' and d.closed_on > {p('today')})))
           or (d.status = 'done' and d.closed_on > d.due and d.closed_on <= {p('today')})
        order by 1, 2, 11 desc, 3, 4
    """
    with closing(db.raw()) as connection:
        start = time.perf_counter()
        cursor = connection.cursor()
        cursor.execute(sql, {"today": today})
        with path.open("w", newline="", encoding="utf-8-sig") as out:
            csv.writer(out).writerows(cursor)
        return time.perf_counter() - start


def _insert_select(connection: Any, tables: list[str], before: dict[str, int], then: str | None) -> float:
    cursor = connection.cursor()
    start = time.perf_counter()
    for table in tables:
        cursor.execute(f"insert into raw_{table} select * from {table} where id > {before[table]}")
    if then:
        cursor.execute(then)
    connection.commit()
    return time.perf_counter() - start


def _copy(connection: Any, tables: list[str], before: dict[str, int], then: str | None) -> float:
    cursor = connection.cursor()
    data = {}
    for table in tables:
        with cursor.copy(f"copy (select * from {table} where id > {before[table]}) to stdout") as out:
            data[table] = b"".join(bytes(chunk) for chunk in out)
    connection.commit()
    start = time.perf_counter()
    for table in tables:
        with cursor.copy(f"copy raw_{table} from stdin") as into:
            into.write(data[table])
    if then:
        cursor.execute(then)
    connection.commit()
    return time.perf_counter() - start


def _clone(db: Database, cursor: Any, table: str) -> None:
    """An empty copy of `table` named raw_<table>, with the same columns, keys, indexes and
    foreign keys."""
    if db.is_postgres:
        cursor.execute(f"create table raw_{table} (like {table} including all)")
        # LIKE copies no foreign key, whose checks are half an opening's time: the copy
        # checks the same references as the product's table does (SQLite's copy keeps them).
        cursor.execute(f"select conname, pg_get_constraintdef(oid) from pg_constraint where conrelid = '{table}'::regclass and contype = 'f'")
        for name, definition in cursor.fetchall():
            cursor.execute(f"alter table raw_{table} add constraint raw_{name} {definition}")
        return
    cursor.execute("select type, sql from sqlite_master where tbl_name = ? and sql is not null order by type desc", (table,))
    for kind, sql in cursor.fetchall():
        if kind == "table":
            cursor.execute(re.sub(rf'^CREATE TABLE "?{table}"?', f"CREATE TABLE raw_{table}", sql))
        else:
            cursor.execute(re.sub(rf'^CREATE (UNIQUE )?INDEX "?(\w+)"? ON "?{table}"?', rf"CREATE \1INDEX raw_\2 ON raw_{table}", sql))


def _count(cursor: Any, sql: str) -> int:
    cursor.execute(sql)
    return cursor.fetchone()[0]


def _placeholders(db: Database) -> Any:
    return (lambda name: f"%({name})s") if db.is_postgres else (lambda name: f":{name}")

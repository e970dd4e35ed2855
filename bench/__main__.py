"""`make bench`: bagalau's work at the volume of a whole country, against the raw database.

Builds a synthetic country (100,000 servants in 2,000 units of 200 state bodies, half on
mne2017, half on typical2023) on the embedded SQLite and, when it answers, on PostgreSQL
(BAGALAU_BENCH_POSTGRES_URL, default the local server), then measures:

- opening the quarterly cycle (every appraisal, deadline and audit event) against a raw
  executemany of the same rows through the bare driver;
- the deadline sweep with 10% of deadlines due, against the bare indexed query;
- the compliance report (query and CSV/XLSX/HTML files) with 10% overdue, against the
  bare query;
- delivering the sweep's notices to the in-app inbox (rendering each in its recipient's
  language), as notices per second;
- recording the notices that announce the opening to every appraised servant and their
  manager (what the first delivery run after a country's opening does);
- the deadline-sweep flow as a real Prefect flow run at 1,000 and at 100,000 servants
  (the sweep alone: delivery grows with the notices, not with Prefect), to show that
  Prefect's per-run overhead does not grow with the work.

Prints a table and writes the figures to out/bench.json. No timed unit tests: this is the
measure of speed.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from bench.country import Country, build
from methodology.workdays import ALMATY
from models.db import engine as make_engine
from models.migrate import upgrade
from notifications.compliance_report import write_all
from notifications.delivery import deliver
from states.notices import announce_openings
from states.compliance import compliance_rows
from states.scheduling import open_due
from states.sweep import sweep

COUNTRY = Country(bodies=200, servants=100_000)
SMALL = Country(bodies=2, servants=1_000)
OPEN_ON, SWEEP_ON, REPORT_ON = date(2026, 4, 1), date(2026, 4, 8), date(2026, 4, 20)  # 8 April: the reminders of 10 April
POSTGRES = os.environ.get("BAGALAU_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
OUT = Path("out/bench.json")
TABLES = ("appraisal", "deadline", "audit_event")


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


class Database:
    """One database to measure: its SQLAlchemy URL and a bare DBAPI connection to it."""

    def __init__(self, name: str, url: str, raw: Callable[[], Any], placeholder: str) -> None:
        self.name, self.url, self.raw, self.placeholder = name, url, raw, placeholder
        self.engine = make_engine(url)


@contextmanager
def sqlite_database(folder: Path, stem: str) -> Iterator[Database]:
    path = folder / f"{stem}.sqlite3"
    yield Database("SQLite", f"sqlite:///{path}", lambda: sqlite3.connect(path), "?")


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


def measure(db: Database, country: Country) -> list[dict[str, Any]]:
    upgrade(db.url)
    build_seconds, _ = timed(lambda: build(db.engine, country))
    print(f"{db.name}: built {country.servants:,} servants in {build_seconds:.1f} s")
    rows: list[dict[str, Any]] = []
    opened_seconds, opened = timed(lambda: open_due(db.engine, OPEN_ON, "quarter"))
    raw_seconds = raw_reinsert(db)
    rows.append(figure(db, "open the quarterly cycle", opened.appraisals, opened_seconds, raw_seconds, "≤ 10 s and ≤ 3× raw"))

    make_due(db, fraction_due=10)
    swept_seconds, swept = timed(lambda: sweep(db.engine, SWEEP_ON, at=datetime.combine(SWEEP_ON, datetime.min.time(), ALMATY)))
    raw_seconds, _ = timed(lambda: raw_query(db, "select id, appraisal_id, due, level from deadline "
                                                 f"where status = 'open' and next_fire <= {db.placeholder} order by next_fire, id", (SWEEP_ON,)))
    rows.append(figure(db, "sweep, 10% of deadlines due", swept.notices, swept_seconds, raw_seconds, "≤ 5 s"))
    delivered_seconds, delivered = timed(lambda: deliver(db.engine, datetime.combine(SWEEP_ON, datetime.min.time(), ALMATY), batch=1000))
    rows.append(figure(db, f"deliver them ({delivered.sent / delivered_seconds:,.0f} notices/s)", delivered.sent, delivered_seconds, None, ""))

    make_overdue(db, fraction_overdue=10)
    with tempfile.TemporaryDirectory() as folder:
        report_seconds, found = timed(lambda: write_report(db, Path(folder)))
    raw_seconds, _ = timed(lambda: raw_query(db, REPORT_SQL.format(p=db.placeholder), (REPORT_ON,)))
    rows.append(figure(db, "compliance report, 10% overdue", found, report_seconds, raw_seconds, "≤ 3 s"))

    announced_seconds, announced = timed(lambda: announce_openings(db.engine, OPEN_ON, datetime.combine(OPEN_ON, datetime.min.time(), ALMATY)))
    rows.append(figure(db, "record the opening's notices", announced, announced_seconds, None, ""))
    return rows


def raw_reinsert(db: Database) -> float:
    """The same rows the product wrote, inserted again through the bare driver into empty
    copies of the tables: what the opening costs without the product."""
    connection = db.raw()
    try:
        cursor = connection.cursor()
        seconds = 0.0
        for table in TABLES:
            cursor.execute(f"select * from {table}")
            data = [tuple(_driver_value(v) for v in row) for row in cursor.fetchall()]
            columns = [c[0] for c in cursor.description]
            copy = f"raw_{table}"
            cursor.execute(f"create table {copy} as select * from {table} where 1 = 0")
            placeholders = ", ".join([db.placeholder] * len(columns))
            start = time.perf_counter()
            cursor.executemany(f"insert into {copy} ({', '.join(columns)}) values ({placeholders})", data)
            connection.commit()
            seconds += time.perf_counter() - start
            cursor.execute(f"drop table {copy}")
        connection.commit()
        return seconds
    finally:
        connection.close()


def _driver_value(value: Any) -> Any:
    """JSON columns come back from psycopg as Python objects; hand them back as JSON."""
    if isinstance(value, (dict, list)):
        from psycopg.types.json import Json

        return Json(value)
    return value


def raw_query(db: Database, sql: str, parameters: tuple[Any, ...]) -> int:
    connection = db.raw()
    try:
        cursor = connection.cursor()
        cursor.execute(sql, parameters)
        return len(cursor.fetchall())
    finally:
        connection.close()


REPORT_SQL = """
select b.name, u.name, o.full_name, d.responsible_role, d.step, d.paragraph, a.methodology, a.kind, a.period,
       s.full_name, d.due, d.closed_on, d.status
from deadline d join appraisal a on a.id = d.appraisal_id join servant s on s.id = a.servant_id
join state_body b on b.id = s.state_body_id left join position p on p.id = s.position_id
left join unit u on u.id = p.unit_id left join servant o on o.id = d.responsible_id
where (d.status = 'open' and d.due < {p}) or (d.status = 'done' and d.closed_on > d.due)
"""


def make_due(db: Database, fraction_due: int) -> None:
    """One deadline in `fraction_due`% needs attention on the sweep's day, the rest later."""
    with db.engine.begin() as connection:
        connection.execute(sa.text("update deadline set next_fire = :later where id % :n != 0"), {"later": date(2026, 12, 31), "n": 100 // fraction_due})
        connection.execute(sa.text("update deadline set next_fire = :day where id % :n = 0"), {"day": SWEEP_ON, "n": 100 // fraction_due})


def make_overdue(db: Database, fraction_overdue: int) -> None:
    """All but `fraction_overdue`% of the steps were done on their day."""
    with db.engine.begin() as connection:
        connection.execute(sa.text("update deadline set status = 'done', closed_on = due, next_fire = null where id % :n != 0"), {"n": 100 // fraction_overdue})


def write_report(db: Database, folder: Path) -> int:
    rows = compliance_rows(db.engine, REPORT_ON, "kk")
    write_all(rows, folder, "kk", REPORT_ON)
    return len(rows)


def figure(db: Database, operation: str, items: int, seconds: float, raw: float | None, target: str) -> dict[str, Any]:
    return {
        "database": db.name, "operation": operation, "items": items, "seconds": round(seconds, 3),
        "raw_seconds": None if raw is None else round(raw, 3),
        "ratio": None if not raw else round(seconds / raw, 2), "target": target,
    }


def prefect_overhead(folder: Path) -> list[dict[str, Any]]:
    """The deadline-sweep flow as real flow runs, at two sizes: the wall time of a run is
    Prefect's fixed overhead plus the work, which grows far slower than the country."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.inputs import SweepInput
    from flows.sweep import deadline_sweep

    sizes = {}
    for country in (SMALL, COUNTRY):
        with sqlite_database(folder, f"flow-{country.servants}") as db:
            upgrade(db.url)
            build(db.engine, country)
            open_due(db.engine, OPEN_ON, "quarter")
            make_due(db, fraction_due=10)
            sizes[country.servants] = db
    rows = []
    with prefect_test_harness(server_startup_timeout=180):
        request = SweepInput(now=datetime.combine(SWEEP_ON, datetime.min.time(), ALMATY), deliver=False)
        for servants, db in sizes.items():
            os.environ["BAGALAU_DATABASE_URL"] = db.url
            seconds, result = timed(lambda: deadline_sweep(request))
            rows.append({"database": "SQLite + Prefect", "operation": f"deadline-sweep flow run, {servants:,} servants",
                         "items": result["notices"], "seconds": round(seconds, 3), "raw_seconds": None, "ratio": None, "target": ""})
    os.environ.pop("BAGALAU_DATABASE_URL", None)
    small, large = rows
    large["ratio"] = round(large["seconds"] / small["seconds"], 2)
    large["target"] = "< 2× the 1,000-servant run"
    return rows


def main() -> None:
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        with sqlite_database(folder, "country") as db:
            results += measure(db, COUNTRY)
        with postgres_database() as db:
            if db is None:
                print("PostgreSQL did not answer: measured on SQLite only")
            else:
                results += measure(db, COUNTRY)
        if os.environ.get("BAGALAU_BENCH_PREFECT", "1") != "0":
            results += prefect_overhead(folder)
    show(results)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"python": platform.python_version(), "country": vars(COUNTRY), "results": results}, indent=2), "utf-8")
    print(f"figures written to {OUT}")


def show(results: list[dict[str, Any]]) -> None:
    table = Table(title=f"bagalau bench: a country of {COUNTRY.servants:,} servants")
    for column in ("database", "operation", "items", "seconds", "raw seconds", "product / raw", "target"):
        table.add_column(column, justify="right" if column in ("items", "seconds", "raw seconds", "product / raw") else "left")
    for row in results:
        table.add_row(
            row["database"], row["operation"], f"{row['items']:,}", f"{row['seconds']:.2f}",
            "" if row["raw_seconds"] is None else f"{row['raw_seconds']:.2f}",
            "" if row["ratio"] is None else f"{row['ratio']:.1f}×", row["target"],
        )
    Console(width=160).print(table)


if __name__ == "__main__":
    main()

"""`make bench`: bagalau's work at the volume of a whole country, against the same work done
by the bare database.

Builds a synthetic country (100,000 servants in 2,000 units of 200 state bodies, half on
mne2017, half on typical2023) on the embedded SQLite and, when it answers, on PostgreSQL
(BAGALAU_BENCH_POSTGRES_URL, default the local server), and measures each operation beside
its raw figure: the same work written by hand with the fastest means the bare database
offers (raw.py), so that product / raw is a true distance to the limit:

- `open`: opening the quarterly cycle; raw, the rows it wrote inserted again by one
  INSERT … SELECT per table into empty copies with the same indexes (PostgreSQL: also
  COPY; the faster counts);
- `sweep`: the deadline sweep with 10% of deadlines due; raw, one bare-SQL pass that
  selects the due rows, inserts their outbox rows and advances them;
- `deliver.inbox`: the sweep's notices rendered in their recipients' language and put in
  the in-app inbox, as notices per second; raw, the inbox rows written again and the
  notices marked sent, in bulk;
- `report`: the compliance report with 10% overdue (query, CSV, XLSX and HTML); raw, the
  bare query and the csv module writing its rows;
- `announce`: the notices announcing the opening to every appraised servant and their
  manager; raw, those rows inserted again like the opening's;
- `web.my_work`, `web.late` (PostgreSQL): the console's *My work* and HR's *who is late
  now* asked by 20 concurrent signed-in clients over HTTP, p50/p95 and errors; raw, the
  pages' data by bare SQL over as many connections (bench/console.py);
- `forms.pdf`: official forms drawn as PDFs on one core, per second;
- `flow.sweep.1k`, `flow.sweep.100k`: the deadline-sweep flow as a real Prefect flow run
  at 1,000 and at 100,000 servants, to show that Prefect's overhead does not grow with
  the work (the 100k ratio is against the 1k run).

Prints a table and writes the figures to out/bench.json, each with a stable `id`. No timed
unit tests: this is the measure of speed. Progress shows on a terminal only.

`python -m bench --only web.` measures only the figures whose id starts with one of the
given prefixes (repeat the option or give a comma list: `--only open.,report.sqlite`); the
work a wanted figure stands on (the opening, the sweep, …) still runs, unmeasured.
`--servants N` builds a smaller (or larger) country of the same shape, 500 servants a body.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Sequence

import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench import raw
from bench.console import CLIENTS, console_figures
from bench.country import Country, build
from bench.databases import Database, postgres_database, sqlite_database
from bench.figures import figure, timed
from bench.forms import forms_per_second
from methodology.workdays import ALMATY
from models.migrate import upgrade
from notifications.compliance_report import write_all
from notifications.delivery import deliver
from states.compliance import compliance_rows
from states.notices import announce_openings
from states.scheduling import open_due
from states.sweep import sweep

COUNTRY = Country(bodies=200, servants=100_000)
SMALL = Country(bodies=2, servants=1_000)
OPEN_ON, SWEEP_ON, REPORT_ON = date(2026, 4, 1), date(2026, 4, 8), date(2026, 4, 20)  # 8 April: the reminders of 10 April
SWEEP_AT = datetime.combine(SWEEP_ON, datetime.min.time(), ALMATY)
OUT = Path("out/bench.json")
TARGETS = {
    "open": "≤ 5 s and ≤ 2× raw", "sweep": "≤ 3× raw", "report": "≤ 3 s and ≤ 5× raw", "announce": "≤ 10 s",
    "deliver.inbox.sqlite": "≥ 5,000 /s", "deliver.inbox.postgresql": "≥ 3,000 /s",
}


class Steps:
    """The bench's progress: one line per step, on a terminal only; and which figures are
    wanted (`--only`)."""

    def __init__(self, progress: Progress, only: Sequence[str] = ()) -> None:
        self.progress, self.only = progress, tuple(only)

    def wants(self, *ids: str) -> bool:
        """Any of these ids (or an id starting with one of them) is asked for."""
        return not self.only or any(id.startswith(prefix) for id in ids for prefix in self.only)

    def run(self, label: str, work: Callable[[], Any]) -> Any:
        task = self.progress.add_task(label, total=None)
        try:
            return work()
        finally:
            self.progress.remove_task(task)
            if self.progress.console.is_terminal:
                self.progress.console.log(f"{label}: done")


def figures_of(key: str) -> list[str]:
    """The ids `measure` may write for the database of this key (sqlite, postgresql)."""
    console = ("web.my_work", "web.late", "web.late.country") if key == "postgresql" else ()
    return [f"{name}.{key}" for name in ("open", "sweep", "deliver.inbox", "report", *console, "announce")]


def measure(db: Database, country: Country, steps: Steps) -> list[dict[str, Any]]:
    """Every figure of this database that is wanted; the opening, the sweep, the delivery
    and the overdue steps are done whatever is wanted, as what follows stands on them."""
    upgrade(db.url)
    steps.run(f"{db.name}: building {country.servants:,} servants", lambda: build(db.engine, country))
    rows: list[dict[str, Any]] = []

    def wants(name: str) -> bool:
        return steps.wants(f"{name}.{db.key}")

    before = raw.high_water(db)
    seconds, opened = steps.run(f"{db.name}: opening the quarterly cycle", lambda: timed(lambda: open_due(db.engine, OPEN_ON, "quarter")))
    if wants("open"):
        rows.append(figure(f"open.{db.key}", db, "open the quarterly cycle", opened.appraisals, seconds, raw.reinsert(db, before), TARGETS["open"]))

    make_due(db, fraction_due=10)
    raw_seconds = steps.run(f"{db.name}: the sweep by hand", lambda: raw.sweep(db, SWEEP_ON, SWEEP_AT)) if wants("sweep") else None
    seconds, swept = steps.run(f"{db.name}: sweeping", lambda: timed(lambda: sweep(db.engine, SWEEP_ON, at=SWEEP_AT)))
    if wants("sweep"):
        rows.append(figure(f"sweep.{db.key}", db, "sweep, 10% of deadlines due", swept.notices, seconds, raw_seconds, TARGETS["sweep"]))

    before = raw.high_water(db)
    seconds, delivered = steps.run(f"{db.name}: delivering", lambda: timed(lambda: deliver(db.engine, SWEEP_AT, batch=1000, channels=[])))
    if wants("deliver.inbox"):
        key = f"deliver.inbox.{db.key}"
        rows.append(figure(key, db, "deliver them to the in-app inbox", delivered.sent, seconds, raw.deliver(db, before), TARGETS[key], rate=True))

    make_overdue(db, fraction_overdue=10)
    if wants("report"):
        with tempfile.TemporaryDirectory() as folder:
            seconds, found = steps.run(f"{db.name}: the compliance report", lambda: timed(lambda: write_report(db, Path(folder))))
            raw_seconds = raw.report(db, REPORT_ON, Path(folder) / "raw.csv")
        rows.append(figure(f"report.{db.key}", db, "compliance report, 10% overdue", found, seconds, raw_seconds, TARGETS["report"]))
    console = [id for id in figures_of(db.key) if id.startswith("web.") and steps.wants(id)]
    if console:  # the console as deployed for a country (issue #12), on PostgreSQL; SQLite is the one-user default
        rows += steps.run(f"{db.name}: the console, {CLIENTS} clients", lambda: console_figures(db, REPORT_ON, console))

    if wants("announce"):
        before = raw.high_water(db)
        seconds, announced = steps.run(f"{db.name}: announcing the opening", lambda: timed(lambda: announce_openings(db.engine, OPEN_ON, datetime.combine(OPEN_ON, datetime.min.time(), ALMATY))))
        rows.append(figure(f"announce.{db.key}", db, "record the opening's notices", announced, seconds, raw.reinsert(db, before), TARGETS["announce"]))
    return rows


def make_due(db: Database, fraction_due: int) -> None:
    """One deadline in `fraction_due`% needs attention on the sweep's day, the rest later."""
    with db.engine.begin() as connection:
        connection.execute(sa.text("update deadline set next_fire = :later where id % :n != 0"), {"later": date(2026, 12, 31), "n": 100 // fraction_due})
        connection.execute(sa.text("update deadline set next_fire = :day where id % :n = 0"), {"day": SWEEP_ON, "n": 100 // fraction_due})


def make_overdue(db: Database, fraction_overdue: int) -> None:
    """All but `fraction_overdue`% of the steps were done on their day. PostgreSQL's
    statistics are then brought up to date, as its autovacuum does within a minute of so
    large a change: the console is measured as it runs, not in that minute."""
    with db.engine.begin() as connection:
        connection.execute(sa.text("update deadline set status = 'done', closed_on = due, next_fire = null where id % :n != 0"), {"n": 100 // fraction_overdue})
    if db.is_postgres:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("vacuum analyze deadline, appraisal, servant, notice, inbox_message"))


def write_report(db: Database, folder: Path) -> int:
    rows = compliance_rows(db.engine, REPORT_ON, "kk")
    write_all(rows, folder, "kk", REPORT_ON)
    return len(rows)


def prefect_overhead(folder: Path, steps: Steps) -> list[dict[str, Any]]:
    """The deadline-sweep flow as real flow runs, at two sizes: the wall time of a run is
    Prefect's fixed overhead plus the work, which grows far slower than the country."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.inputs import SweepInput
    from flows.sweep import deadline_sweep

    sizes = {}
    for country in (SMALL, COUNTRY):
        with sqlite_database(folder, f"flow-{country.servants}") as db:
            def prepare(db: Database = db, country: Country = country) -> None:
                upgrade(db.url)
                build(db.engine, country)
                open_due(db.engine, OPEN_ON, "quarter")
                make_due(db, fraction_due=10)
            steps.run(f"Prefect: preparing {country.servants:,} servants", prepare)
            sizes[country.servants] = db
    rows = []
    with prefect_test_harness(server_startup_timeout=180):
        request = SweepInput(now=SWEEP_AT, deliver=False)
        for servants, db in sizes.items():
            os.environ["BAGALAU_DATABASE_URL"] = db.url
            seconds, result = steps.run(f"Prefect: the flow at {servants:,} servants", lambda: timed(lambda: deadline_sweep(request)))
            rows.append(figure(f"flow.sweep.{servants // 1000}k", None, f"deadline-sweep flow run, {servants:,} servants",
                               result["notices"], seconds, None, ""))
    os.environ.pop("BAGALAU_DATABASE_URL", None)
    small, large = rows
    large["ratio"] = round(large["seconds"] / small["seconds"], 2)
    large["target"] = "< 2× flow.sweep.1k"
    return rows


def arguments(given: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="bagalau's work at a country's volume, against the bare database.")
    parser.add_argument("--only", action="append", default=[], metavar="ID",
                        help="measure only the figures whose id starts with ID (repeatable, or a comma list), e.g. web. or open.sqlite")
    parser.add_argument("--servants", type=int, default=COUNTRY.servants, metavar="N",
                        help=f"the country's size, {COUNTRY.per_body} servants a body (default {COUNTRY.servants:,})")
    chosen = parser.parse_args(given)
    chosen.only = [part.strip() for option in chosen.only for part in option.split(",") if part.strip()]
    if chosen.servants < COUNTRY.per_body:
        parser.error(f"--servants {chosen.servants}: at least {COUNTRY.per_body}, one body")
    return chosen


def main(given: Sequence[str] | None = None) -> None:
    chosen = arguments(given)
    country = Country(bodies=chosen.servants // COUNTRY.per_body, servants=chosen.servants // COUNTRY.per_body * COUNTRY.per_body)
    console = Console(width=None if Console().is_terminal else 170)
    results: list[dict[str, Any]] = []
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        steps = Steps(progress, chosen.only)
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            with sqlite_database(folder, "country") as db:
                if steps.wants(*figures_of("sqlite")):
                    results += measure(db, country, steps)
            if steps.wants(*figures_of("postgresql")):
                with postgres_database() as db:
                    if db is None:
                        console.print("PostgreSQL did not answer: measured on SQLite only")
                    else:
                        results += measure(db, country, steps)
            if steps.wants("forms.pdf"):
                results.append(steps.run("forms: drawing PDFs", lambda: forms_per_second(folder / "forms")))
            if steps.wants("flow.sweep.1k", "flow.sweep.100k") and os.environ.get("BAGALAU_BENCH_PREFECT", "1") != "0":
                results += prefect_overhead(folder, steps)
    show(console, results, country)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"python": platform.python_version(), "cores": os.cpu_count(), "country": vars(country), "results": results},
                              indent=2, ensure_ascii=False), "utf-8")
    console.print(f"figures written to {OUT}")


def show(console: Console, results: list[dict[str, Any]], country: Country) -> None:
    table = Table(title=f"bagalau bench: a country of {country.servants:,} servants")
    numbers = ("items", "seconds", "raw seconds", "product / raw", "per second", "p50 / p95 ms")
    for column in ("id", "operation", *numbers, "target"):
        table.add_column(column, justify="right" if column in numbers else "left")
    for row in results:
        table.add_row(
            row["id"], row["operation"], f"{row['items']:,}", f"{row['seconds']:.2f}",
            "" if row["raw_seconds"] is None else f"{row['raw_seconds']:.2f}",
            "" if row["ratio"] is None else f"{row['ratio']:.1f}×",
            "" if row.get("per_second") is None else f"{row['per_second']:,.0f}",
            f"{row['p50_ms']:,.0f} / {row['p95_ms']:,.0f} ({row['errors']} errors)" if "p95_ms" in row else "", row["target"],
        )
    console.print(table)


if __name__ == "__main__":
    main()

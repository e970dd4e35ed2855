"""The web console measured at country scale (issue #12): *My work* and HR's *who is late
now*, each asked by 20 concurrent signed-in clients over real HTTP, p50 and p95 of their
answers, and every answer that is not 200 counted as an error.

The console runs as `bagalau web` does, in a process of its own (uvicorn), so the clients'
threads never share its interpreter; the clients sign in over the API like a script or a
phone would. Its raw figure is the same page's data asked of the bare database by as many
concurrent connections (bare SQL: the person's open deadlines; the body's open deadlines
past their day, with names and units), so p95 / raw p95 is the console's distance to the
limit.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from typing import Any, Callable

import httpx
import sqlalchemy as sa

from bench.databases import Database
from web.identity.passwords import hash_password

CLIENTS = 20
ASKS = 10  # measured requests per client and page, after one to warm up
PASSWORD = "bench-password-2026"
TARGET = "p95 ≤ 300 ms"


def console_figures(db: Database, today: date, wanted: list[str]) -> list[dict[str, Any]]:
    """Of `web.my_work.<db>`, `web.late.<db>` (the HR of one body) and
    `web.late.country.<db>` (the HR of the ministry over every other body), those
    `wanted`, on the country as it stands on `today`."""
    people, officers, ministry = _accounts(db)
    rows = []
    with _served(db, today) as base:
        if f"web.my_work.{db.key}" in wanted:
            workers = [_signed_in(base, login) for login, _ in people]
            work = _pressed([lambda c=c: c.get("/work") for c in workers])
            raw_work = _raw_pressed(db, [(_MY_DEADLINES, (servant,)) for servant in _servants(db, [login for login, _ in people])])
            rows.append(_figure(f"web.my_work.{db.key}", db, "console: My work, 20 clients", work, raw_work))
        for id, operation, desks in (
            (f"web.late.{db.key}", "console: who is late now (one body), 20 clients", officers),
            (f"web.late.country.{db.key}", "console: who is late now (a ministry over the country), 20 clients", [ministry] * CLIENTS),
        ):
            if id in wanted:
                hr = [(_signed_in(base, login), code) for login, code in desks]
                late = _pressed([lambda c=c, code=code: c.get(f"/hr/{code}/late") for c, code in hr])
                rows.append(_figure(id, db, operation, late, _raw_pressed(db, [(_LATE, (code, code, today)) for _, code in desks])))
    return rows


def _accounts(db: Database) -> tuple[list[tuple[str, str]], list[tuple[str, str]], tuple[str, str]]:
    """Twenty people with something owed (unit heads, who assess their unit, and staff),
    the HR officers of twenty bodies under the ministry and the ministry's, each given an
    account with one password."""
    secret = hash_password(PASSWORD)  # argon2 is slow on purpose: one hash for all
    with db.engine.begin() as connection:
        owers = connection.execute(sa.text(
            "select distinct s.id, b.code, s.personnel_no from deadline d join servant s on s.id = d.responsible_id "
            "join state_body b on b.id = s.state_body_id where d.status = 'open' order by s.id limit :n"), {"n": CLIENTS}).all()
        officers = connection.execute(sa.text(
            "select s.id, b.code, s.personnel_no from servant s join state_body b on b.id = s.state_body_id "
            "where s.is_hr and b.parent_id is not null order by b.id limit :n"), {"n": CLIENTS}).all()
        ministry = connection.execute(sa.text(
            "select s.id, b.code, s.personnel_no from servant s join state_body b on b.id = s.state_body_id "
            "where s.is_hr and b.parent_id is null order by b.id limit 1")).one()
        everyone = {tuple(row) for row in (*owers, *officers, ministry)}
        rows = [{"servant": s, "login": f"{code}-{no}", "hash": secret, "at": datetime.now(timezone.utc)} for s, code, no in everyone]
        connection.execute(sa.text("insert into account (servant_id, login, password_hash, lang, disabled, created_at) "
                                   "values (:servant, :login, :hash, 'kk', false, :at)"), rows)
    return [_login(row) for row in owers], [_login(row) for row in officers], _login(ministry)


def _login(row: Any) -> tuple[str, str]:
    """(login, body code) of a (servant, body code, personnel number) row."""
    return f"{row[1]}-{row[2]}", row[1]


class _served:
    """`bagalau web` on this database at the simulated day, on a free port, with a worker
    process per core (BAGALAU_BENCH_WEB_WORKERS), until the block ends. Its log goes to a
    file: a pipe nobody reads would stop the console once full."""

    def __init__(self, db: Database, today: date) -> None:
        self.db, self.today = db, today

    def __enter__(self) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {**os.environ, "BAGALAU_DATABASE_URL": self.db.url, "BAGALAU_WEB_TODAY": self.today.isoformat()}
        workers = os.environ.get("BAGALAU_BENCH_WEB_WORKERS", str(os.cpu_count() or 1))
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([sys.executable, "-m", "bagalau", "web", "--port", str(port), "--workers", workers], env=env,
                                        stdout=subprocess.DEVNULL, stderr=self.log)
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                httpx.get(f"{base}/sign-in", timeout=1)
                return base
            except httpx.TransportError:
                if self.process.poll() is not None:
                    self.log.seek(0)
                    raise RuntimeError(f"the console did not start: {self.log.read().decode()[-2000:]}") from None
                time.sleep(0.1)
        raise RuntimeError("the console did not answer within a minute")

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def _signed_in(base: str, login: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    answer = client.post("/api/v1/login", json={"login": login, "password": PASSWORD})
    answer.raise_for_status()
    return client


def _pressed(asks: list[Callable[[], httpx.Response]]) -> tuple[list[float], int]:
    """Each client's page asked once to warm up, then, once every client has had its
    answer, ASKS times, all clients at once: the measured latencies and how many answers
    were not 200. Without the wait, the first clients' measured asks queued behind the
    others' first pages, which a fresh process builds its templates and reads its
    methodologies for."""
    warm = threading.Barrier(len(asks))

    def one_client(ask: Callable[[], httpx.Response]) -> tuple[list[float], int]:
        ask()
        warm.wait()
        seconds, errors = [], 0
        for _ in range(ASKS):
            start = time.perf_counter()
            answer = ask()
            seconds.append(time.perf_counter() - start)
            errors += answer.status_code != 200
        return seconds, errors
    with ThreadPoolExecutor(len(asks)) as pool:
        results = list(pool.map(one_client, asks))
    return [s for seconds, _ in results for s in seconds], sum(errors for _, errors in results)


_MY_DEADLINES = ("select d.appraisal_id, d.step, d.due, d.level, a.state, s.full_name from deadline d "
                 "join appraisal a on a.id = d.appraisal_id join servant s on s.id = a.servant_id "
                 "where d.responsible_id = {p} and d.status = 'open' order by d.due")
# The first page of the list: the desk's body and the bodies under it, most overdue first, in
# the order the product reads it (states/late.py).
_LATE = ("select a.id, s.full_name, u.name, a.kind, a.period, d.step, d.paragraph, d.due, d.level, o.full_name, b.name from deadline d "
         "join appraisal a on a.id = d.appraisal_id join servant s on s.id = a.servant_id "
         "left join position p on p.id = s.position_id left join unit u on u.id = p.unit_id "
         "left join servant o on o.id = d.responsible_id join state_body b on b.id = s.state_body_id "
         "where (b.code = {p} or b.parent_id = (select id from state_body where code = {p})) and d.status = 'open' and d.due < {p} "
         "order by d.due, d.id limit 50")


def _servants(db: Database, logins: list[str]) -> list[int]:
    with db.engine.begin() as connection:
        query = sa.text("select servant_id from account where login in :logins").bindparams(sa.bindparam("logins", expanding=True))
        return list(connection.execute(query, {"logins": logins}).scalars())


def _raw_pressed(db: Database, queries: list[tuple[str, tuple[Any, ...]]]) -> list[float]:
    """The pages' data by bare SQL, one connection per client, all at once."""
    def one_client(query: tuple[str, tuple[Any, ...]]) -> list[float]:
        sql, values = query
        connection = db.raw()
        try:
            cursor = connection.cursor()
            text = sql.replace("{p}", db.placeholder)
            cursor.execute(text, values).fetchall()
            seconds = []
            for _ in range(ASKS):
                start = time.perf_counter()
                cursor.execute(text, values).fetchall()
                seconds.append(time.perf_counter() - start)
            return seconds
        finally:
            connection.close()
    with ThreadPoolExecutor(len(queries)) as pool:
        return [s for seconds in pool.map(one_client, queries) for s in seconds]


def _p(seconds: list[float], q: int) -> float:
    return statistics.quantiles(seconds, n=100)[q - 1]


def _figure(id: str, db: Database, operation: str, measured: tuple[list[float], int], raw: list[float]) -> dict[str, Any]:
    seconds, errors = measured
    p95, raw_p95 = _p(seconds, 95), _p(raw, 95)
    return {
        "id": id, "database": db.name, "operation": operation, "items": len(seconds), "seconds": round(sum(seconds), 3),
        "raw_seconds": round(sum(raw), 3), "ratio": round(p95 / raw_p95, 1) if raw_p95 else None, "per_second": None,
        "p50_ms": round(_p(seconds, 50) * 1000, 1), "p95_ms": round(p95 * 1000, 1), "raw_p95_ms": round(raw_p95 * 1000, 2),
        "errors": errors, "target": TARGET,
    }

"""The flows on a real work pool, as in production (docs/production.md): a Prefect server
(the session's test server), a `process` work pool, the flows registered with it by
`bagalau deploy --work-pool`, two `prefect worker start --pool` processes, and two
deadline sweeps triggered at the same moment over one PostgreSQL database.

The database holds the bench's small country (4 state bodies, 1,000 servants), its
quarterly sheets opened on 1 April 2026 and all due Fri 10 April; swept on Tue 21 April
each row owes three stages at once (tests/test_sweep.py: levels 2, 3 and 4). The sweeps
take 20 rows per transaction, so the two runs work through the same rows side by side;
FOR UPDATE SKIP LOCKED (states/sweep.py, notifications/delivery.py) must give each row
and each notice to exactly one of them. PostgreSQL only: SQLite's write lock serialises
the runs, and a work pool of several workers is a production set-up (required under CI,
tests/conftest.py). Starting the workers and two flow-run processes takes ~30 s here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time as clock
import uuid
from collections import Counter
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench.country import Country, build
from methodology.workdays import ALMATY
from models import Deadline, Notice
from models.db import transaction
from models.outbox import InboxMessage
from states.scheduling import open_due
from tests.test_sweep import DUE_10_APRIL, RACE_DAY, expected_keys, opened_rows

ROOT = Path(__file__).resolve().parent.parent
SWEEP = "deadline-sweep/remind-escalate-deliver-every-15-minutes"  # flows/deployments.py
SERVANTS = 1000
WAIT = 120  # seconds for both runs to end, from their creation

pytestmark = pytest.mark.parametrize("db", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


def _env(db: Engine, results: Path) -> dict[str, str]:
    """What a production worker is given: the Prefect server, the product's database, this
    tree's code; workers that ask for work every second (the default is 10)."""
    from prefect.settings import PREFECT_API_URL

    return {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "true",  # each run's result, read back below
        "PREFECT_LOCAL_STORAGE_PATH": str(results),
        "BAGALAU_DATABASE_URL": db.url.render_as_string(hide_password=False),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


@pytest.fixture
def pool(prefect_server: None) -> str:
    """A fresh work pool of type process, with the process worker's own job template."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.workers.process import ProcessWorker

    name = f"bagalau-{uuid.uuid4().hex[:8]}"
    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name=name, type="process", base_job_template=ProcessWorker.get_default_base_job_template()))
    return name


@pytest.fixture
def workers(pool: str, db: Engine, tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Two workers polling the pool, one flow run at a time each; stopped after the test."""
    started = []
    for n in (1, 2):
        log = (tmp_path / f"worker-{n}.log").open("wb")
        command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--name", f"worker-{n}", "--limit", "1"]
        started.append(subprocess.Popen(command, cwd=ROOT, env=_env(db, tmp_path), stdout=log, stderr=subprocess.STDOUT))
    _registered(pool, started, tmp_path)
    yield started
    for worker in started:
        worker.terminate()
    for worker in started:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_two_workers_share_two_concurrent_sweeps_and_record_each_notice_once(
    db: Engine, pool: str, workers: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client

    build(db, Country(4, SERVANTS))  # two bodies on mne2017, two on typical2023
    open_due(db, date(2026, 4, 1), "quarter", DUE_10_APRIL)
    due = opened_rows(SERVANTS)
    owed = expected_keys(db, RACE_DAY)
    assert len(owed) == 3 * due

    deployed = subprocess.run(
        [sys.executable, "-m", "bagalau", "deploy", "--work-pool", pool], cwd=ROOT, env=_env(db, tmp_path), capture_output=True, text=True, timeout=120
    )
    assert deployed.returncode == 0, deployed.stderr
    now = datetime.combine(RACE_DAY, time(9, 0), ALMATY)
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(SWEEP)
        assert deployment.work_pool_name == pool
        parameters = {"request": {"now": now.isoformat(), "batch": 20}}
        created = [client.create_flow_run_from_deployment(deployment.id, parameters=parameters) for _ in range(2)]
        runs = _finished(client, [run.id for run in created], workers, tmp_path)

    assert [run.state_type.value for run in runs] == ["COMPLETED", "COMPLETED"], [run.state for run in runs]
    first, second = sorted(runs, key=lambda run: run.start_time)
    assert second.start_time < first.end_time  # side by side: one on each worker (one run at a time each)
    results = [run.state.result() for run in runs]  # type: ignore[union-attr]  # a final state
    shares = [(r["deadlines"], r["notices"], r["delivery"]["sent"]) for r in results]

    # each due row was taken by exactly one run, each owed stage recorded once, none missed
    assert sum(r["deadlines"] for r in results) == due, shares
    assert sum(r["notices"] for r in results) == len(owed), shares
    with transaction(db) as session:
        keys = Counter(session.execute(sa.select(Notice.key).where(Notice.deadline_id.is_not(None))).scalars())  # type: ignore[union-attr]
        advanced = set(session.execute(sa.select(Deadline.level, Deadline.next_fire).where(Deadline.status == "open")).all())
        statuses = Counter(session.execute(sa.select(Notice.status)).scalars())
        inbox = Counter(session.execute(sa.select(InboxMessage.notice_id)).scalars())
    assert set(keys) == owed and set(keys.values()) == {1}
    assert advanced == {(4, date(2026, 4, 24))}  # every row moved on to its next rung, once

    # and each notice (the sweep's and the openings' announcements) delivered by one run only
    recorded = sum(statuses.values())
    assert statuses == {"sent": recorded}
    assert sum(r["delivery"]["sent"] for r in results) == recorded, shares
    assert sum(r["delivery"]["announced"] for r in results) == recorded - len(owed), shares
    assert len(inbox) == recorded and set(inbox.values()) == {1}


def _finished(client: Any, ids: list[uuid.UUID], workers: list[subprocess.Popen[bytes]], logs: Path) -> list[Any]:
    """The flow runs once both are final; the workers' logs when they are not in time."""
    end = clock.monotonic() + WAIT
    while clock.monotonic() < end:
        runs = [client.read_flow_run(run_id) for run_id in ids]
        if all(run.state and run.state.is_final() for run in runs):
            return runs
        assert all(worker.poll() is None for worker in workers), _tail(logs)
        clock.sleep(1)
    raise AssertionError(f"the runs did not end in {WAIT} s: {[run.state for run in runs]}\n{_tail(logs)}")


def _registered(pool: str, workers: list[subprocess.Popen[bytes]], logs: Path) -> None:
    """Both workers have joined the pool (and so ask it for work every second): a worker
    still starting when the runs are created would leave both to the other, one after the
    other, as a loaded machine once did."""
    from prefect.client.orchestration import get_client

    end = clock.monotonic() + WAIT
    with get_client(sync_client=True) as client:
        while clock.monotonic() < end:
            if {w.name for w in client.read_workers_for_work_pool(work_pool_name=pool)} >= {"worker-1", "worker-2"}:
                return
            assert all(worker.poll() is None for worker in workers), _tail(logs)
            clock.sleep(0.5)
    raise AssertionError(f"the workers did not join the pool in {WAIT} s\n{_tail(logs)}")


def _tail(logs: Path) -> str:
    return "\n".join(f"--- {path.name}\n" + path.read_text(errors="replace")[-3000:] for path in sorted(logs.glob("worker-*.log")))

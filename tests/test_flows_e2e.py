"""The flows as real Prefect flow runs, on a Prefect test server (prefect_test_harness: a
server subprocess on a temporary SQLite database of its own). The product's database is
another SQLite file, named by BAGALAU_DATABASE_URL, as in production (flows/runs.py
database(): "never Prefect's").

One mne2017 body and one typical2023 body; three flow runs, each with an explicit input:
open the quarterly cycles on Wed 1 April 2026, sweep on Mon 13 April 2026 at 09:00 Almaty
(the first working day after the Q1 deadlines of Fri 10 April: "overdue" for every one),
report on Mon 20 April 2026. Starting the server takes 30–50 s here; each run ~1.5 s.
The sweep's and the report's artifacts are read back through the client, as the UI does.
Last, `deploy` to a process work pool (about 10 s) and `bagalau serve` in a process of its
own (about 30 s, most of it the process starting): the upcoming runs the server schedules
are read back, each named and tagged before it starts; the test server runs no scheduler
service, so the test has the server make runs as its scheduler does (the same function).
"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator
from uuid import UUID

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from flows.inputs import ReportInput, SweepInput
from flows.opening import open_quarterly_cycle, request_for
from flows.report import compliance_report
from flows.sweep import deadline_sweep
from methodology.workdays import ALMATY
from models import Appraisal, Notice
from models.db import engine, transaction
from tests.factories import organisation

D = date


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("e2e") / "bagalau.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BAGALAU_DATABASE_URL", url)
        bound = engine(url)
        organisation(bound, "mne2017", "mne")
        organisation(bound, "typical2023", "typ")
        yield bound


@pytest.fixture(scope="module")
def runs(prefect_server: None, product: Engine, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The three flow runs, once: their final states."""
    folder = tmp_path_factory.mktemp("reports")
    return {
        "open": open_quarterly_cycle(request_for("quarter", D(2026, 4, 1)), return_state=True),
        "sweep": deadline_sweep(SweepInput(now=datetime(2026, 4, 13, 9, 0, tzinfo=ALMATY), batch=5), return_state=True),
        "report": compliance_report(ReportInput(on=D(2026, 4, 20), lang="en", folder=str(folder)), return_state=True),
        "folder": folder,
    }


def _flow_run(run_id: UUID) -> Any:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(run_id)


def test_each_flow_run_completes_with_its_work_done(runs: dict[str, Any], product: Engine) -> None:
    for name in ("open", "sweep", "report"):
        assert runs[name].is_completed(), (name, runs[name])

    # mne2017 quarterly: 8; typical2023 kpi: 2 heads (C-1, C-3), their sheet of Q2 opening
    # with its quarter (п.23); differentiation of Q1: 6
    assert runs["open"].result() == {
        "opened": ["mne/quarterly/2026-Q1", "typ/kpi/2026-Q2", "typ/differentiation/2026-Q1"],
        "appraisals": 16,
        "not_appraised": 0,
    }
    # 20 rows due Fri 10 April (8 mne2017 sheets; 6 staff sheets and their notices, п.5, п.31),
    # first swept Mon 13 April: "overdue" each, the reminder of Wed 8 April overtaken; and the
    # reminder of the 2 KPI plans due Wed 15 April (п.23); batches of 5: 5, 5, 5, 5, 2
    # then delivery: the 16 announcements of the opened cycles (the sheet to fill; the
    # schedule's notice waits for an approved schedule, mne2017 п.14) and the 22 sweep
    # notices, each to the in-app inbox
    assert runs["sweep"].result() == {
        "deadlines": 22, "notices": 22, "batches": 5, "kinds": {"overdue": 20, "reminder": 2},
        "delivery": {"announced": 16, "reminded": 0, "sent": 38, "retried": 0, "dead": 0, "channels": {"inbox": 38}},
    }
    # on 20 April all 20 of 10 April and the 2 KPI plans of 15 April are overdue
    folder = runs["folder"]
    assert runs["report"].result() == {
        "rows": 22, "overdue": 22,
        "files": [str(folder / f"compliance-2026-04-20-en{suffix}") for suffix in (".csv", "-totals.csv", ".xlsx", ".html")],
        "notices": 2,  # each body's head of HR, delivered by the next sweep
        "audit_trail": {"verified": True, "breaks": []},
    }
    assert all(Path(f).is_file() for f in runs["report"].result()["files"])

    # the work landed in the product's database, not Prefect's
    with transaction(product) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Appraisal)).scalar() == 16
        assert session.execute(sa.select(sa.func.count()).select_from(Notice)).scalar() == 38 + 2
        assert "flow_run" not in sa.inspect(session.connection()).get_table_names()


def test_the_flow_runs_are_named_and_tagged_for_hr(runs: dict[str, Any]) -> None:
    opened = _flow_run(runs["open"].state_details.flow_run_id)
    assert (opened.name, opened.state_type.value) == ("open quarterly cycles 2026-04-01", "COMPLETED")
    assert set(opened.tags) == {
        "kind:quarterly", "kind:kpi", "kind:differentiation", "period:2026-Q1", "period:2026-Q2", "body:mne", "body:typ",
    }
    assert opened.parameters["opening"]["on"] == "2026-04-01"

    swept = _flow_run(runs["sweep"].state_details.flow_run_id)
    assert swept.name == "sweep 2026-04-13 09:00:00+05:00"
    assert swept.parameters["request"] == {"now": "2026-04-13T09:00:00+05:00", "batch": 5, "deliver": True}
    assert set(swept.tags) == {"notices:overdue", "notices:reminder"}
    assert swept.state_type.value == "COMPLETED"

    reported = _flow_run(runs["report"].state_details.flow_run_id)
    assert (reported.name, reported.state_type.value) == ("compliance report 2026-04-20", "COMPLETED")
    assert set(reported.tags) == {"body:mne", "body:typ"}  # the bodies its notices went to

    # each flow ran its tasks: one, and the sweep two (sweep, then deliver)
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        for run, names in ((opened, ["open-due-cycles"]), (swept, ["deliver-notices", "sweep-deadlines"]), (reported, ["build-compliance-report"])):
            tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])))
            assert sorted((t.name.rsplit("-", 1)[0], t.state_type.value) for t in tasks) == [(n, "COMPLETED") for n in names], run.name


def _artifacts(run_id: UUID) -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        return client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))


NAMES = ("Official", "Hr", "Member", "Manager", "Servant", "Colleague1", "Colleague2", "Colleague3")
STAFF = ("Hr", "Member", "Servant", "Colleague1", "Colleague2", "Colleague3")  # typical2023's differentiation (not the C-1, C-3 heads)
RESULTS = ("score", "band", "балл", "нәтиже:", "effective", "тиімді", "эффективно", "bonus")  # typical2023 п.16, п.21


def test_the_sweep_and_the_report_publish_who_is_late_for_hr_and_no_result(runs: dict[str, Any]) -> None:
    """One markdown artifact per run, a section per body: the sweep's in BAGALAU_LANG
    (Kazakh by default), the report's in its own language."""
    swept = _artifacts(runs["sweep"].state_details.flow_run_id)
    assert [(a.key, a.type) for a in swept] == [("deadline-sweep", "markdown")]
    text = swept[0].data
    assert text.startswith("# Мерзімдерді тексеру, 2026-04-13 09:00: кім кешіктіріп жатыр")
    assert swept[0].description == "Мерзімдерді тексеру, 2026-04-13 09:00: кім кешіктіріп жатыр"
    sections = text.split("\n## ")[1:]
    assert [s.partition("\n")[0] for s in sections] == ["State body mne", "State body typ"]
    # each step due Fri 10 April one working day overdue: mne2017's eight sheets; typical2023's
    # six staff sheets and their notices (п.5, п.31), its two heads' KPI plans not yet due
    expected = {"State body mne": sorted(NAMES), "State body typ": sorted(STAFF * 2)}
    for section in sections:
        lines = [line for line in section.splitlines() if line.startswith("| ") and "2026-04-10" in line]
        assert sorted(line.split(" | ")[1] for line in lines) == expected[section.partition("\n")[0]]
        assert all(line.split(" | ")[5:7] == ["1", "мерзімі өтті |"] for line in lines)
        assert "| Бөлімше | Бағаланатын қызметші | Қадам | Жауапты | Мерзімі | Кешіктіру, жұмыс күні |" in section
    counted = [tuple(map(int, m)) for m in re.findall(r"Хабарламалар: (\d+) жазылды, (\d+) жіберілді", text)]
    assert len(counted) == 2 and tuple(map(sum, zip(*counted))) == (38, 38)  # as the run's result: 22 + 16 recorded, 38 sent

    reported = _artifacts(runs["report"].state_details.flow_run_id)
    assert [(a.key, a.type) for a in reported] == [("compliance-report", "markdown")]
    text = reported[0].data
    assert text.startswith("# Compliance report, 2026-04-20")
    assert text.count("Notices: 1 recorded, 0 delivered.") == 2  # each body's head of HR; the next sweep delivers
    for name in NAMES:  # mne2017's sheet; typical2023's staff sheet and notice, or a head's KPI plan
        assert text.count(f"| Department of planning | {name} | ") == 1 + (2 if name in STAFF else 1), name
    assert text.count("| 2026-04-10 | 6 | overdue |") == 20  # 13–17 and 20 April

    for artifact in (*swept, *reported):
        for word in RESULTS:
            assert word not in artifact.data.casefold(), word


def test_a_one_off_run_from_the_command_line_is_named_and_tagged_from_its_creation(
    runs: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """`bagalau purge` with a Prefect server: a flow run HR tells from the scheduled ones."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.settings import PREFECT_API_URL

    from bagalau.cli.orchestration import _once
    from flows.inputs import PurgeInput
    from flows.purge import retention_purge

    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    _once("retention-purge", lambda: retention_purge(PurgeInput(on=D(2026, 4, 20))), lambda: pytest.fail("ran without a flow run"))
    assert '"purged": 0' in capsys.readouterr().out
    with get_client(sync_client=True) as client:
        [purged] = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["retention-purge"])))
    assert (purged.name, purged.state_type.value) == ("purge 2026-04-20", "COMPLETED")
    assert set(purged.tags) == {"bagalau", "one-off", "retention-purge"}


# the upcoming runs: last in this module, as its deployments schedule runs of every flow

TITLES = {  # what each flow's runs are called, then their day (the sweep: its moment) in Almaty
    "open-quarterly-cycle": "open quarterly cycles", "open-annual-cycle": "open annual cycles", "open-360-cycle": "open 360 cycles",
    "deadline-sweep": "sweep", "retention-purge": "purge", "compliance-report": "compliance report",
}
WHAT = {  # the tags a scheduled run carries from its creation, besides bagalau's, Prefect's and the flow's name
    "open-quarterly-cycle": {"opening", "period:quarter"}, "open-annual-cycle": {"opening", "period:year"},
    "open-360-cycle": {"opening", "period:year", "kind:360"}, "deadline-sweep": {"deadlines", "notices"},
    "retention-purge": {"retention", "audit"}, "compliance-report": {"report"},
}
RANDOM = re.compile(r"[a-z]+-[a-z]+")  # Prefect's own names: "brave-otter"


@pytest.fixture
def deployed(runs: dict[str, Any]) -> Iterator[dict[UUID, str]]:
    """`bagalau deploy` to a process work pool: each deployment's id and flow; deleted after,
    with its scheduled runs."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    from flows.deployments import deploy_all

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="bagalau-e2e", type="process"), overwrite=True)
        ids = [UUID(made) for made in deploy_all("bagalau-e2e")]
        flows = {flow.id: flow.name for flow in client.read_flows()}
        yield {made: flows[client.read_deployment(made).flow_id] for made in ids}
        for made in ids:
            client.delete_deployment(made)


def _upcoming(deployment_ids: list[UUID]) -> list[Any]:
    """The runs the scheduler made for these deployments that have not started."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
        FlowRunFilterTags,
    )
    from prefect.client.schemas.objects import StateType

    scheduled = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])), tags=FlowRunFilterTags(all_=["auto-scheduled"]))
    found: list[Any] = []
    with get_client(sync_client=True) as client:
        while page := client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=deployment_ids)),
            flow_run_filter=scheduled,
            limit=200,
            offset=len(found),
        ):
            found += page
    return found


def _expected(flow: str, run: Any) -> str:
    at = run.expected_start_time.astimezone(ALMATY)
    return f"{TITLES[flow]} {at if flow == 'deadline-sweep' else at.date()}"


def test_deploy_names_and_tags_every_upcoming_run_and_each_run_names_those_scheduled_since(deployed: dict[UUID, str]) -> None:
    """The server schedules each deployment's runs as its scheduler does (3 at least, an hour
    ahead at least); none keeps Prefect's random name: each says what it does and its day,
    the name it keeps as it starts, and carries its deployment's tags."""
    from prefect.client.orchestration import get_client

    from flows.inputs import PurgeInput
    from flows.purge import retention_purge

    upcoming = _upcoming(list(deployed))
    by_flow = {flow: [run for run in upcoming if deployed[run.deployment_id] == flow] for flow in TITLES}
    assert all(len(runs) >= 3 for runs in by_flow.values()), {flow: len(runs) for flow, runs in by_flow.items()}  # the scheduler's 3 at least, an hour ahead
    for run in upcoming:
        flow = deployed[run.deployment_id]
        assert run.name == _expected(flow, run) and not RANDOM.fullmatch(run.name), (flow, run.name)
        assert set(run.tags) == {"auto-scheduled", "bagalau", "scheduled", flow} | WHAT[flow], run.name
    sweep = min(by_flow["deadline-sweep"], key=lambda run: run.expected_start_time)
    assert re.fullmatch(r"sweep 20\d\d-\d\d-\d\d \d\d:(00|15|30|45):00\+05:00", sweep.name)
    report = by_flow["compliance-report"][0]
    assert report.expected_start_time.astimezone(ALMATY).weekday() == 0 and report.name.startswith("compliance report 20")

    # the scheduler adds runs as time passes, with random names (here: five more of the
    # sweep, 30 days on, made by the server as its scheduler makes them); the next run of
    # any flow names them
    [sweep_deployment] = [made for made, flow in deployed.items() if flow == "deadline-sweep"]
    later = datetime.now(ALMATY).replace(microsecond=0) + timedelta(days=30)
    with get_client(sync_client=True) as client:
        client.request("POST", "/deployments/{id}/schedule", path_params={"id": sweep_deployment}, json={"start_time": later.isoformat(), "max_runs": 5})
    added = [run for run in _upcoming([sweep_deployment]) if run.expected_start_time >= later]
    assert len(added) == 5 and all(RANDOM.fullmatch(run.name) for run in added)
    assert retention_purge(PurgeInput(on=D(2026, 4, 20)), return_state=True).is_completed()
    for run in _upcoming(list(deployed)):
        assert run.name == _expected(deployed[run.deployment_id], run), run.name


def test_serve_names_every_upcoming_run_before_serving(runs: dict[str, Any]) -> None:
    """`bagalau serve` as an operator starts it: its deployments' upcoming runs are named
    while it serves; stopped, it pauses them (Prefect then deletes their scheduled runs)."""
    import os
    import subprocess
    import sys
    import time

    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    served = subprocess.Popen(
        [sys.executable, "-m", "bagalau", "serve"], env={**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}, stdout=subprocess.DEVNULL
    )
    try:
        upcoming: list[Any] = []
        deadline = time.monotonic() + 240  # a cold start of serve on a loaded 2-core machine took 150 s
        while time.monotonic() < deadline and served.poll() is None:
            with get_client(sync_client=True) as client:
                flows = {flow.id: flow.name for flow in client.read_flows()}
                deployed = {made.id: flows[made.flow_id] for made in client.read_deployments() if made.tags[:1] == ["bagalau"]}
            upcoming = _upcoming(list(deployed))
            if {deployed[run.deployment_id] for run in upcoming} == set(TITLES) and not any(RANDOM.fullmatch(run.name) for run in upcoming):
                break
            time.sleep(1)
        assert {deployed[run.deployment_id] for run in upcoming} == set(TITLES)
        for run in upcoming:
            assert run.name == _expected(deployed[run.deployment_id], run), run.name
    finally:
        served.terminate()
        assert served.wait(timeout=60) == 0
    with get_client(sync_client=True) as client:
        assert all(client.read_deployment(made).paused for made in deployed)
        for made in deployed:
            client.delete_deployment(made)


def test_serve_stopped_while_it_registers_exits_cleanly_and_pauses_what_it_registered(runs: dict[str, Any]) -> None:
    """A stop before the runner serves (an operator's Ctrl-C or a service manager's SIGTERM
    while the deployments are registered and their runs named) is a clean stop too."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    def ours() -> list[Any]:
        with get_client(sync_client=True) as client:
            return [made for made in client.read_deployments() if made.tags[:1] == ["bagalau"] and made.work_pool_name is None]

    served = subprocess.Popen(
        [sys.executable, "-m", "bagalau", "serve"], env={**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and served.poll() is None and not ours():
        time.sleep(0.2)
    served.send_signal(signal.SIGTERM)  # registering has begun: past the handler, maybe not yet serving
    assert served.wait(timeout=120) == 0
    made = ours()
    assert made and all(deployment.paused for deployment in made)
    with get_client(sync_client=True) as client:
        for deployment in made:
            client.delete_deployment(deployment.id)

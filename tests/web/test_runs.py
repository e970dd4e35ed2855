"""The scheduled runs' page of HR's console (issue #12): with PREFECT_API_URL set, each
scheduled flow's last run, its state and the next run, linked into the Prefect UI; a server
that does not answer is one line, not an error page; only the body's HR opens it."""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.client.schemas.objects import FlowRun
from prefect.deployments.runner import RunnerDeployment
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.states import Completed, Failed, Scheduled
from sqlalchemy.engine import Engine
from sqlmodel import select

from flows.deployments import deployments, schedules
from models import Account, Auditor, StateBody
from models.db import engine, transaction
from tests.factories import organisation
from tests.web.conftest import DAY, accounts, signed_in
from web.app import create_app
from web.labels import catalogue
from web.settings import Settings


def _console(db: Engine, hr_speaks: str = "en"):  # type: ignore[no-untyped-def]
    org = organisation(db, "mne2017")
    accounts(org)
    with transaction(db) as session:
        session.exec(select(Account).where(Account.login == "hr")).one().lang = hr_speaks  # the profile's language
        inspector = session.exec(select(Account).where(Account.login == "member")).one()
        body = session.exec(select(StateBody).where(StateBody.code == org.code)).one()
        session.add(Auditor(account_id=inspector.id, state_body_id=body.id))  # type: ignore[arg-type]
    return org, create_app(db, Settings(today=DAY))


def test_every_scheduled_flow_and_every_state_shown_has_its_words() -> None:
    words = catalogue()
    for flow, _, _ in schedules():
        assert f"runs_flow_{flow.name}" in words, flow.name
    for state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED", "SCHEDULED"):
        assert f"runs_state_{state}" in words, state


def test_only_the_bodys_hr_opens_it(db: Engine) -> None:
    org, app = _console(db)
    assert signed_in(app, "hr").get(f"/hr/{org.code}/runs").status_code == 200
    for other in ("member", "servant", "manager"):  # the auditor reads compliance, not operations
        assert signed_in(app, other).get(f"/hr/{org.code}/runs").status_code == 404, other


def test_without_a_server_the_page_says_the_flows_run_without_one(db: Engine) -> None:
    org, app = _console(db, hr_speaks="ru")
    with temporary_settings(updates={PREFECT_API_URL: ""}):
        page = signed_in(app, "hr").get(f"/hr/{org.code}/runs")
    assert page.status_code == 200
    assert "Сервер Prefect не настроен" in page.text and 'id="runs"' not in page.text


def test_a_server_that_does_not_answer_is_one_line(db: Engine) -> None:
    org, app = _console(db)
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):  # the discard port: refused at once
        page = signed_in(app, "hr").get(f"/hr/{org.code}/runs")
    assert page.status_code == 200
    assert 'id="unreachable"' in page.text and "Traceback" not in page.text


async def _runs(registered: list[RunnerDeployment]) -> dict[str, FlowRun]:
    """The deployments registered, and for the sweep: a completed run, a later failed one,
    and two scheduled ahead (the nearer one is next)."""
    for deployment in registered:
        await deployment.aapply()
    now = datetime.now(timezone.utc)
    async with get_client() as client:
        [name] = [name for flow, name, _ in schedules() if flow.name == "deadline-sweep"]
        sweep = await client.read_deployment_by_name(f"deadline-sweep/{name}")
        # runs an earlier test left on this deployment (a deploy schedules some ahead) are not this test's
        for left in await client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[sweep.id]))):
            await client.delete_flow_run(left.id)
        made = {}
        for name, state in (
            ("old-sweep", Completed()),
            ("failed-sweep", Failed()),
            ("far-sweep", Scheduled(scheduled_time=now + timedelta(hours=2))),
            ("near-sweep", Scheduled(scheduled_time=now + timedelta(minutes=15))),
        ):
            made[name] = await client.create_flow_run_from_deployment(sweep.id, name=name, state=state)
            await asyncio.sleep(0.05)  # end times apart: the failed run is the later one
    return made


@pytest.mark.usefixtures("prefect_server")
def test_the_last_run_its_state_and_the_next_run_linked_into_prefect(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "db.sqlite3")
    org, app = _console(engine(f"sqlite:///{tmp_path / 'db.sqlite3'}"), hr_speaks="kk")
    made = asyncio.run(_runs(deployments()))
    page = signed_in(app, "hr").get(f"/hr/{org.code}/runs")
    assert page.status_code == 200, page.text
    row = page.text.split('data-flow="deadline-sweep"')[1].split("</tr>")[0]
    assert "Мерзімдерді тексеру және еске салу" in row
    assert "failed-sweep" in row and "old-sweep" not in row  # the last finished run
    assert "сәтсіз" in row and 'data-state="FAILED"' in row
    assert "near-sweep" in row and "far-sweep" not in row  # the next one to start
    assert f"/runs/flow-run/{made['failed-sweep'].id}" in row and f"/runs/flow-run/{made['near-sweep'].id}" in row
    for flow, _, _ in schedules():  # every scheduled flow has its row, in Kazakh
        assert f'data-flow="{flow.name}"' in page.text, flow.name

"""What HR's console shows of the scheduled flows: for each of bagalau's deployments on the
Prefect server of PREFECT_API_URL, its last finished run with that run's state, and its next
scheduled run, each with its address in the Prefect UI.

Read-only and bounded, because a console page waits for it: one query for the deployments,
two per deployment (six deployments: thirteen), under one timeout. A server that does not
answer in time, or answers with an error, is `reachable=False`, one line on the page, never
an error page. Carries no data of any appraisal: a run's name and state only.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import httpx
from prefect.client.orchestration import PrefectClient, get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    DeploymentFilterTags,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.exceptions import PrefectHTTPStatusError
from prefect.settings import get_current_settings

TAG = "bagalau"  # every deployment of flows/deployments.py carries it
TIMEOUT = 5.0  # seconds the page waits for the whole panel
FINISHED = [StateType.COMPLETED, StateType.FAILED, StateType.CRASHED, StateType.CANCELLED]


@dataclass(frozen=True)
class Run:
    name: str
    state: str  # Prefect's state type, e.g. COMPLETED, FAILED, SCHEDULED
    at: datetime | None  # when it ended, or when it is expected to start
    url: str | None


@dataclass(frozen=True)
class Scheduled:
    flow: str  # the flow's name, e.g. deadline-sweep
    deployment: str
    url: str | None
    last: Run | None
    next: Run | None
    paused: bool


@dataclass(frozen=True)
class Panel:
    reachable: bool
    flows: list[Scheduled] = field(default_factory=list)


def configured() -> bool:
    """Whether a Prefect server is named (PREFECT_API_URL, or the active Prefect profile)."""
    return bool(get_current_settings().api.url)


async def panel() -> Panel:
    """The scheduled flows as the Prefect server reports them now."""
    try:
        return Panel(True, await asyncio.wait_for(_scheduled(), TIMEOUT))
    except (httpx.HTTPError, PrefectHTTPStatusError, OSError, asyncio.TimeoutError):
        return Panel(False)


async def _scheduled() -> list[Scheduled]:
    async with get_client() as client:
        return await _read(client)


async def _read(client: PrefectClient) -> list[Scheduled]:
    deployments = await client.read_deployments(deployment_filter=DeploymentFilter(tags=DeploymentFilterTags(all_=[TAG])))
    flows = {flow_id: (await client.read_flow(flow_id)).name for flow_id in {d.flow_id for d in deployments}}
    lines = []
    for deployment in deployments:
        last = await _one(client, deployment.id, FINISHED, FlowRunSort.END_TIME_DESC)
        upcoming = await _one(client, deployment.id, [StateType.SCHEDULED], FlowRunSort.EXPECTED_START_TIME_ASC)
        lines.append(
            Scheduled(
                flows[deployment.flow_id],
                deployment.name,
                _ui(f"deployments/deployment/{deployment.id}"),
                _run(last, last.end_time if last else None),
                _run(upcoming, upcoming.expected_start_time if upcoming else None),
                bool(deployment.paused),
            )
        )
    return sorted(lines, key=lambda line: (line.flow, line.deployment))


async def _one(client: PrefectClient, deployment_id: UUID, states: list[StateType], sort: FlowRunSort) -> FlowRun | None:
    runs = await client.read_flow_runs(
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
        flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=states))),
        sort=sort,
        limit=1,
    )
    return runs[0] if runs else None


def _run(run: FlowRun | None, at: datetime | None) -> Run | None:
    if run is None:
        return None
    return Run(run.name, run.state_type.value if run.state_type else "", at, _ui(f"runs/flow-run/{run.id}"))


def _ui(path: str) -> str | None:
    """The page's address in the Prefect UI, which Prefect derives from the API's address."""
    base = get_current_settings().ui_url
    return f"{base.rstrip('/')}/{path}" if base else None

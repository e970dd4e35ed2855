"""The schedules, in Asia/Almaty: cycles open on the first half of the month (an opening
is idempotent, so a day missed is caught up), the sweep every 15 minutes
(BAGALAU_SWEEP_CRON), the purge nightly, the compliance report on Monday mornings.

`serve_all` runs them in one process against a Prefect server (`bagalau serve`);
`deploy_all` registers them with a work pool so several workers share them in production
(docs/production.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.flows import Flow
from prefect.schedules import Cron

from flows.opening import open_360_cycle, open_annual_cycle, open_quarterly_cycle
from flows.purge import retention_purge
from flows.report import compliance_report
from flows.sweep import deadline_sweep

ZONE = "Asia/Almaty"
PROJECT = Path(__file__).resolve().parent.parent


def schedules() -> list[tuple[Flow, str, str]]:
    """(flow, deployment name, cron) for every scheduled flow."""
    return [
        (open_quarterly_cycle, "quarterly", "0 8 1-15 * *"),
        (open_annual_cycle, "annual", "0 8 1-15 1,12 *"),
        (open_360_cycle, "360", "0 8 1-15 1 *"),
        (deadline_sweep, "every-15-minutes", os.environ.get("BAGALAU_SWEEP_CRON", "*/15 * * * *")),
        (retention_purge, "nightly", "30 2 * * *"),
        (compliance_report, "weekly", "0 9 * * 1"),
    ]


def deployments() -> list[RunnerDeployment]:
    return [flow.to_deployment(name, schedule=Cron(cron, timezone=ZONE), tags=["bagalau", flow.name]) for flow, name, cron in schedules()]  # type: ignore[misc]  # prefect: async_dispatch types the result as maybe a coroutine; from sync code it is the deployment


def serve_all() -> None:
    serve(*deployments())


def deploy_all(work_pool: str) -> list[str]:
    """Register every flow with a work pool; its workers run them from this project's code."""
    ids = []
    for flow, name, cron in schedules():
        module = Path(flow.fn.__code__.co_filename).relative_to(PROJECT)
        remote = Flow.from_source(source=str(PROJECT), entrypoint=f"{module}:{flow.fn.__name__}")
        deployment_id = remote.deploy(  # type: ignore[union-attr]  # prefect: async_dispatch types from_source as maybe a coroutine; from sync code it is the Flow
            name,
            work_pool_name=work_pool,
            schedule=Cron(cron, timezone=ZONE),
            tags=["bagalau", flow.name],
            build=False,
            push=False,
        )
        ids.append(str(deployment_id))
    return ids

"""The schedules, in Asia/Almaty: cycles open on the first half of the month (an opening
is idempotent, so a day missed is caught up), the sweep every 15 minutes
(BAGALAU_SWEEP_CRON), the purge nightly, the compliance report on Monday mornings.

HR supervises them in the Prefect UI: each deployment is named for what it does, says in
Kazakh, Russian and English what it does, when and why then (methodology/data/
messages_flows.yaml), and tags its runs from the moment the scheduler creates them (the
flow's name and what it concerns); its upcoming runs are named for what they do and their
day before they start (flows/upcoming.py).

`serve_all` runs them in one process against a Prefect server (`bagalau serve`);
`deploy_all` registers them with a work pool so several workers share them in production
(docs/production.md). Either then has the server schedule the upcoming runs and names them.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import signal
from pathlib import Path
from typing import Any

from prefect.client.orchestration import get_client
from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import ObjectNotFound, TerminationSignal
from prefect.flows import Flow
from prefect.runner import Runner
from prefect.schedules import Cron

from flows.opening import open_360_cycle, open_annual_cycle, open_quarterly_cycle
from flows.purge import retention_purge
from flows.report import compliance_report
from flows.sweep import deadline_sweep
from flows.upcoming import name_upcoming
from methodology.i18n import LANGS
from methodology.labels import message

ZONE = "Asia/Almaty"
PROJECT = Path(__file__).resolve().parent.parent


def schedules() -> list[tuple[Flow, str, str]]:
    """(flow, deployment name, cron) for every scheduled flow."""
    return [
        (open_quarterly_cycle, "open-quarterly-cycles-days-1-15", "0 8 1-15 * *"),
        (open_annual_cycle, "open-annual-cycles-and-plans", "0 8 1-15 1,12 *"),
        (open_360_cycle, "open-360-cycles-in-january", "0 8 1-15 1 *"),
        (deadline_sweep, "remind-escalate-deliver-every-15-minutes", os.environ.get("BAGALAU_SWEEP_CRON", "*/15 * * * *")),
        (retention_purge, "purge-past-retention-nightly", "30 2 * * *"),
        (compliance_report, "weekly-compliance-report", "0 9 * * 1"),
    ]


def scheduled_flows() -> list[Flow[Any, Any]]:
    return [flow for flow, _, _ in schedules()]


ABOUT = {  # each flow's description in the catalogue, and the tags its scheduled runs carry
    "open-quarterly-cycle": ("flow_about_open_quarterly", ["opening", "period:quarter"]),
    "open-annual-cycle": ("flow_about_open_annual", ["opening", "period:year"]),
    "open-360-cycle": ("flow_about_open_360", ["opening", "period:year", "kind:360"]),
    "deadline-sweep": ("flow_about_sweep", ["deadlines", "notices"]),
    "retention-purge": ("flow_about_purge", ["retention", "audit"]),
    "compliance-report": ("flow_about_report", ["report"]),
}


def description(flow: Flow) -> str:
    """What the deployment does, when and why, in Kazakh, Russian and English (Kazakh first)."""
    return "\n\n".join(f"**{lang}**: {message(ABOUT[flow.name][0], lang)}" for lang in LANGS)


def tags(flow: Flow) -> list[str]:
    """The tags of every run of the deployment, set as the scheduler creates it."""
    return ["bagalau", "scheduled", flow.name, *ABOUT[flow.name][1]]


def deployments() -> list[RunnerDeployment]:
    # prefect's sync_compatible types to_deployment as maybe a coroutine; called from sync code it returns the deployment
    return [
        flow.to_deployment(name, schedule=Cron(cron, timezone=ZONE), description=description(flow), tags=tags(flow))  # type: ignore[misc]  # prefect: async_dispatch types to_deployment as maybe a coroutine; from sync code it is the deployment
        for flow, name, cron in schedules()
    ]


def serve_all() -> None:
    """prefect.serve, with the upcoming runs named between registering the deployments and
    serving them (registering one deletes its scheduled runs). Stopped while it registers
    or names, before the runner takes SIGTERM over, it pauses its deployments, as the
    runner does when stopped (a schedule nobody serves would pile up late runs)."""
    runner, served = Runner(), deployments()
    signal.signal(signal.SIGTERM, _terminated)
    try:
        for deployment in served:
            runner.add_deployment(deployment)
        name_upcoming(scheduled_flows(), schedule=True)
        asyncio.run(runner.start())  # from here the runner's own handler stops and pauses
    except (KeyboardInterrupt, TerminationSignal):
        _pause(served)


def _pause(served: list[RunnerDeployment]) -> None:
    """By name: a stop may come while one is being registered, before its id is known."""
    with get_client(sync_client=True) as client:
        for deployment in served:
            with contextlib.suppress(ObjectNotFound):
                client.pause_deployment(client.read_deployment_by_name(f"{deployment.flow_name}/{deployment.name}").id)


def _terminated(signum: int, _frame: Any) -> None:
    raise TerminationSignal(signum)


def deploy_all(work_pool: str) -> list[str]:
    """Register every flow with a work pool (its workers run them from this project's code),
    then name their upcoming runs."""
    ids = []
    for flow, name, cron in schedules():
        module = Path(inspect.getfile(inspect.unwrap(flow.fn))).relative_to(PROJECT)  # the flow's own module, not flows/runs.plainly's
        remote = Flow.from_source(source=str(PROJECT), entrypoint=f"{module}:{flow.fn.__name__}")
        deployment_id = remote.deploy(  # type: ignore[union-attr]  # prefect: async_dispatch types from_source as maybe a coroutine; from sync code it is the Flow
            name,
            work_pool_name=work_pool,
            schedule=Cron(cron, timezone=ZONE),
            description=description(flow),
            tags=tags(flow),
            build=False,
            push=False,
        )
        ids.append(str(deployment_id))
    name_upcoming(scheduled_flows(), schedule=True)
    return ids

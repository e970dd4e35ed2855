"""The upcoming runs HR sees in the Prefect UI, each named before it starts as it will be
named when it does: what it does and the day or moment it is for (flows/runs.RunName).

Prefect's scheduler, a service of the Prefect server, keeps a few runs of each deployment
scheduled ahead (3 at least, an hour ahead at least), adds more as time passes, and names
them at random ("brave-otter"): in Prefect 3 neither a deployment nor its schedule carries
a run name, and a flow names its run only as it starts. So bagalau names them itself.
`serve` and `deploy` have the server schedule each deployment's upcoming runs at once (the
scheduler's own function: it will not make them twice), then name them all. Every run of a
scheduled flow, as it starts, names those the scheduler added since: they start an hour
ahead at least, and the sweep runs every 15 minutes, so each is named long before it starts,
and only the farthest may show a random name for the minutes until the next run. Their tags
are their deployment's from their creation (flows/deployments.tags), with Prefect's own
"auto-scheduled".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterId,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
    FlowRunFilterTags,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.exceptions import ParameterTypeError, PrefectHTTPStatusError, SignatureMismatchError
from prefect.flows import Flow

from flows.runs import RunName

PAGE = 200  # the Prefect API's largest page


def name_upcoming(flows: Sequence[Flow[Any, Any]], schedule: bool = False) -> int:
    """Name every scheduled run that the scheduler created for these flows' deployments and
    that is not yet named as it will be when it starts; first, with `schedule`, ask the
    server to schedule their upcoming runs now. Returns how many runs were renamed."""
    by_name = {flow.name: flow for flow in flows}
    with get_client(sync_client=True) as client:
        known = {found.id: by_name[found.name] for found in client.read_flows(flow_filter=FlowFilter(name=FlowFilterName(any_=list(by_name))))}
        if schedule:
            for deployment in client.read_deployments(flow_filter=FlowFilter(id=FlowFilterId(any_=list(known)))):
                client.request("POST", "/deployments/{id}/schedule", path_params={"id": deployment.id}, json={})  # the server's defaults: its scheduler's
        return sum(_rename(client, run, known[run.flow_id]) for run in _scheduled(client, list(known)))


def name_upcoming_runs(flow: Flow[Any, Any], flow_run: FlowRun, state: Any) -> None:
    """The hook each scheduled flow runs as its run starts (Prefect logs a failure of it
    and the run goes on): names what the scheduler added since the last run."""
    from flows.deployments import scheduled_flows  # here, not above: deployments imports every flow, and each flow this module

    name_upcoming(scheduled_flows())


def _scheduled(client: SyncPrefectClient, flow_ids: list[Any]) -> Iterator[FlowRun]:
    """The runs the scheduler created that have not started (late ones too), soonest first."""
    wanted = FlowRunFilter(
        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])),
        tags=FlowRunFilterTags(all_=["auto-scheduled"]),  # never a run HR scheduled and named by hand
    )
    offset = 0
    while page := client.read_flow_runs(
        flow_filter=FlowFilter(id=FlowFilterId(any_=flow_ids)), flow_run_filter=wanted, sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=PAGE, offset=offset
    ):
        yield from page
        offset += PAGE


def _rename(client: SyncPrefectClient, run: FlowRun, flow: Flow[Any, Any]) -> bool:
    name = _name(run, flow)
    if name is None or run.name == name:
        return False
    try:
        client.update_flow_run(run.id, name=name)
    except PrefectHTTPStatusError as error:
        if error.response.status_code != 404:
            raise
        return False  # deleted meanwhile: its deployment was changed, and its runs made anew
    return True


def _name(run: FlowRun, flow: Flow[Any, Any]) -> str | None:
    """The name the run will take as it starts, from the same parameters; None if it
    cannot be told."""
    namer = flow.flow_run_name
    assert isinstance(namer, RunName), flow.name  # every scheduled flow names its runs so (tests/test_flows.py)
    if run.expected_start_time is None:  # never so for a run its schedule made: typed as maybe
        return None
    try:
        return namer.of(flow.validate_parameters(run.parameters), run.expected_start_time)
    except (ParameterTypeError, SignatureMismatchError):
        return None  # parameters edited in the UI that do not fit: the run fails as it starts, saying why

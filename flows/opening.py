"""Flows that open cycles on schedule: `open-quarterly-cycle`, `open-annual-cycle`,
`open-360-cycle`. Each finds the cycles whose opening day has come for every active state
body and opens them in bulk; an opened cycle is never opened twice."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task

from flows.inputs import OpeningInput
from flows.runs import RunName, database, plainly, tag_run, today
from flows.upcoming import name_upcoming_runs
from services import cycles


def open_due_cycles(opening: OpeningInput) -> dict[str, Any]:
    """The work (services/cycles.py), as plain code: the task below runs it inside a flow run."""
    return cycles.open_due_cycles(database(), today(opening.on), opening.granularity, opening.kinds)


open_task = task(name="open-due-cycles")(plainly(open_due_cycles))


def _run(opening: OpeningInput) -> dict[str, Any]:
    result = open_task(opening)
    opened = result["opened"]
    tags = {"kind:" + name.split("/")[1] for name in opened} | {"period:" + name.split("/")[2] for name in opened}
    if len(opened) <= 20:  # a state body's tag helps when few opened; a country's would flood the UI
        tags |= {"body:" + name.split("/")[0] for name in opened}
    tag_run(*sorted(tags))
    get_run_logger().info("opened %d cycles, %d appraisals", len(opened), result["appraisals"])
    return result


def request_for(granularity: str, on: Any = None) -> OpeningInput:
    """The input each opening flow runs with (the 360 opens on its own schedule)."""
    kinds = {"quarter": None, "year": ["annual", "plan"], "360": ["360"]}[granularity]
    return OpeningInput(on=on, granularity="quarter" if granularity == "quarter" else "year", kinds=kinds)


@flow(name="open-quarterly-cycle", flow_run_name=RunName("open quarterly cycles", "on"), on_running=[name_upcoming_runs])
@plainly
def open_quarterly_cycle(opening: OpeningInput = request_for("quarter")) -> dict[str, Any]:
    return _run(opening)


@flow(name="open-annual-cycle", flow_run_name=RunName("open annual cycles", "on"), on_running=[name_upcoming_runs])
@plainly
def open_annual_cycle(opening: OpeningInput = request_for("year")) -> dict[str, Any]:
    return _run(opening)


@flow(name="open-360-cycle", flow_run_name=RunName("open 360 cycles", "on"), on_running=[name_upcoming_runs])
@plainly
def open_360_cycle(opening: OpeningInput = request_for("360")) -> dict[str, Any]:
    return _run(opening)

"""`deadline-sweep`: reminders before, escalations after, each recorded once in the outbox
(states/sweep.py says how). Runs every 15 minutes; one task, whatever the volume."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task

from flows.inputs import SweepInput
from flows.runs import database, now, run_name, tag_run
from states.sweep import sweep


def sweep_deadlines(request: SweepInput) -> dict[str, Any]:
    moment = now(request.now)
    report = sweep(database(), moment.date(), at=moment, batch=request.batch)
    return {"deadlines": report.deadlines, "notices": report.notices, "batches": report.batches, "kinds": dict(report.kinds)}


sweep_deadlines_task = task(sweep_deadlines, name="sweep-deadlines")


@flow(name="deadline-sweep", flow_run_name=run_name("sweep", "now"))
def deadline_sweep(request: SweepInput = SweepInput()) -> dict[str, Any]:
    result = sweep_deadlines_task(request)
    tag_run(*(f"notices:{kind}" for kind in result["kinds"]))
    get_run_logger().info("%d deadlines, %d notices recorded", result["deadlines"], result["notices"])
    return result

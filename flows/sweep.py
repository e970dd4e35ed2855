"""`deadline-sweep`: reminders before, escalations after, each recorded once in the outbox
(states/sweep.py says how), then the outbox delivered (notifications/delivery.py). Runs
every 15 minutes; two tasks, whatever the volume.

Delivery runs after the sweep in the same flow run, so a notice the sweep records goes out
within the same quarter of an hour. Before sending it records what the calendar owes
besides the deadlines: the notices of cycles opened since (schedule, sheet to fill) and
the 360 respondents' reminders (states/notices.py). The work is services/sweep.py; this
module only names the moment (`now`, default: the clock), runs it as tasks and publishes
the run's summary for HR (who is late, the notices recorded and delivered) as one artifact.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task

from flows.inputs import SweepInput
from flows.runs import RunName, database, now, plainly, publish, reader_lang, tag_run
from flows.upcoming import name_upcoming_runs
from services import sweep


def sweep_deadlines(request: SweepInput) -> dict[str, Any]:
    """The work of the sweep task, as plain code."""
    return sweep.sweep_deadlines(database(), now(request.now), request.batch)


def deliver_notices(request: SweepInput) -> dict[str, Any]:
    """The work of the delivery task, as plain code."""
    return sweep.deliver_notices(database(), now(request.now))


sweep_deadlines_task = task(name="sweep-deadlines")(plainly(sweep_deadlines))
deliver_notices_task = task(name="deliver-notices")(plainly(deliver_notices))


@flow(name="deadline-sweep", flow_run_name=RunName("sweep", "now", moment=True), on_running=[name_upcoming_runs])
@plainly
def deadline_sweep(request: SweepInput = SweepInput()) -> dict[str, Any]:
    at = now(request.now)  # one moment for the tasks and the summary: it stamps what the run recorded and sent
    request = request.model_copy(update={"now": at})
    result = sweep_deadlines_task(request)
    logger = get_run_logger()
    logger.info("%d deadlines, %d notices recorded", result["deadlines"], result["notices"])
    delivery = deliver_notices_task(request) if request.deliver else None
    tag_run(*(f"notices:{kind}" for kind in result["kinds"]), *(["delivery:dead"] if delivery and delivery["dead"] else []))
    publish("deadline-sweep", sweep.sweep_summary(database(), at, reader_lang()))
    if delivery is None:
        return result
    logger.info("%d notices sent, %d to retry, %d dead-lettered", delivery["sent"], delivery["retried"], delivery["dead"])
    return {**result, "delivery": delivery}

"""`retention-purge`: daily, removes what is past retention (typical2023 п.15), never what
is under appeal or on legal hold, and writes each purge to the audit trail."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task

from flows.inputs import PurgeInput
from flows.runs import RunName, database, now, plainly, today
from flows.upcoming import name_upcoming_runs
from services import retention


def purge_expired(request: PurgeInput) -> dict[str, Any]:
    """The work (services/retention.py), as plain code; the audit is stamped with the clock."""
    return retention.purge_expired(database(), today(request.on), now(None))


purge_expired_task = task(name="purge-expired")(plainly(purge_expired))


@flow(name="retention-purge", flow_run_name=RunName("purge", "on"), on_running=[name_upcoming_runs])
@plainly
def retention_purge(request: PurgeInput = PurgeInput()) -> dict[str, Any]:
    result = purge_expired_task(request)
    get_run_logger().info(
        "purged %d appraisals (%d rows) and %d weekly reports; %d kept on hold", result["purged"], result["rows"], result["reports"], result["kept_on_hold"]
    )
    return result

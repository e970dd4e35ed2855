"""`compliance-report`: weekly, the steps overdue or done late as CSV, XLSX and HTML files
of the whole installation, and to each state body's head of HR their own body's report as a
notice (in-app and e-mail, in their language; the sweep flow delivers it). Steps only, no
result ever appears in it (states/compliance.py). The work is services/report.py; the run
publishes its summary for HR (per body, who is late on which step) as one artifact and is
tagged with the bodies it went to."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task

from flows.inputs import ReportInput
from flows.runs import RunName, database, now, plainly, publish, tag_run, today
from flows.upcoming import name_upcoming_runs
from services import report


def build_report(request: ReportInput, at: datetime | None = None) -> dict[str, Any]:
    """The work of the report task, as plain code; its notices are stamped `at` (default:
    the clock)."""
    return report.build_report(database(), today(request.on), now(at), request.lang, Path(request.folder), request.since)


build_report_task = task(name="build-compliance-report")(plainly(build_report))


@flow(name="compliance-report", flow_run_name=RunName("compliance report", "on"), on_running=[name_upcoming_runs])
@plainly
def compliance_report(request: ReportInput = ReportInput()) -> dict[str, Any]:
    at = now(None)  # the moment the report's notices are stamped with, read back by the summary
    result = build_report_task(request, at)
    markdown, bodies = report.report_summary(database(), today(request.on), at, request.lang, request.since)
    if len(bodies) <= 20:  # a state body's tag helps when few; a country's would flood the UI
        tag_run(*(f"body:{code}" for code in bodies))
    publish("compliance-report", markdown)
    get_run_logger().info(
        "%d rows (%d overdue): %s; %d reports to heads of HR", result["rows"], result["overdue"], ", ".join(result["files"]), result["notices"]
    )
    return result

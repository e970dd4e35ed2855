"""`compliance-report`: weekly, the steps overdue or done late as CSV, XLSX and HTML for
the head of HR (states/compliance.py; no result ever appears in it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task

from flows.inputs import ReportInput
from flows.runs import database, run_name, today
from notifications.compliance_report import write_all
from states.compliance import compliance_rows


def build_report(request: ReportInput) -> dict[str, Any]:
    day = today(request.on)
    rows = compliance_rows(database(), day, request.lang, request.since)
    files = write_all(rows, Path(request.folder), request.lang, day)
    return {"rows": len(rows), "overdue": sum(r.status == "overdue" for r in rows), "files": [str(f) for f in files]}


build_report_task = task(build_report, name="build-compliance-report")


@flow(name="compliance-report", flow_run_name=run_name("compliance report", "on"))
def compliance_report(request: ReportInput = ReportInput()) -> dict[str, Any]:
    result = build_report_task(request)
    get_run_logger().info("%d rows (%d overdue): %s", result["rows"], result["overdue"], ", ".join(result["files"]))
    return result

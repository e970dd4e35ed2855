"""`compliance-report`: weekly, the steps overdue or done late as CSV, XLSX and HTML files
of the whole installation, and to each state body's head of HR their own body's report as a
notice (in-app and e-mail, in their language; the sweep flow delivers it). Steps only, no
result ever appears in it (states/compliance.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task

from flows.inputs import ReportInput
from flows.runs import database, run_name, today
from notifications.compliance_report import write_all
from notifications.enqueue import report_weekly
from states.audit_chain import trail_status
from states.compliance import compliance_rows


def build_report(request: ReportInput) -> dict[str, Any]:
    day = today(request.on)
    rows = compliance_rows(database(), day, request.lang, request.since)
    files = write_all(rows, Path(request.folder), request.lang, day)
    sent = report_weekly(database(), day)
    return {"rows": len(rows), "overdue": sum(r.status == "overdue" for r in rows), "files": [str(f) for f in files], "notices": sent,
            "audit_trail": trail_status(database())}  # the report states whether the trail verified


build_report_task = task(build_report, name="build-compliance-report")


@flow(name="compliance-report", flow_run_name=run_name("compliance report", "on"))
def compliance_report(request: ReportInput = ReportInput()) -> dict[str, Any]:
    result = build_report_task(request)
    get_run_logger().info("%d rows (%d overdue): %s; %d reports to heads of HR", result["rows"], result["overdue"],
                          ", ".join(result["files"]), result["notices"])
    return result

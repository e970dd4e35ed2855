"""Prefect flows: open cycles on schedule, sweep due deadlines, escalate, purge, report.

Each flow is a thin orchestration over the service layer and works in bulk; it arrives
with the orchestration issue. Deadline rules themselves live in `methodology/`.
"""

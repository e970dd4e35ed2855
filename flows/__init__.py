"""Prefect flows: open cycles on schedule, sweep due deadlines, purge past retention,
report what is late. Each is a thin orchestration over the service layer (`states/`),
handles its work in bulk with a task or two per run, and takes one typed input
(`flows/inputs.py`). `flows/deployments.py` schedules them in Asia/Almaty."""

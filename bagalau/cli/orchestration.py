"""Commands that run the flows: `serve` (every schedule, one process), `deploy` (to a work
pool, for several workers), and one run of a flow for operators and scripts: `sweep`,
`open-cycles`, `purge`, `report`.

With a Prefect server configured (PREFECT_API_URL), a one-off command is a real flow run,
visible in the UI; without one it runs the same code directly and says so. Prefect is
imported only here, inside the commands: its import alone takes seconds.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import Any, Callable, Optional

import typer

from bagalau.cli.common import print_json
from bagalau.cli.workdays import parse_date, parse_moment
from methodology import inputs
from methodology.errors import InvalidInput
from models.db import engine
from states import retention


def serve() -> None:
    """Serve every scheduled flow (Asia/Almaty) against the Prefect server of PREFECT_API_URL."""
    from flows.deployments import serve_all

    serve_all()


def deploy(work_pool: str = typer.Option(..., "--work-pool", help="A Prefect work pool of type process.")) -> None:
    """Register every scheduled flow with a work pool, for `prefect worker start --pool NAME`."""
    from flows.deployments import deploy_all

    print_json({"deployments": deploy_all(work_pool)})


def sweep(
    now: Optional[str] = typer.Option(None, "--now", help="ISO date-time to sweep for (default: now, Asia/Almaty)."),
    batch: int = typer.Option(5000, "--batch", min=1),
) -> None:
    """Run the deadline sweep once, then deliver what is due from the outbox."""
    from flows.inputs import SweepInput
    from flows.sweep import deadline_sweep, deliver_notices, sweep_deadlines

    def work(request: SweepInput) -> dict[str, Any]:  # what the flow's two tasks do
        return {**sweep_deadlines(request), "delivery": deliver_notices(request)}

    _once(deadline_sweep, work, SweepInput(now=parse_moment(now), batch=batch))


def open_cycles(
    on: Optional[str] = typer.Option(None, "--on", help="The day (default: today)."),
    granularity: str = typer.Option("quarter", "--granularity", help="quarter, year or 360."),
) -> None:
    """Open every cycle due by that day, for every active state body."""
    from flows.opening import open_360_cycle, open_annual_cycle, open_due_cycles, open_quarterly_cycle, request_for

    flows = {"quarter": open_quarterly_cycle, "year": open_annual_cycle, "360": open_360_cycle}
    if granularity not in flows:
        raise InvalidInput("unknown", field="--granularity", value=granularity, rule="docs/cli.md", expected=", ".join(flows))
    _once(flows[granularity], open_due_cycles, request_for(granularity, parse_date(on, "--on") if on else None))


def purge(
    on: Optional[str] = typer.Option(None, "--on", help="The day (default: today); never after today."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be purged; change nothing."),
) -> None:
    """Purge what is past retention, once."""
    from flows.inputs import PurgeInput
    from flows.purge import purge_expired, retention_purge

    if on:  # a day ahead would purge results not yet past retention, irreversibly
        inputs.not_after(parse_date(on, "--on"), "--on", "docs/production.md#retention", today=date.today())
    if dry_run:
        return print_json(vars(retention.purge(engine(), parse_date(on, "--on") if on else date.today(), dry_run=True)))
    _once(retention_purge, purge_expired, PurgeInput(on=parse_date(on, "--on") if on else None))


def report(
    on: Optional[str] = typer.Option(None, "--on", help="The day (default: today)."),
    lang: str = typer.Option("kk", "--lang", help="kk, ru or en."),
    folder: str = typer.Option("reports", "--folder", help="Where the files go."),
    since: Optional[str] = typer.Option(None, "--since", help="Late steps done on or after this day."),
) -> None:
    """Write the compliance report (CSV, XLSX, HTML) once."""
    from flows.inputs import ReportInput
    from flows.report import build_report, compliance_report

    if lang not in ("kk", "ru", "en"):
        raise InvalidInput("unknown", field="--lang", value=lang, rule="docs/cli.md", expected="kk, ru, en")
    _once(compliance_report, build_report, ReportInput(
        on=parse_date(on, "--on") if on else None, lang=lang, folder=folder,  # type: ignore[arg-type]
        since=parse_date(since, "--since") if since else None,
    ))


def _once(flow: Any, work: Callable[[Any], Any], request: Any) -> None:
    """A flow run when a Prefect server is configured; the same work directly otherwise."""
    if os.environ.get("PREFECT_API_URL"):
        result = flow(request)
    else:
        result = work(request)  # said after the work: a failure is then its one line alone
        print(f"no Prefect server (PREFECT_API_URL): {flow.name} ran without a flow run", file=sys.stderr)
    print_json(result)


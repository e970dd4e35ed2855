"""Commands that run the flows: `serve` (every schedule, one process), `deploy` (to a work
pool, for several workers), and one run of a flow for operators and scripts: `sweep`,
`open-cycles`, `purge`, `report`.

With a Prefect server configured (PREFECT_API_URL), a one-off command is a real flow run,
visible in the UI, tagged as one-off with the flow's name from its creation (so HR tells it
from the scheduled runs); without one it calls the same use case (services/) directly and
says so. Prefect and the flows are imported only for a flow run, inside the commands: Prefect's
import alone takes seconds. The migrations run at `serve` and `deploy`, before any flow.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional

import typer

from bagalau.cli.common import LangOption, print_json, reader, use_lang
from bagalau.cli.workdays import day_or_today, moment_or_now, parse_date, parse_moment
from methodology import inputs
from methodology.errors import InvalidInput
from methodology.i18n import LANGS
from methodology.labels import message
from methodology.schema import Granularity
from models.db import engine
from models.migrate import upgrade


def serve(lang: str = LangOption) -> None:
    """Serve every scheduled flow (Asia/Almaty) against the Prefect server of PREFECT_API_URL."""
    use_lang(lang)
    from flows.deployments import serve_all

    upgrade()
    serve_all()


def deploy(work_pool: str = typer.Option(..., "--work-pool", help="A Prefect work pool of type process."), lang: str = LangOption) -> None:
    """Register every scheduled flow with a work pool, for `prefect worker start --pool NAME`."""
    use_lang(lang)
    from flows.deployments import deploy_all

    upgrade()
    print_json({"deployments": deploy_all(work_pool)})


def sweep(
    now: Optional[str] = typer.Option(None, "--now", help="ISO date-time to sweep for (default: now, Asia/Almaty)."),
    batch: int = typer.Option(5000, "--batch", min=1),
    lang: str = LangOption,
) -> None:
    """Run the deadline sweep once, then deliver what is due from the outbox."""
    use_lang(lang)
    from services.sweep import deliver_notices, sweep_deadlines

    def flow_run() -> Any:
        from flows.inputs import SweepInput
        from flows.sweep import deadline_sweep

        return deadline_sweep(SweepInput(now=parse_moment(now), batch=batch))

    def work() -> dict[str, Any]:  # what the flow's two tasks do
        at = moment_or_now(now)
        return {**sweep_deadlines(engine(), at, batch), "delivery": deliver_notices(engine(), at)}

    _once("deadline-sweep", flow_run, work)


def open_cycles(
    on: Optional[str] = typer.Option(None, "--on", help="The day (default: today)."),
    granularity: str = typer.Option("quarter", "--granularity", help="quarter, year or 360."),
    lang: str = LangOption,
) -> None:
    """Open every cycle due by that day, for every active state body."""
    use_lang(lang)
    from services.cycles import open_due_cycles

    names = {"quarter": "open-quarterly-cycle", "year": "open-annual-cycle", "360": "open-360-cycle"}
    if granularity not in names:
        raise InvalidInput("unknown", field="--granularity", value=granularity, rule="docs/cli.md", expected=", ".join(names))
    day = parse_date(on, "--on") if on else None

    def flow_run() -> Any:
        from flows.opening import open_360_cycle, open_annual_cycle, open_quarterly_cycle, request_for

        flows = {"quarter": open_quarterly_cycle, "year": open_annual_cycle, "360": open_360_cycle}
        return flows[granularity](request_for(granularity, day))

    kinds = {"quarter": None, "year": ["annual", "plan"], "360": ["360"]}[granularity]
    period: Granularity = "quarter" if granularity == "quarter" else "year"
    _once(names[granularity], flow_run, lambda: open_due_cycles(engine(), day_or_today(on), period, kinds))


def purge(
    on: Optional[str] = typer.Option(None, "--on", help="The day (default: today); never after today."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be purged; change nothing."),
    lang: str = LangOption,
) -> None:
    """Purge what is past retention, once."""
    use_lang(lang)
    from services.retention import purge_expired

    if on:  # a day ahead would purge results not yet past retention, irreversibly
        inputs.not_after(parse_date(on, "--on"), "--on", "docs/production.md#retention", today=date.today())
    if dry_run:
        return print_json(purge_expired(engine(), day_or_today(on), moment_or_now(None), dry_run=True))

    def flow_run() -> Any:
        from flows.inputs import PurgeInput
        from flows.purge import retention_purge

        return retention_purge(PurgeInput(on=parse_date(on, "--on") if on else None))

    _once("retention-purge", flow_run, lambda: purge_expired(engine(), day_or_today(on), moment_or_now(None)))


def report(
    on: Optional[str] = typer.Option(None, "--on", help="The day (default: today)."),
    lang: str = typer.Option("kk", "--lang", help="kk, ru or en."),
    folder: str = typer.Option("reports", "--folder", help="Where the files go."),
    since: Optional[str] = typer.Option(None, "--since", help="Late steps done on or after this day."),
) -> None:
    """Write the compliance report (CSV, XLSX, HTML) once."""
    from services.report import build_report

    if lang not in LANGS:
        raise InvalidInput("unknown", field="--lang", value=lang, rule="docs/cli.md", expected="kk, ru, en")
    if not folder.strip():  # "" would be the current folder: a slip, not a choice
        raise InvalidInput("missing", field="--folder", value=folder, rule="docs/cli.md")
    first = inputs.day_in_range(parse_date(since, "--since"), "--since", "docs/cli.md", latest=day_or_today(on)) if since else None

    def flow_run() -> Any:
        from flows.inputs import ReportInput
        from flows.report import compliance_report

        return compliance_report(ReportInput(on=parse_date(on, "--on") if on else None, lang=lang, folder=folder, since=first))  # lang checked above

    _once("compliance-report", flow_run, lambda: build_report(engine(), day_or_today(on), moment_or_now(None), lang, Path(folder), first))


def _once(name: str, flow_run: Callable[[], Any], work: Callable[[], Any]) -> None:
    """A flow run when a Prefect server is configured; the same use case directly otherwise."""
    if os.environ.get("PREFECT_API_URL"):
        from prefect import tags

        with tags("bagalau", "one-off", name):
            result = flow_run()
    else:
        result = work()  # said after the work: a failure is then its one line alone
        print(message("cli_no_prefect", reader(), flow=name), file=sys.stderr)
    print_json(result)

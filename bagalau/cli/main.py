"""Entry point: assembles the commands and turns every input error into one line.

A person who mistypes gets exit code 2 and one line on stderr that names the field, the
value and the rule, in their language; never a traceback. That holds for the product's
own checks and for the command line's (a missing argument, an unknown option).
"""

from __future__ import annotations

import getpass
import sys
from importlib import metadata
from typing import Optional

import typer
from typer.exceptions import TyperException

from bagalau import settings
from bagalau.cli import (
    assessors,
    audit,
    boundary,
    bulk,
    deadlines,
    definitions,
    demo,
    documents,
    lifecycle,
    listing,
    notices,
    orchestration,
    org,
    results,
    schedule,
    score,
    users,
    web,
    workdays,
)
from bagalau.cli.common import fail, reader
from methodology import inputs
from methodology.errors import BagalauError
from states import audit_chain

app = typer.Typer(
    name="bagalau",
    help="Performance appraisal of B-corps civil servants: rules, deadlines, scores.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback(invoke_without_command=True)
def _version(
    show: bool = typer.Option(False, "--version", is_eager=True, help="Print the version and exit."),
) -> None:
    if show:
        print(f"bagalau {metadata.version('bagalau')}")
        raise typer.Exit()


app.command("score")(score.score)
app.command("deadlines")(deadlines.deadlines)
app.command("demo")(demo.demo)
app.command("act")(lifecycle.act)
app.command("show")(lifecycle.show)
app.command("diagrams")(lifecycle.diagrams)
app.command("simulate")(lifecycle.simulate)
app.command("serve")(orchestration.serve)
app.command("deploy")(orchestration.deploy)
app.command("sweep")(orchestration.sweep)
app.command("open-cycles")(orchestration.open_cycles)
app.command("purge")(orchestration.purge)
app.command("report")(orchestration.report)
app.command("document")(documents.document)
app.command("forms")(bulk.forms)
app.command("web")(web.web)
app.add_typer(workdays.app, name="workdays")
app.add_typer(lifecycle.db_app, name="db")
app.add_typer(lifecycle.cycle_app, name="cycle")
app.add_typer(org.app, name="org")
app.add_typer(results.app, name="results")
app.add_typer(definitions.app, name="methodology")
app.add_typer(notices.app, name="notices")
app.add_typer(users.app, name="users")
app.add_typer(listing.appraisals_app, name="appraisals")
app.add_typer(listing.cycles_app, name="cycles")
app.add_typer(listing.people_app, name="people")
app.add_typer(audit.app, name="audit")
app.add_typer(audit.hold_app, name="hold")


@app.callback()
def _operator(
    operator: Optional[str] = typer.Option(
        None,
        "--operator",
        envvar="BAGALAU_OPERATOR",
        help="Who is at the keyboard, recorded in the audit trail beside the person acted for (default: the OS user).",
    ),
) -> None:
    audit_chain.OPERATOR.set(inputs.text(operator, "--operator", "docs/cli.md") if operator else _os_user())


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return "unknown"


app.add_typer(assessors.app, name="assessor")
app.add_typer(schedule.app, name="schedule")


def main() -> None:
    try:
        settings.check()  # every setting, before any command reads or writes anything
        code = app(standalone_mode=False)  # without standalone mode typer returns an Exit's code
        if isinstance(code, int) and code:
            sys.exit(code)
    except BagalauError as error:
        fail(error)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        sys.exit(130)
    except TyperException as error:  # the command line's own: missing argument, bad option
        message = error.format_message()
        if message:  # empty when the help was shown for a bare command
            context = getattr(error, "ctx", None)
            where = f" ({context.command_path})" if context else ""
            print(f"bagalau: {message}{where}", file=sys.stderr)
        sys.exit(getattr(error, "exit_code", 2))
    except Exception as error:  # the one boundary: one line for the rest, never a traceback
        boundary.report(error, reader())

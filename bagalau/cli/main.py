"""Entry point: assembles the commands and turns every input error into one line.

A person who mistypes gets exit code 2 and one line on stderr that names the field, the
value and the rule, in their language; never a traceback. That holds for the product's
own checks and for the command line's (a missing argument, an unknown option).
"""

from __future__ import annotations

import sys

import typer
from typer.exceptions import TyperException

from bagalau.cli import assessors, deadlines, demo, documents, lifecycle, methodology, notices, orchestration, org, score, workdays
from bagalau.cli.common import fail
from methodology.errors import BagalauError

app = typer.Typer(
    name="bagalau",
    help="Performance appraisal of B-corps civil servants: rules, deadlines, scores.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
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
app.add_typer(workdays.app, name="workdays")
app.add_typer(lifecycle.db_app, name="db")
app.add_typer(lifecycle.cycle_app, name="cycle")
app.add_typer(org.app, name="org")
app.add_typer(methodology.app, name="methodology")
app.add_typer(notices.app, name="notices")
app.add_typer(assessors.app, name="assessor")


def main() -> None:
    try:
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
        message = error.format_message()  # type: ignore[attr-defined]
        if message:  # empty when the help was shown for a bare command
            context = getattr(error, "ctx", None)
            where = f" ({context.command_path})" if context else ""
            print(f"bagalau: {message}{where}", file=sys.stderr)
        sys.exit(getattr(error, "exit_code", 2))

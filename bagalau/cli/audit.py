"""`bagalau audit verify` (is the trail as it was written?) and `bagalau hold set|release`
(legal holds, which retention never purges).

`verify` exits 1 and names, per state body, the first event altered, inserted or deleted
since it was sealed; 0 when the whole trail verified.
"""

from __future__ import annotations

from datetime import datetime

import typer

from bagalau.cli.common import LangOption, print_json, use_lang
from methodology.workdays import ALMATY
from models import Appraisal
from models.db import engine, transaction
from states import audit_chain, holds

app = typer.Typer(help="The audit trail.", no_args_is_help=True)
hold_app = typer.Typer(help="Legal holds: an appraisal held is never purged.", no_args_is_help=True)
ReasonOption = typer.Option(..., "--reason", help="Why (a court case, an inquiry): kept in the audit trail.")
AppraisalArgument = typer.Argument(..., min=1, max=2**63 - 1, help="Appraisal id.")


@app.command("verify")
def verify(lang: str = LangOption) -> None:
    """Check every body's chain of audit events; name the first break of each."""
    use_lang(lang)
    with transaction(engine()) as session:
        findings = audit_chain.verify(session)
    print_json({"verified": not findings, "breaks": [vars(f) for f in findings]})
    if findings:
        raise typer.Exit(1)


@hold_app.command("set")
def hold_set(appraisal: int = AppraisalArgument, reason: str = ReasonOption, lang: str = LangOption) -> None:
    """Put an appraisal on legal hold."""
    use_lang(lang)
    _print(holds.set_hold(engine(), appraisal, True, reason, at=datetime.now(ALMATY)))


@hold_app.command("release")
def hold_release(appraisal: int = AppraisalArgument, reason: str = ReasonOption, lang: str = LangOption) -> None:
    """Release an appraisal's legal hold: retention applies to it again."""
    use_lang(lang)
    _print(holds.set_hold(engine(), appraisal, False, reason, at=datetime.now(ALMATY)))


def _print(appraisal: Appraisal) -> None:
    print_json({"appraisal": appraisal.id, "legal_hold": appraisal.legal_hold})

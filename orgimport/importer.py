"""The whole import: read and check the file whole, then write it in one transaction only
if nothing is wrong."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.db import transaction
from orgimport.checks import check_absences, check_servants
from orgimport.columns import ABSENCE_ORDER, SERVANT_ORDER
from orgimport.existing import load_existing
from orgimport.report import ImportReport
from orgimport.rows import named, parse_rows
from orgimport.sheets import SERVANTS, read_sources
from orgimport.write import write

# Given the session before a clean file is written, what to do once it is, in the same
# transaction (services/org.py applies the changes of staff to the open appraisals).
Watch = Callable[[Session], Callable[[], None]]


def import_organisation(engine: Engine, servants: Path, absences: Path | None = None, watch: Watch | None = None) -> ImportReport:
    """Check the file whole; write it in one transaction only if nothing is wrong."""
    servant_sheet, absence_sheet = read_sources(Path(servants), Path(absences) if absences else None)
    problems = servant_sheet.problems + (absence_sheet.problems if absence_sheet else [])
    servant_rows = parse_rows(servant_sheet, SERVANT_ORDER, problems)
    problems.extend(row.problem("full_name", "org_required") for row in servant_rows if not named(row))
    absence_rows = parse_rows(absence_sheet, ABSENCE_ORDER, problems)
    codes = {row.values["state_body_code"] for row in servant_rows + absence_rows if row.values.get("state_body_code")}
    report = ImportReport()
    # Checked and written in one transaction, so the rows checked against are the rows written to.
    with transaction(engine) as session:
        existing = load_existing(session, codes)
        problems += check_servants(servant_rows, existing)
        problems += check_absences(absence_rows, servant_rows, existing, servant_sheet.usable)
        if problems:  # nothing has been added to the session: the commit writes nothing
            report.problems = sorted(problems, key=lambda p: (p.table != SERVANTS, p.row or 0))
            return report
        then = watch(session) if watch else None
        write(session, existing, servant_rows, absence_rows, report)
        if then:
            session.flush()
            then()
    return report

"""Annual results from before a body used bagalau (`bagalau results import`, `results
show`): the file checked whole by orgimport/past.py and written, only when clean, in the
same transaction with an audit event per result (states/past_results.py); read back only
by those who may read a result (states/confidentiality.may_read_results_of).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from methodology import loader
from methodology.errors import InvalidInput
from models import PastResult, Servant, StateBody
from models.db import transaction
from orgimport import past
from orgimport.report import ImportReport
from orgimport.sheets import Sheet
from states.confidentiality import may_read_results_of
from states.past_results import record

RULE = "mne2017 п.46"


def import_past_results(engine: Engine, path: Path, on: date, at: datetime) -> ImportReport:
    """Check the file whole; write it in one transaction only if nothing is wrong."""
    return import_sheet(engine, past.read(Path(path)), on, at)


def import_sheet(engine: Engine, sheet: Sheet, on: date, at: datetime) -> ImportReport:
    """The same for a table already read (a scenario's rows, orgimport/past.from_rows)."""
    with transaction(engine) as session:  # checked against the rows it is written to
        problems, results = past.check(session, sheet, on)
        report = past.report_of(problems)
        if problems:
            return report  # nothing was added: the commit writes nothing
        for result in results:
            report.count("past_result", record(session, result, at))
    return report


def past_results_of(engine: Engine, body: str, personnel_no: str, reader_no: str) -> list[dict[str, Any]]:
    """The servant's imported results as `reader_no` may read them: all, or refused."""
    with transaction(engine) as session:
        found = session.exec(select(StateBody).where(StateBody.code == body)).first()
        if found is None:
            raise InvalidInput("not_found", field="--body", value=body, rule=RULE)
        people = {
            s.personnel_no: s
            for s in session.exec(select(Servant).where(Servant.state_body_id == found.id, col(Servant.personnel_no).in_([personnel_no, reader_no])))
        }
        servant, reader = people.get(personnel_no), people.get(reader_no)
        if servant is None:
            raise InvalidInput("not_found", field="PERSONNEL_NO", value=personnel_no, rule=RULE)
        if reader is None:
            raise InvalidInput("not_found", field="--as", value=reader_no, rule=RULE)
        if not may_read_results_of(session, reader, servant, found.methodology):  # not even whether there are any
            scope = loader.load(found.methodology).scope
            raise InvalidInput(
                "past_not_reader", field="--as", value=reader_no, rule=scope.result_readers_paragraph if scope else RULE, source=found.methodology
            )
        rows = session.exec(select(PastResult).where(PastResult.servant_id == servant.id).order_by(col(PastResult.year)))
        return [
            {"year": r.year, "kind": r.kind, "score": float(r.score), "band": r.band, "source": {"number": r.source_no, "date": r.source_date}} for r in rows
        ]

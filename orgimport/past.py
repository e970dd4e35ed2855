"""Annual results from before a body used bagalau, from HR's file (CSV in UTF-8, or the
sheet «past_results» of an XLSX): one row per servant and year with the score, the band
and the protocol that recorded them (its number and date).

Checked whole like the organisation (every problem at once, row and column as the person
sees them, in their language): the servant must be known in the body; the band one of the
body's methodology's annual bands and the one its score falls in (mne2017 п.33,
typical2023 п.8); the score on that scale; the year no later than today's and not one
bagalau holds the servant's annual appraisal for; the protocol dated within or after its
year and not after today. The rows come back as unsaved `PastResult`s for the lifecycle
to write with their audit events (states/past_results.py).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, col, select

from methodology import loader
from methodology.inputs import EARLIEST
from methodology.schema import Methodology
from models import Appraisal, PastResult, Servant, StateBody
from orgimport.checks import check_duplicates
from orgimport.columns import Column, bounded, code, iso_date, text
from orgimport.report import Bad, ImportReport, Problem
from orgimport.rows import Row, parse_rows
from orgimport.sheets import Sheet, fill, read_sheet

PAST_RESULTS = "past_results"  # the table of the file (the XLSX sheet's name)
SOURCE_LENGTH = 80
_SCORE = re.compile(r"^[0-9]{1,4}(\.[0-9]+)?$")


def score(raw: str) -> Decimal:
    value = raw.replace(",", ".")  # Excel in a Russian locale writes a decimal comma
    if not _SCORE.match(value):
        raise Bad("past_score")
    if len(value.partition(".")[2]) > 2:
        raise Bad("decimals", places=2)
    return Decimal(value)


def year(raw: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", raw):
        raise Bad("integer")
    return int(raw)


COLUMNS = (
    Column("state_body_code", True, code),
    Column("personnel_no", True, code),
    Column("year", True, year),
    Column("score", True, score),
    Column("band", True, text),
    Column("source_no", True, bounded(SOURCE_LENGTH)),
    Column("source_date", True, iso_date),
)


def read(path: Path) -> Sheet:
    sheet = read_sheet(path, PAST_RESULTS, COLUMNS, sheet_required=True)
    assert sheet is not None  # a required sheet is read or reported, never skipped
    return sheet


def from_rows(rows: list[dict[str, str]]) -> Sheet:
    """The table from rows given as text by column (a scenario's), read as a file's would
    be: the first row is number 2, under the header."""
    sheet = Sheet(PAST_RESULTS, COLUMNS)
    names = [column.name for column in COLUMNS]
    fill(sheet, [names, *([row.get(name, "") for name in names] for row in rows)])
    return sheet


def check(session: Session, sheet: Sheet, on: date) -> tuple[list[Problem], list[PastResult]]:
    """Every problem of the file, or the results it gives (nothing is added to the session)."""
    problems = list(sheet.problems)
    rows = parse_rows(sheet, (), problems)
    problems += check_duplicates(rows, ("state_body_code", "personnel_no", "year"))  # a servant's year once
    bodies = {
        b.code: b
        for b in session.exec(select(StateBody).where(col(StateBody.code).in_({r.values["state_body_code"] for r in rows if r.values.get("state_body_code")})))
    }
    results = [found for row in rows if (found := _result(session, row, bodies, on, problems)) is not None]
    return problems, results


def _result(session: Session, row: Row, bodies: dict[str, StateBody], on: date, problems: list[Problem]) -> PastResult | None:
    """The row's result, or None with its problems added."""
    body = bodies.get(row.values.get("state_body_code") or "")
    if body is None:
        if row.values.get("state_body_code"):
            problems.append(row.problem("state_body_code", "past_body_unknown"))
        return None
    servant = session.exec(select(Servant).where(Servant.state_body_id == body.id, Servant.personnel_no == row.values.get("personnel_no"))).first()
    if servant is None or servant.id is None:
        if row.values.get("personnel_no"):
            problems.append(row.problem("personnel_no", "org_servant_unknown", body=body.code))
        return None
    definition = loader.load(body.methodology)
    before = len(problems)
    _check_year(session, row, servant.id, on, problems)
    _check_result(row, definition, problems)
    _check_source(row, on, problems)
    if len(problems) > before or len(row.values) < len(COLUMNS):
        return None  # a cell of the row is wrong: reported already
    return PastResult(
        servant_id=servant.id,
        methodology=definition.id,
        year=row.values["year"],
        score=row.values["score"],
        band=row.values["band"],
        source_no=row.values["source_no"],
        source_date=row.values["source_date"],
    )


def _check_year(session: Session, row: Row, servant_id: int, on: date, problems: list[Problem]) -> None:
    value = row.values.get("year")
    if value is None:
        return
    if not EARLIEST.year <= value <= on.year:
        problems.append(row.problem("year", "range", low=EARLIEST.year, high=on.year))
        return
    held = select(Appraisal.id).where(Appraisal.servant_id == servant_id, Appraisal.kind == "annual", Appraisal.period == str(value))
    if session.exec(held).first() is not None:
        problems.append(row.problem("year", "past_held"))


def _check_result(row: Row, definition: Methodology, problems: list[Problem]) -> None:
    """The score on the annual scale; the band one of the annual bands, the score's own."""
    rules = definition.rules("annual")
    assert rules is not None, f"{definition.id} has no annual appraisal"
    bands = definition.bands(rules.bands)
    span = definition.score_span("annual")
    value, band = row.values.get("score"), row.values.get("band")
    rule = f"{definition.id} {bands.paragraph}"
    if value is not None and not span.min <= value <= span.max:
        problems.append(row.problem("score", "range", rule, low=span.min, high=span.max))
        value = None
    ids = [b.id for b in bands.bands]
    if band is not None and band not in ids:
        problems.append(row.problem("band", "org_unknown_value", rule, expected=", ".join(ids)))
    elif band is not None and value is not None and bands.band_for(value).id != band:
        problems.append(row.problem("band", "past_band", rule, score=value, expected=bands.band_for(value).id))


def _check_source(row: Row, on: date, problems: list[Problem]) -> None:
    day, value = row.values.get("source_date"), row.values.get("year")
    if day is None:
        return
    if day > on or (value is not None and day.year < value):
        low = date(value, 1, 1).isoformat() if value is not None else EARLIEST.isoformat()
        problems.append(row.problem("source_date", "range", low=low, high=on.isoformat()))


def report_of(problems: list[Problem]) -> ImportReport:
    """The report of a checked file: its problems by row, or counts to fill in as it is written."""
    report = ImportReport(counts={"past_result": {"created": 0, "updated": 0, "unchanged": 0}})
    report.problems = sorted(problems, key=lambda p: p.row or 0)
    return report

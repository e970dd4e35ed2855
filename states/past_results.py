"""Results from before a body used bagalau (models/past_results.py): written with the audit
event that says who imported them from which protocol, and read back beside bagalau's own
closed appraisals wherever a rule counts earlier results (mne2017 п.46, states/consequences.py).

Who may read one is who may read a result (typical2023 п.16, п.21;
states/confidentiality.may_read_results_of).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from models import Appraisal, AuditEvent, PastResult
from models.db import id_of

ACTION = "import_past_result"


def record(session: Session, entry: PastResult, at: datetime) -> str:
    """Write the checked result (or correct the one of its year) with its audit event;
    say whether it was created, updated or unchanged."""
    found = session.exec(
        select(PastResult).where(PastResult.servant_id == entry.servant_id, PastResult.kind == "annual", PastResult.year == entry.year)
    ).first()
    values: dict[str, Any] = {
        "methodology": entry.methodology,
        "score": entry.score,
        "band": entry.band,
        "source_no": entry.source_no,
        "source_date": entry.source_date,
    }
    if found is not None and all(getattr(found, name) == value for name, value in values.items()):
        return "unchanged"
    previous = found.band if found is not None else None
    row = found or entry
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    session.add(
        AuditEvent(
            past_result_id=id_of(row),
            at=at,
            actor_id=None,
            actor_role="hr",
            action=ACTION,
            from_state=previous,
            to_state=entry.band,
            reason=f"{entry.source_no} {entry.source_date.isoformat()}",
            data={"year": entry.year, "score": str(entry.score), "band": entry.band},
        )
    )
    return "updated" if found is not None else "created"


def earlier_bands(session: Session, servant_id: int, kind: str, period: str) -> dict[str, str]:
    """The band of every earlier period of `kind` the servant has a result for: imported
    ones, then bagalau's own closed appraisals (which an import never overlaps)."""
    bands: dict[str, str] = {}
    if "-Q" not in period:  # past results are annual
        imported = select(PastResult.year, PastResult.band).where(
            PastResult.servant_id == servant_id, PastResult.kind == kind, col(PastResult.year) < int(period)
        )
        bands.update((str(year), band) for year, band in session.exec(imported))
    held = select(Appraisal.period, Appraisal.band).where(
        Appraisal.servant_id == servant_id,
        Appraisal.kind == kind,
        col(Appraisal.period) < period,
        col(Appraisal.closed_on).is_not(None),
        col(Appraisal.band).is_not(None),
    )
    bands.update((p, band) for p, band in session.exec(held) if band is not None)
    return bands

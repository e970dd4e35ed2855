"""Retention: documents of an appraisal are kept for a number of years from its end
(typical2023 п.15: three), then purged.

Purging removes what the actors wrote (sheets, votes, answers, acts, calibration, appeals,
notices, consequences) and blanks the result and the audit events' data; the appraisal row
and its bare trail stay, so counts and compliance history survive. Never purged: an
appraisal under appeal or on legal hold. Each purge is written to the audit trail. The
weekly compliance reports sent to heads of HR (notices about a body, naming who was late)
go after the same term, counted in the purge's report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col

from methodology import loader
from models import (
    Appeal,
    Appraisal,
    AuditEvent,
    BonusItem,
    CalibrationApplication,
    CalibrationParticipant,
    CalibrationSession,
    CalibrationVote,
    Consequence,
    Indicator,
    Notice,
    ParameterScore,
    RefusalAct,
    SelfAnswer,
    StateBody,
    SurveyInvitation,
    SurveyTally,
    Violation,
    Vote,
)
from models.db import rowcount, table_of, transaction

_BY_APPRAISAL: list[type[SQLModel]] = [
    Indicator,
    BonusItem,
    Violation,
    ParameterScore,
    RefusalAct,
    SurveyTally,
    SelfAnswer,
    SurveyInvitation,
    Vote,
    CalibrationApplication,
    Appeal,
    Notice,
    Consequence,
]


@dataclass
class PurgeReport:
    purged: list[int] = field(default_factory=list)
    kept_on_hold: list[int] = field(default_factory=list)
    rows: int = 0
    reports: int = 0  # weekly reports to heads of HR


def purge(engine: Engine, today: date, *, at: datetime, dry_run: bool = False) -> PurgeReport:
    """Purge what is past retention on `today`; with `dry_run`, only say what would go."""
    report = PurgeReport()
    with transaction(engine) as session:
        for appraisal in _expired(session, today):
            appraisal_id = appraisal.id
            assert appraisal_id is not None, "a row read from the database"
            if appraisal.legal_hold or _under_appeal(session, appraisal_id):
                report.kept_on_hold.append(appraisal_id)
                continue
            if dry_run:
                report.purged.append(appraisal_id)
                continue
            removed = _purge_one(session, appraisal_id)
            session.execute(update(Appraisal).where(col(Appraisal.id) == appraisal_id).values(score=None, band=None, reason=None, events={}, purged_on=today))
            session.add(
                AuditEvent(
                    appraisal_id=appraisal_id,
                    at=at,
                    actor_id=None,
                    actor_role="system",
                    action="purge",
                    from_state=appraisal.state,
                    to_state=appraisal.state,
                    reason=_retention_rule(appraisal),
                    data={"rows": removed},
                )
            )
            report.purged.append(appraisal_id)
            report.rows += sum(removed.values())
        if not dry_run:
            report.reports = _purge_reports(session, today)
    return report


def _expired(session: Session, today: date) -> list[Appraisal]:
    """Closed appraisals whose retention has run out, by each one's methodology."""
    out: list[Appraisal] = []
    for name, cutoff in _cutoffs(today):
        query = select(Appraisal).where(col(Appraisal.methodology) == name, col(Appraisal.closed_on) < cutoff, col(Appraisal.purged_on).is_(None))
        out.extend(session.execute(query).scalars())
    return out


def _purge_reports(session: Session, today: date) -> int:
    removed = 0
    for name, cutoff in _cutoffs(today):
        bodies = select(col(StateBody.id)).where(col(StateBody.methodology) == name)
        result = session.execute(delete(Notice).where(col(Notice.state_body_id).in_(bodies), col(Notice.due) < cutoff))
        removed += rowcount(result)
    return removed


def _cutoffs(today: date) -> list[tuple[str, date]]:
    """Each methodology with a retention term, and the day before which it has run out."""
    terms = [(name, loader.load(name).retention) for name in loader.available()]
    return [(name, today - relativedelta(years=term.years)) for name, term in terms if term is not None]


def _under_appeal(session: Session, appraisal_id: int) -> bool:
    pending = select(col(Appeal.id)).where(col(Appeal.appraisal_id) == appraisal_id, col(Appeal.decided_on).is_(None))
    return session.execute(pending).first() is not None


def _purge_one(session: Session, appraisal_id: int) -> dict[str, int]:
    removed: dict[str, int] = {}
    sessions = select(col(CalibrationSession.id)).where(col(CalibrationSession.appraisal_id) == appraisal_id)
    for linked in (CalibrationVote, CalibrationParticipant):
        rows = table_of(linked)
        removed[rows.name] = rowcount(session.execute(delete(linked).where(rows.c.session_id.in_(sessions))))
    result = session.execute(delete(CalibrationSession).where(col(CalibrationSession.appraisal_id) == appraisal_id))
    removed["calibration_session"] = rowcount(result)
    for table in _BY_APPRAISAL:
        rows = table_of(table)
        removed[rows.name] = rowcount(session.execute(delete(table).where(rows.c.appraisal_id == appraisal_id)))
    session.execute(update(AuditEvent).where(col(AuditEvent.appraisal_id) == appraisal_id).values(data={}, reason=None))
    return {name: count for name, count in removed.items() if count}


def _retention_rule(appraisal: Appraisal) -> str:
    retention = loader.load(appraisal.methodology).retention
    return f"{appraisal.methodology} {retention.paragraph}" if retention else appraisal.methodology

"""Notices out of attempts ("dead", with their last error) of one state body, and HR's
resend: back to pending with attempts reset, so the next delivery tries every channel
again; the resend is in the appraisal's audit trail, with who asked and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlmodel import Session, col

from methodology.errors import InvalidInput
from models import Appraisal, AuditEvent, Notice, Servant

RESEND = "resend_notice"


@dataclass(frozen=True)
class DeadLetter:
    id: int
    kind: str
    step: str
    due: date
    recipient: str
    appraisal: int | None
    attempts: int
    last_error: str


def _of_body(body_id: int) -> ColumnElement[bool]:
    """Notices about an appraisal of the body, or about the body itself."""
    servants = select(col(Servant.id)).where(col(Servant.state_body_id) == body_id)
    appraisals = select(col(Appraisal.id)).where(col(Appraisal.servant_id).in_(servants))
    return or_(col(Notice.appraisal_id).in_(appraisals), col(Notice.state_body_id) == body_id)


def dead_of(session: Session, body_id: int) -> list[DeadLetter]:
    recipient = select(col(Servant.full_name)).where(col(Servant.id) == Notice.recipient_id).scalar_subquery()
    query = (
        select(
            col(Notice.id),
            col(Notice.kind),
            col(Notice.step),
            col(Notice.due),
            recipient,
            col(Notice.appraisal_id),
            col(Notice.attempts),
            col(Notice.last_error),
        )
        .where(col(Notice.status) == "dead", _of_body(body_id))
        .order_by(col(Notice.due), col(Notice.id))
    )
    return [
        DeadLetter(i, kind, step, due, name or "—", appraisal, attempts, error or "")
        for i, kind, step, due, name, appraisal, attempts, error in session.execute(query)
    ]


def resend(session: Session, body_id: int, notice_id: int, actor: Servant, at: datetime) -> Notice:
    """Put one dead notice of the body back to pending; anything else is refused by name."""
    notice = session.execute(select(Notice).where(col(Notice.id) == notice_id, _of_body(body_id))).scalar_one_or_none()
    if notice is None or notice.status != "dead":
        raise InvalidInput("unknown", field="notice", value=notice_id, rule="docs/api.md#hr", expected="a dead notice of your state body")
    error = notice.last_error
    notice.status, notice.attempts, notice.next_attempt_at, notice.last_error, notice.delivered = "pending", 0, None, None, ""
    session.add(notice)
    if notice.appraisal_id is not None:
        appraisal = session.get(Appraisal, notice.appraisal_id)
        assert appraisal is not None
        session.add(
            AuditEvent(
                appraisal_id=appraisal.id,
                at=at,
                actor_id=actor.id,
                actor_role="hr",
                action=RESEND,
                from_state=appraisal.state,
                to_state=appraisal.state,
                reason=error,
                data={"notice": notice.id, "kind": notice.kind, "step": notice.step},
            )
        )
    return notice

"""Who may read a result (typical2023 п.16, п.21): enforced wherever an appraisal leaves
the system (the CLI's `show`, reports, exports), from the definition's `result_readers`.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from methodology import loader
from models import Appraisal, AuditEvent, CalibrationParticipant, CalibrationSession, Servant
from states import machines
from states.roles import roles_of

HIDDEN = "hidden"


def may_read_result(session: Session, person: Servant, appraisal: Appraisal) -> bool:
    scope = loader.load(appraisal.methodology).scope
    readers = set(scope.result_readers) if scope else set()
    roles = roles_of(session, person, appraisal)
    if person.is_head_of_hr and _same_body(session, person, appraisal):
        roles.add("head_of_hr")
    if _calibrates(session, person, appraisal):
        roles.add("calibration")
    return bool(readers & roles)


def may_see(session: Session, person: Servant, appraisal: Appraisal) -> bool:
    """Who may see an appraisal at all (typical2023 п.16, п.21): the servant, the assessor,
    the body's HR and head of HR, the calibration participants, and the commission or the
    appointing official while the workflow gives them a step on it or once they took one.
    A 360 respondent sees only their questionnaire, never the appraisal."""
    roles = roles_of(session, person, appraisal)
    if roles & {"servant", "direct_manager", "hr"} or _calibrates(session, person, appraisal):
        return True
    if person.is_head_of_hr and _same_body(session, person, appraisal):
        return True
    return bool(roles & {"commission", "appointing_official"}) and _before_them(session, appraisal, roles)


def _before_them(session: Session, appraisal: Appraisal, roles: set[str]) -> bool:
    rows = machines.transitions_from(appraisal.methodology, appraisal.kind, appraisal.state)  # type: ignore[arg-type]
    if any(roles & set(row.roles) for row in rows):
        return True
    query = select(AuditEvent.id).where(AuditEvent.appraisal_id == appraisal.id, AuditEvent.actor_role.in_(sorted(roles)))  # type: ignore[attr-defined]
    return session.exec(query).first() is not None


def result_view(session: Session, person: Servant, appraisal: Appraisal) -> dict[str, Any]:
    """The result as this person may see it."""
    if may_read_result(session, person, appraisal):
        return {"score": None if appraisal.score is None else float(appraisal.score), "band": appraisal.band}
    return {"score": HIDDEN, "band": HIDDEN}


def _same_body(session: Session, person: Servant, appraisal: Appraisal) -> bool:
    servant = session.get(Servant, appraisal.servant_id)
    return servant is not None and servant.state_body_id == person.state_body_id


def _calibrates(session: Session, person: Servant, appraisal: Appraisal) -> bool:
    query = (
        select(CalibrationParticipant.id)
        .join(CalibrationSession, CalibrationSession.id == CalibrationParticipant.session_id)
        .where(CalibrationSession.appraisal_id == appraisal.id, CalibrationParticipant.servant_id == person.id)
    )
    return session.exec(query).first() is not None

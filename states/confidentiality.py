"""Who may read a result (typical2023 п.16, п.21): enforced wherever an appraisal leaves
the system (the CLI's `show`, reports, exports), from the definition's `result_readers`.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from methodology import loader
from models import Appraisal, CalibrationParticipant, CalibrationSession, Servant
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

"""Who may read a result (typical2023 п.16, п.21): enforced wherever an appraisal leaves
the system (the CLI's `show`, reports, exports), from the definition's `result_readers`.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from methodology import loader
from models import Appraisal, Servant
from states.people import reader_roles

HIDDEN = "hidden"


def may_read_result(session: Session, person: Servant, appraisal: Appraisal) -> bool:
    scope = loader.load(appraisal.methodology).scope
    readers = set(scope.result_readers) if scope else set()
    return bool(readers & reader_roles(session, person, appraisal))


def result_view(session: Session, person: Servant, appraisal: Appraisal) -> dict[str, Any]:
    """The result as this person may see it."""
    if may_read_result(session, person, appraisal):
        return {"score": None if appraisal.score is None else float(appraisal.score), "band": appraisal.band}
    return {"score": HIDDEN, "band": HIDDEN}


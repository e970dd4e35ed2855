"""Four respondents answering one 360 at once (typical2023 п.34): answering adds to the
survey's tally and claims nothing, so none of them is refused, and every answer counts."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.factories import organisation
from methodology import loader
from models import SurveyInvitation
from models.db import transaction
from states.cycles import open_cycle
from states.handlers.survey import pooled_answers
from states.service import act

STAFF = [c.id for c in loader.load("typical2023").survey360.competencies["staff"]]  # type: ignore[union-attr]
RESPONDENTS = {"manager": "manager", "colleague1": "peer", "colleague2": "peer", "colleague3": "peer"}


def test_four_respondents_answering_at_once_all_count(db: Engine) -> None:
    org = organisation(db, "typical2023")
    open_cycle(db, org.code, "360", "2025", on=date(2025, 12, 15))
    appraisal = org.appraisal("servant", "360", "2025").id
    assert appraisal is not None
    invited = [{"servant": org.ids[n], "role": r} for n, r in RESPONDENTS.items()]
    act(db, appraisal, org.ids["hr"], "invite", {"respondents": invited}, on=date(2026, 1, 5))
    start = threading.Barrier(len(RESPONDENTS))
    errors: list[BaseException] = []

    def answer(name: str) -> None:
        payload: dict[str, Any] = {"answers": {c: [4, 4, 4] for c in STAFF}}
        start.wait()
        try:
            act(db, appraisal, org.ids[name], "answer", payload, on=date(2026, 1, 8))
        except BaseException as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)

    threads = [threading.Thread(target=answer, args=(name,)) for name in RESPONDENTS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with transaction(db) as session:
        answered = session.exec(select(SurveyInvitation).where(SurveyInvitation.appraisal_id == appraisal,
                                                               SurveyInvitation.answered == True)).all()  # noqa: E712
        pooled = pooled_answers(session, appraisal)
    assert len(answered) == 4
    assert all(len(values) == 4 * 3 for values in pooled.values())  # four respondents × three answers each
    from states.audit_chain import verify

    with transaction(db) as session:
        assert verify(session) == []  # sealed in commit order, whatever order the ids took

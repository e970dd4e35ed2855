"""One mne2017 quarter from the cycle's opening to its close, on both databases: the
path every other lifecycle test branches from."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import select

from models import AuditEvent, Deadline
from models.db import transaction
from states.cycles import open_cycle
from states.service import act
from tests.factories import organisation


def test_a_quarter_from_opening_to_close(db: Engine) -> None:
    org = organisation(db)
    opened = open_cycle(db, "body", "quarterly", "2026-Q1", on=date(2026, 4, 1))
    assert len(opened.created) == 8 and all(p.state == "draft" for p in opened.created)
    appraisal = org.appraisal("servant", "quarterly", "2026-Q1")
    ids = org.ids
    act(db, appraisal.id, ids["servant"], "submit", {"bonus_items": [{"description": "Draft law", "points": 3}]}, on=date(2026, 4, 2))
    agreed = act(db, appraisal.id, ids["manager"], "agree", {"bonus_items": [{"description": "Draft law", "points": 4}]}, on=date(2026, 4, 3))
    assert agreed.data["score"] == "104.00"  # 100 + 4 (mne2017 п.26)
    act(db, appraisal.id, ids["servant"], "sign", on=date(2026, 4, 6))
    votes = {str(ids["official"]): "approve", str(ids["manager"]): "approve", str(ids["member"]): "approve"}
    act(db, appraisal.id, ids["hr"], "decide", {"held_on": "2026-04-08", "present": [ids["official"], ids["manager"], ids["member"]], "votes": votes}, on=date(2026, 4, 8))
    act(db, appraisal.id, ids["hr"], "familiarise", on=date(2026, 4, 9))
    closed = act(db, appraisal.id, ids["hr"], "close", on=date(2026, 4, 23))  # appeal window: 22 April (п.38)
    assert closed.to_state == "closed"
    with transaction(db) as session:
        trail = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == appraisal.id))]
        rows = {d.step: (d.due, d.status, d.closed_on) for d in session.exec(select(Deadline).where(Deadline.appraisal_id == appraisal.id))}
    assert trail == ["open", "submit", "agree", "sign", "decide", "familiarise", "close"]
    assert rows == {
        "quarterly_appraisal": (date(2026, 4, 10), "done", date(2026, 4, 8)),
        "familiarisation": (date(2026, 4, 10), "done", date(2026, 4, 9)),
        "appeal": (date(2026, 4, 22), "cancelled", date(2026, 4, 23)),
    }

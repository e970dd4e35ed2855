"""The audit trail records who really acted (issue #15 item 9): an action taken on the web
carries the signed-in person as the operator ("web:<personnel no>"), whatever operator the
process had, and the request leaves the process's operator as it found it."""

from __future__ import annotations

from sqlmodel import select

from models import AuditEvent
from models.db import transaction
from states.audit_chain import OPERATOR
from tests.factories import Org
from tests.web.conftest import signed_in

BONUS = {"bonus_items": [{"description": "Seminar for the regions", "points": 3}]}


def _operator_of(org: Org, appraisal_id: int, action: str) -> str | None:
    with transaction(org.engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == appraisal_id, AuditEvent.action == action)).one()
    return event.operator


def test_an_action_on_the_web_records_the_signed_in_person_as_its_operator(app, org: Org) -> None:  # type: ignore[no-untyped-def]
    own = org.appraisal("servant", "quarterly", "2026-Q1")
    outer = OPERATOR.set("someone-at-the-keyboard")  # what the CLI would have set in this process
    try:
        servant = signed_in(app, "servant")
        done = servant.post(f"/api/v1/appraisals/{own.id}/actions/submit", json={"data": BONUS, "version": own.version})
        assert done.status_code == 200, done.text
        manager = signed_in(app, "manager")
        agreed = manager.post(f"/api/v1/appraisals/{own.id}/actions/agree", json={"data": BONUS, "version": own.version + 1})
        assert agreed.status_code == 200, agreed.text
        assert OPERATOR.get() == "someone-at-the-keyboard"  # the request did not leak its operator
    finally:
        OPERATOR.reset(outer)
    assert _operator_of(org, own.id, "submit") == "web:servant"  # type: ignore[arg-type]
    assert _operator_of(org, own.id, "agree") == "web:manager"  # type: ignore[arg-type]

"""Legal holds: an appraisal under a court case or an HR inquiry is never purged until the
hold is released (states/retention.py keeps it). Setting and releasing a hold are events of
the audit trail with their reason, so who held what, when and why is on record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from methodology import inputs
from methodology.errors import InvalidInput
from models import Appraisal, AuditEvent
from models.db import transaction

RULE = "docs/production.md#retention"


def set_hold(engine: Engine, appraisal_id: int, held: bool, reason: str, *, at: datetime) -> Appraisal:
    """Put an appraisal on legal hold (`held`) or release it, with the reason, audited."""
    reason = inputs.text(reason, "--reason", RULE, multiline=True)
    if not reason:
        raise InvalidInput("missing", field="--reason", value=reason, rule=RULE)
    with transaction(engine) as session:
        appraisal = session.get(Appraisal, appraisal_id)
        if appraisal is None:
            raise InvalidInput("not_found", field="APPRAISAL", value=appraisal_id, rule=RULE)
        if appraisal.legal_hold == held:
            raise InvalidInput("hold_already", field="APPRAISAL", value=appraisal_id, rule=RULE)
        appraisal.legal_hold = held
        session.add(appraisal)
        session.add(
            AuditEvent(
                appraisal_id=appraisal_id,
                at=at,
                actor_id=None,
                actor_role="operator",
                action="hold_set" if held else "hold_release",
                from_state=appraisal.state,
                to_state=appraisal.state,
                reason=reason,
                data={},
            )
        )
        return appraisal

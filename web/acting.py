"""Taking an action from the console: the appraisal must be one the person may see (else
404, as if it did not exist), and then it is `states.service.act` with the signed-in
person as the actor and the page's version as the expected one: the same rules, the same
refusals, one transaction, one audit event."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import HTTPException

from models.db import id_of, transaction
from states import service
from states.service import Outcome
from web.app import Console
from web.identity.sessions import Signed
from web.views import visible

log = logging.getLogger("bagalau.web")


def ensure_visible(console: Console, who: Signed, appraisal_id: int) -> None:
    with transaction(console.engine) as session:
        if visible(session, who.person, appraisal_id) is None:
            raise HTTPException(404)


def take(console: Console, who: Signed, appraisal_id: int, action: str, data: dict[str, Any], version: int | None) -> Outcome:
    ensure_visible(console, who, appraisal_id)
    outcome = service.act(
        console.engine,
        appraisal_id,
        id_of(who.person),
        action,
        data,
        on=console.settings.day(),
        at=console.settings.moment(),
        expected_version=version,
    )
    # Who did what, never with what data: a score or a proof stays out of the logs.
    log.info("appraisal %s: %s by servant %s -> %s", appraisal_id, action, who.person.id, outcome.to_state)
    return outcome

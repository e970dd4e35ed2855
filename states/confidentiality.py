"""Who may see an appraisal at all, and who may read its result (typical2023 п.16, п.21):
enforced wherever an appraisal leaves the system (the CLI's `show` and `document`,
notices, reports, exports).

`may_see` (its state, history, deadlines, documents): the servant, the assessor, the
body's HR and head of HR, the commission once the appraisal is before it, the calibration
participants, and the appointing official where the workflow gives them a step; a 360
respondent sees only their own questionnaire (the invitation), never the appraisal; a
subordinate never sees their manager's. `may_read_result`, within that, is the
definition's `result_readers`.

HR familiarises the servant (typical2023 п.12) even where HR may not read the result
(п.21): HR sees the appraisal with its result hidden and takes the `familiarise` action;
the result reaches the servant in the notice the action causes, which only a result
reader's copy shows.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from methodology import loader
from methodology.schema import as_kind
from models import Appraisal, AuditEvent, Servant
from states.people import reader_roles

HIDDEN = "hidden"


def may_see(session: Session, person: Servant, appraisal: Appraisal) -> bool:
    """Whether this person may see the appraisal at all (its state, history, deadlines)."""
    roles = reader_roles(session, person, appraisal)
    if roles & {"servant", "direct_manager", "hr", "head_of_hr", "calibration"}:
        return True
    flow = loader.load(appraisal.methodology).flow(as_kind(appraisal.kind))
    if "appointing_official" in roles and any("appointing_official" in row.roles for row in flow.transitions):
        return True
    return "commission" in roles and _before_the_commission(session, appraisal, flow.transitions)


def _before_the_commission(session: Session, appraisal: Appraisal, rows: list[Any]) -> bool:
    """The appraisal waits for the commission now, or the commission has acted on it."""
    actions = [row.action for row in rows if "commission" in row.roles]
    if any(appraisal.state in row.source for row in rows if "commission" in row.roles):
        return True
    acted = select(AuditEvent.id).where(AuditEvent.appraisal_id == appraisal.id, col(AuditEvent.action).in_(actions))
    return bool(actions) and session.exec(acted).first() is not None


def may_read_result(session: Session, person: Servant, appraisal: Appraisal) -> bool:
    scope = loader.load(appraisal.methodology).scope
    readers = set(scope.result_readers) if scope else set()
    return bool(readers & reader_roles(session, person, appraisal))


def result_view(session: Session, person: Servant, appraisal: Appraisal) -> dict[str, Any]:
    """The result as this person may see it."""
    if may_read_result(session, person, appraisal):
        return {"score": None if appraisal.score is None else float(appraisal.score), "band": appraisal.band}
    return {"score": HIDDEN, "band": HIDDEN}


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

`may_read_results_of`: a result imported from before bagalau (states/past_results.py)
has the readers of a result, with the roles a year outside bagalau can have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session, col, select

from methodology import loader
from methodology.errors import InvalidInput
from methodology.schema import as_kind
from models import Appraisal, AuditEvent, Servant, SurveyInvitation
from models.db import id_of
from states.people import OfBody, OnAppraisal, Standing

HIDDEN = "hidden"


def may_see(session: Session, person: Servant, appraisal: Appraisal) -> bool:
    """Whether this person may see the appraisal at all (its state, history, deadlines)."""
    servant = session.get(Servant, appraisal.servant_id)
    return bool(seen_among(session, Standing.of(session, person), [appraisal], {appraisal.servant_id: servant}))


def seen_among(session: Session, standing: Standing, appraisals: Sequence[OnAppraisal], servants: Mapping[int, OfBody | None]) -> set[int]:
    """The ids of those appraisals the person of `standing` may see; `servants` holds each
    appraisal's servant. A page of many appraisals asks this once: at most one query, for
    the commission's history."""
    seen, pending = set(), {}
    for appraisal in appraisals:
        rows = loader.load(appraisal.methodology).flow(as_kind(appraisal.kind)).transitions
        verdict = _verdict(standing.reader_roles(appraisal, servants.get(appraisal.servant_id)), appraisal, rows)
        if verdict is None:
            pending[id_of(appraisal)] = {row.action for row in rows if "commission" in row.roles}
        elif verdict:
            seen.add(id_of(appraisal))
    if pending:
        acted = select(AuditEvent.appraisal_id, AuditEvent.action).where(
            col(AuditEvent.appraisal_id).in_(pending), col(AuditEvent.action).in_(set().union(*pending.values()))
        )
        seen.update(appraisal for appraisal, action in session.exec(acted) if appraisal is not None and action in pending[appraisal])
    return seen


def _verdict(roles: set[str], appraisal: OnAppraisal, rows: list[Any]) -> bool | None:
    """Seen, not seen, or None: as a commission member, seen if the commission has acted on it."""
    if roles & {"servant", "direct_manager", "hr", "head_of_hr", "calibration"}:
        return True
    if "appointing_official" in roles and any("appointing_official" in row.roles for row in rows):
        return True
    if "commission" not in roles:
        return False
    if any(appraisal.state in row.source for row in rows if "commission" in row.roles):
        return True  # it waits for the commission now
    return None


def may_see_document(session: Session, person: Servant, appraisal: Appraisal, *, blank: bool = False) -> bool:
    """Whether a document of the appraisal (a form, in print or in bulk) reaches the
    person: only one who may see the appraisal; a blank questionnaire, which shows no
    result, to the respondents invited to it too, before or after they answer (typical2023
    п.34)."""
    if may_see(session, person, appraisal):
        return True
    invited = select(SurveyInvitation.id).where(SurveyInvitation.appraisal_id == appraisal.id, SurveyInvitation.respondent_id == person.id)
    return blank and session.exec(invited).first() is not None


def refuse_unseen(person: Servant, appraisal: Appraisal) -> InvalidInput:
    """The one refusal to a person who may not see the appraisal (`show`, `document`):
    it names the rule, never the appraisal's state or history."""
    scope = loader.load(appraisal.methodology).scope
    return InvalidInput(
        "not_yours_to_see",
        field="--as",
        value=person.personnel_no,
        rule=scope.result_readers_paragraph if scope else "docs/lifecycle.md",
        source=appraisal.methodology,
    )


def may_read_result(session: Session, person: Servant, appraisal: Appraisal) -> bool:
    return reads_result(Standing.of(session, person), appraisal, session.get(Servant, appraisal.servant_id))


def reads_result(standing: Standing, appraisal: OnAppraisal, servant: OfBody | None) -> bool:
    """Whether the person of `standing` is among the definition's result readers here."""
    scope = loader.load(appraisal.methodology).scope
    readers = set(scope.result_readers) if scope else set()
    return bool(readers & standing.reader_roles(appraisal, servant))


def result_view(session: Session, person: Servant, appraisal: Appraisal) -> dict[str, Any]:
    """The result as this person may see it."""
    if may_read_result(session, person, appraisal):
        return {"score": None if appraisal.score is None else float(appraisal.score), "band": appraisal.band}
    return {"score": HIDDEN, "band": HIDDEN}


def may_read_results_of(session: Session, person: Servant, servant: Servant, methodology: str) -> bool:
    """Whether the person may read the servant's results from before bagalau: a result
    is read by the definition's `result_readers`, among the roles a year outside bagalau
    leaves (the servant, their direct manager, the body's HR and head of HR; no
    commission or calibration session of that year is in bagalau)."""
    if person.id == servant.id:
        return True
    roles = {"direct_manager"} if person.id == servant.manager_id else set()
    if person.state_body_id == servant.state_body_id:
        roles |= {role for role, held in (("hr", person.is_hr), ("head_of_hr", person.is_head_of_hr)) if held}
    scope = loader.load(methodology).scope
    return bool(roles & set(scope.result_readers if scope else ()))

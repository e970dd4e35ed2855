"""Who may read a stored notice that carries a result (typical2023 п.16, п.21).

A notice is rendered for its recipient; when that recipient may read the appraisal's score,
the notice carries it. Shown to anyone else (`notices show` at an HR desk) it would leak the
score, so the reader is checked first: the recipient, or someone who may read the result.
A reader named (`--as`) who may not see the appraisal at all is refused any notice about
it, as `show` refuses them: its text names the step, the due day and the state.
"""

from __future__ import annotations

from sqlmodel import Session, select

from methodology.errors import InvalidInput
from models import Appraisal, Notice, Servant
from states.confidentiality import may_read_result, may_see, refuse_unseen

RULE = "typical2023 п.16, п.21"


def carries_result(session: Session, notice: Notice) -> bool:
    appraisal = session.get(Appraisal, notice.appraisal_id) if notice.appraisal_id else None
    recipient = session.get(Servant, notice.recipient_id) if notice.recipient_id else None
    return bool(appraisal and recipient and appraisal.score is not None and may_read_result(session, recipient, appraisal))


def check_reader(session: Session, notice: Notice, personnel_no: str | None) -> None:
    """Refuse to show a notice about an appraisal to a reader named who may not see that
    appraisal (as `show` refuses), and one carrying a result to a reader who may not read it."""
    result = carries_result(session, notice)
    if personnel_no is None:
        if result:
            raise InvalidInput("missing", field="--as", value="", rule=RULE)
        return
    appraisal = session.get(Appraisal, notice.appraisal_id) if notice.appraisal_id else None
    if appraisal is None:
        return  # a body's notice (the weekly report) carries no appraisal
    owner = session.get(Servant, appraisal.servant_id)
    reader = session.exec(
        select(Servant).where(Servant.personnel_no == personnel_no, Servant.state_body_id == (owner.state_body_id if owner else None))
    ).first()
    if reader is None:
        raise InvalidInput("not_found", field="--as", value=personnel_no, rule=RULE)
    if reader.id == notice.recipient_id:
        return
    if not may_see(session, reader, appraisal):
        raise refuse_unseen(reader, appraisal)
    if result and not may_read_result(session, reader, appraisal):
        raise InvalidInput("form_not_reader", field="--as", value=personnel_no, rule=RULE)

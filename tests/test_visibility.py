"""Who may see an appraisal at all (typical2023 п.16, п.21; states/confidentiality.py), on
both databases: role × (state and history and deadlines through `show`, the result,
documents, notices). A subordinate never sees his manager's appraisal; a commission member
sees it once it is before the commission; a person outside every role sees nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology.errors import InvalidInput
from models import Notice, Servant
from models.db import transaction
from notifications.forms import prepare
from services.appraisals import appraisal_view
from states.confidentiality import HIDDEN, may_see
from states.cycles import open_cycle
from states.service import act
from tests.factories import Org, hire, organisation

OPENING = date(2026, 4, 1)

# the manager's Q1 sheet, signed (before the commission): who sees it, who reads the result
SIGNED = {
    "manager": (True, True),     # the servant
    "official": (True, True),    # the assessor, the appointing official, the commission's chair
    "hr": (True, True),          # the body's HR and head of HR
    "member": (True, True),      # the commission, for the appraisal before it (mne2017 п.35)
    "servant": (False, False),   # a subordinate: never his manager's appraisal
    "colleague1": (False, False),
    "vice": (False, False),      # no role on it at all
}


def signed_sheet(org: Org) -> int:
    ids, db = org.ids, org.engine
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    appraisal = org.appraisal("manager", "quarterly", "2026-Q1")
    act(db, appraisal.id, ids["manager"], "submit", {"bonus_items": []}, on=date(2026, 4, 2))
    act(db, appraisal.id, ids["official"], "agree", {"bonus_items": []}, on=date(2026, 4, 3))
    act(db, appraisal.id, ids["manager"], "sign", on=date(2026, 4, 6))
    return appraisal.id  # type: ignore[return-value]


def document(org: Org, appraisal_id: int, who: str) -> bool:
    """Whether `who` gets the quarterly sheet (a form with the result) of the appraisal."""
    with transaction(org.engine) as session:
        reader = session.get(Servant, org.ids[who])
        assert reader is not None
        try:
            prepare(session, "quarterly-sheet", appraisal_id, reader, "en")
        except InvalidInput:
            return False
        return True


@pytest.mark.parametrize("who", list(SIGNED))
def test_the_visibility_matrix_of_a_sheet_before_the_commission(db: Engine, who: str) -> None:
    org = organisation(db)
    appraisal_id = signed_sheet(org)
    sees, reads = SIGNED[who]
    if sees:
        view = appraisal_view(db, appraisal_id, org.ids[who], "en")
        assert view["state"] == "signed" and [e["action"] for e in view["history"]] == ["open", "submit", "agree", "sign"]
        assert (view["score"] != HIDDEN) == reads
    else:
        with pytest.raises(InvalidInput) as refused:
            appraisal_view(db, appraisal_id, org.ids[who], "en")
        assert (refused.value.code, refused.value.field) == ("not_yours_to_see", "--as")
        assert "signed" not in refused.value.render("en")
    assert document(org, appraisal_id, who) == reads


def member_sees(org: Org) -> bool:
    appraisal = org.appraisal("manager", "quarterly", "2026-Q1")
    with transaction(org.engine) as session:
        member = session.get(Servant, org.ids["member"])
        assert member is not None
        return may_see(session, member, appraisal)


def test_a_commission_member_sees_an_appraisal_only_once_it_is_before_the_commission(db: Engine) -> None:
    org = organisation(db)
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    assert not member_sees(org)  # a draft: the servant and the assessor's
    ids, appraisal = org.ids, org.appraisal("manager", "quarterly", "2026-Q1")
    act(db, appraisal.id, ids["manager"], "submit", {"bonus_items": []}, on=date(2026, 4, 2))
    act(db, appraisal.id, ids["official"], "agree", {"bonus_items": []}, on=date(2026, 4, 3))
    assert not member_sees(org)
    act(db, appraisal.id, ids["manager"], "sign", on=date(2026, 4, 6))
    assert member_sees(org)  # signed: the commission decides next (mne2017 п.35)


def test_every_notice_of_an_appraisal_reaches_only_those_who_may_see_it(db: Engine) -> None:
    org = organisation(db)
    appraisal_id = signed_sheet(org)
    ids = org.ids
    present = [ids[p] for p in ("official", "manager", "member", "hr")]
    votes = {str(ids[v]): "approve" for v in ("official", "member")}
    act(db, appraisal_id, ids["hr"], "decide", {"held_on": "2026-04-08", "present": present, "votes": votes}, on=date(2026, 4, 8))
    act(db, appraisal_id, ids["hr"], "familiarise", on=date(2026, 4, 9))
    appraisal = org.appraisal("manager", "quarterly", "2026-Q1")
    with transaction(db) as session:
        notices = list(session.exec(select(Notice).where(Notice.appraisal_id == appraisal_id)))
        assert notices
        for notice in notices:
            recipient = session.get(Servant, notice.recipient_id) if notice.recipient_id else None
            assert recipient is not None and may_see(session, recipient, appraisal), (notice.kind, notice.recipient_id)


def test_hr_familiarises_the_servant_without_reading_the_result(db: Engine) -> None:
    """typical2023 п.12: HR familiarises; п.21: an HR officer is no reader of the result. The
    officer sees the appraisal with its result hidden and takes the action; the servant's
    view shows it."""
    org = organisation(db, "typical2023")
    hire(org, "officer", manager="hr")
    with transaction(db) as session:
        officer = session.get(Servant, org.ids["officer"])
        assert officer is not None
        officer.is_hr = True
        session.add(officer)
    open_cycle(db, "body", "differentiation", "2026-Q1", on=OPENING)
    appraisal = org.appraisal("servant", "differentiation", "2026-Q1")
    scores = {name: {"score": 4, "justification": f"{name}: as the records show"} for name in ("quality", "deadlines", "initiative", "discipline")}
    act(db, appraisal.id, org.ids["manager"], "score", {"scores": scores}, on=date(2026, 4, 6))
    view = appraisal_view(db, appraisal.id, org.ids["officer"], "en")
    assert (view["state"], view["score"], view["band"]) == ("scored", HIDDEN, HIDDEN)
    assert "familiarise" in {a["action"] for a in view["you_may"]}
    assert not document(org, appraisal.id, "officer")  # the sheet carries the result
    act(db, appraisal.id, org.ids["officer"], "familiarise", on=date(2026, 4, 7))
    assert appraisal_view(db, appraisal.id, org.ids["servant"], "en")["score"] == 4.0

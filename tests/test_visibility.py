"""Who may see an appraisal at all (typical2023 п.16, п.21; states/confidentiality.py), on
both databases, through every way it leaves the system: role × (state, history and
deadlines through `show`; the result; documents one by one, on the command line and in
bulk; notices as sent and as shown; the compliance report). A subordinate never sees his
manager's appraisal; a commission member sees it once it is before the commission, and
until then gets none of its documents though the commission reads results (mne2017
п.35); a person outside every role sees nothing, and is refused a document as `show`
refuses them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from methodology.errors import InvalidInput
from models import Appraisal, Notice, Servant, StateBody
from models.db import transaction
from notifications.forms import prepare
from notifications.forms.bulk import gather
from services.appraisals import appraisal_view
from services.notices import show_notice
from states.compliance import Row, rows_of
from states.confidentiality import HIDDEN, may_read_result, may_see
from states.cycles import open_cycle
from states.service import act
from tests.factories import Org, hire, organisation
from tests.inprocess import Done, cli

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


def refusal(org: Org, appraisal_id: int, who: str, form: str = "quarterly-sheet") -> InvalidInput | None:
    """Why `who` does not get the form of the appraisal, or None: they get it."""
    with transaction(org.engine) as session:
        reader = session.get(Servant, org.ids[who])
        assert reader is not None
        try:
            prepare(session, form, appraisal_id, reader, "en")
        except InvalidInput as error:
            return error
        return None


def document(org: Org, appraisal_id: int, who: str) -> bool:
    """Whether `who` gets the quarterly sheet (a form with the result) of the appraisal."""
    return refusal(org, appraisal_id, who) is None


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
        unseen = refusal(org, appraisal_id, who)  # the same refusal for its documents
        assert unseen is not None and unseen.render("en") == refused.value.render("en")
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


# --- documents: one by one, on the command line, in bulk --------------------------------


def agreed_sheet(org: Org) -> int:
    """The manager's Q1 sheet agreed by the official: not yet before the commission."""
    ids, db = org.ids, org.engine
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    appraisal = org.appraisal("manager", "quarterly", "2026-Q1")
    act(db, appraisal.id, ids["manager"], "submit", {"bonus_items": []}, on=date(2026, 4, 2))
    act(db, appraisal.id, ids["official"], "agree", {"bonus_items": []}, on=date(2026, 4, 3))
    return appraisal.id  # type: ignore[return-value]


def test_a_commission_member_gets_no_document_of_an_appraisal_not_yet_before_the_commission(db: Engine) -> None:
    """mne2017 names the commission among a result's readers (п.35), yet an appraisal not
    before it does not exist for a member: its sheet is refused as `show` refuses it."""
    org = organisation(db)
    appraisal_id = agreed_sheet(org)
    appraisal = org.appraisal("manager", "quarterly", "2026-Q1")
    with transaction(db) as session:
        member = session.get(Servant, org.ids["member"])
        assert member is not None
        assert may_read_result(session, member, appraisal) and not may_see(session, member, appraisal)
    refused = refusal(org, appraisal_id, "member")
    assert refused is not None and refused.code == "not_yours_to_see"
    assert refusal(org, appraisal_id, "hr") is None  # HR prepares the commission (п.35)


def command(db: Engine, *args: str) -> Done:
    url = str(db.url) if db.url.get_backend_name() == "sqlite" else db.url.render_as_string(hide_password=False)
    return cli(*args, "--lang", "en", env={"BAGALAU_DATABASE_URL": url})


@pytest.mark.parametrize("who", ["servant", "member", "colleague1", "vice"])
def test_the_document_command_refuses_as_show_refuses(db: Engine, who: str, tmp_path: Path) -> None:
    org = organisation(db)
    appraisal_id = agreed_sheet(org)
    shown = command(db, "show", str(appraisal_id), "--as", who).one_line_refusal()
    out = tmp_path / "sheet.html"
    printed = command(db, "document", "quarterly-sheet", "--appraisal", str(appraisal_id), "--as", who, "-o", str(out))
    assert printed.one_line_refusal() == shown and "this appraisal is confidential" in shown
    assert not out.exists()


@pytest.mark.parametrize("who, printed", [("hr", True), ("member", False), ("servant", False)])
def test_the_bulk_print_withholds_what_the_reader_may_not_see(db: Engine, who: str, printed: bool) -> None:
    agreed_sheet(organisation(db))
    with transaction(db) as session:
        documents, withheld = gather(session, "body", "2026-Q1", who, "en")
    stems = {stem for stem, _, _ in documents}
    assert ("2026-Q1-manager-quarterly-sheet" in stems) == printed, stems
    assert printed or withheld >= 1  # counted as withheld, never drawn


# --- notices: as sent, and as shown at an HR desk --------------------------------------------


@pytest.mark.parametrize("who", list(SIGNED))
def test_a_notice_is_shown_only_to_its_recipient_or_to_one_who_may_see_the_appraisal(db: Engine, who: str) -> None:
    org = organisation(db)
    appraisal_id = signed_sheet(org)
    appraisal = org.appraisal("manager", "quarterly", "2026-Q1")
    with transaction(db) as session:
        notices = list(session.exec(select(Notice).where(Notice.appraisal_id == appraisal_id)))
        reader = session.get(Servant, org.ids[who])
        assert notices and reader is not None
        sees = may_see(session, reader, appraisal)
    assert sees == SIGNED[who][0]
    for notice in notices:
        assert notice.id is not None
        if sees or notice.recipient_id == org.ids[who]:
            assert show_notice(db, notice.id, "en", who)["appraisal"] == appraisal_id
            continue
        with pytest.raises(InvalidInput) as refused:
            show_notice(db, notice.id, "en", who)
        assert (refused.value.code, refused.value.field) == ("not_yours_to_see", "--as")


# --- the compliance report: a body's steps to its head of HR, never a result ---------------------


def test_the_compliance_report_of_a_body_lists_its_own_steps_and_no_result(db: Engine) -> None:
    org, other = organisation(db), organisation(db, code="other", commission=False)
    for code in ("body", "other"):
        open_cycle(db, code, "quarterly", "2026-Q1", on=OPENING)
    assert not {"score", "band"} & set(Row.__dataclass_fields__)  # steps, never results (typical2023 п.16)
    with transaction(db) as session:
        body = session.exec(select(StateBody).where(StateBody.code == "body")).one()
        rows = rows_of(session, date(2026, 5, 20), "en", body_id=body.id)
        names = {s.full_name: s.id for s in session.exec(select(Servant).where(Servant.state_body_id == body.id))}
        listed = list(session.exec(select(Appraisal).where(col(Appraisal.servant_id).in_([names[row.servant] for row in rows]))))
        head = session.get(Servant, org.ids["hr"])
        assert rows and head is not None and head.is_head_of_hr
        assert {row.state_body for row in rows} == {body.name}
        assert all(may_see(session, head, appraisal) for appraisal in listed)  # whoever it names, its recipient may see
    assert other.ids  # the other body's late steps stay out of this body's report

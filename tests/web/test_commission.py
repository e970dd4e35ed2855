"""The commission's meeting in the console (mne2017 п.6–9, п.34–35): the agenda, the
two-thirds quorum, the open vote, the chair's casting vote on a tie, the secretary who
does not vote, each refusal the handler's with nothing written, and the protocol."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import select

from models import Appraisal, AuditEvent, Commission, CommissionMember
from models.db import transaction
from states.cycles import open_cycle
from states.service import act
from tests.factories import Org, organisation
from tests.web.conftest import DAY, accounts, signed_in
from web.app import create_app
from web.settings import Settings


def before_the_commission(db: Engine) -> tuple[Org, int]:
    """The servant's Q1 sheet agreed and signed; a commission of four voters (the chair,
    three members) and the secretary, so that a 2–2 tie can happen."""
    org = organisation(db, "mne2017")
    with transaction(db) as session:
        order = session.exec(select(Commission)).one()
        session.add(CommissionMember(commission_id=order.id, servant_id=org.ids["colleague3"], role="member"))  # type: ignore[arg-type]
    open_cycle(db, org.code, "quarterly", "2026-Q1", on=date(2026, 4, 1))
    accounts(org)
    own = org.appraisal("servant", "quarterly", "2026-Q1").id
    act(db, own, org.ids["servant"], "submit", {"bonus_items": []}, on=DAY)
    act(db, own, org.ids["manager"], "agree", {"bonus_items": []}, on=DAY)
    act(db, own, org.ids["servant"], "sign", on=DAY)
    return org, own


def form(org: Org, client, present: list[str], votes: dict[str, str]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"csrf": client.get("/api/v1/me").json()["csrf"], "held_on": DAY.isoformat(),
            "present": [str(org.ids[n]) for n in present], **{f"vote.{org.ids[n]}": v for n, v in votes.items()}}


def state_of(db: Engine, own: int) -> str:
    with transaction(db) as session:
        found = session.get(Appraisal, own)
        assert found is not None
        return found.state


def test_only_the_commission_opens_the_meeting_of_a_sheet_before_it(db: Engine) -> None:
    org, own = before_the_commission(db)
    app = create_app(db, Settings(today=DAY))
    chair = signed_in(app, "official")
    assert f'href="/meetings/commission/{own}"' in chair.get("/meetings").text
    page = chair.get(f"/meetings/commission/{own}")
    assert page.status_code == 200 and 'data-voting="4"' in page.text and 'data-needed="3"' in page.text
    assert page.text.count('type="checkbox" name="present"') == 5
    assert f'name="vote.{org.ids["hr"]}"' not in page.text  # the secretary has no vote to cast (п.9)
    for stranger in ("colleague1", "servant"):
        client = signed_in(app, stranger)
        assert client.get(f"/meetings/commission/{own}").status_code == 404, stranger
        assert client.post(f"/meetings/commission/{own}", data=form(org, client, ["official"], {})).status_code == 404
        assert f"/meetings/commission/{own}" not in client.get("/meetings").text


def test_without_quorum_or_with_the_secretarys_vote_nothing_is_decided(db: Engine) -> None:
    org, own = before_the_commission(db)
    chair = signed_in(create_app(db, Settings(today=DAY)), "official")
    two = chair.post(f"/meetings/commission/{own}", data=form(org, chair, ["official", "manager", "hr"], {"official": "approve", "manager": "approve"}))
    assert two.status_code == 422 and "2 of 4 members present; at least two thirds (3) are needed" in two.text  # п.7
    assert "checked" in two.text  # what was ticked is kept
    secretary = chair.post(f"/meetings/commission/{own}", data=form(org, chair, ["official", "manager", "member", "hr"],
                                                                   {"official": "approve", "manager": "approve", "hr": "approve"}))
    assert secretary.status_code == 422 and "the secretary of the commission does not vote" in secretary.text  # п.9
    assert state_of(db, own) == "signed"
    with transaction(db) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == own, AuditEvent.action == "decide")).first() is None


def test_a_two_two_tie_is_decided_by_the_chair_and_the_protocol_follows(db: Engine) -> None:
    org, own = before_the_commission(db)
    chair = signed_in(create_app(db, Settings(today=DAY)), "official")
    votes = {"official": "approve", "member": "approve", "manager": "revise", "colleague3": "revise"}
    done = chair.post(f"/meetings/commission/{own}", data=form(org, chair, ["official", "manager", "member", "colleague3", "hr"], votes),
                      follow_redirects=False)
    assert done.status_code == 303, done.text
    assert state_of(db, own) == "decided"
    with transaction(db) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == own, AuditEvent.action == "decide")).one()
        assert (event.actor_id, event.data["decision"], event.data["casting_vote"]) == (org.ids["official"], "approve", True)
    assert chair.get(f"/appraisals/{own}/documents/commission-protocol.html").status_code == 200
    pdf = chair.get(f"/appraisals/{own}/documents/commission-protocol.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert chair.get(f"/meetings/commission/{own}").status_code == 404  # decided: no longer before it


def _documents_offered(client, own: int) -> list[str]:  # type: ignore[no-untyped-def]
    """The documents the appraisal's page links to, each checked to open."""
    links = re.findall(rf'href="(/appraisals/{own}/documents/[^"]+)"', client.get(f"/appraisals/{own}").text)
    for link in links:
        assert client.get(link).status_code == 200, link
    return links


def test_the_page_offers_the_protocol_once_the_sitting_voted_and_every_document_it_offers_opens(db: Engine) -> None:
    org, own = before_the_commission(db)
    app = create_app(db, Settings(today=DAY))
    chair, servant = signed_in(app, "official"), signed_in(app, "servant")
    protocol = f"/appraisals/{own}/documents/commission-protocol.pdf"
    assert protocol not in _documents_offered(chair, own) and _documents_offered(chair, own)  # the sheet, not yet a protocol
    votes = {"official": "approve", "member": "approve", "manager": "approve"}
    chair.post(f"/meetings/commission/{own}", data=form(org, chair, ["official", "manager", "member", "hr"], votes))
    assert state_of(db, own) == "decided"
    assert protocol in _documents_offered(chair, own)
    assert protocol in _documents_offered(servant, own)  # the servant reads their own result (mne2017 п.32, п.35)


def test_a_revision_needs_its_explanation_and_sets_the_new_score(db: Engine) -> None:
    """п.35: the commission may revise the result, with the score and why."""
    org, own = before_the_commission(db)
    chair = signed_in(create_app(db, Settings(today=DAY)), "official")
    present = ["official", "manager", "member", "colleague3"]
    votes = {name: "revise" for name in ("official", "manager", "member")}
    missing = chair.post(f"/meetings/commission/{own}", data=form(org, chair, present, votes))
    assert missing.status_code == 422 and 'id="refusal"' in missing.text and state_of(db, own) == "signed"
    revised = chair.post(f"/meetings/commission/{own}", data={**form(org, chair, present, votes), "score": "95",
                                                              "explanation": "The seminar was not attended"}, follow_redirects=False)
    assert revised.status_code == 303, revised.text
    with transaction(db) as session:
        found = session.get(Appraisal, own)
        assert found is not None and (found.state, str(found.score)) == ("decided", "95.00")
        event = session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == own, AuditEvent.action == "decide")).one()
        assert (event.data["decision"], event.data["explanation"]) == ("revise", "The seminar was not attended")

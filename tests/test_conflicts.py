"""No one acts on their own appraisal in another role (the general rule of conflict of
interest, stated in each definition's scope), on both databases: HR steps on an HR
officer's own appraisal go to another HR officer, the head of HR's own to the appointing
official; an assessor is never the servant; a commission member does not vote on their
own result, and the quorum counts the others (mne2017 п.7)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import select

from models import Deadline, Servant
from models.db import transaction
from states import people
from states.cycles import open_cycle
from states.service import act
from tests.checks import refuse
from tests.factories import Org, hire, organisation

OPENING = date(2026, 4, 1)
VOTES = ("official", "manager", "member")


def make_hr(org: Org, name: str, head: bool = False) -> None:
    with transaction(org.engine) as session:
        person = session.get(Servant, org.ids[name])
        assert person is not None
        person.is_hr, person.is_head_of_hr = True, head
        session.add(person)


def hr_of(org: Org, name: str) -> int | None:
    appraisal = org.appraisal(name, "quarterly", "2026-Q1")
    with transaction(org.engine) as session:
        return people.holder(session, appraisal, "hr")


def test_hr_steps_never_go_to_the_servant(db: Engine) -> None:
    org = organisation(db)  # hr: head of HR
    hire(org, "officer", manager="hr")
    make_hr(org, "officer")
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    assert hr_of(org, "servant") == org.ids["hr"]
    assert hr_of(org, "officer") == org.ids["hr"]       # an HR officer's own: the head of HR
    assert hr_of(org, "hr") == org.ids["official"]      # the head of HR's own: the appointing official


def test_without_a_head_of_hr_an_officers_own_goes_to_another_officer(db: Engine) -> None:
    org = organisation(db)
    make_hr(org, "hr", head=False)  # hr is now the HR officer of the lowest id, not a head
    hire(org, "officer", manager="official")
    make_hr(org, "officer")
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    assert hr_of(org, "servant") == org.ids["hr"]
    assert hr_of(org, "hr") == org.ids["officer"]
    assert hr_of(org, "officer") == org.ids["hr"]


def test_the_head_of_hrs_own_result_is_recorded_and_shown_by_the_appointing_official(db: Engine) -> None:
    org = organisation(db)
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    appraisal = org.appraisal("hr", "quarterly", "2026-Q1")
    act(db, appraisal.id, org.ids["hr"], "submit", {"bonus_items": []}, on=date(2026, 4, 2))
    act(db, appraisal.id, org.ids["official"], "agree", {"bonus_items": []}, on=date(2026, 4, 3))
    act(db, appraisal.id, org.ids["hr"], "sign", on=date(2026, 4, 6))
    present = [org.ids[p] for p in ("official", "manager", "member", "hr")]
    votes = {str(org.ids[v]): "approve" for v in VOTES}
    data = {"held_on": "2026-04-08", "present": present, "votes": votes}
    # the head of HR does not record the commission's decision on her own sheet ...
    assert refuse(db, appraisal.id, org.ids["hr"], "decide", data, on=date(2026, 4, 8)).code == "not_your_role"
    # ... the appointing official does, and owes the familiarisation
    act(db, appraisal.id, org.ids["official"], "decide", data, on=date(2026, 4, 8))
    with transaction(db) as session:
        row = session.exec(select(Deadline).where(Deadline.appraisal_id == appraisal.id, Deadline.step == "familiarisation")).one()
    assert (row.responsible_role, row.responsible_id) == ("hr", org.ids["official"])
    act(db, appraisal.id, org.ids["official"], "familiarise", on=date(2026, 4, 9))


def test_a_commission_member_does_not_vote_on_their_own_result(db: Engine) -> None:
    org = organisation(db)
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    appraisal = org.appraisal("manager", "quarterly", "2026-Q1")
    ids = org.ids
    act(db, appraisal.id, ids["manager"], "submit", {"bonus_items": []}, on=date(2026, 4, 2))
    act(db, appraisal.id, ids["official"], "agree", {"bonus_items": []}, on=date(2026, 4, 3))
    act(db, appraisal.id, ids["manager"], "sign", on=date(2026, 4, 6))
    everyone = [ids[p] for p in ("official", "manager", "member", "hr")]
    own = {str(ids[v]): "approve" for v in VOTES}
    error = refuse(db, appraisal.id, ids["hr"], "decide", {"held_on": "2026-04-08", "present": everyone, "votes": own}, on=date(2026, 4, 8))
    assert (error.code, error.field) == ("own_result", f"votes.{ids['manager']}")
    assert "conflict of interest" in error.render("en")
    # the quorum counts the two other voting members: two thirds of 2 is 2 (п.7); one is too few
    one = [ids["official"], ids["manager"], ids["hr"]]
    error = refuse(db, appraisal.id, ids["hr"], "decide",
                   {"held_on": "2026-04-08", "present": one, "votes": {str(ids["official"]): "approve"}}, on=date(2026, 4, 8))
    assert (error.code, error.params["members"], error.params["needed"]) == ("quorum", 2, 2)
    two = {str(ids[v]): "approve" for v in ("official", "member")}
    act(db, appraisal.id, ids["hr"], "decide", {"held_on": "2026-04-08", "present": everyone, "votes": two}, on=date(2026, 4, 8))


def test_on_their_own_appraisal_a_person_is_only_the_servant(db: Engine) -> None:
    org = organisation(db)
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    own = {name: org.appraisal(name, "quarterly", "2026-Q1") for name in ("hr", "official", "manager")}
    with transaction(db) as session:
        for name, appraisal in own.items():
            person = session.get(Servant, org.ids[name])
            assert person is not None
            assert people.roles_of(session, person, appraisal) == {"servant"}, name
            assert people.reader_roles(session, person, appraisal) == {"servant"}, name


def test_the_ladder_never_reaches_hr_on_their_own_appraisal(db: Engine) -> None:
    org = organisation(db)
    ids = org.ids
    with transaction(db) as session:
        head = session.get(Servant, ids["hr"])
        assert head is not None
        offices = people.offices_of(session, [head.state_body_id])[head.state_body_id]
    assert people.rung_holder(offices, ids["servant"], ids["manager"], ids["official"], "head_of_hr") == ids["hr"]
    assert people.rung_holder(offices, ids["hr"], ids["official"], ids["vice"], "head_of_hr") == ids["official"]

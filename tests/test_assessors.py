"""An assessor for everyone (mne2017 п.4, typical2023 п.3, п.32), on both databases.

The opening refuses, before writing anything, to create appraisals nobody may act on; a
person of the body outside the B corps appraises a head and is never appraised; HR
substitutes a deputy and the open deadlines follow; delegation needs a unit of more than
fifty B-corps servants (50 refused, 51 allowed); every change is audited with its paragraph.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology.errors import InvalidInput
from models import Deadline, Servant
from models.db import transaction
from states import assessors
from states.cycles import open_cycle
from states.service import act, allowed
from tests.checks import appraisal_of, snapshot, trail_of
from tests.factories import Org, hire, organisation

OPENING = date(2026, 4, 1)


def edit(org: Org, name: str, **values: Any) -> None:
    with transaction(org.engine) as session:
        person = session.get(Servant, org.ids[name])
        assert person is not None
        for key, value in values.items():
            setattr(person, key, value)
        session.add(person)


def refused(db: Engine, call: Callable[[], object]) -> InvalidInput:
    """The call must be refused and leave every table as it was."""
    before = snapshot(db)
    with pytest.raises(InvalidInput) as caught:
        call()
    assert snapshot(db) == before
    return caught.value


def responsible(db: Engine, appraisal_id: int) -> dict[str, int | None]:
    with transaction(db) as session:
        rows = session.exec(select(Deadline).where(Deadline.appraisal_id == appraisal_id, Deadline.status == "open"))
        return {row.step: row.responsible_id for row in rows}


# --- the opening ----------------------------------------------------------------------


def test_the_head_appraised_by_a_person_outside_the_b_corps_who_is_not_appraised(db: Engine) -> None:
    org = organisation(db)
    opened = open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    appraised = {p.servant_id for p in opened.created}
    assert org.ids["official"] in appraised and org.ids["vice"] not in appraised
    assert org.ids["vice"] not in {p.servant_id for p in opened.not_appraised}
    assert appraisal_of(db, org.appraisal("official", "quarterly", "2026-Q1").id).assessor_id == org.ids["vice"]


def test_an_opening_with_a_servant_without_an_assessor_names_them_all_and_writes_nothing(db: Engine) -> None:
    org = organisation(db)
    edit(org, "official", manager_id=None)
    edit(org, "colleague3", manager_id=None)
    error = refused(db, lambda: open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING))
    assert (error.code, error.field, error.rule) == ("no_assessor", "servants", "п.4")
    assert error.value == ["colleague3 Colleague3", "official Official"]
    assert "2 servants have no assessor" in error.render("en")


@pytest.mark.parametrize(("dismissed", "refused_opening"), [
    pytest.param(OPENING, True, id="assessor-dismissed-on-the-opening-day"),
    pytest.param(date(2026, 4, 2), False, id="assessor-dismissed-the-day-after"),
])
def test_an_assessor_dismissed_by_the_opening_is_no_assessor(db: Engine, dismissed: date, refused_opening: bool) -> None:
    org = organisation(db, methodology="typical2023")
    edit(org, "manager", dismissed_on=dismissed)
    if refused_opening:
        error = refused(db, lambda: open_cycle(db, "body", "differentiation", "2026-Q1", on=OPENING))
        assert error.value == ["colleague1 Colleague1", "colleague2 Colleague2", "colleague3 Colleague3", "servant Servant"]
        assert error.rule == "п.3"
    else:
        assert open_cycle(db, "body", "differentiation", "2026-Q1", on=OPENING).created


def test_an_exempt_servant_needs_no_assessor(db: Engine) -> None:
    org = organisation(db)
    edit(org, "colleague3", manager_id=None, position_start=date(2026, 1, 2))  # under three months: exempt (п.3)
    opened = open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    assert {p.state for p in opened.created if p.servant_id == org.ids["colleague3"]} == {"exempt"}


# --- substitution -----------------------------------------------------------------------


def test_hr_substitutes_a_deputy_and_the_open_deadlines_follow(db: Engine) -> None:
    org = organisation(db)
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    appraisal = org.appraisal("servant", "quarterly", "2026-Q1")
    assert responsible(db, appraisal.id)["quarterly_appraisal"] == org.ids["manager"]
    change = assessors.assign(db, appraisal.id, org.ids["hr"], org.ids["member"], on=date(2026, 4, 2), reason="order 12-ө")
    assert (change.action, change.previous, change.assessor, change.paragraph, change.deadlines) == (
        "substitute_assessor", org.ids["manager"], org.ids["member"], "п.4", 1)
    assert responsible(db, appraisal.id)["quarterly_appraisal"] == org.ids["member"]
    event = trail_of(db, appraisal.id)[-1]
    assert (event.action, event.actor_id, event.actor_role, event.from_state, event.to_state, event.reason) == (
        "substitute_assessor", org.ids["hr"], "hr", "draft", "draft", "order 12-ө")
    assert event.data == {"assessor_id": org.ids["member"], "previous_assessor_id": org.ids["manager"], "paragraph": "п.4", "source": "mne2017"}
    # the deputy acts as the assessor now; the one replaced no longer does
    act(db, appraisal.id, org.ids["servant"], "submit", {"bonus_items": []}, on=date(2026, 4, 3))
    with transaction(db) as session:
        current = appraisal_of(db, appraisal.id)
        deputy, replaced = session.get(Servant, org.ids["member"]), session.get(Servant, org.ids["manager"])
        assert deputy is not None and replaced is not None
        assert "agree" in {row.action for row in allowed(session, current, deputy)}
        assert "agree" not in {row.action for row in allowed(session, current, replaced)}


def test_hr_assigns_the_assessor_of_an_appraisal_that_has_none(db: Engine) -> None:
    org = organisation(db)
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    appraisal = org.appraisal("official", "quarterly", "2026-Q1")
    with transaction(db) as session:  # as an appraisal opened before its assessor was recorded
        row = session.get(type(appraisal), appraisal.id)
        assert row is not None
        row.assessor_id = None
        session.add(row)
    change = assessors.assign(db, appraisal.id, org.ids["hr"], org.ids["vice"], on=date(2026, 4, 2))
    assert (change.action, change.previous, change.assessor) == ("assign_assessor", None, org.ids["vice"])
    assert responsible(db, appraisal.id)["quarterly_appraisal"] == org.ids["vice"]


@pytest.mark.parametrize(("actor", "assessor", "code"), [
    pytest.param("manager", "member", "not_your_role", id="only-hr-assigns"),
    pytest.param("hr", "servant", "assessor_is_servant", id="never-the-servant"),
    pytest.param("hr", "dismissed", "assessor_dismissed", id="never-a-dismissed-person"),
    pytest.param("hr", "stranger", "assessor_elsewhere", id="never-of-another-body"),
])
def test_an_assignment_is_refused_and_changes_nothing(db: Engine, actor: str, assessor: str, code: str) -> None:
    org = organisation(db)
    other = organisation(db, code="other")
    org.ids["stranger"] = other.ids["member"]
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    hire(org, "dismissed")
    edit(org, "dismissed", dismissed_on=date(2026, 4, 2))
    appraisal = org.appraisal("servant", "quarterly", "2026-Q1")
    error = refused(db, lambda: assessors.assign(db, appraisal.id, org.ids[actor], org.ids[assessor], on=date(2026, 4, 2)))
    assert (error.code, error.rule) == (code, "п.4")


def test_a_final_appraisal_keeps_its_assessor(db: Engine) -> None:
    org = organisation(db)
    edit(org, "colleague3", position_start=date(2026, 1, 2))  # exempt: final on opening
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    appraisal = org.appraisal("colleague3", "quarterly", "2026-Q1")
    error = refused(db, lambda: assessors.assign(db, appraisal.id, org.ids["hr"], org.ids["member"], on=OPENING))
    assert error.code == "not_now"


# --- delegation (typical2023 п.32) -------------------------------------------------------


@pytest.mark.parametrize(("unit", "allowed_delegation"), [
    pytest.param(50, False, id="fifty-refused"),
    pytest.param(51, True, id="fifty-one-allowed"),
])
def test_delegation_only_in_a_unit_of_more_than_fifty(db: Engine, unit: int, allowed_delegation: bool) -> None:
    org = organisation(db, methodology="typical2023")
    open_cycle(db, "body", "differentiation", "2026-Q1", on=OPENING)
    for n in range(unit - 8):  # the body's unit has 8 B-corps servants (the vice-minister is not one)
        hire(org, f"hire{n}")
    appraisal = org.appraisal("servant", "differentiation", "2026-Q1")

    def delegate() -> assessors.Change:
        return assessors.delegate(db, appraisal.id, org.ids["manager"], org.ids["colleague1"], on=date(2026, 4, 2))

    if not allowed_delegation:
        error = refused(db, delegate)
        assert (error.code, error.value, error.rule) == ("not_delegable", 50, "п.32")
        return
    change = delegate()
    assert (change.action, change.previous, change.assessor, change.paragraph) == (
        "delegate_assessor", org.ids["manager"], org.ids["colleague1"], "п.32")
    assert responsible(db, appraisal.id)["differentiation_appraisal"] == org.ids["colleague1"]
    event = trail_of(db, appraisal.id)[-1]
    assert (event.action, event.actor_role, event.data["paragraph"]) == ("delegate_assessor", "direct_manager", "п.32")


def test_a_dismissed_servant_does_not_count_in_the_unit(db: Engine) -> None:
    org = organisation(db, methodology="typical2023")
    open_cycle(db, "body", "differentiation", "2026-Q1", on=OPENING)
    for n in range(43):  # 51 ...
        hire(org, f"hire{n}")
    edit(org, "hire0", dismissed_on=date(2026, 4, 2))  # ... 50 on the day of the delegation
    appraisal = org.appraisal("servant", "differentiation", "2026-Q1")
    error = refused(db, lambda: assessors.delegate(db, appraisal.id, org.ids["manager"], org.ids["colleague1"], on=date(2026, 4, 2)))
    assert (error.code, error.value) == ("not_delegable", 50)


def test_only_the_assessor_delegates_and_never_in_mne2017(db: Engine) -> None:
    org = organisation(db)
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENING)
    for n in range(43):
        hire(org, f"hire{n}")
    appraisal = org.appraisal("servant", "quarterly", "2026-Q1")
    error = refused(db, lambda: assessors.delegate(db, appraisal.id, org.ids["manager"], org.ids["colleague1"], on=OPENING))
    assert (error.code, error.value) == ("not_delegable", 51)  # mne2017 names no delegation
    error = refused(db, lambda: assessors.delegate(db, appraisal.id, org.ids["hr"], org.ids["colleague1"], on=OPENING))
    assert error.code == "not_your_role"

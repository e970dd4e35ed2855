"""Opening a cycle (states/cycles.py), under both methodologies: who is appraised, who is
exempt, deferred, appraised without participation or not at all, and why (mne2017 п.3;
typical2023 п.6–7); which servants each kind concerns (typical2023 п.3.4, п.22, п.29);
the deadlines an appraisal opens with; and that opening twice creates nothing new.
Servants are changed (position start, probation, dismissal, absences) before opening.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from methodology import loader
from methodology.schema import as_kind
from methodology.errors import InvalidInput
from models import Absence, Appraisal, AuditEvent, Deadline, Servant, StateBody
from models.db import transaction
from states.cycles import open_cycle, open_cycles
from tests.checks import snapshot
from tests.factories import Org, hire, organisation

D = date
EVERYONE = {"official", "hr", "member", "manager", "servant", "colleague1", "colleague2", "colleague3"}

# --- helpers --------------------------------------------------------------------------------


def change(org: Org, name: str, **fields: Any) -> None:
    """Edit a servant as HR's import would: position start, probation, dismissal; or record
    an absence (`absence=(kind, start, end)`)."""
    with transaction(org.engine) as session:
        servant = session.get(Servant, org.ids[name])
        assert servant is not None
        absence = fields.pop("absence", None)
        if absence:
            kind, start, end = absence
            session.add(Absence(servant_id=servant.id, kind=kind, start=start, end=end))  # type: ignore[arg-type]
        for key, value in fields.items():
            setattr(servant, key, value)
        session.add(servant)



def counts(db: Engine) -> tuple[int, int, int]:
    with transaction(db) as session:
        return tuple(session.exec(select(func.count()).select_from(t)).one() for t in (Appraisal, Deadline, AuditEvent))  # type: ignore[return-value]


def names(org: Org, placements: list[Any]) -> set[str]:
    by_id = {i: n for n, i in org.ids.items()}
    return {by_id[p.servant_id] for p in placements}


# --- each servant's placement ---------------------------------------------------------------

PLACEMENTS = [
    # methodology, kind, period, opened on, who, change, state, participation, reason
    # mne2017 2026-Q3 (1 July – 30 September), opened 1 October
    pytest.param("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1), "servant", {}, "draft", "full", None, id="mne-appraised"),
    # from 2 July: under three months in the position during the quarter (п.3)
    pytest.param("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1), "servant", {"position_start": D(2026, 7, 2)},
                 "exempt", "full", "in the position since 2026-07-02 (п.3)", id="mne-two-months-and-29-days"),
    # from 1 July: exactly three months, appraised
    pytest.param("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1), "servant", {"position_start": D(2026, 7, 1)},
                 "draft", "full", None, id="mne-exactly-three-months"),
    pytest.param("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1), "servant", {"probation_end": D(2026, 10, 1)},
                 "exempt", "full", "on probation until 2026-10-01 (п.3)", id="mne-on-probation"),
    pytest.param("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1), "servant", {"probation_end": D(2026, 9, 30)},
                 "draft", "full", None, id="mne-probation-over-in-the-quarter"),
    # on sick leave on the opening day: appraised within 5 working days of return (п.3)
    pytest.param("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1), "servant", {"absence": ("sick_leave", D(2026, 9, 28), D(2026, 10, 9))},
                 "deferred", "full", "sick_leave 2026-09-28–2026-10-09 (п.3)", id="mne-sick-leave"),
    pytest.param("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1), "servant", {"absence": ("social_leave", D(2026, 6, 1), D(2027, 5, 31))},
                 "deferred", "full", "social_leave 2026-06-01–2027-05-31 (п.3)", id="mne-social-leave"),
    # п.3 names social and sick leave only: an annual leave defers nothing
    pytest.param("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1), "servant", {"absence": ("annual_leave", D(2026, 9, 28), D(2026, 10, 9))},
                 "draft", "full", None, id="mne-annual-leave"),
    pytest.param("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1), "servant", {"absence": ("sick_leave", D(2026, 9, 14), D(2026, 9, 30))},
                 "draft", "full", None, id="mne-back-before-opening"),
    # mne2017 has no rule for the dismissed: not appraised
    pytest.param("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1), "servant", {"dismissed_on": D(2026, 9, 15)},
                 "not_appraised", "full", "dismissed 2026-09-15 (п.3)", id="mne-dismissed"),
    pytest.param("mne2017", "annual", "2026", D(2026, 12, 1), "servant", {"position_start": D(2026, 10, 2)},
                 "exempt", "full", "in the position since 2026-10-02 (п.3)", id="mne-annual-joined-in-october"),
    # typical2023 KPI, the head `manager`, 2026-Q1 (1 January – 31 March), opened 1 April
    pytest.param("typical2023", "kpi", "2026-Q1", D(2026, 4, 1), "manager", {}, "draft", "full", None, id="kpi-appraised"),
    pytest.param("typical2023", "kpi", "2026-Q1", D(2026, 4, 1), "manager", {"position_start": D(2026, 1, 2)},
                 "exempt", "full", "in the position since 2026-01-02 (п.6)", id="kpi-two-months-and-29-days"),
    pytest.param("typical2023", "kpi", "2026-Q1", D(2026, 4, 1), "manager", {"position_start": D(2026, 1, 1)},
                 "draft", "full", None, id="kpi-exactly-three-months"),
    # typical2023 has no probation rule (п.6 names only the months in the position): appraised
    pytest.param("typical2023", "kpi", "2026-Q1", D(2026, 4, 1), "manager", {"probation_end": D(2026, 4, 1)},
                 "draft", "full", None, id="kpi-on-probation-appraised"),
    # KPI: appraised within 5 working days of return (п.6)
    pytest.param("typical2023", "kpi", "2026-Q1", D(2026, 4, 1), "manager", {"absence": ("sick_leave", D(2026, 3, 30), D(2026, 4, 10))},
                 "deferred", "full", "sick_leave 2026-03-30–2026-04-10 (п.6)", id="kpi-sick-leave"),
    pytest.param("typical2023", "kpi", "2026-Q1", D(2026, 4, 1), "manager", {"absence": ("business_trip", D(2026, 3, 31), D(2026, 4, 3))},
                 "deferred", "full", "business_trip 2026-03-31–2026-04-03 (п.6)", id="kpi-business-trip"),
    # dismissed before the deadline: appraised without participation (п.7)
    pytest.param("typical2023", "kpi", "2026-Q1", D(2026, 4, 1), "manager", {"dismissed_on": D(2026, 3, 20)},
                 "draft", "without", "dismissed 2026-03-20 (п.7)", id="kpi-dismissed-in-the-quarter"),
    pytest.param("typical2023", "kpi", "2026-Q1", D(2026, 4, 1), "manager", {"dismissed_on": D(2025, 12, 31)},
                 "not_appraised", "full", "dismissed 2025-12-31 (п.7)", id="kpi-dismissed-before-the-quarter"),
    # differentiation, the staff member `servant`: absent → without participation, on the normal deadlines (п.6)
    pytest.param("typical2023", "differentiation", "2026-Q1", D(2026, 4, 1), "servant", {"absence": ("annual_leave", D(2026, 3, 30), D(2026, 4, 10))},
                 "draft", "without", "annual_leave 2026-03-30–2026-04-10 (п.6)", id="differentiation-absent"),
    pytest.param("typical2023", "differentiation", "2026-Q1", D(2026, 4, 1), "servant", {"dismissed_on": D(2026, 2, 10)},
                 "draft", "without", "dismissed 2026-02-10 (п.7)", id="differentiation-dismissed"),
    pytest.param("typical2023", "differentiation", "2026-Q1", D(2026, 4, 1), "servant", {"position_start": D(2026, 1, 2)},
                 "exempt", "full", "in the position since 2026-01-02 (п.6)", id="differentiation-new"),
    # 360 of the year 2025, opened 5 January 2026
    pytest.param("typical2023", "360", "2025", D(2026, 1, 5), "servant", {"absence": ("training", D(2026, 1, 5), D(2026, 1, 9))},
                 "draft", "without", "training 2026-01-05–2026-01-09 (п.6)", id="360-absent"),
    pytest.param("typical2023", "360", "2025", D(2026, 1, 5), "servant", {"dismissed_on": D(2025, 11, 30)},
                 "draft", "without", "dismissed 2025-11-30 (п.7)", id="360-dismissed"),
    pytest.param("typical2023", "360", "2025", D(2026, 1, 5), "servant", {"probation_end": D(2026, 1, 1)},
                 "draft", "full", None, id="360-on-probation-appraised"),
    # a year: from 2 October 2025 is under three months by 31 December; from 1 October, three
    pytest.param("typical2023", "360", "2025", D(2026, 1, 5), "servant", {"position_start": D(2025, 10, 2)},
                 "exempt", "full", "in the position since 2025-10-02 (п.6)", id="360-joined-2-october"),
    pytest.param("typical2023", "360", "2025", D(2026, 1, 5), "servant", {"position_start": D(2025, 10, 1)},
                 "draft", "full", None, id="360-joined-1-october"),
]


@pytest.mark.parametrize("methodology, kind, period, on, who, edit, state, participation, reason", PLACEMENTS)
def test_each_servant_is_placed_with_the_reason(
    db: Engine, methodology: str, kind: str, period: str, on: date, who: str, edit: dict[str, Any],
    state: str, participation: str, reason: str | None,
) -> None:
    org = organisation(db, methodology)
    change(org, who, **edit)
    report = open_cycle(db, "body", kind, period, on=on)
    placed = {p.servant_id: p for p in report.created + report.not_appraised}
    mine = placed[org.ids[who]]
    assert (mine.full_name, mine.state, mine.participation, mine.reason) == (who.capitalize(), state, participation, reason)
    if state == "not_appraised":
        assert mine in report.not_appraised
        with transaction(db) as session:  # no appraisal, nothing owed, nothing audited
            assert session.exec(select(Appraisal).where(Appraisal.servant_id == org.ids[who])).first() is None
        return
    assert mine in report.created
    appraisal = org.appraisal(who, kind, period)
    assert (appraisal.state, appraisal.participation, appraisal.reason, appraisal.version) == (state, participation, reason, 1)
    assert appraisal.closed_on == (on if state == "exempt" else None)  # exempt is final
    with transaction(db) as session:
        (opening,) = session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == appraisal.id))
        owed = session.exec(select(Deadline).where(Deadline.appraisal_id == appraisal.id)).all()
    assert (opening.actor_id, opening.actor_role, opening.action, opening.from_state, opening.to_state, opening.reason, opening.data) == (
        None, "system", "open", None, state, reason, {"participation": participation})
    assert bool(owed) == (state == "draft")  # exempt and deferred appraisals owe nothing yet


@pytest.mark.parametrize("methodology, kind, period, on, expected", [
    ("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1), EVERYONE),
    ("mne2017", "plan", "2026", D(2026, 1, 5), EVERYONE),
    ("typical2023", "kpi", "2026-Q1", D(2026, 4, 1), {"official", "manager"}),  # heads: C-1, C-3 (п.3.4, п.22)
    ("typical2023", "differentiation", "2026-Q1", D(2026, 4, 1), EVERYONE - {"official", "manager"}),  # staff (п.29)
    ("typical2023", "360", "2025", D(2026, 1, 5), EVERYONE),  # everyone (п.34)
])
def test_each_kind_concerns_its_population(db: Engine, methodology: str, kind: str, period: str, on: date, expected: set[str]) -> None:
    org = organisation(db, methodology)
    report = open_cycle(db, "body", kind, period, on=on)
    assert names(org, report.created) == expected and report.not_appraised == []
    # one appraisal and audit event each, and the deadlines its workflow opens at creation
    opens = len(loader.load(methodology).flow(kind).opens)  # type: ignore[arg-type]
    assert counts(db) == (len(expected), opens * len(expected), len(expected))


@pytest.mark.parametrize("methodology, kind, period, on", [
    ("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1)),
    ("typical2023", "differentiation", "2026-Q1", D(2026, 4, 1)),
])
def test_opening_twice_creates_nothing_new_and_picks_up_a_newcomer(db: Engine, methodology: str, kind: str, period: str, on: date) -> None:
    org = organisation(db, methodology)
    change(org, "colleague3", dismissed_on=D(2025, 12, 1))  # before the period: not appraised (п.3; п.7)
    first = open_cycle(db, "body", kind, period, on=on)
    after_first = counts(db)
    again = open_cycle(db, "body", kind, period, on=on)
    assert (again.cycle_id, again.created, names(org, again.not_appraised)) == (first.cycle_id, [], {"colleague3"})
    assert counts(db) == after_first

    hire(org, "newcomer")  # since LONG_AGO in a C-4 position: appraised
    third = open_cycle(db, "body", kind, period, on=on)
    assert (third.cycle_id, names(org, third.created)) == (first.cycle_id, {"newcomer"})
    appraisals, deadlines, audit = after_first
    opens = len(loader.load(methodology).flow(as_kind(kind)).opens)  # the deadlines its workflow opens at creation
    assert counts(db) == (appraisals + 1, deadlines + opens, audit + 1)
    assert open_cycle(db, "body", kind, period, on=on).created == []


@pytest.mark.parametrize("methodology, kind, period, on, who, step, due, responsible, paragraph", [
    # п.3.1: the 10th of the next month; 10 October 2026 is a Saturday, so Monday 12
    ("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1), "servant", "quarterly_appraisal", D(2026, 10, 12), "manager", "п.3.1"),
    # п.3.1: Q4 by 10 December of the same year, a Thursday
    ("mne2017", "quarterly", "2026-Q4", D(2026, 12, 1), "servant", "quarterly_appraisal", D(2026, 12, 10), "manager", "п.3.1"),
    # п.3.2: 25 December, a Friday; owed by the commission, whose chair answers for it
    ("mne2017", "annual", "2026", D(2026, 12, 1), "servant", "annual_appraisal", D(2026, 12, 25), "official", "п.3.2"),
    # п.10: 10 January 2026 is a Saturday, so Monday 12; drawn up by the servant
    ("mne2017", "plan", "2026", D(2026, 1, 5), "servant", "plan_drawn_up", D(2026, 1, 12), "servant", "п.10"),
    # п.5: KPI by the 10th of the next month, Friday 10 April 2026; the head's assessor is the official
    ("typical2023", "kpi", "2026-Q1", D(2026, 4, 1), "manager", "kpi_appraisal", D(2026, 4, 10), "official", "п.5"),
    # п.5: Friday 10 July 2026
    ("typical2023", "differentiation", "2026-Q2", D(2026, 7, 1), "servant", "differentiation_appraisal", D(2026, 7, 10), "manager", "п.5"),
    # п.5: 360 of 2025 by 10 January 2026, a Saturday, so Monday 12; HR runs it
    ("typical2023", "360", "2025", D(2026, 1, 5), "servant", "survey360_appraisal", D(2026, 1, 12), "hr", "п.5"),
    ("typical2023", "annual", "2025", D(2026, 1, 5), "servant", "annual_grade", D(2026, 1, 12), "hr", "п.5"),
])
def test_an_appraisal_opens_with_its_first_deadline(
    db: Engine, methodology: str, kind: str, period: str, on: date, who: str, step: str, due: date, responsible: str, paragraph: str
) -> None:
    org = organisation(db, methodology)
    open_cycle(db, "body", kind, period, on=on)
    appraisal = org.appraisal(who, kind, period)
    with transaction(db) as session:
        (row,) = session.exec(select(Deadline).where(Deadline.appraisal_id == appraisal.id, Deadline.step == step))  # typical2023 opens others beside (п.23, п.27)
    assert (row.step, row.due, row.status, row.closed_on, row.paragraph, row.responsible_id) == (
        step, due, "open", None, paragraph, org.ids[responsible])


@pytest.mark.parametrize("body, kind, period, code, field_", [
    ("nowhere", "quarterly", "2026-Q3", "not_found", "state_body"),
    ("body", "kpi", "2026-Q3", "unknown", "kind"),  # mne2017 has no KPI method
    ("body", "quarterly", "2026", "period", "period"),  # a quarter is written 2026-Q3
])
def test_an_unknown_body_kind_or_period_is_refused_and_changes_nothing(db: Engine, body: str, kind: str, period: str, code: str, field_: str) -> None:
    organisation(db, "mne2017")
    before = snapshot(db)
    with pytest.raises(InvalidInput) as caught:
        open_cycle(db, body, kind, period, on=D(2026, 10, 1))
    assert (caught.value.code, caught.value.field) == (code, field_)
    assert snapshot(db) == before


# --- many bodies at once (the scheduled opening) --------------------------------------------


def written_for(db: Engine, code: str) -> dict[str, list[tuple[Any, ...]]]:
    """What openings wrote for a body's servants, every id read as a personnel number and the
    number of its body (t1 and a1 are both 1), so two bodies of the same people compare
    equal and a person of the other body shows."""
    who = {}
    with transaction(db) as session:
        number = {body.id: body.code[1:] for body in session.exec(select(StateBody))}
        for servant in session.exec(select(Servant)):
            who[servant.id] = f"{servant.personnel_no}@{number[servant.state_body_id]}"
        mine = select(Appraisal).join(Servant, Servant.id == Appraisal.servant_id).join(StateBody).where(StateBody.code == code)
        appraisals = {a.id: a for a in session.exec(mine)}
        deadlines = session.exec(select(Deadline).where(Deadline.appraisal_id.in_(appraisals))).all()  # type: ignore[attr-defined]
        events = session.exec(select(AuditEvent).where(AuditEvent.appraisal_id.in_(appraisals))).all()  # type: ignore[attr-defined]
    name = lambda id_: who.get(id_)  # noqa: E731
    return {
        "appraisals": sorted((name(a.servant_id), name(a.assessor_id), a.state, a.participation, a.reason, a.closed_on, a.version)
                             for a in appraisals.values()),
        "deadlines": sorted((name(appraisals[d.appraisal_id].servant_id), d.step, d.due, d.paragraph, d.responsible_role,
                             name(d.responsible_id), d.status, d.next_fire) for d in deadlines),
        "events": sorted((name(appraisals[e.appraisal_id].servant_id), e.action, e.to_state, e.reason, str(e.data)) for e in events),
    }


def unlike_the_first(org: Org, on: date) -> None:
    """A second body that differs where placement and office holders matter: another head
    of HR, newcomers (a head among them, for KPI), an absence on the opening day, a dismissal."""
    change(org, "hr", is_hr=False, is_head_of_hr=False)
    change(org, "manager", position_start=on)
    change(org, "member", is_hr=True, is_head_of_hr=True)
    change(org, "colleague1", absence=("sick_leave", on, on))
    change(org, "colleague2", position_start=on)
    change(org, "colleague3", dismissed_on=on)


@pytest.mark.parametrize("methodology, kind, period, on", [
    ("typical2023", "360", "2025", D(2026, 1, 5)),  # first deadline owed by each body's HR (п.5)
    ("typical2023", "differentiation", "2026-Q1", D(2026, 4, 1)),
    ("typical2023", "kpi", "2026-Q1", D(2026, 4, 1)),
    ("mne2017", "annual", "2026", D(2026, 12, 1)),  # owed by each body's commission chair (п.3.2)
    ("mne2017", "quarterly", "2026-Q3", D(2026, 10, 1)),
])
def test_opening_many_bodies_at_once_writes_what_opening_each_alone_writes(
    db: Engine, methodology: str, kind: str, period: str, on: date
) -> None:
    together = [organisation(db, methodology, code) for code in ("t1", "t2")]
    alone = [organisation(db, methodology, code) for code in ("a1", "a2")]
    unlike_the_first(together[1], on)
    unlike_the_first(alone[1], on)

    opened = open_cycles(db, ["t1", "t2"], kind, period, on=on)
    for org in alone:
        open_cycle(db, org.code, kind, period, on=on)

    assert opened.cycles == 2 and opened.created > 0
    assert written_for(db, "t1") == written_for(db, "a1") and written_for(db, "t2") == written_for(db, "a2")
    assert written_for(db, "t1") != written_for(db, "t2")  # the bodies did differ
    assert open_cycles(db, ["t1", "t2"], kind, period, on=on).created == 0  # a second run creates nothing


def test_an_unknown_body_among_many_is_named_and_nothing_is_opened(db: Engine) -> None:
    organisation(db, "mne2017", "first")
    before = snapshot(db)
    with pytest.raises(InvalidInput) as caught:
        open_cycles(db, ["first", "nowhere"], "quarterly", "2026-Q3", on=D(2026, 10, 1))
    assert (caught.value.code, caught.value.field, caught.value.value) == ("not_found", "state_body", "nowhere")
    assert snapshot(db) == before


def test_one_opening_is_for_bodies_of_one_methodology(db: Engine) -> None:
    """The scheduler groups bodies by methodology (states/scheduling.py): a kind and period
    mean one rule set, so a mixed list is a caller's mistake and opens nothing."""
    organisation(db, "mne2017", "old")
    organisation(db, "typical2023", "new")
    before = snapshot(db)
    with pytest.raises(ValueError, match="one methodology"):
        open_cycles(db, ["old", "new"], "annual", "2025", on=D(2026, 1, 5))
    assert snapshot(db) == before

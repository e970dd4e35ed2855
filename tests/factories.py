"""A small, realistic state body for lifecycle tests, built in one transaction.

    vice      (a vice-minister: outside the B corps, never appraised)   the head's assessor (mne2017 п.4)
    official (appointing official, head of the body, C-1)   chairs the commission
    ├── hr        (HR, head of HR)                            secretary, does not vote
    ├── member    (expert, C-4)                               commission member
    └── manager   (head of unit, C-3: a head under typical2023 п.3.4)   commission member
        ├── servant      (chief expert, C-4)
        ├── colleague1   (C-4)
        ├── colleague2   (C-4)
        └── colleague3   (C-4)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology.workdays import ALMATY
from models import Appraisal, Commission, CommissionMember, Position, Servant, StateBody, Unit
from models.db import transaction

LONG_AGO = date(2020, 1, 6)


@dataclass
class Org:
    engine: Engine
    code: str
    ids: dict[str, int] = field(default_factory=dict)

    def appraisal(self, name: str, kind: str, period: str) -> Appraisal:
        with transaction(self.engine) as session:
            query = select(Appraisal).where(
                Appraisal.servant_id == self.ids[name], Appraisal.kind == kind, Appraisal.period == period
            )
            return session.exec(query).one()


def organisation(engine: Engine, methodology: str = "mne2017", code: str = "body", commission: bool = True) -> Org:
    org = Org(engine, code)
    with transaction(engine) as session:
        body = StateBody(code=code, name=f"State body {code}", methodology=methodology)
        session.add(body)
        session.flush()
        unit = Unit(state_body_id=body.id, code="u1", name="Department of planning")  # type: ignore[arg-type]
        session.add(unit)
        session.flush()
        positions = {
            category: Position(unit_id=unit.id, code=category, title=title, category=category)  # type: ignore[arg-type]
            for category, title in (("C-1", "Head of the body"), ("C-3", "Head of department"), ("C-4", "Chief expert"))
        }
        session.add_all(positions.values())
        session.flush()

        def person(name: str, category: str, manager: str | None, **flags: object) -> None:
            servant = Servant(
                state_body_id=body.id, personnel_no=name, full_name=name.capitalize(),  # type: ignore[arg-type]
                position_id=positions[category].id, position_start=LONG_AGO,
                manager_id=org.ids[manager] if manager else None, **flags,  # type: ignore[arg-type]
            )
            session.add(servant)
            session.flush()
            org.ids[name] = servant.id  # type: ignore[assignment]

        person("official", "C-1", None, is_appointing_official=True)
        person("hr", "C-4", "official", is_hr=True, is_head_of_hr=True)
        person("member", "C-4", "official")
        person("manager", "C-3", "official")
        for name in ("servant", "colleague1", "colleague2", "colleague3"):
            person(name, "C-4", "manager")
        # Last, so the ids of the others stay as they were; the head's direct manager.
        person("vice", "C-1", None, outside_b_corps=True)
        head = session.get(Servant, org.ids["official"])
        head.manager_id = org.ids["vice"]  # type: ignore[union-attr]
        session.add(head)
        if commission:
            order = Commission(state_body_id=body.id, order_ref="No. 1-ө", formed_on=date(2026, 1, 5))  # type: ignore[arg-type]
            session.add(order)
            session.flush()
            for name, role in (("official", "chair"), ("manager", "member"), ("member", "member"), ("hr", "secretary")):
                session.add(CommissionMember(commission_id=order.id, servant_id=org.ids[name], role=role))  # type: ignore[arg-type]
    return org


def hire(org: Org, name: str, category: str = "C-4", manager: str = "manager") -> int:
    """Another servant of the org's body, in its position of `category`."""
    with transaction(org.engine) as session:
        colleague = session.get(Servant, org.ids["servant"])
        assert colleague is not None
        own = select(Position).join(Unit, Unit.id == Position.unit_id).where(Unit.state_body_id == colleague.state_body_id)
        position = session.exec(own.where(Position.category == category)).first()
        assert position is not None
        person = Servant(state_body_id=colleague.state_body_id, personnel_no=name, full_name=name.capitalize(),
                         position_id=position.id, position_start=LONG_AGO, manager_id=org.ids[manager])
        session.add(person)
        session.flush()
        org.ids[name] = person.id  # type: ignore[assignment]
        return person.id  # type: ignore[return-value]


def noon(day: date) -> datetime:
    """Midday of `day` in Asia/Almaty: the moment a test acts at when only the day matters."""
    return datetime.combine(day, time(12, 0), ALMATY)

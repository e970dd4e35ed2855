"""Who is who on an appraisal: the one place that answers every question the lifecycle asks
about people, in the workflow's own words (servant, direct_manager, hr, head_of_hr,
appointing_official, commission, calibration, respondent).

- `roles_of`: which roles a person holds on an appraisal ("what may they do": the roles
  check of states/service.py); `reader_roles` adds those that only read a result
  (states/confidentiality.py, typical2023 п.16, п.21).
- `offices_of`: a state body's office holders, many bodies in two queries (the sweep reads a
  batch's bodies at once; a cycle's opening all its bodies).
- `holder` / `People.recipients`: who holds a role on this appraisal: a deadline's
  responsible person (states/timeline.py), a notice's recipients (states/notices.py), a
  rung of the escalation ladder (`rung_holder`, states/sweep.py).

No one acts on their own appraisal in another role (the general rule of conflict of
interest, where the methodologies are silent): on it a person holds only the roles of the
servant and of a respondent (a 360 self-assessment); its HR steps go to another HR officer,
and the head of HR's own to the appointing official (`Offices.holder`); an assessor is
never the servant; a commission member does not vote on their own result (`voters`).

One fallback, everywhere: HR is the body's head of HR, else its HR officer of the lowest id
(a body that names no head still has its HR follow up; the lowest id: the choice is the
same on every run and every database). With nobody in HR the role has no holder: a
deadline has no responsible person and a notice no recipient (delivery dead-letters it,
for the operator to see).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import exists, literal, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from models import (
    Appraisal,
    CalibrationParticipant,
    CalibrationSession,
    Commission,
    CommissionMember,
    Servant,
    SurveyInvitation,
)


@dataclass(frozen=True)
class Offices:
    """A state body's office holders: HR (head of HR, else the lowest-id HR officer), the
    appointing official, the chair of its latest commission."""

    head_of_hr: int | None = None
    official: int | None = None
    chair: int | None = None
    hr_officers: tuple[int, ...] = ()  # HR by id, the head of HR first where there is one
    named_head: int | None = None  # the head of HR the body names (not the fallback)

    def holder(self, role: str, servant_id: int, assessor_id: int | None) -> int | None:
        return {
            "servant": servant_id,
            "direct_manager": assessor_id if assessor_id != servant_id else None,
            "hr": self.hr_for(servant_id),
            "head_of_hr": self.hr_for(servant_id),
            "appointing_official": self.official,
            "commission": self.chair,
        }.get(role)  # None: an outside body (the civil-service authority) or the body as a whole

    def hr_for(self, servant_id: int) -> int | None:
        """HR on this servant's appraisal: never the servant (conflict of interest): the head
        of HR's own goes to the appointing official, an HR officer's own to another one."""
        others = next((p for p in self.hr_officers if p != servant_id), None)
        if servant_id == self.named_head and self.official not in (None, servant_id):
            return self.official
        return others

    def conflicted(self) -> tuple[int, ...]:
        """The servants whose HR differs from the body's HR: those who are HR themselves."""
        return self.hr_officers


def offices_of(session: Session, bodies: Iterable[int]) -> dict[int, Offices]:
    """The offices of each of `bodies` (every one of them, empty where nobody holds one)."""
    wanted = sorted(set(bodies))
    holders = session.execute(
        sa_select(col(Servant.state_body_id), col(Servant.id), col(Servant.is_head_of_hr), col(Servant.is_hr), col(Servant.is_appointing_official))
        .where(col(Servant.state_body_id).in_(wanted), or_(col(Servant.is_head_of_hr), col(Servant.is_hr), col(Servant.is_appointing_official)))
        .order_by(col(Servant.id))
    )
    head: dict[int, int] = {}
    hr: dict[int, int] = {}
    official: dict[int, int] = {}
    officers: dict[int, list[int]] = {}
    for body, person, is_head, is_hr, is_official in holders:
        for held, table in ((is_head, head), (is_hr, hr), (is_official, official)):
            if held:
                table.setdefault(body, person)  # the lowest id: ordered above
        if is_head or is_hr:
            officers.setdefault(body, []).append(person)
    chairs: dict[int, int] = {}
    latest_first = (
        select(Commission.state_body_id, CommissionMember.servant_id)
        .join(Commission, col(Commission.id) == CommissionMember.commission_id)
        .where(col(Commission.state_body_id).in_(wanted), CommissionMember.role == "chair")
        .order_by(col(Commission.formed_on).desc())
    )
    for body, person in session.exec(latest_first):
        chairs.setdefault(body, person)
    return {
        body: Offices(head.get(body) or hr.get(body), official.get(body), chairs.get(body), _head_first(head.get(body), officers.get(body, [])), head.get(body))
        for body in wanted
    }


def _head_first(head: int | None, officers: list[int]) -> tuple[int, ...]:
    return tuple([head] + [p for p in officers if p != head]) if head else tuple(officers)


def holder(session: Session, appraisal: Appraisal, role: str) -> int | None:
    """The one person who holds `role` on this appraisal (a step's responsible person)."""
    servant = session.get(Servant, appraisal.servant_id)
    assert servant is not None
    return offices_of(session, [servant.state_body_id])[servant.state_body_id].holder(role, appraisal.servant_id, appraisal.assessor_id)


def rung_holder(offices: Offices, servant: int, responsible: int | None, manager: int | None, rung: str | None) -> int | None:
    """Who a rung of the escalation ladder reaches (states/escalation.py); HR where the rung
    has nobody (an outside body's step, a responsible person without a manager); never HR
    on their own appraisal (`Offices.hr_for`)."""
    if rung in (None, "responsible") and responsible:  # nearly every reminder: HR not asked for
        return responsible
    hr = offices.hr_for(servant)
    if rung in (None, "responsible", "head_of_hr"):
        return hr
    if rung == "manager":
        return manager or hr
    return offices.official or hr


def managers_of(session: Session, people: Iterable[int]) -> dict[int, int | None]:
    """Each person's manager, by one query."""
    wanted = sorted(set(people))
    return dict(session.exec(select(Servant.id, Servant.manager_id).where(col(Servant.id).in_(wanted))).all())  # type: ignore[arg-type]  # sqlmodel: types a primary key read back as Optional, like the unsaved model's


class People:
    """One unit of work's reader of people: each person and each body's offices read once,
    and many at a time where the caller has many (`read`)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.offices: dict[int, Offices] = {}
        # Held here: the session keeps the rows it read only as long as someone else does.
        self.known: dict[int, Servant | None] = {}

    def read(self, ids: Iterable[int | None]) -> None:
        """Read these people by one query (a batch's servants and assessors, say)."""
        wanted = sorted({i for i in ids if i is not None and i not in self.known})
        if wanted:
            self.known.update((p.id, p) for p in self.session.exec(select(Servant).where(col(Servant.id).in_(wanted))) if p.id is not None)

    def person(self, person_id: int) -> Servant | None:
        if person_id not in self.known:
            self.known[person_id] = self.session.get(Servant, person_id)
        return self.known[person_id]

    def recipients(self, appraisal: Appraisal, role: str, on: date) -> list[int]:
        """The holders of `role` on this appraisal who are still in service on `on`."""
        people = [self.person(person) for person in dict.fromkeys(self.holders(appraisal, role))]
        return [p.id for p in people if p is not None and p.id is not None and (p.dismissed_on is None or p.dismissed_on > on)]

    def holders(self, appraisal: Appraisal, role: str) -> list[int]:
        """Everyone who holds `role` on this appraisal: the calibration session's
        participants, the respondents who have not answered, or the one holder of an office."""
        if role == "calibration":
            latest = select(CalibrationSession.id).where(CalibrationSession.appraisal_id == appraisal.id).order_by(col(CalibrationSession.id).desc()).limit(1)
            return list(
                self.session.exec(select(CalibrationParticipant.servant_id).where(col(CalibrationParticipant.session_id).in_(latest.scalar_subquery())))
            )
        if role == "respondent":
            query = (
                select(SurveyInvitation.respondent_id)
                .where(SurveyInvitation.appraisal_id == appraisal.id, col(SurveyInvitation.answered).is_(False))
                .order_by(col(SurveyInvitation.id))
            )
            return list(self.session.exec(query))
        found = self._offices(appraisal).holder(role, appraisal.servant_id, appraisal.assessor_id)
        return [found] if found else []

    def _offices(self, appraisal: Appraisal) -> Offices:
        servant = self.person(appraisal.servant_id)
        assert servant is not None
        body = servant.state_body_id
        if body not in self.offices:
            self.offices.update(offices_of(self.session, [body]))
        return self.offices[body]


class OnAppraisal(Protocol):
    """What the roles and the sight of an appraisal read of it: an `Appraisal`, or a
    page's row of its columns (My work reads hundreds, not as whole objects)."""

    @property
    def id(self) -> int | None: ...
    @property
    def servant_id(self) -> int: ...
    @property
    def assessor_id(self) -> int | None: ...
    @property
    def methodology(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def state(self) -> str: ...


class OfBody(Protocol):
    """What the roles read of an appraisal's servant: a `Servant`, or those columns of it."""

    @property
    def state_body_id(self) -> int: ...
    @property
    def is_head_of_hr(self) -> bool: ...


@dataclass(frozen=True)
class Standing:
    """What a person's roles depend on beyond the appraisal itself, read once: whether they
    sit on their body's commission, the 360s they were asked to answer and have not, the
    calibration sessions they take part in. A page of many appraisals (My work, HR's whole
    body) asks these three questions once instead of once per appraisal; every answer about
    roles, for one appraisal or many, comes from here."""

    person: Servant
    on_commission: bool
    invited: frozenset[int]  # appraisals with an unanswered invitation to this person
    calibrates: frozenset[int]  # appraisals whose calibration session they take part in

    @classmethod
    def of(cls, session: Session, person: Servant) -> Standing:
        """The three questions asked by one query (every page asks them): each row says
        which it answers."""
        seat = sa_select(literal("seat"), literal(0)).where(exists(_commission_seat(person)))
        invited = sa_select(literal("invited"), col(SurveyInvitation.appraisal_id)).where(
            col(SurveyInvitation.respondent_id) == person.id, col(SurveyInvitation.answered).is_(False)
        )
        calibrates = (
            sa_select(literal("calibrates"), col(CalibrationSession.appraisal_id))
            .join(CalibrationParticipant, col(CalibrationParticipant.session_id) == CalibrationSession.id)
            .where(col(CalibrationParticipant.servant_id) == person.id)
        )
        answers: dict[str, set[int]] = {"seat": set(), "invited": set(), "calibrates": set()}
        for question, appraisal in session.execute(union_all(seat, invited, calibrates)):
            answers[question].add(appraisal)
        return cls(person, bool(answers["seat"]), frozenset(answers["invited"]), frozenset(answers["calibrates"]))

    def roles(self, appraisal: OnAppraisal, servant: OfBody | None) -> set[str]:
        """The roles of the workflow table this person holds on this appraisal, whose
        servant is `servant`."""
        person, invited = self.person, appraisal.id in self.invited
        if person.id == appraisal.servant_id:  # no other role on one's own (conflict of interest)
            return {"servant", "respondent"} if invited else {"servant"}
        same_body = servant is not None and person.state_body_id == servant.state_body_id
        roles = set()
        if person.id == appraisal.assessor_id:
            roles.add("direct_manager")
        if same_body and person.is_hr:
            roles.add("hr")
        if same_body and person.is_appointing_official:
            roles.add("appointing_official")
            if servant is not None and servant.is_head_of_hr:  # the head of HR's own HR steps
                roles.add("hr")
        if same_body and self.on_commission:
            roles.add("commission")
        if invited:
            roles.add("respondent")
        return roles

    def reader_roles(self, appraisal: OnAppraisal, servant: OfBody | None) -> set[str]:
        """`roles`, and the roles that only read a result: the body's head of HR, the
        participants of the appraisal's calibration session."""
        roles = self.roles(appraisal, servant)
        if self.person.id == appraisal.servant_id:
            return roles
        if self.person.is_head_of_hr and servant is not None and servant.state_body_id == self.person.state_body_id:
            roles.add("head_of_hr")
        if appraisal.id in self.calibrates:
            roles.add("calibration")
        return roles


def roles_of(session: Session, person: Servant, appraisal: Appraisal) -> set[str]:
    """The roles of the workflow table this person holds on this appraisal."""
    return Standing.of(session, person).roles(appraisal, session.get(Servant, appraisal.servant_id))


def reader_roles(session: Session, person: Servant, appraisal: Appraisal) -> set[str]:
    """`roles_of`, and the roles that only read a result (`Standing.reader_roles`)."""
    return Standing.of(session, person).reader_roles(appraisal, session.get(Servant, appraisal.servant_id))


def on_commission(session: Session, person: Servant) -> bool:
    """Whether the person sits on a commission of their own body (mne2017 п.6)."""
    return session.exec(_commission_seat(person)).first() is not None


def _commission_seat(person: Servant) -> SelectOfScalar[int] | SelectOfScalar[None]:
    """The commission seats of the person in their own body, as a query (mne2017 п.6)."""
    return (
        select(CommissionMember.id)
        .join(Commission, col(Commission.id) == CommissionMember.commission_id)
        .where(CommissionMember.servant_id == person.id, Commission.state_body_id == person.state_body_id)
    )


def voters(members: dict[int, str], appraisal: Appraisal) -> set[int]:
    """Who of a commission (member id → role) votes on this appraisal: not the secretary
    (mne2017 п.9), not the servant on their own result (conflict of interest)."""
    return {person for person, role in members.items() if role != "secretary" and person != appraisal.servant_id}

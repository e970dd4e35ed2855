"""Who a person is on one appraisal: the roles the workflow table names.

"What may this person do now" is then one lookup: the rows of the table whose source is
the appraisal's state and whose roles meet the person's.
"""

from __future__ import annotations

from sqlmodel import Session, select

from models import Appraisal, Commission, CommissionMember, Servant, SurveyInvitation


def roles_of(session: Session, person: Servant, appraisal: Appraisal) -> set[str]:
    servant = session.get(Servant, appraisal.servant_id)
    same_body = servant is not None and person.state_body_id == servant.state_body_id
    roles = set()
    if person.id == appraisal.servant_id:
        roles.add("servant")
    if person.id == appraisal.assessor_id:
        roles.add("direct_manager")
    if same_body and person.is_hr:
        roles.add("hr")
    if same_body and person.is_appointing_official:
        roles.add("appointing_official")
    if same_body and _on_commission(session, person):
        roles.add("commission")
    if _invited(session, person, appraisal):
        roles.add("respondent")
    return roles


def _on_commission(session: Session, person: Servant) -> bool:
    query = (
        select(CommissionMember.id)
        .join(Commission, Commission.id == CommissionMember.commission_id)
        .where(CommissionMember.servant_id == person.id, Commission.state_body_id == person.state_body_id)
    )
    return session.exec(query).first() is not None


def _invited(session: Session, person: Servant, appraisal: Appraisal) -> bool:
    query = select(SurveyInvitation.id).where(
        SurveyInvitation.appraisal_id == appraisal.id,
        SurveyInvitation.respondent_id == person.id,
        SurveyInvitation.answered == False,  # noqa: E712 (SQL comparison)
    )
    return session.exec(query).first() is not None

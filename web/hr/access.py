"""Who opens a state body's console, and as what: its HR (the head of HR among them), or
an auditor of it; anyone else gets the same 404 as for a body that does not exist.

What each reads: HR everything of the body's process; the head of HR also the body's
results (typical2023 п.21); an auditor compliance and protocols, never a score nor the
reasons a person was set apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException
from sqlmodel import Session, col, select

from models import Auditor, StateBody
from web.identity.sessions import Signed


@dataclass(frozen=True)
class Desk:
    body: StateBody
    role: str  # hr or auditor
    head_of_hr: bool

    @property
    def hr(self) -> bool:
        return self.role == "hr"


def desk(session: Session, who: Signed, code: str) -> Desk:
    body = session.exec(select(StateBody).where(StateBody.code == code)).first()
    if body is None:
        raise HTTPException(404)
    person = who.person
    if person.state_body_id == body.id and (person.is_hr or person.is_head_of_hr):
        return Desk(body, "hr", person.is_head_of_hr)
    if body.id in audited(session, who):
        return Desk(body, "auditor", False)
    raise HTTPException(404)


def audited(session: Session, who: Signed) -> list[int]:
    query = select(Auditor.state_body_id).where(Auditor.account_id == who.account.id).order_by(col(Auditor.state_body_id))
    return list(session.exec(query))


def home_body(session: Session, who: Signed) -> str | None:
    """The body whose console /hr opens: one's own as HR, else the first one audited."""
    if who.person.is_hr or who.person.is_head_of_hr:
        own = session.get(StateBody, who.person.state_body_id)
        return own.code if own else None
    bodies = audited(session, who)
    first = session.get(StateBody, bodies[0]) if bodies else None
    return first.code if first else None

"""What the database already holds of the file's state bodies: the rows an import updates
and the links (parent units, managers) the file's own links replace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models.organisation import Absence, Position, Servant, StateBody, Unit


@dataclass
class Existing:
    """The rows of the file's state bodies already in the database, by natural key: one
    query per table, however many servants a body has."""

    bodies: dict[str, StateBody]
    units: dict[tuple[str, str], Unit]
    positions: dict[tuple[str, str, str], Position]
    servants: dict[tuple[str, str], Servant]
    absences: dict[tuple[int, str, date], Absence]
    unit_parent: dict[tuple[str, str], tuple[str, str] | None]
    body_parent: dict[str, str | None]  # every body of the database, the file's or not: its parent's code
    body_ids: dict[str, int]  # every body of the database, by code
    manager_of: dict[tuple[str, str], tuple[str, str] | None]


def load_existing(session: Session, codes: set[str]) -> Existing:
    bodies = {b.code: b for b in session.exec(select(StateBody).where(col(StateBody.code).in_(codes)))}
    tree = session.exec(select(StateBody.id, StateBody.code, StateBody.parent_id)).all()  # a country has some hundreds
    code_of = {id: code for id, code, _ in tree}
    body_code = {b.id: b.code for b in bodies.values()}
    ids = list(body_code)
    unit_rows = list(session.exec(select(Unit).where(col(Unit.state_body_id).in_(ids))))
    unit_key = {u.id: (body_code[u.state_body_id], u.code) for u in unit_rows}
    position_rows = session.exec(select(Position).join(Unit).where(col(Unit.state_body_id).in_(ids)))
    servant_rows = list(session.exec(select(Servant).where(col(Servant.state_body_id).in_(ids))))
    servant_key = {s.id: (body_code[s.state_body_id], s.personnel_no) for s in servant_rows}
    absence_rows = session.exec(select(Absence).join(Servant).where(col(Servant.state_body_id).in_(ids)))
    return Existing(
        bodies=bodies,
        units={unit_key[u.id]: u for u in unit_rows},
        positions={(*unit_key[p.unit_id], p.code): p for p in position_rows},
        servants={servant_key[s.id]: s for s in servant_rows},
        absences={(a.servant_id, a.kind, a.start): a for a in absence_rows},
        unit_parent={unit_key[u.id]: unit_key.get(u.parent_id) if u.parent_id else None for u in unit_rows},
        body_parent={code: code_of.get(parent) if parent else None for _, code, parent in tree},
        body_ids={code: id for id, code, _ in tree if id is not None},
        manager_of={servant_key[s.id]: servant_key.get(s.manager_id) if s.manager_id else None for s in servant_rows},
    )

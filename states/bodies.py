"""A state body and the bodies under it: a ministry, its committees, their territorial
departments (`StateBody.parent_id`). A ministry's HR follows who is late in all of them;
each body's own HR, only in its own."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select
from sqlmodel import Session, col

from models import StateBody


class Body(NamedTuple):
    """A state body as a list of bodies reads it: its columns, not a whole object (a
    ministry's list has hundreds)."""

    id: int
    code: str
    name: str
    methodology: str


def under(session: Session, body_id: int) -> list[Body]:
    """The body and every body below it, by name, in one recursive query; a chain that
    comes back on itself ends where it started."""
    tree = select(col(StateBody.id)).where(col(StateBody.id) == body_id).cte("tree", recursive=True)
    tree = tree.union(select(col(StateBody.id)).join(tree, col(StateBody.parent_id) == tree.c.id))
    query = (
        select(col(StateBody.id), col(StateBody.code), col(StateBody.name), col(StateBody.methodology))
        .where(col(StateBody.id).in_(select(tree.c.id)))
        .order_by(col(StateBody.name), col(StateBody.id))
    )
    return [Body(*row) for row in session.execute(query)]

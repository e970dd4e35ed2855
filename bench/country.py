"""A synthetic country for the benchmark: 200 state bodies (half on mne2017, half on
typical2023), 10 units each, 500 servants each: 100,000 servants in 2,000 units. The
first body stands over all the others, as a ministry over its committees, so its HR's
*who is late now* covers the whole country.

Rows go in with executemany inserts, the same way a bulk import would, so building the
country takes seconds and is not what the benchmark measures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, insert
from sqlalchemy.engine import Engine

from models import Position, Servant, StateBody, Unit
from models.db import transaction

UNITS_PER_BODY = 10


@dataclass(frozen=True)
class Country:
    bodies: int
    servants: int

    @property
    def per_body(self) -> int:
        return self.servants // self.bodies


def build(engine: Engine, country: Country, seed: int = 2026) -> list[str]:
    """Fill an empty database; return the state bodies' codes."""
    rng = random.Random(seed)
    codes = [f"body{n:03d}" for n in range(country.bodies)]
    with transaction(engine) as session:
        bodies = [{"code": c, "name": f"Мемлекеттік орган {c}", "methodology": ("mne2017", "typical2023")[n % 2]} for n, c in enumerate(codes)]
        body_ids = list(session.execute(insert(StateBody).returning(StateBody.id, sort_by_parameter_order=True), bodies).scalars())
        table = StateBody.__table__  # type: ignore[attr-defined]
        session.connection().execute(table.update().where(table.c.id != body_ids[0]).values(parent_id=body_ids[0]))
        units = [{"state_body_id": b, "code": f"u{u}", "name": f"Бөлім {u}", "parent_id": None} for b in body_ids for u in range(UNITS_PER_BODY)]
        unit_ids = list(session.execute(insert(Unit).returning(Unit.id, sort_by_parameter_order=True), units).scalars())
        positions = [
            {"unit_id": u, "code": code, "title": title, "category": category}
            for u in unit_ids
            for code, title, category in (("head", "Бөлім басшысы", "C-3"), ("expert", "Бас сарапшы", "C-4"))
        ]
        position_ids = list(session.execute(insert(Position).returning(Position.id, sort_by_parameter_order=True), positions).scalars())
        per_unit = country.per_body // UNITS_PER_BODY
        for index, body in enumerate(body_ids):
            rows = []
            for u in range(UNITS_PER_BODY):
                head_position, expert_position = position_ids[2 * (index * UNITS_PER_BODY + u)], position_ids[2 * (index * UNITS_PER_BODY + u) + 1]
                for n in range(per_unit):
                    rows.append({
                        "state_body_id": body, "personnel_no": f"{u}-{n}", "full_name": f"Қызметші {u}-{n}",
                        "position_id": head_position if n == 0 else expert_position,
                        "position_start": date(2015 + rng.randint(0, 9), rng.randint(1, 12), 1),
                        "probation_end": None, "manager_id": None, "email": None, "lang": "kk", "dismissed_on": None,
                        "is_hr": u == 0 and n == 1, "is_head_of_hr": u == 0 and n == 1, "is_appointing_official": u == 0 and n == 0,
                        "outside_b_corps": False,
                    })
            # the head's assessor: a vice-minister outside the B corps, never appraised (mne2017 п.4)
            rows.append({**rows[0], "personnel_no": "vice", "full_name": "Вице-министр", "position_id": None,
                         "is_hr": False, "is_head_of_hr": False, "is_appointing_official": False, "outside_b_corps": True})
            ids = list(session.execute(insert(Servant).returning(Servant.id, sort_by_parameter_order=True), rows).scalars())
            heads = {u: ids[u * per_unit] for u in range(UNITS_PER_BODY)}
            managers = [
                {"b_id": ids[u * per_unit + n], "b_manager": heads[0] if n == 0 and u else (ids[-1] if n == 0 else heads[u])}
                for u in range(UNITS_PER_BODY) for n in range(per_unit)
            ]
            table = Servant.__table__  # type: ignore[attr-defined]
            session.connection().execute(table.update().where(table.c.id == bindparam("b_id")).values(manager_id=bindparam("b_manager")), managers)
    return codes

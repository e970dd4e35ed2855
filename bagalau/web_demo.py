"""The console's demo database: the example year of a ministry department under mne2017
(examples/scenarios/mne2017-year.yaml) played up to the day its first quarter's appraisal
starts by the approved schedule (mne2017 п.14), with an account for one person of each
role, so that `make web` shows real work to do.

The console then runs at the simulated day after it (BAGALAU_WEB_TODAY), as
`simulate` does, since the example year is 2026.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import select

from bagalau import simulation
from models import Servant
from models.db import engine as make_engine
from models.db import transaction
from web.identity.passwords import set_password

SCENARIO = Path("examples/scenarios/mne2017-year.yaml")
UNTIL = date(2026, 4, 1)  # Q1 starts (opened on 20 March for the schedule's notice): every sheet is still to be filled
TODAY = date(2026, 4, 2)
# One person of each role, by their id in the scenario.
ROLES = {
    "aigerim": "servant (chief expert)",
    "dinara": "direct manager (head of division), commission member",
    "saule": "HR: head of HR, commission secretary",
    "kairat": "deputy director, commission member",
    "director": "appointing official, commission chair",
}


def build(path: Path, scenario: Path = SCENARIO) -> list[tuple[str, str, str]]:
    """A fresh demo database at `path`; returns (login, password, role) per account."""
    plan = simulation.load(scenario)
    plan = plan.model_copy(update={"steps": [step for step in plan.steps if step.day <= UNTIL], "until": UNTIL})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    simulation.run(plan, url)
    made = []
    with transaction(make_engine(url)) as session:
        for login, role in ROLES.items():
            servant = session.exec(select(Servant).where(Servant.personnel_no == login)).one()
            secret = f"demo-{login}-2026"
            set_password(session, servant, secret)
            made.append((login, secret, role))
    return made

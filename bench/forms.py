"""Forms per second: the official forms of both example years (examples/scenarios/), as the
head of HR of each body reads them, drawn as PDFs again and again in this one process
(one core), after one warm-up document, as a unit's bulk print draws them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bagalau import simulation
from bench.figures import figure, timed
from methodology.errors import InvalidInput
from models import Appraisal, Servant
from models.db import engine as make_engine
from models.db import transaction
from notifications.forms import FORMS, prepare
from notifications.forms.base import stored
from notifications.forms.form import Document, Form

SCENARIOS = Path(__file__).resolve().parent.parent / "examples" / "scenarios"
ROUNDS = 2


def forms_per_second(folder: Path) -> dict[str, Any]:
    documents = [document for name in ("mne2017", "typical2023") for document in _documents(folder, name)]
    form, document = documents[0]
    form.pdf(document, "kk")  # the fonts are parsed and cut once per process: not what a bulk print pays per form
    seconds, drawn = timed(lambda: sum(bool(form.pdf(document, "kk")) for _ in range(ROUNDS) for form, document in documents))
    return figure("forms.pdf", None, f"official forms drawn as PDFs ({len(documents)} documents × {ROUNDS})", drawn, seconds, None,
                  "≥ 30 /s on one core", rate=True)


def _documents(folder: Path, name: str) -> list[tuple[Form, Document]]:
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / name}.sqlite3"
    simulation.run(simulation.load(SCENARIOS / f"{name}-year.yaml"), url)
    found = []
    with transaction(make_engine(url)) as session:
        servants = {s.id: s for s in session.exec(select(Servant))}
        heads = {s.state_body_id: s for s in servants.values() if s.is_head_of_hr}
        for appraisal in session.exec(select(Appraisal).where(col(Appraisal.score).is_not(None)).order_by(col(Appraisal.id))):
            reader = heads.get(servants[appraisal.servant_id].state_body_id)
            for form in FORMS.values():
                if reader is None or appraisal.kind not in form.kinds:
                    continue
                try:
                    found.append(prepare(session, form.name, stored(appraisal), reader, "kk"))
                except InvalidInput:
                    continue  # nothing to make this form from
    return found

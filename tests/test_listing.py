"""What HR looks up (states/listing.py), on the example year of typical2023 played on
SQLite and PostgreSQL: filters narrow, a name is found in any case with Kazakh letters,
overdue means an open duty past its day (never an unused window), pages add up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bagalau import simulation
from models import Appraisal, Deadline
from states import listing
from states.listing import Filters

SCENARIO = Path(__file__).resolve().parent.parent / "examples" / "scenarios" / "typical2023-year.yaml"


def test_lists_narrow_find_names_and_page(db: Engine) -> None:
    simulation.run(simulation.load(SCENARIO), db.url.render_as_string(hide_password=False))
    with Session(db) as session:
        everything = listing.appraisals(session, Filters(), limit=1000)
        assert everything.total == len(everything.rows) == len(session.exec(select(Appraisal.id)).all()) > 0

        kpi_q1 = listing.appraisals(session, Filters(kind="kpi", period="2026-Q1"))
        assert kpi_q1.total > 0 and {(r.kind, r.period) for r in kpi_q1.rows} == {("kpi", "2026-Q1")}

        # "Тұрсынова" typed as "тҰРСЫН": case folded, Kazakh Ұ included; an ASCII fold would miss it
        found = listing.appraisals(session, Filters(name="тҰРСЫН"))
        assert found.total > 0 and all("Тұрсынова" in r.name for r in found.rows)
        assert listing.appraisals(session, Filters(name="nobody-like-this")).total == 0
        assert {p.name for p in listing.people(session, Filters(name="ТҰРСЫНОВА")).rows} == {"Айгүл Сабитқызы Тұрсынова"}

        on = date(2026, 12, 31)
        # the example year ends with every step done in time: one step is left undone here
        lapse = session.exec(select(Deadline).where(Deadline.status == "done", Deadline.step == "kpi_appraisal")).first()
        assert lapse is not None
        lapse.status, lapse.closed_on = "open", None
        session.add(lapse)
        session.commit()
        late = listing.appraisals(session, Filters(overdue_on=on), limit=1000)
        open_past = {d.appraisal_id for d in session.exec(select(Deadline).where(Deadline.status == "open", Deadline.due < on))}
        assert {r.id for r in late.rows} == open_past == {lapse.appraisal_id}
        assert all(r.overdue and all(due < on for _, due in r.overdue) for r in late.rows)

        # a window (calibration_application, typical2023 п.38) left unused is nobody's breach; a duty is
        calm = next(r for r in everything.rows if r.id not in {x.id for x in late.rows} and r.kind == "kpi")

        def left_open(step: str, due: date, paragraph: str, role: str) -> None:
            """The step of `calm` open past its day, whether the year wrote a row for it or not."""
            row = session.exec(select(Deadline).where(Deadline.appraisal_id == calm.id, Deadline.step == step)).first()
            row = row or Deadline(appraisal_id=calm.id, step=step, due=due, paragraph=paragraph, responsible_role=role)
            row.status, row.closed_on, row.due = "open", None, due
            session.add(row)
            session.commit()

        left_open("calibration_application", date(2026, 6, 1), "п.38", "servant")
        assert calm.id not in {r.id for r in listing.appraisals(session, Filters(overdue_on=on), limit=1000).rows}
        left_open("familiarisation", date(2026, 6, 2), "п.20", "hr")
        again = listing.appraisals(session, Filters(overdue_on=on), limit=1000)
        assert next(r for r in again.rows if r.id == calm.id).overdue == [("familiarisation", date(2026, 6, 2))]

        first, second = (listing.appraisals(session, Filters(), limit=5, offset=o) for o in (0, 5))
        assert [r.id for r in first.rows + second.rows] == [r.id for r in everything.rows[:10]]

        cycles = listing.cycles(session, "vko-akimat")
        assert sum(c.appraisals for c in cycles.rows) == everything.total
        assert listing.cycles(session, "no-such-body").total == 0

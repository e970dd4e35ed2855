"""The compliance report's rows in the reader's words: the kind of appraisal and the step
labelled, lateness in working days (every term is in working days, mne2017 п.3.1 counts
them too), and a step whose role nobody holds reported as that, a finding for HR, never a
bare role standing where a person's name should be."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from models import Deadline
from models.db import transaction
from states import compliance
from states.cycles import open_cycle
from tests.factories import organisation

MONDAY = date(2026, 4, 20)  # the quarterly step was due Fri 10 April: 13–17 and 20 April are working days


def test_rows_name_the_kind_count_working_days_and_report_a_role_nobody_holds(db: Engine) -> None:
    made = organisation(db, "mne2017")
    open_cycle(db, "body", "quarterly", "2026-Q1", on=date(2026, 4, 1))
    orphan = made.appraisal("colleague1", "quarterly", "2026-Q1").id
    with transaction(db) as session:
        session.execute(sa.update(Deadline).where(Deadline.appraisal_id == orphan).values(responsible_id=None))  # type: ignore[arg-type]
        for lang, kind, nobody in (("kk", "тоқсандық бағалау", "бұл рөлді ешкім атқармайды: тікелей басшы"),
                                   ("ru", "квартальная оценка", "никто не занимает роль: непосредственный руководитель")):
            rows = {row.servant: row for row in compliance.rows_of(session, MONDAY, lang)}
            assert rows["Colleague1"].responsible == nobody
            assert rows["Servant"].responsible == "Manager"
            assert {row.kind for row in rows.values()} == {kind}
            assert {row.days_overdue for row in rows.values()} == {6}  # not the 10 calendar days
        assert {row.days_overdue for row in compliance.rows_of(session, date(2026, 4, 13), "en")} == {1}  # Friday to Monday: one

"""A transaction seals only the audit events it wrote (issue #15 item 9).

A row put into the trail by hand with plain SQL and no hash must stay unsealed: were it
sealed by the next legitimate write of its body, the chain would take it in and `audit
verify` would stop naming it. Both ways the product writes events are covered: the ORM
(a transition, a hold) and the bulk INSERT … SELECT of a cycle's opening; so are two
writers on one body at once, a savepoint rolled back after writing an event, and the trail
written before the chain existed, which its migration seals once.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from tests.factories import organisation
from tests.inprocess import cli
from sqlalchemy.engine import Engine

from models import AuditEvent
from models.db import engine as make_engine
from models.db import transaction
from models.migrate import upgrade
from states import audit_chain
from states.cycles import open_cycle
from states.service import act

KPIS = [
    {"text": "Audits finished on time", "unit": "%", "planned": 100, "direction": "increase"},
    {"text": "Budget funds recovered", "unit": "mln tenge", "planned": 200, "direction": "increase"},
    {"text": "Complaints upheld", "unit": "complaints", "planned": 4, "direction": "decrease"},
]


def trail(db: Engine) -> list[tuple[int, str]]:
    with transaction(db) as session:
        return [(f.event_id, f.problem) for f in audit_chain.verify(session)]


def unsealed(db: Engine) -> list[int]:
    with db.connect() as connection:
        return [row[0] for row in connection.execute(sa.text("select id from audit_event where hash is null order by id"))]


def insert_by_hand(db: Engine, appraisal: int) -> int:
    """What a person with the database's password could do: a row that says a thing never done."""
    with db.begin() as connection:
        connection.execute(sa.text(
            "insert into audit_event (appraisal_id, at, actor_role, action, from_state, to_state, data) "
            "values (:a, :at, 'commission', 'approve', 'kpi_set', 'approved', '{}')"), {"a": appraisal, "at": datetime(2026, 1, 9, 9)})
        return connection.execute(sa.text("select max(id) from audit_event")).scalar_one()


def test_a_row_inserted_by_hand_is_still_named_after_later_writes_of_its_body(db: Engine) -> None:
    org = organisation(db, "typical2023")
    open_cycle(db, org.code, "kpi", "2026-Q1", on=date(2026, 1, 5))
    appraisal = org.appraisal("manager", "kpi", "2026-Q1").id
    assert appraisal is not None and trail(db) == []
    forged = insert_by_hand(db, appraisal)
    assert trail(db) == [(forged, "inserted")]
    act(db, appraisal, org.ids["official"], "set_kpis", {"kpis": KPIS}, on=date(2026, 1, 12))  # the ORM's path
    assert trail(db) == [(forged, "inserted")]
    open_cycle(db, org.code, "kpi", "2026-Q2", on=date(2026, 4, 1))  # the bulk INSERT … SELECT
    env = {"BAGALAU_DATABASE_URL": db.url.render_as_string(hide_password=False)}
    assert cli("hold", "set", str(appraisal), "--reason", "Court case 2-113/2026", env=env).code == 0  # the CLI's
    assert unsealed(db) == [forged]  # every legitimate event sealed, the forged one left as it came
    done = cli("audit", "verify", env=env)
    assert done.code == 1 and json.loads(done.out)["breaks"] == [{"body": "body", "event_id": forged, "problem": "inserted"}]


def test_two_writers_on_one_body_at_once_chain_one_after_the_other(db: Engine) -> None:
    org = organisation(db, "typical2023")
    open_cycle(db, org.code, "kpi", "2026-Q1", on=date(2026, 1, 5))
    appraisal = org.appraisal("manager", "kpi", "2026-Q1").id
    assert appraisal is not None
    forged = insert_by_hand(db, appraisal)  # a hand-inserted row waits while both write
    start, errors = threading.Barrier(2), []

    def at_once(write: Callable[[], object]) -> None:
        start.wait()
        try:
            write()
        except BaseException as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)

    writes = [lambda: act(db, appraisal, org.ids["official"], "set_kpis", {"kpis": KPIS}, on=date(2026, 1, 12)),
              lambda: open_cycle(db, org.code, "kpi", "2026-Q2", on=date(2026, 4, 1))]
    threads = [threading.Thread(target=at_once, args=(write,)) for write in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and unsealed(db) == [forged]
    assert trail(db) == [(forged, "inserted")]  # one chain through both, the forged row left off


def test_an_event_of_a_savepoint_rolled_back_is_not_sealed_into_the_chain(db: Engine) -> None:
    org = organisation(db, "typical2023")
    open_cycle(db, org.code, "kpi", "2026-Q1", on=date(2026, 1, 5))
    appraisal = org.appraisal("manager", "kpi", "2026-Q1").id
    with transaction(db) as session:
        with session.begin_nested() as nested:
            session.add(AuditEvent(appraisal_id=appraisal, at=datetime(2026, 1, 9, 9), actor_role="hr", action="hold_set",
                                   to_state="kpi_draft", data={}))
            session.flush()
            nested.rollback()
    act(db, appraisal, org.ids["official"], "set_kpis", {"kpis": KPIS}, on=date(2026, 1, 12))
    assert unsealed(db) == [] and trail(db) == []


def test_the_trail_written_before_the_chain_is_sealed_by_its_migration(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0006")
    old = sa.create_engine(url)
    with old.begin() as connection:
        for statement in (
            "insert into state_body (id, code, name, methodology) values (1, 'body', 'Body', 'typical2023')",
            "insert into servant (id, state_body_id, personnel_no, full_name, position_start, lang, is_hr, is_head_of_hr, "
            "is_appointing_official) values (1, 1, '1001', 'Servant', '2020-01-01', 'kk', 0, 0, 0)",
            "insert into cycle (id, state_body_id, methodology, kind, period, opened_on) "
            "values (1, 1, 'typical2023', 'kpi', '2026-Q1', '2026-01-05')",
            "insert into appraisal (id, cycle_id, servant_id, methodology, kind, period, state, version, participation, "
            "events, legal_hold) values (1, 1, 1, 'typical2023', 'kpi', '2026-Q1', 'kpi_set', 2, 'full', '{}', 0)",
            "insert into audit_event (appraisal_id, at, actor_role, action, to_state, data) "
            "values (1, '2026-01-05 09:00:00', 'system', 'open', 'kpi_draft', '{}')",
            "insert into audit_event (appraisal_id, at, actor_role, action, from_state, to_state, data) "
            "values (1, '2026-01-12 12:00:00', 'official', 'set_kpis', 'kpi_draft', 'kpi_set', '{\"kpis\": []}')",
        ):
            connection.execute(sa.text(statement))
    old.dispose()
    upgrade(url)
    migrated = make_engine(url)
    assert unsealed(migrated) == [] and trail(migrated) == []

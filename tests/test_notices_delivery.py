"""Notices from the lifecycle to the outbox, and from the outbox to people, on SQLite and
PostgreSQL: recorded inside the action's transaction, announced once when a cycle opens,
delivered once however often delivery runs (also two deliverers at a time), retried with
backoff then dead-lettered, read and unread in the in-app inbox, purged with retention, and
handled from the command line. The channels here are probes; the real SMTP and HTTP
servers are in tests/test_notices_channels.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from flows.inputs import SweepInput
from flows.sweep import deliver_notices, sweep_deadlines
from methodology.errors import BagalauError
from methodology.workdays import ALMATY
from models import Appraisal, Notice
from models.db import transaction
from models.outbox import InboxMessage
from notifications.channels import ChannelError, Outgoing, inbox
from notifications.delivery import deliver
from states.notices import announce_openings
from states.cycles import open_cycle
from states.retention import purge
from states.service import act
from tests.checks import outbox
from tests.factories import Org, noon, organisation

D = date
OPENED = D(2026, 4, 1)
T0 = datetime(2026, 4, 2, 10, 0, tzinfo=ALMATY)
SELF = {"bonus_items": [{"description": "Activity above the average workload", "points": 3}]}
BAGALAU = str(Path(sys.executable).with_name("bagalau"))


class Probe:
    """A channel that records what it was given, and fails the first `failures` sends
    (None: every send)."""

    def __init__(self, name: str = "probe", failures: int | None = 0) -> None:
        self.name, self.failures = name, failures
        self.sent: list[str] = []
        self.lock = threading.Lock()

    def wants(self, outgoing: Outgoing) -> bool:
        return True

    def send(self, outgoing: Outgoing) -> None:
        with self.lock:
            if self.failures is None or self.failures > 0:
                self.failures = None if self.failures is None else self.failures - 1
                raise ChannelError("550 refused by the probe")
            self.sent.append(outgoing.key)


@pytest.fixture
def org(db: Engine) -> Org:
    made = organisation(db, "mne2017")
    open_cycle(db, "body", "quarterly", "2026-Q1", on=OPENED)
    return made



def aware(moment: datetime | None) -> datetime | None:
    """SQLite keeps the Almaty wall time without its zone."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=ALMATY)


def submitted(org: Org, name: str = "servant") -> int:
    appraisal = org.appraisal(name, "quarterly", "2026-Q1").id
    assert appraisal is not None
    act(org.engine, appraisal, org.ids[name], "submit", SELF, on=D(2026, 4, 2))
    return appraisal


# --- recording ---------------------------------------------------------------------------------------


def test_an_action_records_its_notices_in_its_own_transaction(org: Org) -> None:
    appraisal = submitted(org)
    [notice] = outbox(org.engine)
    assert (notice.key, notice.kind, notice.recipient_id, notice.event, notice.task, notice.step, notice.status) == (
        f"a{appraisal}:submit:sheet_to_agree:{org.ids['manager']}:2026-04-02", "sheet_to_agree", org.ids["manager"],
        "submit", "agree", "quarterly_appraisal", "pending",
    )
    # a refused action (the servant may not agree their own sheet) tells nobody
    with pytest.raises(BagalauError):
        act(org.engine, appraisal, org.ids["servant"], "agree", None, on=D(2026, 4, 3))
    assert len(outbox(org.engine)) == 1


def test_a_cycle_s_opening_is_announced_once(org: Org) -> None:
    submitted(org)  # acted on already: no "please start" for this one
    assert announce_openings(org.engine, OPENED, noon(OPENED)) == 7  # a sheet to fill for the 7 others
    assert announce_openings(org.engine, OPENED + timedelta(days=3), noon(OPENED + timedelta(days=3))) == 0
    # the schedule goes with HR's notice, 10 days before the unit's start, not with the opening (mne2017 п.14)
    assert [n for n in outbox(org.engine) if n.kind == "schedule"] == []
    assert announce_openings(org.engine, OPENED + timedelta(days=60), noon(OPENED + timedelta(days=60))) == 0  # long past the opening


# --- delivering --------------------------------------------------------------------------------------


def test_delivering_twice_sends_once(org: Org) -> None:
    announce_openings(org.engine, OPENED, noon(OPENED))
    probe = Probe()
    first = deliver(org.engine, T0, channels=[probe], batch=5)
    assert (first.sent, first.retried, first.dead) == (8, 0, 0)  # a sheet to fill for each of the 8
    assert first.channels == {"probe": 8, "inbox": 8}
    again = deliver(org.engine, T0 + timedelta(hours=1), channels=[probe])
    assert (again.sent, again.retried, again.dead, again.channels) == (0, 0, 0, {})
    assert sorted(probe.sent) == sorted(n.key for n in outbox(org.engine))
    assert {(n.status, n.delivered, n.attempts) for n in outbox(org.engine)} == {("sent", "inbox,probe", 0)}
    with transaction(org.engine) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(InboxMessage)).scalar() == 8


class Witness(Probe):
    """A channel that, at each send, reads the outbox from outside the deliverer: which of
    the notices it sent before are not recorded as sent through it yet."""

    def __init__(self, engine: Engine) -> None:
        super().__init__("witness")
        self.engine = engine
        self.unrecorded: list[set[str]] = []

    def send(self, outgoing: Outgoing) -> None:
        recorded = {n.key for n in outbox(self.engine) if "witness" in n.delivered.split(",")}
        self.unrecorded.append(set(self.sent) - recorded)
        super().send(outgoing)


def test_a_notice_that_left_the_system_is_recorded_before_the_next_is_sent(org: Org) -> None:
    """So a deliverer killed at any moment resends at most the one notice in flight (with
    its same key); notices for the inbox alone are recorded together."""
    announce_openings(org.engine, OPENED, noon(OPENED))
    witness = Witness(org.engine)
    assert deliver(org.engine, T0, channels=[witness], batch=100).sent == 8
    assert len(witness.unrecorded) == 8 and all(gap == set() for gap in witness.unrecorded)
    assert {(n.status, n.delivered) for n in outbox(org.engine)} == {("sent", "inbox,witness")}


class Killed(BaseException):
    """The deliverer's process ending where it stands."""


def test_notices_for_the_inbox_alone_are_recorded_with_their_claim(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    """No lease and no second transaction: killed before the claim's commit, nothing of the
    batch happened (no message, no lease), and the next run delivers each notice once; two
    deliverers at once post each message once."""
    announce_openings(org.engine, OPENED, noon(OPENED))
    post = inbox.post

    def killed(*args: object) -> None:
        raise Killed

    monkeypatch.setattr(inbox, "post", killed)
    with pytest.raises(Killed):
        deliver(org.engine, T0, channels=[], batch=100)
    assert {(n.status, n.delivered, n.attempts, n.next_attempt_at) for n in outbox(org.engine)} == {("pending", "", 0, None)}
    monkeypatch.setattr(inbox, "post", post)
    workers = [threading.Thread(target=deliver, args=(org.engine, T0), kwargs={"channels": [], "batch": 3}) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert {(n.status, n.delivered, n.attempts, n.next_attempt_at) for n in outbox(org.engine)} == {("sent", "inbox", 0, None)}
    with transaction(org.engine) as session:
        posted = session.execute(sa.select(InboxMessage.notice_id)).scalars().all()
    assert sorted(posted) == sorted(n.id for n in outbox(org.engine)) and len(posted) == 8


def test_two_deliverers_at_once_send_each_notice_once(org: Org) -> None:
    announce_openings(org.engine, OPENED, noon(OPENED))
    probe = Probe()
    workers = [threading.Thread(target=deliver, args=(org.engine, T0), kwargs={"channels": [probe], "batch": 3}) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(probe.sent) == sorted(n.key for n in outbox(org.engine)) and len(probe.sent) == 8
    assert {n.status for n in outbox(org.engine)} == {"sent"}


def test_a_failing_channel_is_retried_with_backoff_then_dead_lettered(org: Org) -> None:
    submitted(org)
    probe = Probe(failures=None)
    moment = T0
    for attempt in range(1, 6):
        report = deliver(org.engine, moment, channels=[probe])
        [notice] = outbox(org.engine)
        assert notice.attempts == attempt and notice.last_error == "probe: 550 refused by the probe"
        if attempt == 5:
            assert (report.dead, notice.status, notice.next_attempt_at) == (1, "dead", None)
            break
        wait = timedelta(minutes=2 ** (attempt - 1))  # 1, 2, 4, 8 minutes
        assert (report.retried, notice.status, aware(notice.next_attempt_at)) == (1, "pending", moment + wait)
        assert deliver(org.engine, moment + wait - timedelta(seconds=1), channels=[probe]).retried == 0  # not yet
        moment += wait
    assert notice.delivered == "inbox"  # the in-app message went out at the first attempt, once
    assert probe.sent == []
    assert deliver(org.engine, moment + timedelta(days=1), channels=[probe]).dead == 0  # dead stays dead


def test_a_retry_repeats_only_the_channel_that_failed(org: Org) -> None:
    submitted(org)
    steady, flaky = Probe("steady"), Probe("flaky", failures=1)
    assert deliver(org.engine, T0, channels=[steady, flaky]).retried == 1
    assert deliver(org.engine, T0 + timedelta(minutes=1), channels=[steady, flaky]).sent == 1
    [notice] = outbox(org.engine)
    assert (len(steady.sent), len(flaky.sent), notice.delivered, notice.attempts) == (1, 1, "flaky,inbox,steady", 1)


def test_a_notice_nobody_can_receive_or_render_is_dead_lettered_and_the_rest_delivered(org: Org) -> None:
    appraisal = submitted(org)
    with transaction(org.engine) as session:
        for key, recipient, kind in (("orphan", None, "overdue"), ("broken", org.ids["hr"], "no_such_kind")):
            session.add(Notice(key=key, appraisal_id=appraisal, recipient_id=recipient, kind=kind, level=2, step="quarterly_appraisal",
                               due=D(2026, 4, 10), created_at=T0))
    first = deliver(org.engine, T0, channels=[Probe()])
    assert (first.sent, first.retried, first.dead) == (1, 1, 1)
    by_key = {n.key: n for n in outbox(org.engine)}
    assert (by_key["orphan"].status, by_key["orphan"].last_error) == ("dead", "no recipient: nobody holds the position this notice is for")
    assert by_key["broken"].status == "pending" and "TemplateNotFound" in (by_key["broken"].last_error or "")


# --- the inbox ---------------------------------------------------------------------------------------


def test_the_inbox_keeps_read_and_unread_per_person(org: Org) -> None:
    announce_openings(org.engine, OPENED, noon(OPENED))
    submitted(org, "colleague1")  # and a sheet to agree for the manager
    deliver(org.engine, T0, channels=[])
    manager, servant = org.ids["manager"], org.ids["servant"]
    with transaction(org.engine) as session:
        assert inbox.unread(session, manager) == 2  # own sheet to fill, a sheet to agree
        newest = inbox.messages(session, manager)[0]
        assert newest.subject == "Келісуге: тоқсандық бағалау, 2026 жылғы 1-тоқсан (Colleague1)"  # kk, the default
        assert "Сізден күтілетін әрекет: түзетіп келісу" in newest.text and newest.html.startswith("<!DOCTYPE html>")
        assert not inbox.mark_read(session, newest.id, servant, T0)  # not theirs
        assert inbox.mark_read(session, newest.id, manager, T0)
        assert not inbox.mark_read(session, newest.id, manager, T0)  # read already
        assert inbox.unread(session, manager) == 1
        assert [m.id for m in inbox.messages(session, manager, unread_only=True)] == [m.id for m in inbox.messages(session, manager)[1:]]


def test_the_recipient_s_language_is_their_own(org: Org) -> None:
    with transaction(org.engine) as session:
        session.execute(sa.text("update servant set lang = 'ru' where id = :id"), {"id": org.ids["manager"]})
    submitted(org)
    deliver(org.engine, T0, channels=[])
    with transaction(org.engine) as session:
        [message] = inbox.messages(session, org.ids["manager"])
        assert (message.lang, message.subject) == ("ru", "На согласование: квартальная оценка, I квартал 2026 года (Servant)")


def test_retention_purges_the_inbox_message_with_its_notice(org: Org) -> None:
    appraisal = submitted(org)
    deliver(org.engine, T0, channels=[])
    with transaction(org.engine) as session:
        session.execute(sa.update(Appraisal).where(Appraisal.id == appraisal).values(closed_on=D(2022, 1, 10)))  # type: ignore[arg-type]
    assert purge(org.engine, D(2026, 6, 1), at=noon(D(2026, 6, 1))).purged == [appraisal]
    with transaction(org.engine) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(InboxMessage)).scalar() == 0


# --- the flow's delivery task and the command line ---------------------------------------------------


@pytest.fixture
def product(org: Org, monkeypatch: pytest.MonkeyPatch) -> Org:
    """The test's database as the product's own, with no external channel configured."""
    monkeypatch.setenv("BAGALAU_DATABASE_URL", org.engine.url.render_as_string(hide_password=False))
    for name in ("BAGALAU_SMTP_HOST", "BAGALAU_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    return org


def test_the_sweep_flow_delivers_what_the_sweep_recorded(product: Org) -> None:
    moment = datetime(2026, 4, 13, 9, 0, tzinfo=ALMATY)  # Q1 due Fri 10 April: overdue for all 8
    assert sweep_deadlines(SweepInput(now=moment))["notices"] == 8
    assert deliver_notices(SweepInput(now=moment)) == {
        "announced": 8, "reminded": 0, "sent": 16, "retried": 0, "dead": 0, "channels": {"inbox": 16},
    }
    assert deliver_notices(SweepInput(now=moment + timedelta(minutes=15)))["sent"] == 0


def bagalau(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BAGALAU, *args], capture_output=True, text=True, timeout=120, env={**os.environ})


def test_hr_lists_shows_and_resends_dead_notices(product: Org) -> None:
    submitted(product)
    moment = T0
    for _ in range(5):
        deliver(product.engine, moment, channels=[Probe(failures=None)])
        moment += timedelta(hours=1)
    [notice] = outbox(product.engine)

    listed = bagalau("notices", "list", "--status", "dead", "--lang", "en")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert (row["id"], row["status"], row["attempts"], row["recipient"]["personnel_no"]) == (notice.id, "dead", 5, "manager")
    assert row["subject"] == "For your approval: quarterly appraisal of Servant, Q1 2026"
    assert row["last_error"] == "probe: 550 refused by the probe"
    assert json.loads(bagalau("notices", "list", "--person", "servant").stdout) == []

    shown = bagalau("notices", "show", str(notice.id))
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["text"].startswith("Құрметті Manager!")  # the recipient's own language

    resent = bagalau("notices", "resend", str(notice.id))
    assert resent.returncode == 0, resent.stderr  # once seen failing with no output: its line says why
    assert json.loads(resent.stdout) == {"id": notice.id, "key": notice.key, "status": "pending", "attempts": 0}
    assert deliver(product.engine, moment, channels=[Probe()]).sent == 1
    with transaction(product.engine) as session:
        assert len(inbox.messages(session, product.ids["manager"])) == 1  # resent, not shown twice

    refused = bagalau("notices", "show", "999999")
    assert (refused.returncode, refused.stdout) == (2, "")
    assert "999999" in refused.stderr and "Traceback" not in refused.stderr

"""No one notice stops delivery (issue: a name with a line break made the e-mail channel
raise outside its error handling, and every run after stopped with all notices pending):
whatever fails while a notice is composed, sent or recorded is that notice's failed
attempt, retried with backoff and dead-lettered after the last, and the batch goes on."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from methodology.workdays import ALMATY
from models import Notice, Servant
from models.db import transaction
from notifications import delivery
from notifications.channels import Outgoing
from notifications.delivery import MAX_ATTEMPTS, deliver
from states.cycles import open_cycle
from tests.checks import outbox
from tests.factories import Org, organisation

T0 = datetime(2026, 4, 2, 10, 0, tzinfo=ALMATY)
POISON = "Жұмабаев Ерлан\r\nBcc: someone@example.org"


class Strict:
    """A channel that, like a mail library, raises a plain ValueError (not ChannelError)
    on a header value with a line break in it."""

    name = "strict"

    def __init__(self) -> None:
        self.sent: list[str] = []

    def wants(self, outgoing: Outgoing) -> bool:
        return True

    def send(self, outgoing: Outgoing) -> None:
        if "\r" in outgoing.name or "\n" in outgoing.name:
            raise ValueError("address parts cannot contain CR or LF")
        self.sent.append(outgoing.key)


@pytest.fixture
def org(db: Engine) -> Org:
    made = organisation(db, "mne2017")
    open_cycle(db, "body", "quarterly", "2026-Q1", on=date(2026, 4, 1))
    return made


def _thousand(org: Org, poisoned: str) -> str:
    """1,000 reminders about the servant's appraisal, one of them to `poisoned`, whose name
    a channel cannot carry; the poisoned notice's key."""
    appraisal = org.appraisal("servant", "quarterly", "2026-Q1").id
    with transaction(org.engine) as session:
        session.execute(sa.update(Servant).where(Servant.id == org.ids[poisoned]).values(full_name=POISON))  # type: ignore[arg-type]
        for n in range(1000):
            recipient = org.ids[poisoned] if n == 500 else org.ids["servant"]
            session.add(Notice(key=f"load:{n}", appraisal_id=appraisal, recipient_id=recipient, kind="schedule", level=0,
                               step="quarterly_appraisal", due=date(2026, 4, 2), created_at=T0, event="open"))
    return "load:500"


def test_one_poisoned_notice_among_a_thousand_is_dead_lettered_and_999_are_delivered(org: Org) -> None:
    poisoned = _thousand(org, "manager")
    channel = Strict()
    first = deliver(org.engine, T0, channels=[channel], batch=100)
    assert (first.sent, first.retried, first.dead) == (999, 1, 0)
    moment = T0
    for attempt in range(2, MAX_ATTEMPTS + 1):  # each retry after its backoff, then dead
        moment += timedelta(minutes=2 ** (attempt - 2))
        again = deliver(org.engine, moment, channels=[channel], batch=100)
        assert (again.sent, again.retried + again.dead) == (0, 1)
    by_key = {n.key: n for n in outbox(org.engine)}
    bad = by_key.pop(poisoned)
    assert (bad.status, bad.attempts, bad.next_attempt_at) == ("dead", MAX_ATTEMPTS, None)
    assert bad.last_error == "strict: ValueError: address parts cannot contain CR or LF"
    assert bad.delivered == "inbox"  # the in-app message reached the person; only the channel failed
    assert {n.status for n in by_key.values()} == {"sent"} and len(by_key) == 999
    assert len(channel.sent) == 999 and poisoned not in channel.sent


def test_a_notice_whose_composing_raises_fails_alone(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    poisoned = _thousand(org, "manager")

    def render_notice(session, notice, lang=None):  # type: ignore[no-untyped-def]
        if notice.key == poisoned:
            raise RecursionError("a template looped on this person's data")
        return real(session, notice, lang)

    real = delivery.render_notice
    monkeypatch.setattr(delivery, "render_notice", render_notice)
    report = deliver(org.engine, T0, channels=[], batch=250)
    assert (report.sent, report.retried) == (999, 1)
    [bad] = [n for n in outbox(org.engine) if n.key == poisoned]
    assert (bad.status, bad.attempts, bad.delivered) == ("pending", 1, "")
    assert bad.last_error == "render: RecursionError: a template looped on this person's data"


def test_a_value_the_database_refuses_fails_its_notice_and_the_rest_are_recorded(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    poisoned = _thousand(org, "manager")
    real = delivery.inbox.post

    def post(session, outgoing, at):  # type: ignore[no-untyped-def]
        if any(o.key == poisoned for o in outgoing):
            raise sa.exc.DataError("insert into inbox_message", {}, ValueError("A string literal cannot contain NUL (0x00) characters."))
        real(session, outgoing, at)

    monkeypatch.setattr(delivery.inbox, "post", post)
    report = deliver(org.engine, T0, channels=[], batch=250)
    assert (report.sent, report.retried, report.channels) == (999, 1, {"inbox": 999})
    by_key = {n.key: n for n in outbox(org.engine)}
    bad = by_key.pop(poisoned)
    assert (bad.status, bad.attempts, bad.delivered) == ("pending", 1, "")
    assert bad.last_error == "record: ValueError: A string literal cannot contain NUL (0x00) characters."
    assert {n.status for n in by_key.values()} == {"sent"}

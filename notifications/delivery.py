"""Delivery: the outbox's pending notices, rendered in each recipient's language and sent
through the in-app inbox (always), e-mail (when the person has an address and SMTP is
configured) and the webhook (when configured).

A batch is claimed in one short transaction: the rows are taken (FOR UPDATE SKIP LOCKED on
PostgreSQL, so two deliverers never take the same notice; SQLite's write lock serialises
them) and leased by moving next_attempt_at past the sending, so no transaction stays open
while an SMTP server or a webhook answers; what the batch's templates read is loaded a
query per table, not per notice. A notice's outcome is recorded, its inbox message with it,
in a transaction right after anything of it left the system (an e-mail, a webhook call);
notices that only go to the inbox are recorded together, so a country's opening costs a
commit per external message, not per notice:

- all its channels done: `sent`, and never claimed again (delivering twice sends once);
- a channel failed: attempts + 1 and the next attempt after an exponential backoff (1, 2,
  4, 8 minutes by default), retrying only the channels not yet done; after the last
  attempt `dead`, kept with its last error for HR (`bagalau notices list --status dead`),
  never dropped. A notice that cannot be rendered fails the same way;
- killed between the send and the record: the lease runs out and the notice is sent
  again, with the same key (Message-ID, X-Bagalau-Notice), so the receiver can tell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from methodology.workdays import ALMATY
from models import Appraisal, Deadline, Notice, Position, Servant, StateBody
from models.db import transaction
from notifications.channels import Channel, ChannelError, Outgoing, configured, inbox
from notifications.render import language_of, render_notice

MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=1)
LEASE = timedelta(minutes=10)  # longer than a batch takes to send
T = TypeVar("T", Appraisal, Deadline, Servant, Position, StateBody)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    channels: dict[str, int] = field(default_factory=dict)  # messages per channel


@dataclass
class _Work:
    notice_id: int
    done: set[str]
    outgoing: Outgoing | None
    error: str | None = None  # why it could not be prepared
    final: bool = False  # no attempt can succeed (no recipient)


def deliver(
    engine: Engine,
    now: datetime,
    *,
    batch: int = 100,
    channels: list[Channel] | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    backoff: timedelta = BACKOFF,
) -> DeliveryReport:
    """Send every notice due for an attempt at `now`; `channels` default to configured()."""
    now = now.astimezone(ALMATY) if now.tzinfo else now.replace(tzinfo=ALMATY)  # the outbox's clock
    channels = configured() if channels is None else channels
    report = DeliveryReport()
    while True:
        with transaction(engine) as session:
            claimed = _claim(session, now, batch)
            _read_ahead(session, claimed)
            work = [_prepare(session, notice) for notice in claimed]
        if not work:
            return report
        outcomes: list[tuple[_Work, dict[str, str]]] = []
        for item in work:
            before = len(item.done)
            errors = _send(item, channels, report) if item.outgoing else {}
            outcomes.append((item, errors))
            if errors or len(item.done) > before:  # it left the system: record it now
                _record_all(engine, outcomes, now, max_attempts, backoff, report)
                outcomes = []
        _record_all(engine, outcomes, now, max_attempts, backoff, report)


def _claim(session: Session, now: datetime, batch: int) -> list[Notice]:
    query = (
        select(Notice)
        .where(Notice.status == "pending", or_(Notice.next_attempt_at == None, Notice.next_attempt_at <= now))  # type: ignore[arg-type, operator]  # noqa: E711
        .order_by(Notice.id)  # type: ignore[arg-type]
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = list(session.exec(query))
    for notice in claimed:
        notice.next_attempt_at = now + LEASE
        session.add(notice)
    return claimed


def _read_ahead(session: Session, notices: list[Notice]) -> None:
    """Load the rows the notices' templates read (appraisals, their deadlines, the people
    named, their positions and bodies) in a query per table, so that each `session.get`
    while rendering finds its row in the session instead of asking the database. The
    session keeps rows only as long as someone else does: its `info` holds them."""
    appraisals = _rows(session, Appraisal, {n.appraisal_id for n in notices})
    deadlines = _rows(session, Deadline, {n.deadline_id for n in notices})
    people = {n.recipient_id for n in notices} | {a.servant_id for a in appraisals} | {a.assessor_id for a in appraisals}
    servants = _rows(session, Servant, people | {d.responsible_id for d in deadlines})
    places = [*_rows(session, Position, {s.position_id for s in servants}), *_rows(session, StateBody, {s.state_body_id for s in servants})]
    session.info["read_ahead"] = [*appraisals, *deadlines, *servants, *places]


def _rows(session: Session, table: type[T], ids: set[int | None]) -> list[T]:
    wanted = sorted(i for i in ids if i is not None)
    return list(session.exec(select(table).where(table.id.in_(wanted)))) if wanted else []  # type: ignore[attr-defined]


def _prepare(session: Session, notice: Notice) -> _Work:
    done = set(filter(None, notice.delivered.split(",")))
    person = session.get(Servant, notice.recipient_id) if notice.recipient_id else None
    if person is None:
        return _Work(notice.id, done, None, "no recipient: nobody holds the position this notice is for", final=True)  # type: ignore[arg-type]
    lang = language_of(session, notice)
    try:
        rendered = render_notice(session, notice, lang)
    except Exception as error:  # a template or data fault fails this notice, never the batch
        return _Work(notice.id, done, None, f"render: {type(error).__name__}: {error}")  # type: ignore[arg-type]
    outgoing = Outgoing(
        notice.id, notice.key, notice.kind, notice.level, notice.event, notice.appraisal_id,  # type: ignore[arg-type]
        person.id, person.personnel_no, person.full_name, person.email, lang, rendered,  # type: ignore[arg-type]
    )
    return _Work(notice.id, done, outgoing)  # type: ignore[arg-type]


def _send(item: _Work, channels: list[Channel], report: DeliveryReport) -> dict[str, str]:
    """Send through every channel not done yet; the errors of those that failed."""
    assert item.outgoing is not None
    errors = {}
    for channel in channels:
        if channel.name in item.done or not channel.wants(item.outgoing):
            continue
        try:
            channel.send(item.outgoing)
        except ChannelError as error:
            errors[channel.name] = str(error)
            continue
        item.done.add(channel.name)
        report.channels[channel.name] = report.channels.get(channel.name, 0) + 1
    return errors


def _record_all(
    engine: Engine, outcomes: list[tuple[_Work, dict[str, str]]], now: datetime, max_attempts: int, backoff: timedelta,
    report: DeliveryReport,
) -> None:
    """Record outcomes in one transaction: each notice's status and its inbox message."""
    if not outcomes:
        return
    with transaction(engine) as session:
        ids = [item.notice_id for item, _ in outcomes]
        notices = {n.id: n for n in session.exec(select(Notice).where(Notice.id.in_(ids)))}  # type: ignore[attr-defined]
        posts = []
        for item, errors in outcomes:
            notice = notices.get(item.notice_id)
            if notice is None or notice.status != "pending":
                continue  # purged or resent meanwhile: nothing of ours to record
            if item.outgoing and inbox.NAME not in item.done:
                posts.append(item.outgoing)
                item.done.add(inbox.NAME)
                report.channels[inbox.NAME] = report.channels.get(inbox.NAME, 0) + 1
            _record(notice, item, errors, now, max_attempts, backoff, report)
        inbox.post(session, posts, now)
        session.add_all(notices.values())


def _record(
    notice: Notice, item: _Work, errors: dict[str, str], now: datetime, max_attempts: int, backoff: timedelta, report: DeliveryReport
) -> None:
    notice.delivered = ",".join(sorted(item.done))
    failure = item.error or "; ".join(f"{name}: {message}" for name, message in sorted(errors.items()))
    if not failure:
        notice.status, notice.sent_at, notice.next_attempt_at, notice.last_error = "sent", now, None, None
        report.sent += 1
    else:
        notice.attempts += 1
        notice.last_error = failure
        if item.final or notice.attempts >= max_attempts:
            notice.status, notice.next_attempt_at = "dead", None
            report.dead += 1
        else:
            notice.next_attempt_at = now + backoff * 2 ** (notice.attempts - 1)
            report.retried += 1

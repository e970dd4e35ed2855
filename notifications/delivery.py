"""Delivery: the outbox's pending notices, rendered in each recipient's language and sent
through the in-app inbox (always), e-mail (when the person has an address and SMTP is
configured) and the webhook (when configured).

A batch is claimed in one transaction: the rows are taken (FOR UPDATE SKIP LOCKED on
PostgreSQL, so two deliverers never take the same notice; SQLite's write lock serialises
them) and what the batch's templates read is loaded a query per table, not per notice.
The notices that nothing outside the database carries (only the inbox, or a failure to
record) are recorded in that same transaction, their inbox messages with them: killed
before its commit, nothing of the batch happened. Those an e-mail or a webhook carries are
leased instead, by moving next_attempt_at past the sending, so no transaction stays open
while an SMTP server or a webhook answers; each one's outcome is recorded, its inbox
message with it, in a transaction right after anything of it left the system. A country's
opening costs a commit per batch and per external message, not per notice:

- all its channels done: `sent`, and never claimed again (delivering twice sends once);
- a channel failed: attempts + 1 and the next attempt after an exponential backoff (1, 2,
  4, 8 minutes by default), retrying only the channels not yet done; after the last
  attempt `dead`, kept with its last error for HR (`bagalau notices list --status dead`),
  never dropped. Whatever fails while a notice is composed or sent (its data, a template,
  a channel raising on what it carries, the database refusing a value) fails that notice
  the same way, and the batch goes on;
- killed between the send and the record: the lease runs out and the notice is sent
  again, with the same key (Message-ID, X-Bagalau-Notice), so the receiver can tell.

An invitation to the console (states/invitations.py) is made for each attempt: a fresh
token, whose hash is committed with the claim before anything is sent, so a retry or HR's
resend of a dead letter voids the link sent before and sends the new one through every
external channel again. It never goes to the in-app inbox (who has no password cannot read
it there), it is dead at once when no channel reaches the person, and its token is kept
out of what is recorded (the error is told without it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypedDict, cast

from sqlalchemy import Row, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, SQLModel, col

from methodology.workdays import ALMATY
from models import Appraisal, Deadline, Notice, Position, Servant, StateBody
from models.db import among, id_of, table_of, transaction
from notifications.channels import Channel, ChannelError, Outgoing, configured, inbox
from notifications.links import LinkSettings
from notifications.render import READ_AHEAD, language_of, render_notice
from states.invitations import fresh_link

MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=1)
LEASE = timedelta(minutes=10)  # longer than a batch takes to send


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
    secret: str | None = None  # an invitation's token: sent, never recorded


def deliver(
    engine: Engine,
    now: datetime,
    *,
    batch: int = 100,
    channels: list[Channel] | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    backoff: timedelta = BACKOFF,
    links: LinkSettings | None = None,
) -> DeliveryReport:
    """Send every notice due for an attempt at `now`; `channels` default to configured(),
    `links` (an invitation's) to the environment's."""
    now = now.astimezone(ALMATY) if now.tzinfo else now.replace(tzinfo=ALMATY)  # the outbox's clock
    channels = configured() if channels is None else channels
    links = LinkSettings.from_env() if links is None else links
    report = DeliveryReport()
    while True:
        with transaction(engine) as session:
            claimed = _claim(session, now, batch)
            _read_ahead(session, claimed)
            work = [_prepare(session, notice, now, links) for notice in claimed]
            outside = [item for item in work if _goes_out(item, channels)]
            _lease(session, outside, now)
            inside = [(item, _send(item, channels, report) if item.outgoing else {}) for item in work if not _goes_out(item, channels)]  # nothing leaves
            unrecorded = _record_here(session, inside, {id_of(notice): notice for notice in claimed}, now, max_attempts, backoff, report)
        if not work:
            return report
        _record_all(engine, unrecorded, now, max_attempts, backoff, report)  # each alone, the batch's record refused
        outcomes: list[tuple[_Work, dict[str, str]]] = []
        for item in outside:
            before = len(item.done)
            errors = _send(item, channels, report) if item.outgoing else {}
            outcomes.append((item, errors))
            if errors or len(item.done) > before:  # it left the system: record it now
                _record_all(engine, outcomes, now, max_attempts, backoff, report)
                outcomes = []
        _record_all(engine, outcomes, now, max_attempts, backoff, report)


def _claim(session: Session, now: datetime, batch: int) -> list[Notice]:
    """The batch's notices, read as Core rows of the notice's columns as the read-ahead's
    rows are: delivery and the templates only read those columns, by the same attribute
    names, and an ORM object per notice cost its loading and a tracked read of each one."""
    notices = table_of(Notice)
    query = (
        sa_select(notices)
        .where(notices.c.status == "pending", or_(notices.c.next_attempt_at.is_(None), notices.c.next_attempt_at <= now))
        .order_by(notices.c.id)
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return cast("list[Notice]", session.connection().execute(query).all())


def _goes_out(item: _Work, channels: list[Channel]) -> bool:
    """Whether a channel outside the database is yet to carry the notice."""
    return item.outgoing is not None and any(channel.name not in item.done and channel.wants(item.outgoing) for channel in channels)


def _lease(session: Session, items: list[_Work], now: datetime) -> None:
    """The notices to send outside, leased by one statement (the rows stay as read: rendering reads no lease)."""
    if items:
        lease = update(Notice).where(among(session, table_of(Notice).c.id, [item.notice_id for item in items])).values(next_attempt_at=now + LEASE)
        session.connection().execute(lease)


def _read_ahead(session: Session, notices: list[Notice]) -> None:
    """Load the rows the notices' templates read (appraisals, their deadlines, the people
    named, their positions and bodies) in a query per table, kept by (table, id) in the
    session's `info`, so that rendering looks each up in a dict instead of asking the
    database. They are read as Core rows, not ORM objects: templates only read their
    columns, by the same attribute names, and building thousands of tracked objects a
    batch cost more than rendering them."""
    appraisals = _rows(session, Appraisal, {n.appraisal_id for n in notices})
    deadlines = _rows(session, Deadline, {n.deadline_id for n in notices})
    people = {n.recipient_id for n in notices} | {a.servant_id for a in appraisals} | {a.assessor_id for a in appraisals}
    servants = _rows(session, Servant, people | {d.responsible_id for d in deadlines})
    positions = _rows(session, Position, {s.position_id for s in servants})
    bodies = _rows(session, StateBody, {s.state_body_id for s in servants})
    tables: list[tuple[type[SQLModel], list[Row[Any]]]] = [
        (Appraisal, appraisals), (Deadline, deadlines), (Servant, servants), (Position, positions), (StateBody, bodies),
    ]  # fmt: skip
    session.info[READ_AHEAD] = {(table, row.id): row for table, rows in tables for row in rows}


def _rows(session: Session, table: type[SQLModel], ids: set[int | None]) -> list[Row[Any]]:
    wanted = sorted(i for i in ids if i is not None)
    columns = table_of(table)
    return (
        list(session.connection().execute(sa_select(columns).where(among(session, columns.c.id, wanted))).all()) if wanted else []
    )  # one fetch, not one per row


def _prepare(session: Session, notice: Notice, now: datetime, links: LinkSettings) -> _Work:
    """The notice composed for its recipient; any fault of its data or its template is
    this notice's failed attempt, never the batch's."""
    if notice.invitation_id is not None:
        return _invitation(session, notice, now, links)
    done = set(filter(None, notice.delivered.split(",")))
    person = session.info[READ_AHEAD].get((Servant, notice.recipient_id)) or (session.get(Servant, notice.recipient_id) if notice.recipient_id else None)
    if person is None:
        return _Work(id_of(notice), done, None, "no recipient: nobody holds the position this notice is for", final=True)
    try:
        lang = language_of(session, notice)
        rendered = render_notice(session, notice, lang)
        outgoing = Outgoing(
            id_of(notice),
            notice.key,
            notice.kind,
            notice.level,
            notice.event,
            notice.appraisal_id,
            id_of(person),
            person.personnel_no,
            person.full_name,
            person.email,
            lang,
            rendered,
        )
    except Exception as error:  # a template or data fault fails this notice, never the batch
        return _Work(id_of(notice), done, None, f"render: {type(error).__name__}: {error}")
    return _Work(id_of(notice), done, outgoing)


def _invitation(session: Session, notice: Notice, now: datetime, links: LinkSettings) -> _Work:
    """An invitation with a link made for this attempt; every channel sends it again."""
    assert notice.id is not None and notice.invitation_id is not None
    person = session.get(Servant, notice.recipient_id) if notice.recipient_id else None
    if person is None:
        return _Work(notice.id, set(), None, "no recipient: the invited servant is gone", final=True)
    token = None
    try:
        token, until = fresh_link(session, notice.invitation_id, now, links.days)
        lang = language_of(session, notice)
        rendered = render_notice(session, notice, lang, (links.link(token), until))
    except LookupError as error:  # spent by its first use: HR invites again
        return _Work(notice.id, set(), None, f"invitation: {error}", final=True)
    except Exception as error:  # a template or data fault fails this notice, never the batch
        return _Work(notice.id, set(), None, _without(f"render: {type(error).__name__}: {error}", token))
    outgoing = Outgoing(
        notice.id,
        notice.key,
        notice.kind,
        notice.level,
        notice.event,
        None,
        id_of(person),
        person.personnel_no,
        person.full_name,
        person.email,
        lang,
        rendered,
    )
    return _Work(notice.id, set(), outgoing, secret=token)


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
            errors[channel.name] = _without(str(error), item.secret)
            continue
        except Exception as error:  # whatever a channel raises on this notice's data is this notice's failure
            errors[channel.name] = _without(f"{type(error).__name__}: {error}", item.secret)
            continue
        item.done.add(channel.name)
        report.channels[channel.name] = report.channels.get(channel.name, 0) + 1
    if not errors and not item.done and not inbox.wants(item.outgoing):
        item.error, item.final = "no channel reaches this person: an invitation needs an e-mail address or the webhook", True
    return errors


def _without(text: str, secret: str | None) -> str:
    return text.replace(secret, "…") if secret else text


def _record_here(
    session: Session,
    outcomes: list[tuple[_Work, dict[str, str]]],
    claimed: Mapping[int, Any],
    now: datetime,
    max_attempts: int,
    backoff: timedelta,
    report: DeliveryReport,
) -> list[tuple[_Work, dict[str, str]]]:
    """Record outcomes in the claim's transaction, under a savepoint, from the rows it
    claimed (locked by it: nobody changed them since); those the database refused, to
    record one by one after it (they were not leased: killed before, they are delivered
    again, nothing of them having left)."""
    if not outcomes:
        return []
    try:
        with session.begin_nested():
            counts = _record_in(session, outcomes, now, max_attempts, backoff, claimed)
    except SQLAlchemyError:
        return outcomes
    _count(report, counts)
    return []


def _record_all(
    engine: Engine,
    outcomes: list[tuple[_Work, dict[str, str]]],
    now: datetime,
    max_attempts: int,
    backoff: timedelta,
    report: DeliveryReport,
) -> None:
    """Record outcomes in one transaction: each notice's status and its inbox message. If
    the database refuses it (a value one notice carries), each is recorded alone, and the
    one refused is that notice's failed attempt."""
    if not outcomes:
        return
    try:
        counts = _record_batch(engine, outcomes, now, max_attempts, backoff)
    except SQLAlchemyError as error:
        if len(outcomes) > 1:
            for outcome in outcomes:
                _record_all(engine, [outcome], now, max_attempts, backoff, report)
            return
        item, errors = outcomes[0]
        cause = getattr(error, "orig", None) or error  # the driver's error, where there is one
        refused = _Work(item.notice_id, item.done, None, f"record: {type(cause).__name__}: {cause}")
        counts = _record_batch(engine, [(refused, errors)], now, max_attempts, backoff)
    _count(report, counts)


def _count(report: DeliveryReport, counts: Counter[str]) -> None:
    for name, count in counts.items():
        if name in ("sent", "retried", "dead"):
            setattr(report, name, getattr(report, name) + count)
        elif count:
            report.channels[name] = report.channels.get(name, 0) + count


def _record_batch(engine: Engine, outcomes: list[tuple[_Work, dict[str, str]]], now: datetime, max_attempts: int, backoff: timedelta) -> Counter[str]:
    """The outcomes written in a transaction of their own."""
    with transaction(engine) as session:
        return _record_in(session, outcomes, now, max_attempts, backoff)


def _record_in(
    session: Session,
    outcomes: list[tuple[_Work, dict[str, str]]],
    now: datetime,
    max_attempts: int,
    backoff: timedelta,
    claimed: Mapping[int, Any] | None = None,
) -> Counter[str]:
    """The outcomes written; how many were sent, retried, dead, posted. The notices as
    `claimed` in this transaction, or read again (after a send, in a transaction of its own)."""
    counts: Counter[str] = Counter()
    notices = claimed if claimed is not None else _current(session, [item.notice_id for item, _ in outcomes])
    posts, changes = [], []
    for item, errors in outcomes:
        notice = notices.get(item.notice_id)
        if notice is None or notice.status != "pending":
            continue  # purged or resent meanwhile: nothing of ours to record
        done = set(item.done)
        if item.outgoing and inbox.NAME not in done and inbox.wants(item.outgoing):
            posts.append(item.outgoing)
            done.add(inbox.NAME)
            counts[inbox.NAME] += 1
        change = _record(notice, done, item, errors, now, max_attempts, backoff)
        counts[change["status"] if change["status"] != "pending" else "retried"] += 1
        changes.append(change)
    inbox.post(session, posts, now)
    _update(session, changes)
    return counts


def _current(session: Session, ids: list[int]) -> dict[int, Any]:
    """The notices' columns that recording reads, as they stand now (rows, not whole notices)."""
    columns = sa_select(col(Notice.id), col(Notice.status), col(Notice.attempts), col(Notice.sent_at)).where(among(session, table_of(Notice).c.id, ids))
    return {n.id: n for n in session.execute(columns)}


def _update(session: Session, changes: list[_Change]) -> None:
    """Write the notices' new columns: the sent ones (nearly all) by one UPDATE per set of
    channels done, the others by primary key."""
    sent: dict[tuple[str, datetime | None], list[int]] = {}
    others = []
    for change in changes:
        if change["status"] == "sent":
            sent.setdefault((change["delivered"], change["sent_at"]), []).append(change["id"])
        else:
            others.append(change)
    for (delivered, sent_at), ids in sent.items():
        values = {"status": "sent", "delivered": delivered, "sent_at": sent_at, "next_attempt_at": None, "last_error": None}
        session.connection().execute(update(Notice).where(among(session, table_of(Notice).c.id, ids)).values(values))
    if others:
        session.execute(update(Notice), others)


class _Change(TypedDict):
    """A notice's new columns, by its primary key: every change names the same ones, as
    one bulk UPDATE needs."""

    id: int
    delivered: str
    status: str
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    next_attempt_at: datetime | None


def _record(notice: Row[Any], done: set[str], item: _Work, errors: dict[str, str], now: datetime, max_attempts: int, backoff: timedelta) -> _Change:
    """The notice's new columns, by its primary key, for one bulk UPDATE."""
    delivered = ",".join(sorted(done))
    failure = item.error or "; ".join(f"{name}: {message}" for name, message in sorted(errors.items()))
    if not failure:
        return _Change(id=notice.id, delivered=delivered, status="sent", attempts=notice.attempts, last_error=None, sent_at=now, next_attempt_at=None)
    attempts = notice.attempts + 1
    dead = item.final or attempts >= max_attempts
    return _Change(
        id=notice.id,
        delivered=delivered,
        status="dead" if dead else "pending",
        attempts=attempts,
        last_error=failure,
        sent_at=notice.sent_at,
        next_attempt_at=None if dead else now + backoff * 2 ** (attempts - 1),
    )

"""HR's invitation through the notice channels: the outbox names the invitation, delivery
makes the token and e-mails the link, only the token's hash is stored; the link sets the
password once, an expired one is refused, a resent dead letter voids the link before it;
the token is in no stored text (the outbox, its inbox, the audit trail) and no log line."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from models import Invitation, Notice, Servant
from models.db import transaction
from models.outbox import InboxMessage
from notifications.channels import ChannelError, Outgoing
from notifications.dead_letters import resend
from notifications.delivery import deliver
from notifications.links import LinkSettings
from states import invitations
from tests.factories import Org
from tests.web.conftest import signed_in
from web.app import NO_LINKS
from web.identity import invitations as web_invitations

SITE = "https://appraisal.example.kz"
LINKS = LinkSettings(SITE, 7)
LINK = re.compile(re.escape(SITE) + r"/invitation/([A-Za-z0-9_-]+)")


class Mailbox:
    """An e-mail channel that keeps what it was given, or refuses it quoting the message."""

    name = "email"

    def __init__(self, refuse: bool = False) -> None:
        self.refuse, self.sent = refuse, []  # type: tuple[bool, list[Outgoing]]

    def wants(self, outgoing: Outgoing) -> bool:
        return bool(outgoing.email)

    def send(self, outgoing: Outgoing) -> None:
        if self.refuse:
            raise ChannelError(f"550 message refused: {outgoing.rendered.text}")
        self.sent.append(outgoing)


def _invite(org: Org, name: str, email: str | None = "person@example.kz") -> int:
    with transaction(org.engine) as session:
        servant = session.get(Servant, org.ids[name])
        assert servant is not None
        servant.email = email
        session.add(servant)
        return invitations.invite(session, servant, datetime.now(timezone.utc)).id  # type: ignore[return-value]


def _delivered(org: Org, mailbox: Mailbox, at: datetime | None = None) -> str:
    deliver(org.engine, at or datetime.now(timezone.utc), channels=[mailbox], links=LINKS)
    found = LINK.search(mailbox.sent[-1].rendered.text)
    assert found, mailbox.sent[-1].rendered.text
    return found.group(1)


def _stored(engine: Engine) -> str:
    """Every row of the tables a token could leak into, as text."""
    with engine.connect() as connection:
        return "\n".join(repr(row) for table in ("notice", "inbox_message", "audit_event", "invitation")
                         for row in connection.execute(text(f"SELECT * FROM {table}")))  # noqa: S608 (fixed names)


def _form_csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def _set(client: TestClient, token: str, secret: str) -> int:
    csrf = _form_csrf(client.get("/sign-in").text)
    return client.post(f"/invitation/{token}", data={"csrf": csrf, "password": secret, "again": secret}).status_code


def test_the_link_is_e_mailed_in_kazakh_and_sets_the_password_once(client: TestClient, org: Org) -> None:
    _invite(org, "colleague2")
    mailbox = Mailbox()
    token = _delivered(org, mailbox)
    message = mailbox.sent[0]
    assert message.lang == "kk" and "шақыру" in message.rendered.subject.lower() and "colleague2" in message.rendered.text
    with transaction(org.engine) as session:
        stored = session.exec(select(Invitation)).one()
        notice = session.exec(select(Notice)).all()[-1]
        assert session.exec(select(InboxMessage).where(InboxMessage.notice_id == notice.id)).first() is None  # not in the app
    assert notice.invitation_id == stored.id and notice.status == "sent" and notice.delivered == "email"
    assert stored.token_hash == invitations.digest(token) and token not in _stored(org.engine)
    page = client.get(f"/invitation/{token}")
    assert page.status_code == 200 and "Colleague2" in page.text and page.headers["referrer-policy"] == "no-referrer"
    csrf = _form_csrf(page.text)
    mismatch = client.post(f"/invitation/{token}", data={"csrf": csrf, "password": "a new secret", "again": "another one"})
    assert mismatch.status_code == 422
    done = client.post(f"/invitation/{token}", data={"csrf": csrf, "password": "a new secret", "again": "a new secret"})
    assert done.status_code == 200 and 'href="/sign-in"' in done.text
    assert client.post("/api/v1/login", json={"login": "colleague2", "password": "a new secret"}).status_code == 200
    assert _set(client, token, "take it over") == 422  # spent: a second use changes nothing
    assert client.post("/api/v1/login", json={"login": "colleague2", "password": "take it over"}).status_code == 401
    assert client.get(f"/invitation/{token}").status_code == 404


def test_an_expired_or_unknown_link_is_refused(client: TestClient, org: Org) -> None:
    _invite(org, "colleague3")
    token = _delivered(org, Mailbox(), datetime.now(timezone.utc) - timedelta(days=7, minutes=1))  # a week's link, just over a week old
    assert client.get(f"/invitation/{token}").status_code == 404
    assert client.get("/invitation/not-a-token").status_code == 404
    assert _set(client, token, "late secret") == 422
    assert client.post("/api/v1/login", json={"login": "colleague3", "password": "late secret"}).status_code == 401


def test_a_resent_dead_letter_makes_a_new_link_and_voids_the_one_before(client: TestClient, org: Org) -> None:
    _invite(org, "colleague1")
    sent = Mailbox()
    first = _delivered(org, sent)
    with transaction(org.engine) as session:  # say the mail bounced later: HR finds it dead
        notice = session.exec(select(Notice).where(Notice.invitation_id != None)).one()  # noqa: E711
        notice.status = "dead"
        session.add(notice)
    refusing = Mailbox(refuse=True)
    with transaction(org.engine) as session:
        hr = session.get(Servant, org.ids["hr"])
        assert hr is not None
        resend(session, hr.state_body_id, notice.id, hr, datetime.now(timezone.utc))  # type: ignore[arg-type]
    deliver(org.engine, datetime.now(timezone.utc), channels=[refusing], links=LINKS, max_attempts=1)
    assert client.get(f"/invitation/{first}").status_code == 404  # every attempt voids the link before
    with transaction(org.engine) as session:
        dead = session.get(Notice, notice.id)
        assert dead is not None and dead.status == "dead" and "550 message refused" in (dead.last_error or "")
        resend(session, hr.state_body_id, notice.id, hr, datetime.now(timezone.utc))  # type: ignore[arg-type]
    again = _delivered(org, sent)
    assert again != first and client.get(f"/invitation/{again}").status_code == 200
    assert first not in _stored(org.engine) and again not in _stored(org.engine)  # nor in the refusal recorded
    assert _set(client, first, "old link secret") == 422 and _set(client, again, "new link secret") == 200


def test_without_an_e_mail_address_the_invitation_is_dead_at_once_and_kept_out_of_the_inbox(org: Org) -> None:
    _invite(org, "colleague2", email=None)
    report = deliver(org.engine, datetime.now(timezone.utc), channels=[Mailbox()], links=LINKS)
    with transaction(org.engine) as session:
        notice = session.exec(select(Notice).where(Notice.invitation_id != None)).one()  # noqa: E711
        assert session.exec(select(InboxMessage).where(InboxMessage.notice_id == notice.id)).first() is None
    assert report.dead == 1 and notice.status == "dead" and "e-mail address" in (notice.last_error or "")


def test_no_log_line_holds_the_token(
    client: TestClient, org: Org, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    _invite(org, "colleague2")
    token = _delivered(org, Mailbox())
    client.get(f"/invitation/{token}")
    assert _set(client, token, "a logged secret") == 200
    monkeypatch.setattr(web_invitations, "pending", lambda *args: 1 / 0)  # a fault on the page is logged by its path
    assert client.get(f"/invitation/{token}").status_code == 500
    access = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("10.0.0.5:5000", "GET", f"/invitation/{token}?lang=ru", "1.1", 200), None)
    assert NO_LINKS.filter(access) and access.getMessage().endswith('"GET /invitation/…?lang=ru HTTP/1.1" 200')
    assert logging.getLogger("uvicorn.access").filters.count(NO_LINKS) == 1  # the server's access log is filtered, once
    ours = [record.getMessage() for record in caplog.records if record.name != "httpx"]  # httpx: the test's own client
    assert any("ZeroDivisionError on GET /invitation/…" in line for line in ours)
    assert not any(token in line for line in ours)
    assert "a logged secret" not in caplog.text


def test_a_preview_of_the_notice_shows_no_link(org: Org) -> None:
    from notifications.render import render_notice

    _invite(org, "colleague2")
    with transaction(org.engine) as session:
        notice = session.exec(select(Notice).where(Notice.invitation_id != None)).one()  # noqa: E711
        for lang in ("kk", "ru", "en"):
            preview = render_notice(session, notice, lang)  # type: ignore[arg-type]
            assert "/invitation/" not in preview.text and "…" in preview.text and "colleague2" in preview.text


def test_hr_invites_from_the_console_and_a_stranger_cannot(app, org: Org) -> None:  # type: ignore[no-untyped-def]
    hr = signed_in(app, "hr")
    csrf = hr.headers["X-CSRF-Token"]
    unknown = hr.post(f"/hr/{org.code}/invitations", data={"csrf": csrf, "personnel_no": "nobody"})
    assert unknown.status_code == 422 and 'id="invite-no-error"' in unknown.text and "nobody" in unknown.text
    assert 'value="nobody"' in unknown.text  # what was typed is kept
    done = hr.post(f"/hr/{org.code}/invitations", data={"csrf": csrf, "personnel_no": "colleague3"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?done=invited#invite")
    servant = signed_in(app, "servant")
    refused = servant.post(f"/hr/{org.code}/invitations", data={"csrf": servant.headers["X-CSRF-Token"], "personnel_no": "colleague2"})
    assert refused.status_code == 404
    with transaction(org.engine) as session:
        queued = session.exec(select(Notice).where(Notice.invitation_id != None)).all()  # noqa: E711
        invitation = session.exec(select(Invitation)).one()
    assert [n.recipient_id for n in queued] == [org.ids["colleague3"]] and invitation.created_by == org.ids["hr"]
    assert invitation.token_hash is None  # no link until delivery makes one


def test_a_spent_invitation_resent_sends_no_new_link(client: TestClient, org: Org) -> None:
    _invite(org, "colleague2")
    mailbox = Mailbox()
    token = _delivered(org, mailbox)
    assert _set(client, token, "the chosen secret") == 200
    with transaction(org.engine) as session:
        notice = session.exec(select(Notice).where(Notice.invitation_id != None)).one()  # noqa: E711
        notice.status = "dead"
        session.add(notice)
        hr = session.get(Servant, org.ids["hr"])
        assert hr is not None
        resend(session, hr.state_body_id, notice.id, hr, datetime.now(timezone.utc))  # type: ignore[arg-type]
    report = deliver(org.engine, datetime.now(timezone.utc), channels=[mailbox], links=LINKS)
    with transaction(org.engine) as session:
        dead = session.get(Notice, notice.id)
    assert report.dead == 1 and len(mailbox.sent) == 1 and dead is not None and "invite again" in (dead.last_error or "")
    assert client.post("/api/v1/login", json={"login": "colleague2", "password": "the chosen secret"}).status_code == 200

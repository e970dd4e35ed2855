"""The external channels against real servers started by the tests on 127.0.0.1: an SMTP
server (aiosmtpd) that accepts, one behind STARTTLS with a login, one behind implicit TLS,
and one that refuses every recipient; an HTTP server (http.server) that checks each
webhook's HMAC signature with its own copy of the secret. Delivery is configured as in
production, from the environment (BAGALAU_SMTP_*, BAGALAU_WEBHOOK_*).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import ssl
import threading
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy.engine import Engine
from sqlmodel import select

from methodology.workdays import ALMATY
from models import Notice, Servant
from models.db import transaction
from notifications.channels.smtp import SmtpSettings, message_id
from notifications.channels.webhook import WebhookSettings, sign
from notifications.delivery import deliver
from notifications.render import render_notice
from states.cycles import open_cycle
from states.service import act
from tests.checks import outbox
from tests.factories import Org, organisation

D = date
T0 = datetime(2026, 4, 2, 10, 0, tzinfo=ALMATY)
SENDER = "bagalau@hr.example.kz"
SECRET = "a shared secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the organisation and its notices -----------------------------------------------------------------


@pytest.fixture
def org(db: Engine) -> Org:
    """Two sheets sent to the manager (Russian, with an e-mail address), a third person with none."""
    made = organisation(db, "mne2017")
    open_cycle(db, "body", "quarterly", "2026-Q1", on=D(2026, 4, 1))
    with transaction(db) as session:
        for name, email, lang in (("manager", "manager@hr.example.kz", "ru"), ("servant", "servant@hr.example.kz", "kk")):
            person = session.get(Servant, made.ids[name])
            assert person is not None
            person.email, person.lang = email, lang
            session.add(person)
    for name in ("servant", "colleague1"):
        appraisal = made.appraisal(name, "quarterly", "2026-Q1").id
        act(db, appraisal, made.ids[name], "submit", {"bonus_items": [{"description": "Extra work", "points": 2}]}, on=D(2026, 4, 2))  # type: ignore[arg-type]
    return made



@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HOST", "PORT", "TLS", "USER", "PASSWORD", "FROM"):
        monkeypatch.delenv(f"BAGALAU_SMTP_{name}", raising=False)
    monkeypatch.delenv("BAGALAU_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("BAGALAU_WEBHOOK_SECRET", raising=False)
    return monkeypatch


# --- SMTP ---------------------------------------------------------------------------------------------


class Mailbox:
    """An aiosmtpd handler: keeps what it accepts, or refuses every recipient with `refuse`."""

    def __init__(self, refuse: str | None = None) -> None:
        self.refuse = refuse
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(env: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env.setenv("BAGALAU_SMTP_HOST", "127.0.0.1")
    env.setenv("BAGALAU_SMTP_PORT", str(controller.port))
    env.setenv("BAGALAU_SMTP_TLS", "none")
    env.setenv("BAGALAU_SMTP_FROM", SENDER)
    yield mailbox
    controller.stop()


def test_an_email_is_text_and_html_in_the_recipient_s_language(org: Org, smtp: Mailbox) -> None:
    report = deliver(org.engine, T0)
    assert (report.sent, report.channels) == (2, {"email": 2, "inbox": 2})
    assert len(smtp.received) == 2  # both to the manager: the one with an address
    with transaction(org.engine) as session:
        notices = list(session.exec(select(Notice).order_by(Notice.id)))  # type: ignore[arg-type]
        for (recipients, message), notice in zip(smtp.received, notices):
            rendered = render_notice(session, notice)
            assert recipients == ["manager@hr.example.kz"]
            assert message["Subject"] == rendered.subject and rendered.subject.startswith("На согласование: квартальная оценка")
            assert message["Message-ID"] == message_id(notice.key, SENDER) == f"<notice.{notice.key.replace(':', '.')}@hr.example.kz>"
            assert (message["From"], message["Content-Language"], message["X-Bagalau-Notice"]) == (SENDER, "ru", notice.key)
            assert message.get_content_type() == "multipart/alternative"
            assert message.get_body(("plain",)).get_content() == rendered.text  # type: ignore[union-attr]
            assert message.get_body(("html",)).get_content() == rendered.html  # type: ignore[union-attr]
    assert {(n.status, n.delivered) for n in outbox(org.engine)} == {("sent", "email,inbox")}
    assert deliver(org.engine, T0 + timedelta(hours=1)).sent == 0
    assert len(smtp.received) == 2  # delivering twice sends once


def test_a_refusing_server_is_retried_with_backoff_then_dead_lettered(org: Org, smtp: Mailbox) -> None:
    smtp.refuse = "550 5.1.1 Mailbox unavailable"
    moment = T0
    for attempt in range(1, 6):
        report = deliver(org.engine, moment)
        notices = outbox(org.engine)
        assert {n.attempts for n in notices} == {attempt}
        assert all("550" in (n.last_error or "") and "Mailbox unavailable" in (n.last_error or "") for n in notices)
        if attempt < 5:
            assert report.retried == 2
            moment += timedelta(minutes=2 ** (attempt - 1))
    assert report.dead == 2
    assert {(n.status, n.delivered) for n in outbox(org.engine)} == {("dead", "inbox")}  # never dropped: visible to HR
    assert smtp.received == []
    smtp.refuse = None  # the server is fixed; a dead letter waits for `notices resend`
    assert deliver(org.engine, moment + timedelta(days=1)).sent == 0


def test_an_unreachable_server_is_retried(org: Org, env: pytest.MonkeyPatch) -> None:
    env.setenv("BAGALAU_SMTP_HOST", "127.0.0.1")
    env.setenv("BAGALAU_SMTP_PORT", str(free_port()))  # nobody listens
    env.setenv("BAGALAU_SMTP_TLS", "none")
    env.setenv("BAGALAU_SMTP_FROM", SENDER)
    assert deliver(org.engine, T0).retried == 2
    assert all("ConnectionRefusedError" in (n.last_error or "") for n in outbox(org.engine))


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, trusted by the client through SSL_CERT_FILE."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_tls_and_login(org: Org, env: pytest.MonkeyPatch, tmp_path: Path, tls: str) -> None:
    cert, key = _certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=(data.login, data.password) == (b"hr-robot", b"s3cret"))

    mailbox = Mailbox()
    # aiosmtpd offers AUTH over implicit TLS only when told TLS is not required (it does not
    # see the TLS it was started with); the session is encrypted all the same.
    tls_options = {"tls_context": context, "require_starttls": True} if tls == "starttls" else {"ssl_context": context, "auth_require_tls": False}
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticate, auth_required=True, **tls_options)
    controller.start()
    try:
        env.setenv("SSL_CERT_FILE", str(cert))
        for name, value in (("HOST", "127.0.0.1"), ("PORT", str(controller.port)), ("TLS", tls), ("FROM", SENDER),
                            ("USER", "hr-robot"), ("PASSWORD", "s3cret")):
            env.setenv(f"BAGALAU_SMTP_{name}", value)
        assert deliver(org.engine, T0).sent == 2
    finally:
        controller.stop()
    assert len(mailbox.received) == 2 and logins == [(b"hr-robot", b"s3cret")] * 2


def test_smtp_settings_come_from_the_environment() -> None:
    assert SmtpSettings.from_env({}) is None
    assert SmtpSettings.from_env({"BAGALAU_SMTP_HOST": "mail.gov.kz", "BAGALAU_SMTP_FROM": SENDER}) == SmtpSettings(
        "mail.gov.kz", 587, "starttls", SENDER)
    assert SmtpSettings.from_env({"BAGALAU_SMTP_HOST": "m", "BAGALAU_SMTP_FROM": SENDER, "BAGALAU_SMTP_TLS": "ssl"}).port == 465  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="BAGALAU_SMTP_FROM"):
        SmtpSettings.from_env({"BAGALAU_SMTP_HOST": "mail.gov.kz"})
    with pytest.raises(ValueError, match="none, starttls or ssl"):
        SmtpSettings.from_env({"BAGALAU_SMTP_HOST": "m", "BAGALAU_SMTP_FROM": SENDER, "BAGALAU_SMTP_TLS": "tls"})


# --- the webhook --------------------------------------------------------------------------------------


class Receiver(ThreadingHTTPServer):
    """Checks each POST's signature with its own copy of the secret: 204 if it holds, else 401."""

    def __init__(self, secret: str) -> None:
        super().__init__(("127.0.0.1", 0), _Hook)
        self.secret = secret.encode()
        self.received: list[tuple[dict[str, str], bytes, bool]] = []
        self.status: int | None = None  # answer this instead, signature or not

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/bagalau/notices"


class _Hook(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "sha256=" + hmac.new(self.server.secret, body, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(self.headers.get("X-Bagalau-Signature", ""), expected)
        self.server.received.append((dict(self.headers), body, valid))
        self.send_response(self.server.status or (204 if valid else 401))
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver(env: pytest.MonkeyPatch) -> Iterator[Receiver]:
    server = Receiver(SECRET)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env.setenv("BAGALAU_WEBHOOK_URL", server.url)
    env.setenv("BAGALAU_WEBHOOK_SECRET", SECRET)
    yield server
    server.shutdown()
    server.server_close()


def test_a_webhook_posts_signed_json(org: Org, receiver: Receiver) -> None:
    report = deliver(org.engine, T0)
    assert (report.sent, report.channels) == (2, {"webhook": 2, "inbox": 2})
    notices = outbox(org.engine)
    assert [valid for _, _, valid in receiver.received] == [True, True]
    with transaction(org.engine) as session:
        for (headers, body, _), notice in zip(receiver.received, notices):
            sent = json.loads(body)
            rendered = render_notice(session, notice)
            assert headers["X-Bagalau-Signature"] == sign(body, SECRET)
            assert (headers["X-Bagalau-Notice"], headers["Content-Type"]) == (notice.key, "application/json; charset=utf-8")
            assert (sent["notice"], sent["kind"], sent["lang"], sent["subject"], sent["text"]) == (
                notice.key, "sheet_to_agree", "ru", rendered.subject, rendered.text)
            assert sent["recipient"] == {"id": notice.recipient_id, "personnel_no": "manager", "email": "manager@hr.example.kz"}
    assert deliver(org.engine, T0 + timedelta(hours=1)).sent == 0 and len(receiver.received) == 2


def test_a_webhook_signed_with_another_secret_is_refused_retried_then_dead(org: Org, receiver: Receiver) -> None:
    receiver.secret = b"the receiver's other secret"
    moment = T0
    for attempt in range(1, 6):
        deliver(org.engine, moment)
        moment += timedelta(minutes=2 ** (attempt - 1))
    assert len(receiver.received) == 2 * 5 and not any(valid for _, _, valid in receiver.received)
    assert {(n.status, n.attempts, n.last_error) for n in outbox(org.engine)} == {("dead", 5, "webhook: HTTP 401 Unauthorized")}


def test_a_webhook_error_is_retried_and_then_delivered(org: Org, receiver: Receiver) -> None:
    receiver.status = 503
    assert deliver(org.engine, T0).retried == 2
    receiver.status = None
    assert deliver(org.engine, T0 + timedelta(minutes=1)).sent == 2
    assert [valid for _, _, valid in receiver.received] == [True] * 4


def test_webhook_settings_refuse_an_unsigned_or_odd_url() -> None:
    assert WebhookSettings.from_env({}) is None
    with pytest.raises(ValueError, match="BAGALAU_WEBHOOK_SECRET"):
        WebhookSettings.from_env({"BAGALAU_WEBHOOK_URL": "https://hooks.example.kz/n"})
    with pytest.raises(ValueError, match="http or https"):
        WebhookSettings.from_env({"BAGALAU_WEBHOOK_URL": "file:///etc/passwd", "BAGALAU_WEBHOOK_SECRET": SECRET})


def test_email_and_webhook_together_and_a_person_without_an_address(org: Org, smtp: Mailbox, receiver: Receiver) -> None:
    with transaction(org.engine) as session:
        session.execute(sa.text("update servant set email = null where id = :id"), {"id": org.ids["manager"]})
    report = deliver(org.engine, T0)
    assert (report.sent, report.channels) == (2, {"webhook": 2, "inbox": 2})  # no address: no e-mail, not a failure
    assert smtp.received == [] and len(receiver.received) == 2

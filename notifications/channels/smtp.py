"""E-mail over SMTP: a multipart message (plain text and HTML) in the recipient's language.

Configured by BAGALAU_SMTP_HOST (unset: no e-mail), _PORT, _TLS (none, starttls or ssl;
default starttls), _USER and _PASSWORD (login when set), _FROM (required). The Message-ID
is made from the notice's key, so a notice sent again after a crash between the send and
its record carries the same id and a mail system can tell it is the same message.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import unicodedata
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from typing import Literal, Mapping, cast

from notifications.channels import ChannelError, Outgoing

Tls = Literal["none", "starttls", "ssl"]
PORTS: dict[str, int] = {"none": 25, "starttls": 587, "ssl": 465}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: Tls
    sender: str
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SmtpSettings | None:
        host = env.get("BAGALAU_SMTP_HOST")
        if not host:
            return None
        tls = env.get("BAGALAU_SMTP_TLS", "starttls")
        if tls not in PORTS:
            raise ValueError(f"BAGALAU_SMTP_TLS={tls!r}: choose none, starttls or ssl")
        sender = env.get("BAGALAU_SMTP_FROM")
        if not sender:
            raise ValueError("BAGALAU_SMTP_FROM is required with BAGALAU_SMTP_HOST")
        port = int(env.get("BAGALAU_SMTP_PORT") or PORTS[tls])
        user, password = env.get("BAGALAU_SMTP_USER") or None, env.get("BAGALAU_SMTP_PASSWORD") or None
        return cls(host, port, cast(Tls, tls), sender, user, password)  # tls: checked against PORTS above


class EmailChannel:
    name = "email"

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def wants(self, outgoing: Outgoing) -> bool:
        return bool(outgoing.email)

    def send(self, outgoing: Outgoing) -> None:
        try:  # a message that cannot be composed is this notice's failed attempt, not the batch's
            message = compose(outgoing, self.settings.sender)
        except (ValueError, TypeError, LookupError) as error:
            raise ChannelError(f"cannot compose: {type(error).__name__}: {error}") from error
        try:
            with self._connect() as smtp:
                if self.settings.user:
                    smtp.login(self.settings.user, self.settings.password or "")
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise ChannelError(f"{type(error).__name__}: {error}") from error

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.tls == "ssl":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return smtp


def compose(outgoing: Outgoing, sender: str) -> EmailMessage:
    message = EmailMessage()
    message.set_content(outgoing.rendered.text)  # first: setting the content clears Content-* headers
    message.add_alternative(outgoing.rendered.html, subtype="html")
    message["From"] = sender
    message["To"] = recipient(outgoing.name, outgoing.email or "")
    message["Subject"] = one_line(outgoing.rendered.subject)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(outgoing.key, sender)
    message["Content-Language"] = outgoing.lang
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message["X-Bagalau-Notice"] = outgoing.key
    return message


def one_line(text: str) -> str:
    """A header value as one line: control characters (a CR/LF would start a new header)
    become spaces, whatever the name or subject was imported or rendered with."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in text).split())


def recipient(name: str, email: str) -> str:
    """The To header, built by the e-mail library's own types: the display name is quoted
    and encoded by it (never spliced as text), the address parsed into its parts."""
    local, _, domain = email.rpartition("@")
    return str(Address(display_name=one_line(name), username=local, domain=domain))


def message_id(key: str, sender: str) -> str:
    """`<notice.KEY@DOMAIN>`: the key's colons become dots (a Message-ID is a dot-atom)."""
    domain = sender.rpartition("@")[2].strip(">") or "bagalau.local"
    return f"<notice.{key.replace(':', '.')}@{domain}>"

"""The ways a notice reaches a person: the in-app inbox (always, inbox.py), e-mail over
SMTP (email.py) and a webhook (webhook.py), each of the last two when the environment
configures it.

A channel is told one `Outgoing` (the notice rendered in the recipient's language, with
what the channel needs to address it) and raises `ChannelError` when it could not deliver:
delivery (notifications/delivery.py) then retries that channel alone, later, and never one
that already delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from notifications.render import Rendered


@dataclass(frozen=True)
class Outgoing:
    notice_id: int
    key: str  # unique per notice: the e-mail's Message-ID, the webhook's idempotency key
    kind: str
    level: int
    event: str | None
    appraisal_id: int | None  # None: a notice about a whole state body (the weekly report)
    recipient_id: int
    personnel_no: str
    name: str
    email: str | None
    lang: str
    rendered: Rendered


class ChannelError(Exception):
    """The channel could not deliver this time (refused, unreachable, timed out)."""


class Channel(Protocol):
    name: str

    def wants(self, outgoing: Outgoing) -> bool:
        """Whether this notice goes through this channel at all (an e-mail needs an address)."""

    def send(self, outgoing: Outgoing) -> None:
        """Deliver, or raise ChannelError."""


def configured() -> list[Channel]:
    """The external channels the environment configures (BAGALAU_SMTP_*, BAGALAU_WEBHOOK_*)."""
    from notifications.channels.smtp import EmailChannel, SmtpSettings
    from notifications.channels.webhook import WebhookChannel, WebhookSettings

    channels: list[Channel] = []
    smtp, hook = SmtpSettings.from_env(), WebhookSettings.from_env()
    if smtp:
        channels.append(EmailChannel(smtp))
    if hook:
        channels.append(WebhookChannel(hook))
    return channels

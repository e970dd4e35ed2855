"""A webhook: each notice POSTed as JSON to BAGALAU_WEBHOOK_URL, for a messenger bridge or
the body's own systems.

The body is signed with HMAC-SHA256 of the shared secret BAGALAU_WEBHOOK_SECRET, sent as
`X-Bagalau-Signature: sha256=<hex>`, so the receiver can check that it came from here and
was not altered; a URL without a secret is refused rather than sent unsigned. The notice's
key (`X-Bagalau-Notice`, and in the body) lets the receiver drop a repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

from notifications.channels import ChannelError, Outgoing

SIGNATURE = "X-Bagalau-Signature"


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    secret: str
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> WebhookSettings | None:
        url = env.get("BAGALAU_WEBHOOK_URL")
        if not url:
            return None
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"BAGALAU_WEBHOOK_URL={url!r}: an http or https URL is needed")
        secret = env.get("BAGALAU_WEBHOOK_SECRET")
        if not secret:
            raise ValueError("BAGALAU_WEBHOOK_SECRET is required with BAGALAU_WEBHOOK_URL")
        return cls(url, secret)


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def payload(outgoing: Outgoing) -> dict[str, Any]:
    return {
        "notice": outgoing.key,
        "id": outgoing.notice_id,
        "kind": outgoing.kind,
        "level": outgoing.level,
        "event": outgoing.event,
        "appraisal": outgoing.appraisal_id,
        "recipient": {"id": outgoing.recipient_id, "personnel_no": outgoing.personnel_no, "email": outgoing.email},
        "lang": outgoing.lang,
        "subject": outgoing.rendered.subject,
        "text": outgoing.rendered.text,
        "html": outgoing.rendered.html,
    }


class WebhookChannel:
    name = "webhook"

    def __init__(self, settings: WebhookSettings) -> None:
        self.settings = settings

    def wants(self, outgoing: Outgoing) -> bool:
        return True

    def send(self, outgoing: Outgoing) -> None:
        body = json.dumps(payload(outgoing), ensure_ascii=False, sort_keys=True).encode("utf-8")
        request = urllib.request.Request(
            self.settings.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                SIGNATURE: sign(body, self.settings.secret),
                "X-Bagalau-Notice": outgoing.key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:  # noqa: S310 (scheme checked)
                response.read()
        except urllib.error.HTTPError as error:
            raise ChannelError(f"HTTP {error.code} {error.reason}") from error
        except OSError as error:  # URLError, refused, timed out
            raise ChannelError(f"{type(error).__name__}: {error}") from error

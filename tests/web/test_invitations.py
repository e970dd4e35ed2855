"""One-time invitation links: only the token's hash is stored, the link sets the
password once, a spent or expired link is refused, and the new password signs in."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient
from sqlmodel import select

from models import Invitation, Servant
from models.db import transaction
from tests.factories import Org
from web.identity import invitations


def _issue(org: Org, name: str, ttl: timedelta = invitations.TTL, now: datetime | None = None) -> str:
    with transaction(org.engine) as session:
        servant = session.get(Servant, org.ids[name])
        assert servant is not None
        return invitations.issue(session, servant, now or datetime.now(timezone.utc), ttl=ttl)


def _form_csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_an_invitation_sets_the_password_once(client: TestClient, org: Org) -> None:
    token = _issue(org, "colleague2")
    with transaction(org.engine) as session:
        stored = session.exec(select(Invitation)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64  # the hash, never the token
    page = client.get(f"/invitation/{token}")
    assert page.status_code == 200 and "Colleague2" in page.text
    csrf = _form_csrf(page.text)
    mismatch = client.post(f"/invitation/{token}", data={"csrf": csrf, "password": "a new secret", "again": "another one"})
    assert mismatch.status_code == 422
    done = client.post(f"/invitation/{token}", data={"csrf": csrf, "password": "a new secret", "again": "a new secret"})
    assert done.status_code == 200 and 'href="/sign-in"' in done.text
    assert client.post("/api/v1/login", json={"login": "colleague2", "password": "a new secret"}).status_code == 200
    again = client.post(f"/invitation/{token}", data={"csrf": csrf, "password": "take it over", "again": "take it over"})
    assert again.status_code == 422  # spent: a second use changes nothing
    assert client.post("/api/v1/login", json={"login": "colleague2", "password": "take it over"}).status_code == 401
    assert client.get(f"/invitation/{token}").status_code == 404


def test_an_expired_or_unknown_invitation_is_refused(client: TestClient, org: Org) -> None:
    token = _issue(org, "colleague3", now=datetime.now(timezone.utc) - timedelta(days=8))  # a week's link, 8 days old
    assert client.get(f"/invitation/{token}").status_code == 404
    assert client.get("/invitation/not-a-token").status_code == 404
    page = client.get("/sign-in")
    csrf = _form_csrf(page.text)
    refused = client.post(f"/invitation/{token}", data={"csrf": csrf, "password": "late secret", "again": "late secret"})
    assert refused.status_code == 422
    assert client.post("/api/v1/login", json={"login": "colleague3", "password": "late secret"}).status_code == 401

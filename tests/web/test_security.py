"""Security of the console: CSRF tokens on every write, one person's session never acts
as another, sign-in throttling that survives a restart, revoked, signed-out and idle
sessions rejected, and no result or password in any log line."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models import Account, AuditEvent, WebSession
from models.db import transaction
from tests.factories import Org
from tests.web.conftest import DAY, password, signed_in
from web.app import create_app
from web.identity.passwords import end_all
from web.settings import Settings

BONUS = {"bonus_items": [{"description": "Seminar", "points": 3}, {"description": "Working group", "points": 4}]}


def _csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no CSRF token"
    return found.group(1)


@pytest.mark.parametrize("header", [None, "wrong-token"], ids=["missing", "wrong"])
def test_an_api_write_without_the_sessions_csrf_token_is_refused(app, org: Org, header: str | None) -> None:  # type: ignore[no-untyped-def]
    own = org.appraisal("servant", "quarterly", "2026-Q1")
    servant = signed_in(app, "servant")
    del servant.headers["X-CSRF-Token"]
    headers = {"X-CSRF-Token": header} if header else {}
    refused = servant.post(f"/api/v1/appraisals/{own.id}/actions/submit", json={"data": BONUS, "version": own.version}, headers=headers)
    assert refused.status_code == 403 and refused.json()["field"] == "X-CSRF-Token"
    assert servant.get(f"/api/v1/appraisals/{own.id}").json()["state"] == "draft"


@pytest.mark.parametrize("token", ["", "forged"], ids=["missing", "wrong"])
def test_a_page_form_without_the_sessions_csrf_token_is_refused(app, org: Org, token: str) -> None:  # type: ignore[no-untyped-def]
    own = org.appraisal("servant", "quarterly", "2026-Q1")
    servant = signed_in(app, "servant")
    fields = {"version": str(own.version), "bonus_items[0].description": "Seminar", "bonus_items[0].points": "3"}
    if token:
        fields["csrf"] = token
    refused = servant.post(f"/appraisals/{own.id}/actions/submit", data=fields, follow_redirects=False)
    assert refused.status_code == 403
    assert servant.get(f"/api/v1/appraisals/{own.id}").json()["state"] == "draft"
    page = servant.get(f"/appraisals/{own.id}").text
    fields["csrf"] = _csrf_of(page)
    taken = servant.post(f"/appraisals/{own.id}/actions/submit", data=fields, follow_redirects=False)
    assert taken.status_code == 303  # the same form with the right token goes through
    assert servant.get(f"/api/v1/appraisals/{own.id}").json()["state"] == "submitted"


def test_the_sign_in_form_needs_its_double_submit_token(client: TestClient) -> None:
    client.get("/sign-in")
    refused = client.post("/sign-in", data={"login": "servant", "password": password("servant"), "csrf": "forged"}, follow_redirects=False)
    assert refused.status_code == 403 and "bagalau_session" not in refused.cookies


def test_one_persons_session_never_acts_as_another(app, org: Org) -> None:  # type: ignore[no-untyped-def]
    own = org.appraisal("servant", "quarterly", "2026-Q1")
    servant, manager = signed_in(app, "servant"), signed_in(app, "manager")
    # the manager's cookie with the servant's CSRF token: the token is bound to its session
    manager.headers["X-CSRF-Token"] = servant.headers["X-CSRF-Token"]
    refused = manager.post(f"/api/v1/appraisals/{own.id}/actions/submit", json={"data": BONUS, "version": own.version})
    assert refused.status_code == 403
    # nothing in a request names the actor: the servant's step taken with their session is theirs
    assert servant.post(f"/api/v1/appraisals/{own.id}/actions/submit", json={"data": BONUS, "version": own.version}).status_code == 200
    with transaction(org.engine) as session:
        actors = session.exec(select(AuditEvent.actor_id).where(AuditEvent.appraisal_id == own.id, AuditEvent.action != "open")).all()
    assert actors == [org.ids["servant"]]


def test_sign_in_is_throttled_per_login_and_the_hold_survives_a_restart(app, org: Org) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    for _ in range(5):  # Settings.login_failures
        assert client.post("/api/v1/login", json={"login": "servant", "password": "guess-guess"}).status_code == 401
    held = client.post("/api/v1/login", json={"login": "servant", "password": password("servant")})
    assert held.status_code == 429  # even the right password waits out the window
    restarted = TestClient(create_app(org.engine, Settings(today=DAY)))
    assert restarted.post("/api/v1/login", json={"login": "servant", "password": password("servant")}).status_code == 429
    assert restarted.post("/api/v1/login", json={"login": "manager", "password": password("manager")}).status_code == 200


@pytest.mark.parametrize(("lang", "wrong", "held"), [
    ("kk", "табельдік нөмір немесе құпиясөз қате", "15 минуттан кейін"),
    ("ru", "неверный табельный номер или пароль", "через 15 минут"),
    ("en", "wrong personnel number or password", "in 15 minutes"),
])
def test_the_sign_in_page_refuses_a_wrong_password_then_holds_the_login_in_the_readers_language(
    org: Org, lang: str, wrong: str, held: str
) -> None:
    client = TestClient(create_app(org.engine, Settings(today=DAY, login_failures=2)))
    form = client.get(f"/sign-in?lang={lang}").text
    for _ in range(2):  # Settings.login_failures
        refused = client.post("/sign-in", data={"csrf": _csrf_of(form), "login": "servant", "password": "guess-guess"})
        assert refused.status_code == 401 and wrong in refused.text and 'value="servant"' in refused.text
    # the right password now waits out the window (Settings.window, 15 minutes)
    waiting = client.post("/sign-in", data={"csrf": _csrf_of(form), "login": "servant", "password": password("servant")})
    assert waiting.status_code == 429 and held in waiting.text


def test_sign_in_is_throttled_per_client_whatever_the_login(org: Org) -> None:
    app = create_app(org.engine, Settings(today=DAY, client_failures=3))
    client = TestClient(app)
    for name in ("servant", "manager", "member"):
        assert client.post("/api/v1/login", json={"login": name, "password": "guess-guess"}).status_code == 401
    assert client.post("/api/v1/login", json={"login": "hr", "password": password("hr")}).status_code == 429


def test_a_revoked_a_signed_out_and_an_idle_session_are_rejected(app, org: Org) -> None:  # type: ignore[no-untyped-def]
    revoked = signed_in(app, "servant")
    with transaction(org.engine) as session:
        account = session.exec(select(Account).where(Account.servant_id == org.ids["servant"])).one()
        assert end_all(session, account.id) == 1  # type: ignore[arg-type]  # HR's revoke (bagalau users revoke)
    assert revoked.get("/api/v1/me/tasks").status_code == 401
    assert revoked.get("/work", follow_redirects=False).headers["location"] == "/sign-in"

    left = signed_in(app, "manager")
    cookie = left.cookies["bagalau_session"]
    assert left.post("/api/v1/logout").status_code == 200
    replay = TestClient(app, cookies={"bagalau_session": cookie})
    assert replay.get("/api/v1/me").status_code == 401  # the old cookie is dead server-side

    idle = signed_in(app, "member")
    with transaction(org.engine) as session:
        for row in session.exec(select(WebSession).where(WebSession.ended_at == None)):  # noqa: E711
            row.last_seen = datetime.now(timezone.utc) - timedelta(minutes=31)  # the default idle timeout is 30
            session.add(row)
    assert idle.get("/api/v1/me").status_code == 401


def test_no_result_and_no_password_reach_any_log_line(app, org: Org, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    own = org.appraisal("servant", "quarterly", "2026-Q1")
    servant, manager = signed_in(app, "servant"), signed_in(app, "manager")
    servant.post(f"/api/v1/appraisals/{own.id}/actions/submit", json={"data": BONUS, "version": own.version})
    agreed = manager.post(f"/api/v1/appraisals/{own.id}/actions/agree", json={"data": BONUS, "version": own.version + 1})
    assert agreed.status_code == 200
    assert servant.get(f"/api/v1/appraisals/{own.id}").json()["score"] == "107.00"  # 100 + 3 + 4 (п.16–18)
    servant.get("/work")
    TestClient(app).post("/api/v1/login", json={"login": "servant", "password": "typo-of-the-secret"})
    lines = [record.getMessage() for record in caplog.records]
    assert any("agree" in line for line in lines)  # the action is logged, so the check below reads real lines
    for line in lines:
        assert "107" not in line and password("servant") not in line and "typo-of-the-secret" not in line, line

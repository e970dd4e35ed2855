"""The JSON API's contract (docs/api.md): sign-in, 401 without a session, my tasks, an
appraisal as I may see it, and an action's outcome or its refusal (422 with the field,
the value, the rule and the message in my language; 403 not my role; 409 conflict)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models import Account, AuditEvent
from models.db import transaction
from tests.factories import Org
from tests.web.conftest import password, signed_in

BONUS = {"bonus_items": [{"description": "Seminar for the regions", "points": 3}]}


def test_login_sets_an_httponly_lax_session_cookie_and_a_wrong_password_is_401(client: TestClient) -> None:
    wrong = client.post("/api/v1/login", json={"login": "servant", "password": "not-it"})
    assert wrong.status_code == 401 and "bagalau_session" not in wrong.cookies
    unknown = client.post("/api/v1/login", json={"login": "nobody", "password": "whatever1"})
    assert unknown.status_code == 401
    right = client.post("/api/v1/login", json={"login": "servant", "password": password("servant")})
    assert right.status_code == 200 and right.json()["csrf"]
    cookie = right.headers["set-cookie"].lower()
    assert "bagalau_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # served over plain http in the test: Secure only over https (auto)


def test_the_cookie_is_secure_when_the_setting_says_so(org: Org) -> None:
    from web.app import create_app
    from web.settings import Settings

    client = TestClient(create_app(org.engine, Settings(secure_cookies="1")))
    answer = client.post("/api/v1/login", json={"login": "servant", "password": password("servant")})
    assert "secure" in answer.headers["set-cookie"].lower()


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/me"), ("get", "/api/v1/me/tasks"), ("get", "/api/v1/me/appraisals"),
    ("get", "/api/v1/appraisals/1"), ("post", "/api/v1/appraisals/1/actions/submit"), ("post", "/api/v1/logout"),
])
def test_every_endpoint_but_the_login_is_401_without_a_session(client: TestClient, method: str, path: str) -> None:
    answer = client.request(method, path, json={"data": {}, "version": 1} if method == "post" else None)
    assert answer.status_code == 401


def test_my_tasks_say_what_by_when(app, org: Org) -> None:  # type: ignore[no-untyped-def]
    tasks = signed_in(app, "servant").get("/api/v1/me/tasks").json()
    own = org.appraisal("servant", "quarterly", "2026-Q1").id
    # Q1 opened 1 April; the sheet is due 10 April 2026 (mne2017 п.3.1), not overdue on 2 April
    assert [{k: t[k] for k in ("appraisal", "action", "due", "overdue")} for t in tasks] == [
        {"appraisal": own, "action": "submit", "due": "2026-04-10", "overdue": False}]
    manager = signed_in(app, "manager").get("/api/v1/me/tasks").json()
    assert all(t["action"] != "submit" or t["appraisal"] != own for t in manager)  # the servant's step, not theirs


def test_an_action_is_taken_as_the_signed_in_person_and_a_stale_version_is_409(app, org: Org) -> None:  # type: ignore[no-untyped-def]
    own = org.appraisal("servant", "quarterly", "2026-Q1")
    servant = signed_in(app, "servant")
    done = servant.post(f"/api/v1/appraisals/{own.id}/actions/submit", json={"data": BONUS, "version": own.version})
    assert done.status_code == 200, done.text
    assert done.json() == {"appraisal": own.id, "action": "submit", "from": "draft", "to": "submitted", "version": own.version + 1}
    with transaction(org.engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == own.id, AuditEvent.action == "submit")).one()
    assert event.actor_id == org.ids["servant"] and event.actor_role == "servant"
    manager = signed_in(app, "manager")
    stale = manager.post(f"/api/v1/appraisals/{own.id}/actions/agree", json={"data": BONUS, "version": own.version})
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    fresh = manager.post(f"/api/v1/appraisals/{own.id}/actions/agree", json={"data": BONUS, "version": own.version + 1})
    assert fresh.status_code == 200 and fresh.json()["to"] == "agreed"


def test_a_broken_rule_is_422_with_field_value_rule_in_my_language(app, org: Org) -> None:  # type: ignore[no-untyped-def]
    own = org.appraisal("servant", "quarterly", "2026-Q1")
    with transaction(org.engine) as session:
        account = session.exec(select(Account).where(Account.servant_id == org.ids["servant"])).one()
        account.lang = "ru"
        session.add(account)
    servant = signed_in(app, "servant")
    data = {"bonus_items": [{"description": "Seminar", "points": 9}]}  # a bonus item is worth 1 to 5 points (п.18)
    refused = servant.post(f"/api/v1/appraisals/{own.id}/actions/submit", json={"data": data, "version": own.version})
    assert refused.status_code == 422
    body = refused.json()
    assert body["field"] == "bonus_points[0]" and body["value"] == 9 and body["rule"].startswith("mne2017 п.")
    assert "bonus_points[0] = 9" in body["message"] and any("а" <= ch <= "я" for ch in body["message"])  # Russian
    assert servant.get(f"/api/v1/appraisals/{own.id}").json()["state"] == "draft"  # nothing half-written


def test_an_action_not_of_my_role_is_403(app, org: Org) -> None:  # type: ignore[no-untyped-def]
    own = org.appraisal("servant", "quarterly", "2026-Q1")
    manager = signed_in(app, "manager")
    refused = manager.post(f"/api/v1/appraisals/{own.id}/actions/submit", json={"data": BONUS, "version": own.version})
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_role"


def test_the_openapi_document_names_every_endpoint(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/login", "/api/v1/me/tasks", "/api/v1/appraisals/{appraisal_id}",
            "/api/v1/appraisals/{appraisal_id}/actions/{action}"} <= set(paths)
    assert not any(path.startswith("/appraisals") for path in paths)  # the pages are not the API

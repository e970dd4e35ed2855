"""The JSON API under /api/v1 (docs/api.md): the same actions as the pages.

Sign in with POST /api/v1/login; the answer sets the session cookie and gives the CSRF
token that every later POST carries in the `X-CSRF-Token` header (the cookie alone is
not enough, so another site cannot make a signed-in browser act). Without a session every
endpoint but the login answers 401.
"""

from __future__ import annotations

import secrets
from typing import Any, Optional

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from pydantic import BaseModel, Field

from methodology.errors import InvalidInput
from models import Account
from models.db import transaction
from web import acting, views
from web.app import console, lang_of, secure, signed
from web.identity import sessions, throttle
from web.identity.sessions import COOKIE, Signed

router = APIRouter(prefix="/api/v1", tags=["api"])


class Login(BaseModel):
    login: str = Field(description="Personnel number")
    password: str


class ActionRequest(BaseModel):
    data: dict[str, Any] = {}
    version: Optional[int] = Field(None, description="The appraisal's version as read; 409 if it changed")


def person(request: Request) -> Signed:
    who = signed(request)
    if who is None:
        raise HTTPException(401)
    return who


def csrf_checked(request: Request, x_csrf_token: Optional[str] = Header(None)) -> Signed:
    who = person(request)
    if not x_csrf_token or not secrets.compare_digest(x_csrf_token, who.csrf):
        raise InvalidInput("csrf", field="X-CSRF-Token", value="…", rule="docs/api.md#csrf")
    return who


@router.post("/login", responses={401: {"description": "wrong personnel number or password"}, 429: {"description": "held"}})
def login(body: Login, request: Request, response: Response) -> dict[str, Any]:
    account = sign_in(request, body.login, body.password)
    token, csrf = _open(request, account)
    set_cookie(request, response, token)
    return {"csrf": csrf, "servant": account.servant_id, "lang": account.lang}


def sign_in(request: Request, login: str, password: str) -> Account:
    """The account of these credentials, or the refusal (401; 429 while held)."""
    app = console(request)
    client = request.client.host if request.client else "-"
    with transaction(app.engine) as session:
        if throttle.held(session, app.settings, login, client):
            raise HTTPException(429, headers={"Retry-After": str(int(app.settings.window.total_seconds()))})
        account = app.authenticator.authenticate(session, login, password)
        if account is None:
            throttle.failed(session, login, client)
        else:
            throttle.succeeded(session, login)
    if account is None:
        raise HTTPException(401)
    return account


def _open(request: Request, account: Account) -> tuple[str, str]:
    with transaction(console(request).engine) as session:
        return sessions.open_session(session, account)


def set_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=secure(request), path="/")


@router.post("/logout")
def logout(request: Request, response: Response, who: Signed = Depends(csrf_checked)) -> dict[str, str]:
    with transaction(console(request).engine) as session:
        sessions.end(session, who.session_id)
    response.delete_cookie(COOKIE, path="/")
    return {"status": "signed out"}


@router.get("/me")
def me(who: Signed = Depends(person)) -> dict[str, Any]:
    return {"servant": who.person.id, "name": who.person.full_name, "lang": who.account.lang, "csrf": who.csrf}


@router.get("/me/tasks")
def my_tasks(request: Request, who: Signed = Depends(person)) -> list[dict[str, Any]]:
    app, lang = console(request), lang_of(request)
    with transaction(app.engine) as session:
        found = views.tasks(session, who.person, app.settings.day()).page(lang)
    return [
        {"appraisal": t.appraisal, "action": t.action, "label": t.label, "due": t.due.isoformat() if t.due else None, "overdue": t.overdue, "rung": t.rung}
        for t in found
    ]


@router.get("/me/appraisals")
def my_appraisals(request: Request, who: Signed = Depends(person)) -> list[dict[str, Any]]:
    with transaction(console(request).engine) as session:
        return views.my_appraisals(session, who.person, lang_of(request))


@router.get("/appraisals/{appraisal_id}", responses={404: {"description": "no such appraisal, or not visible to you"}})
def appraisal(appraisal_id: int, request: Request, who: Signed = Depends(person)) -> dict[str, Any]:
    with transaction(console(request).engine) as session:
        found = views.visible(session, who.person, appraisal_id)
        if found is None:
            raise HTTPException(404)
        return views.detail(session, who.person, found, lang_of(request))


@router.post(
    "/appraisals/{appraisal_id}/actions/{action}",
    responses={
        403: {"description": "not your role"},
        404: {"description": "not visible"},
        409: {"description": "conflict: the version changed"},
        422: {"description": "a rule refused it"},
    },
)
def act(appraisal_id: int, action: str, body: ActionRequest, request: Request, who: Signed = Depends(csrf_checked)) -> dict[str, Any]:
    outcome = acting.take(console(request), who, appraisal_id, action, body.data, body.version)
    return {"appraisal": appraisal_id, "action": action, "from": outcome.from_state, "to": outcome.to_state, "version": outcome.version}

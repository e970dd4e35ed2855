"""The pages: sign-in, My work, an appraisal with a form per action the person may take.

Plain HTML forms, so everything works without JavaScript. Every form carries the
session's CSRF token (the sign-in form a double-submit cookie's, as there is no session
yet); a refusal re-renders the page with the message beside the input it is about and
what was typed kept, with the status the API would answer.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from methodology.errors import BagalauError, InvalidInput, catalog
from methodology.i18n import LANGS, Lang, cite
from models import Account, Appraisal, Servant
from models.db import id_of, transaction
from notifications.channels import inbox
from notifications.forms import FORMS, prepare
from states import service
from states.people import Standing
from web import acting, forms, views
from web.api import set_cookie, sign_in
from web.app import LANG_COOKIE, console, lang_of, secure, signed
from web.identity import invitations, sessions
from web.identity.sessions import COOKIE, Signed
from web.paging import Pager
from web.refusals import body_of, status_of
from web.rendering import page

router = APIRouter(include_in_schema=False)
PRE_CSRF = "bagalau_signin_csrf"
TASKS = 50  # My work's tasks a page


def _who(request: Request) -> Signed:
    who = signed(request)
    if who is None:
        raise HTTPException(401)
    return who


async def _posted(request: Request, who: Signed | None) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The form's fields, once its CSRF token is checked against the session's."""
    form = await request.form()
    expected = who.csrf if who else request.cookies.get(PRE_CSRF, "")
    sent = str(form.get("csrf", ""))
    if not expected or not secrets.compare_digest(sent, expected):
        raise InvalidInput("csrf", field="csrf", value="…", rule="docs/api.md#csrf")
    multi: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        multi.setdefault(key, []).append(str(value))
    return {key: str(value) for key, value in form.items()}, multi


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/work" if signed(request) else "/sign-in", 303)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request) -> Response:
    return _sign_in(request, None, 200)


def _sign_in(request: Request, error: str | None, status: int, login: str = "") -> Response:
    lang = lang_of(request)
    token = request.cookies.get(PRE_CSRF) or secrets.token_urlsafe(32)
    response = HTMLResponse(page("sign_in.html.j2", lang, csrf=token, error=error, login=login, path="/sign-in"), status)
    response.set_cookie(PRE_CSRF, token, httponly=True, samesite="lax", secure=secure(request), path="/")
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, request.query_params["lang"], samesite="lax", secure=secure(request), path="/")
    return response


@router.post("/sign-in")
async def sign_in_post(request: Request) -> Response:
    try:
        fields, _ = await _posted(request, None)
    except InvalidInput as error:
        return _sign_in(request, error.render(lang_of(request)), 403)
    login = fields.get("login", "").strip()
    try:
        account = sign_in(request, login, fields.get("password", ""))
    except HTTPException as refused:
        lang = lang_of(request)
        minutes = int(console(request).settings.window.total_seconds() // 60)
        message = catalog()["sign_in_failed" if refused.status_code == 401 else "sign_in_held"][lang].format(minutes=minutes)
        return _sign_in(request, message, refused.status_code, login)
    with transaction(console(request).engine) as session:
        token, _ = sessions.open_session(session, account)
    response = RedirectResponse("/work", 303)
    set_cookie(request, response, token)
    response.delete_cookie(PRE_CSRF, path="/")
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    who = _who(request)
    await _posted(request, who)
    with transaction(console(request).engine) as session:
        sessions.end(session, who.session_id)
    response = RedirectResponse("/sign-in", 303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/lang")
async def choose_lang(request: Request) -> Response:
    """The language, remembered in the account; back to the page it was chosen on."""
    who = _who(request)
    fields, _ = await _posted(request, who)
    lang, back = fields.get("lang", ""), fields.get("next", "/work")
    if lang in LANGS:
        with transaction(console(request).engine) as session:
            account = session.get(Account, who.account.id)
            assert account is not None
            account.lang = lang
            session.add(account)
    return RedirectResponse(back if back.startswith("/") and not back.startswith("//") else "/work", 303)


@router.get("/work", response_class=HTMLResponse)
def work(request: Request) -> Response:
    who, lang, app = _who(request), lang_of(request), console(request)
    today = app.settings.day()
    with transaction(app.engine) as session:
        standing = Standing.of(session, who.person)  # once for the whole page
        owed = views.tasks(session, who.person, today, standing)
        pager = Pager.of(request, TASKS, "todo").counted(len(owed))
        context = {
            "tasks": owed.page(lang, pager.offset, pager.size),
            "pager": pager,
            "appraisals": views.my_appraisals(session, who.person, lang, standing),
            "messages": inbox.messages(session, id_of(who.person)),
            "unread": inbox.unread(session, id_of(who.person)),
        }
    return HTMLResponse(page("work.html.j2", lang, me=who.person, csrf=who.csrf, today=today, path="/work", **context))


@router.post("/inbox/{message_id}/read")
async def read_message(message_id: int, request: Request) -> Response:
    who = _who(request)
    await _posted(request, who)
    with transaction(console(request).engine) as session:
        inbox.mark_read(session, message_id, id_of(who.person), datetime.now(timezone.utc))
    return RedirectResponse("/work#inbox", 303)


@router.get("/appraisals/{appraisal_id}", response_class=HTMLResponse)
def appraisal_page(appraisal_id: int, request: Request) -> Response:
    return _appraisal(request, _who(request), appraisal_id)


def _appraisal(request: Request, who: Signed, appraisal_id: int, refusal: dict[str, Any] | None = None, status: int = 200, done: str | None = None) -> Response:
    lang, app = lang_of(request), console(request)
    with transaction(app.engine) as session:
        found = views.visible(session, who.person, appraisal_id)
        if found is None:
            raise HTTPException(404)
        detail = views.detail(session, who.person, found, lang)
        action_forms = _forms(session, found, who.person, lang)
    return HTMLResponse(
        page(
            "appraisal.html.j2",
            lang,
            me=who.person,
            csrf=who.csrf,
            a=detail,
            forms=action_forms,
            refusal=refusal,
            done=done or request.query_params.get("done"),
            path=f"/appraisals/{appraisal_id}",
        ),
        status,
    )


def _forms(session: Session, appraisal: Appraisal, person: Servant, lang: Lang) -> list[forms.ActionForm]:
    return [
        forms.build(session, appraisal, person, row, cite(appraisal.methodology, row.paragraph, lang), lang)
        for row in service.allowed(session, appraisal, person)
    ]


@router.post("/appraisals/{appraisal_id}/actions/{action}")
async def act(appraisal_id: int, action: str, request: Request) -> Response:
    who, lang, app = _who(request), lang_of(request), console(request)
    acting.ensure_visible(app, who, appraisal_id)
    form: forms.ActionForm | None = None
    renamed: dict[str, str] = {}
    posted: dict[str, str] = {}
    try:
        posted, multi = await _posted(request, who)
        with transaction(app.engine) as session:
            found = session.get(Appraisal, appraisal_id)
            assert found is not None
            row = next((r for r in service.allowed(session, found, who.person) if r.action == action), None)
            form = forms.build(session, found, who.person, row, "", lang) if row else None
        data, renamed = forms.payload(form, posted, multi) if form else ({}, {})
        version = int(posted["version"]) if posted.get("version", "").isdigit() else None
        acting.take(app, who, appraisal_id, action, data, version)
    except BagalauError as error:
        refusal = {
            **body_of(error, lang),
            "action": action,
            "posted": posted,
            "input": forms.place(getattr(error, "field", ""), form, renamed) if form else None,
        }
        return _appraisal(request, who, appraisal_id, refusal, status_of(error))
    return RedirectResponse(f"/appraisals/{appraisal_id}?done={action}", 303)


@router.get("/appraisals/{appraisal_id}/documents/{name}.{fmt}")
def document(appraisal_id: int, name: str, fmt: str, request: Request) -> Response:
    who, lang = _who(request), lang_of(request)
    if name not in FORMS or fmt not in ("html", "pdf"):
        raise HTTPException(404)
    with transaction(console(request).engine) as session:
        if views.visible(session, who.person, appraisal_id) is None:
            raise HTTPException(404)
        try:
            form, gathered = prepare(session, name, appraisal_id, who.person, lang)
        except InvalidInput:
            raise HTTPException(404) from None  # a form they may not read does not exist for them
    if fmt == "html":
        return HTMLResponse(form.html(gathered, lang))
    return Response(form.pdf(gathered, lang), media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}-{appraisal_id}.pdf"'})


@router.get("/invitation/{token}", response_class=HTMLResponse)
def invitation(token: str, request: Request) -> Response:
    return _invitation(request, token, None, 200)


@router.post("/invitation/{token}")
async def invitation_post(token: str, request: Request) -> Response:
    """Set one's password from an invitation; the link is spent by its first use."""
    lang = lang_of(request)
    try:
        fields, _ = await _posted(request, None)
        if fields.get("password", "") != fields.get("again", ""):
            raise InvalidInput("password_mismatch", field="again", value="…", rule="docs/api.md#accounts")
        with transaction(console(request).engine) as session:
            invitations.redeem(session, token, fields.get("password", ""), datetime.now(timezone.utc))
    except InvalidInput as error:
        return _invitation(request, token, error.render(lang), status_of(error))
    return _invitation(request, token, None, 200, done=True)


def _invitation(request: Request, token: str, error: str | None, status: int, done: bool = False) -> Response:
    lang = lang_of(request)
    name = login = None
    with transaction(console(request).engine) as session:
        row = invitations.pending(session, token, datetime.now(timezone.utc))
        servant = session.get(Servant, row.servant_id) if row else None
        if servant is not None:
            name, login = servant.full_name, servant.personnel_no
    if name is None and not done and error is None:
        from methodology.errors import catalog

        error, status = catalog()["invitation_spent"][lang], 404
    csrf = request.cookies.get(PRE_CSRF) or secrets.token_urlsafe(32)
    response = HTMLResponse(page("invitation.html.j2", lang, csrf=csrf, error=error, invited=name, login=login, done=done, path=f"/invitation/{token}"), status)
    response.set_cookie(PRE_CSRF, csrf, httponly=True, samesite="lax", secure=secure(request), path="/")
    response.headers["Referrer-Policy"] = "no-referrer"  # the page's address is its token: never passed on
    response.headers["Cache-Control"] = "no-store"
    return response

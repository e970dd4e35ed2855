"""The application: FastAPI, with the pages (web/pages.py) and the JSON API
(web/api.py) over one engine, one clock setting and one authenticator.

Every request finds its person from the session cookie (web/identity/sessions.py), and
the audit trail's operator is set to them for the request ("web:<personnel no>"), so an
event records who really acted and through which channel, whichever page or endpoint
acted; one set of exception handlers turns a refusal into its page or JSON and anything unexpected
into a plain "something went wrong", never a traceback.
"""

from __future__ import annotations

import logging
import re
from contextlib import asynccontextmanager
from contextvars import Token
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, cast

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from methodology.errors import BagalauError
from methodology.i18n import DEFAULT_LANG, LANGS, Lang
from models.db import engine as default_engine
from models.db import transaction
from services.failures import one_line
from states.audit_chain import OPERATOR
from web.identity.authenticator import Authenticator, LocalAuthenticator
from web.identity.sessions import COOKIE, Signed, resolve
from web.labels import word
from web.refusals import body_of, status_of
from web.rendering import page
from web.settings import Settings, from_environment

log = logging.getLogger("bagalau.web")
LANG_COOKIE = "bagalau_lang"
INVITATION_PATH = re.compile(r"(/invitation/)[^/?#\s\"]+")


def redacted(path: str) -> str:
    """A path as a log tells it: an invitation's token, which opens an account, left out."""
    return INVITATION_PATH.sub(r"\1…", path)


class _NoLinks(logging.Filter):
    """The server's access log says which path was asked, and an invitation's path is its
    token: the record keeps the path without it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redacted(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


NO_LINKS = _NoLinks()


@dataclass(frozen=True)
class Console:
    engine: Engine
    settings: Settings
    authenticator: Authenticator


def create_app(engine: Engine | None = None, settings: Settings | None = None, authenticator: Authenticator | None = None) -> FastAPI:
    from web import api, pages
    from web.hr import bulk_print, org_upload
    from web.hr import late as hr_late
    from web.hr import pages as hr_pages
    from web.hr import protocols as hr_protocols
    from web.hr import runs as hr_runs
    from web.hr import schedule as hr_schedule
    from web.meetings import calibration as calibration_pages
    from web.meetings import pages as meeting_pages
    from web.survey import pages as survey_pages

    settings = settings or from_environment()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The pages run in worker threads; this process takes on `threads` of them at once,
        # the others wait their turn in order (web/serving.py says why).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield

    app = FastAPI(title="bagalau", version="1", openapi_url="/api/v1/openapi.json", docs_url="/api/v1/docs", redoc_url=None, lifespan=lifespan)
    app.state.console = Console(engine or default_engine(), settings, authenticator or LocalAuthenticator())
    app.mount("/static", StaticFiles(directory=Path(__file__).with_name("static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(hr_pages.router)
    app.include_router(hr_late.router)
    app.include_router(org_upload.router)
    app.include_router(hr_runs.router)
    app.include_router(hr_protocols.router)
    app.include_router(bulk_print.router)
    app.include_router(hr_schedule.router)
    app.include_router(survey_pages.router)
    app.include_router(meeting_pages.router)
    app.include_router(calibration_pages.router)
    app.add_middleware(_Operator)
    # The decorator's form: add_exception_handler is typed for a handler of any Exception.
    app.exception_handler(HTTPException)(_http_error)
    app.exception_handler(RequestValidationError)(_invalid_request)
    app.exception_handler(BagalauError)(_refused)
    app.add_exception_handler(Exception, _unexpected)
    logging.getLogger("uvicorn.access").addFilter(NO_LINKS)  # once: a logger keeps a filter once
    return app


def console(request: Request) -> Console:
    return request.app.state.console


_UNREAD = object()  # this request has not looked its session up yet


def signed(request: Request) -> Signed | None:
    """The person of this request's session, or None; checked on every request."""
    cached = getattr(request.state, "signed", _UNREAD)
    if cached is not _UNREAD:
        return cast("Signed | None", cached)
    with transaction(console(request).engine) as session:
        found = resolve(session, request.cookies.get(COOKIE), console(request).settings.idle)
    request.state.signed = found
    return found


def operator(who: Signed | None) -> str:
    """The audit trail's operator of a request: the signed-in person, on the web channel."""
    return f"web:{who.person.personnel_no}" if who is not None else "web"


class _Operator:
    """Sets the audit trail's operator to the request's signed-in person for the request,
    and is the console's last door: whatever still fails becomes its one-line page (even a
    session that cannot be read), never a traceback in the page or the server's log."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        token: Token[str | None] | None = None
        try:
            # In a worker thread, as the pages run: the session's query would otherwise hold
            # the event loop, and every other request of the process with it, for its round trip.
            token = OPERATOR.set(operator(await run_in_threadpool(signed, Request(scope))))
            await self.app(scope, receive, sending)
        except Exception as error:
            if started:
                raise
            await (await _unexpected(Request(scope), error))(scope, receive, send)
        finally:
            if token is not None:
                OPERATOR.reset(token)


def lang_of(request: Request) -> Lang:
    who = signed(request)
    if who is not None and who.account.lang in LANGS:
        return who.account.lang
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGS else DEFAULT_LANG


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def secure(request: Request) -> bool:
    setting = console(request).settings.secure_cookies
    return request.url.scheme == "https" if setting == "auto" else setting in ("1", "true", "yes")


async def _http_error(request: Request, error: HTTPException) -> Response:
    lang = lang_of(request)
    if is_api(request):
        return JSONResponse({"message": _message(error.status_code, lang)}, error.status_code, headers=error.headers)
    if error.status_code == 401:
        return Response(status_code=303, headers={"Location": "/sign-in"})
    title, text = ("not_found", "not_found_text") if error.status_code in (404, 405) else ("error", "error_text")
    return HTMLResponse(page("error.html.j2", lang, title=word(title, lang), text=word(text, lang), **_chrome(request)), error.status_code)


async def _invalid_request(request: Request, error: RequestValidationError) -> Response:
    """A request the API could not even read (not JSON, a field of the wrong type)."""
    first = error.errors()[0] if error.errors() else {}
    field = ".".join(str(p) for p in first.get("loc", ())[1:]) or "(input)"
    return JSONResponse({"field": field, "value": None, "rule": "docs/api.md", "code": "invalid", "message": first.get("msg", "")}, 422)


async def _refused(request: Request, error: BagalauError) -> Response:
    lang = lang_of(request)
    if is_api(request):
        return JSONResponse(body_of(error, lang), status_of(error))
    return HTMLResponse(page("error.html.j2", lang, title=word("refused", lang), text=error.render(lang), **_chrome(request)), status_of(error))


async def _unexpected(request: Request, error: Exception) -> Response:
    """One line in the reader's language (services.failures): a database that cannot be
    reached is a 503 saying so; a fault of the product a plain 500; never a traceback."""
    lang = _safe_lang(request)
    line, code = one_line(error, lang)
    status = 503 if code == 2 else 500
    log.error("%s on %s %s: %s", type(error).__name__, request.method, redacted(request.url.path), one_line(error, "en")[0])
    text = line if code == 2 else word("error_text", lang)
    if is_api(request):
        return JSONResponse({"message": text}, status)
    return HTMLResponse(page("error.html.j2", lang, title=word("error", lang), text=text), status)


def _safe_lang(request: Request) -> Lang:
    """The reader's language even when their session cannot be read (the database is down)."""
    try:
        return lang_of(request)
    except Exception:  # the failure being reported is this one: fall back to what the request says
        request.state.signed = None
        chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
        return chosen if chosen in LANGS else DEFAULT_LANG


def _chrome(request: Request) -> dict[str, object]:
    """What the header of an error page shows: who is signed in, the language switch."""
    who = signed(request)
    return {"me": who.person, "csrf": who.csrf, "path": "/work"} if who else {}


def _message(status: int, lang: Lang) -> str:
    return {401: word("sign_in", lang), 403: word("refused", lang), 404: word("not_found", lang)}.get(status, word("error", lang))

"""`bagalau users set-password` (the password from standard input) and `users revoke`,
run as the installed command on a SQLite file; and the console's pages around them: the
language remembered in the account, the inbox read and unread, the forms as HTML and PDF,
and an unexpected error told without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import select

from models import Account, Notice
from models.outbox import InboxMessage
from models.db import engine as make_engine
from models.db import transaction
from models.migrate import upgrade
from tests.factories import Org, organisation
from tests.web.conftest import DAY, signed_in
from web.app import create_app
from web.identity.passwords import verify
from web.settings import Settings

BAGALAU = str(Path(sys.executable).with_name("bagalau"))


def _run(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BAGALAU_DATABASE_URL": url}
    return subprocess.run([BAGALAU, *args], input=stdin, capture_output=True, text=True, timeout=60, env=env)


def test_set_password_reads_stdin_hashes_with_argon2_and_revoke_ends_sessions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'users.sqlite3'}"
    upgrade(url)
    org = organisation(make_engine(url), "mne2017")
    done = _run(url, "users", "set-password", "servant", stdin="correct horse battery\n")
    assert done.returncode == 0, done.stderr
    with transaction(org.engine) as session:
        account = session.exec(select(Account).where(Account.servant_id == org.ids["servant"])).one()
    assert account.login == "servant" and account.password_hash.startswith("$argon2id$")  # type: ignore[union-attr]
    assert verify(account.password_hash, "correct horse battery") and "correct horse" not in account.password_hash  # type: ignore[operator]
    app = create_app(org.engine, Settings(today=DAY))
    client = TestClient(app)
    assert client.post("/api/v1/login", json={"login": "servant", "password": "correct horse battery"}).status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    revoked = _run(url, "users", "revoke", "servant")
    assert revoked.returncode == 0 and revoked.stdout.strip() == "ended 1"
    assert client.get("/api/v1/me").status_code == 401
    short = _run(url, "users", "set-password", "servant", "--lang", "en", stdin="short\n")
    assert short.returncode == 2 and "at least 8" in short.stderr and "Traceback" not in short.stderr
    unknown = _run(url, "users", "set-password", "nobody", stdin="long enough pw\n")
    assert unknown.returncode == 2 and "nobody" in unknown.stderr
    invited = _run(url, "users", "invite", "colleague1")
    assert invited.returncode == 0 and invited.stdout.startswith("invitation ") and "/invitation/" not in invited.stdout
    with transaction(org.engine) as session:  # queued for delivery, which makes the link (tests/web/test_invitations.py)
        notice = session.exec(select(Notice).where(Notice.invitation_id != None)).one()  # noqa: E711
    assert notice.kind == "invitation" and notice.recipient_id == org.ids["colleague1"] and notice.status == "pending"


def test_the_language_is_remembered_in_the_account(app, org: Org) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(app, "servant")
    work = client.get("/work").text
    csrf = work.split('name="csrf" value="')[1].split('"')[0]
    chosen = client.post("/lang", data={"csrf": csrf, "lang": "kk", "next": "/work"}, follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"] == "/work"
    again = signed_in(app, "servant")  # a new session: the choice lives in the account, not the cookie
    page = again.get("/work").text
    assert '<html lang="kk">' in page and "Менің жұмысым" in page
    assert client.post("/lang", data={"csrf": csrf, "lang": "ru", "next": "//elsewhere.example"}, follow_redirects=False).headers["location"] == "/work"


def test_the_inbox_shows_unread_and_marks_read_only_ones_own(app, org: Org) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(timezone.utc)
    with transaction(org.engine) as session:
        notice = Notice(key="test-inbox", recipient_id=org.ids["servant"], kind="reminder", level=1, step="quarterly_appraisal",
                        due=DAY, created_at=now, appraisal_id=org.appraisal("servant", "quarterly", "2026-Q1").id)
        session.add(notice)
        session.flush()
        message = InboxMessage(notice_id=notice.id, recipient_id=org.ids["servant"], lang="en", subject="Reminder: the sheet is due",  # type: ignore[arg-type]
                               text="Due on 10 April 2026.", html="<p>Due</p>", created_at=now)
        session.add(message)
        session.flush()
        message_id = message.id
    other = signed_in(app, "colleague1")
    other_csrf = other.get("/api/v1/me").json()["csrf"]
    other.post(f"/inbox/{message_id}/read", data={"csrf": other_csrf})
    servant = signed_in(app, "servant")
    page = servant.get("/work").text
    assert "Reminder: the sheet is due" in page and "1 unread" in page  # someone else's click read nothing
    servant.post(f"/inbox/{message_id}/read", data={"csrf": servant.get("/api/v1/me").json()["csrf"]})
    assert "unread" not in servant.get("/work").text.split('id="inbox"')[1].split("</h2>")[0]


def test_the_forms_open_as_html_and_pdf_for_a_reader(app, org: Org) -> None:  # type: ignore[no-untyped-def]
    own = org.appraisal("servant", "quarterly", "2026-Q1").id
    servant = signed_in(app, "servant")
    html = servant.get(f"/appraisals/{own}/documents/quarterly-sheet.html")
    pdf = servant.get(f"/appraisals/{own}/documents/quarterly-sheet.pdf")
    assert html.status_code == 200 and "Servant" in html.text
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert servant.get(f"/appraisals/{own}/documents/no-such-form.pdf").status_code == 404
    assert signed_in(app, "colleague1").get(f"/appraisals/{own}/documents/quarterly-sheet.pdf").status_code == 404


def test_an_unexpected_error_is_told_without_a_traceback(org: Org, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from web import views

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals /srv/app.py line 3")

    monkeypatch.setattr(views, "tasks", broken)
    app = create_app(org.engine, Settings(today=DAY))
    client = signed_in(app, "servant")
    client = TestClient(app, raise_server_exceptions=False, cookies=client.cookies)
    for path in ("/work", "/api/v1/me/tasks"):
        answer = client.get(path)
        assert answer.status_code == 500
        assert "Traceback" not in answer.text and "secret internals" not in answer.text and "RuntimeError" not in answer.text

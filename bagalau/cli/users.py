"""`bagalau users`: the web console's local accounts. A password is read from standard
input (never an argument, which the shell would keep in its history and `ps` would show)."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from typing import Optional

import typer
from sqlmodel import col, select

from bagalau.cli.common import LangOption, use_lang
from methodology.errors import InvalidInput
from models import Account, Servant, StateBody
from models.db import engine, id_of, transaction
from models.migrate import upgrade
from states import invitations
from web.identity.passwords import RULE, end_all, set_password

app = typer.Typer(help="Accounts of the web console.", no_args_is_help=True)
BodyOption = typer.Option(None, "--body", help="State body code, when the personnel number is not unique.")


@app.command("set-password")
def set_password_command(
    personnel_no: str = typer.Argument(..., help="Personnel number (the login)."),
    body: Optional[str] = BodyOption,
    lang: str = LangOption,
) -> None:
    """Set a servant's password, read from standard input; their open sessions end."""
    use_lang(lang)
    upgrade()
    password = sys.stdin.readline().rstrip("\r\n")
    with transaction(engine()) as session:
        set_password(session, _servant(session, personnel_no, body), password)
    print("ok")


@app.command("revoke")
def revoke(
    personnel_no: str = typer.Argument(..., help="Personnel number (the login)."),
    body: Optional[str] = BodyOption,
    lang: str = LangOption,
) -> None:
    """End every open session of a servant at once (HR's revoke)."""
    use_lang(lang)
    upgrade()
    with transaction(engine()) as session:
        servant = _servant(session, personnel_no, body)
        account = session.exec(select(Account).where(Account.servant_id == servant.id)).first()
        ended = end_all(session, id_of(account)) if account else 0
    print(f"ended {ended}")


@app.command("invite")
def invite(
    personnel_no: str = typer.Argument(..., help="Personnel number (the login)."),
    body: Optional[str] = BodyOption,
    lang: str = LangOption,
) -> None:
    """Invite a servant to set their own password: the next delivery (`bagalau notices
    deliver`, the sweep flow) e-mails them a one-time link to BAGALAU_WEB_URL, valid
    BAGALAU_INVITATION_DAYS days. The link is never printed: it is made when it is sent."""
    use_lang(lang)
    upgrade()
    with transaction(engine()) as session:
        row = invitations.invite(session, _servant(session, personnel_no, body), datetime.now(timezone.utc))
    print(f"invitation {row.id}")


def _servant(session, personnel_no: str, body: str | None) -> Servant:
    query = select(Servant, StateBody.code).join(StateBody, col(StateBody.id) == Servant.state_body_id).where(Servant.personnel_no == personnel_no)
    if body:
        query = query.where(StateBody.code == body)
    found = session.exec(query).all()
    if not found:
        raise InvalidInput("not_found", field="PERSONNEL_NO", value=personnel_no, rule=RULE)
    if len(found) > 1:
        raise InvalidInput("ambiguous_login", field="PERSONNEL_NO", value=personnel_no, rule=RULE, expected=", ".join(code for _, code in found))
    return found[0][0]

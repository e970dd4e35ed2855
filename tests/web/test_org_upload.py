"""HR loads its organisation by upload (the importer of `bagalau org import`): a file with
a problem is refused whole with its report as a table and nothing written; a clean one is
loaded; HR of a body loads that body only; nobody else opens the page."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import func, select

from models import Servant
from models.db import transaction
from tests.factories import organisation
from tests.web.conftest import DAY, accounts, signed_in
from web.app import create_app
from web.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "org"
CODE = "vko-audit"  # the examples' state body


def own_rows() -> bytes:
    """The examples' servants of vko-audit (the file holds a second body too)."""
    lines = (EXAMPLES / "servants.csv").read_bytes().decode("utf-8-sig").splitlines(keepends=True)
    return "".join(line for index, line in enumerate(lines) if index == 0 or line.startswith(CODE + ",")).encode()


def servants_in(db: Engine) -> int:
    with transaction(db) as session:
        return session.exec(select(func.count()).select_from(Servant)).one()


def upload(client, text: bytes, name: str = "servants.csv"):  # type: ignore[no-untyped-def]
    token = client.get("/api/v1/me").json()["csrf"]
    return client.post(f"/hr/{CODE}/organisation", data={"csrf": token}, files={"servants": (name, text, "text/csv")})


def test_a_file_with_a_problem_is_refused_whole_then_the_clean_one_loads(db: Engine) -> None:
    org = organisation(db, "typical2023", code=CODE)
    accounts(org)
    hr = signed_in(create_app(db, Settings(today=DAY)), "hr")
    assert hr.get(f"/hr/{CODE}/organisation").status_code == 200
    clean = own_rows()
    broken = clean.replace(b"2019-03-11", b"11.03.2019", 1)
    before = servants_in(db)
    refused = upload(hr, broken)
    assert refused.status_code == 422 and 'id="problems"' in refused.text
    assert "11.03.2019" in refused.text and "position_start" in refused.text and "a date is written YYYY-MM-DD" in refused.text
    assert servants_in(db) == before  # nothing half-written
    loaded = upload(hr, clean)
    assert loaded.status_code == 200 and 'id="counts"' in loaded.text
    assert servants_in(db) == before + len(clean.decode().strip().splitlines()) - 1


def test_hr_loads_its_own_body_only_and_nobody_else_opens_the_page(db: Engine) -> None:
    org = organisation(db, "typical2023", code="elsewhere")
    accounts(org)
    app = create_app(db, Settings(today=DAY))
    hr = signed_in(app, "hr")
    token = hr.get("/api/v1/me").json()["csrf"]
    before = servants_in(db)
    other = hr.post("/hr/elsewhere/organisation", data={"csrf": token},
                    files={"servants": ("servants.csv", (EXAMPLES / "servants.csv").read_bytes(), "text/csv")})
    assert other.status_code == 422 and "vko-audit" in other.text and "expected one of: elsewhere" in other.text
    assert servants_in(db) == before
    assert hr.post("/hr/elsewhere/organisation", data={"csrf": "wrong"}).status_code == 403
    for stranger in ("servant", "manager", "official"):
        client = signed_in(app, stranger)
        assert client.get("/hr/elsewhere/organisation").status_code == 404, stranger
        assert client.post("/hr/elsewhere/organisation", data={"csrf": client.get("/api/v1/me").json()["csrf"]}).status_code == 404

"""HR's organisation upload in a real browser: a file with a bad date refused with its
report as a table, then the corrected file accepted."""

from __future__ import annotations

from pathlib import Path

from models.db import engine as make_engine
from models.migrate import upgrade
from tests.factories import organisation
from tests.web.browser import chromium, require_browser, served, sign_in
from tests.web.conftest import DAY, accounts
from tests.web.test_org_upload import CODE, own_rows, servants_in
from web.app import create_app
from web.settings import Settings


def test_an_org_upload_refused_with_its_report_then_accepted(tmp_path: Path) -> None:
    require_browser()
    url = f"sqlite:///{tmp_path / 'org.sqlite3'}"
    upgrade(url)
    org = organisation(make_engine(url), "typical2023", code=CODE)
    accounts(org)
    broken, clean = tmp_path / "broken.csv", tmp_path / "servants.csv"
    broken.write_bytes(own_rows().replace(b"2019-03-11", b"11.03.2019", 1))
    clean.write_bytes(own_rows())
    before = servants_in(org.engine)
    with served(create_app(org.engine, Settings(today=DAY))) as base, chromium() as browser:
        hr = sign_in(browser, base, "hr")
        hr.click('a[href="/hr"]')
        hr.click(f'a[href="/hr/{CODE}/organisation"]')
        hr.set_input_files("#servants", str(broken))
        hr.click("#org-upload button.primary")
        cells = hr.locator("#problems tbody tr").first.locator("td").all_inner_texts()
        # the head's start date, on row 3: row 2 is the head's assessor outside the B corps
        assert cells[:4] == ["servants", "3", "position_start", "11.03.2019"]
        assert servants_in(org.engine) == before
        hr.set_input_files("#servants", str(clean))
        hr.click("#org-upload button.primary")
        assert hr.locator('#counts tr[data-table="servant"] td').nth(1).inner_text() != "0"
    assert servants_in(org.engine) > before

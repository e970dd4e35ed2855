"""HR in a real browser: from My work to the body's console, who is late now narrowed by
step, and a dead letter resent (issue #12)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from models import Notice
from models.db import engine as make_engine
from models.db import transaction
from models.migrate import upgrade
from tests.web.browser import chromium, require_browser, served, sign_in
from tests.web.conftest import accounts
from tests.web.test_hr_console import LATE_DAY, _body, _dead_notice
from web.app import create_app
from web.settings import Settings


def test_hr_finds_the_late_person_of_the_body_and_resends_a_dead_letter(tmp_path: Path) -> None:
    require_browser()
    url = f"sqlite:///{tmp_path / 'hr.sqlite3'}"
    upgrade(url)
    org = _body(make_engine(url))
    accounts(org)
    dead = _dead_notice(org.engine, org.appraisal("colleague2", "quarterly", "2026-Q1").id, org.ids["manager"])
    with served(create_app(org.engine, Settings(today=LATE_DAY))) as base, chromium() as browser:
        page = sign_in(browser, base, "hr")
        page.click('a[href="/hr"]')
        assert page.url.endswith("/hr/body")
        page.select_option("#f-step", "quarterly_appraisal")
        page.click(".filters button")
        rows = page.locator("#late-table tbody tr")
        assert rows.count() == 8 and "step=quarterly_appraisal" in page.url
        assert rows.first.locator(".days").inner_text() == "6"
        assert page.locator('#late-table tr[data-appraisal] td', has_text="Colleague2").count() == 1
        page.click(f'#dead-table tr[data-notice="{dead}"] button')
        assert page.locator('[role="status"]').inner_text() == "The notice is queued to be sent again."
        assert page.locator("#dead-table").count() == 0
    with transaction(org.engine) as session:
        assert session.exec(select(Notice.status).where(Notice.id == dead)).one() == "pending"

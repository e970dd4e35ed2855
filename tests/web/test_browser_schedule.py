"""The appraisal schedule in a real browser (mne2017 п.14, typical2023 п.11): HR reaches it
from the console, a day before today is refused beside the day, HR drafts the unit's day;
the appointing official approves it from the header's link and it is read-only; a servant
gets the console's 404 page. A select of unit names, here and in the console's print form,
shows the whole name chosen, not its first 180 pixels (issue #12)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import select

from models import Unit
from models.db import engine as make_engine
from models.db import transaction
from models.migrate import upgrade
from states.cycles import open_cycle
from tests.factories import organisation
from tests.web.browser import chromium, require_browser, served, sign_in
from tests.web.conftest import DAY, accounts
from web.app import create_app
from web.settings import Settings

LONG = "Департамент государственных закупок, мониторинга и контроля исполнения договоров"
# Whether the option chosen fits the select: its text measured in the select's own font,
# with room for the padding and the arrow.
FITS = """select => { const pen = document.createElement("canvas").getContext("2d");
  pen.font = getComputedStyle(select).font;
  return pen.measureText(select.options[select.selectedIndex].text).width + 24 <= select.clientWidth; }"""


def _fits(page: Any, selector: str) -> bool:
    return bool(page.locator(selector).evaluate(FITS))


def test_hr_drafts_the_official_approves_and_a_servant_finds_nothing(tmp_path: Path) -> None:
    require_browser()
    url = f"sqlite:///{tmp_path / 'schedule.sqlite3'}"
    upgrade(url)
    org = organisation(make_engine(url), "mne2017")
    open_cycle(org.engine, org.code, "quarterly", "2026-Q1", on=date(2026, 4, 1))
    accounts(org)
    with transaction(org.engine) as session:
        unit = session.exec(select(Unit).where(Unit.code == "u1")).one()
        unit.name = LONG
        session.add(unit)
    with served(create_app(org.engine, Settings(today=DAY))) as base, chromium() as browser:
        hr = sign_in(browser, base, "hr")
        hr.click('a[href="/hr"]')
        hr.select_option("#p-unit", "u1")
        assert _fits(hr, "#p-unit")
        for kind in hr.locator("#open-kind option").evaluate_all("options => options.map(o => o.value)"):
            hr.select_option("#open-kind", kind)
            assert _fits(hr, "#open-kind"), kind
        hr.click("#console-schedule-link")
        assert hr.url.endswith("/hr/body/schedule")
        hr.fill("#s-period", "2026-Q1")
        hr.click("#choose button")
        assert hr.locator("#empty").is_visible()
        hr.select_option("#d-unit", "u1")
        assert _fits(hr, "#d-unit")
        hr.fill("#d-starts", "2026-04-01")
        hr.click("#draft-form button")
        assert "cannot start before the day the schedule is drafted (2026-04-02)" in hr.locator("#starts_on-error").inner_text()
        hr.fill("#d-starts", "2026-04-20")
        hr.click("#draft-form button")
        assert hr.locator("#done").inner_text() == "The day is saved in the draft schedule."
        assert hr.locator("#status").get_attribute("data-status") == "draft"
        assert hr.locator("#approve-form").count() == 0

        official = sign_in(browser, base, "official")
        official.click("#schedule-link")
        official.fill("#s-period", "2026-Q1")
        official.click("#choose button")
        assert official.locator('tr[data-unit="u1"]').get_attribute("data-approved") == "no"
        official.click("#approve-form button")
        assert official.locator("#done").inner_text() == "The schedule is approved: the appraisals are dated by it."
        row = official.locator('tr[data-unit="u1"]')
        assert row.get_attribute("data-approved") == "yes" and row.locator('time[datetime="2026-04-10"]').count() == 1
        assert official.locator("#approve-form").count() == 0 and official.locator("#draft-form").count() == 0

        hr.reload()
        assert hr.locator("#status").get_attribute("data-status") == "approved" and hr.locator("#draft-form").count() == 0

        servant = sign_in(browser, base, "servant")
        assert servant.locator("#schedule-link").count() == 0
        opened = servant.goto(f"{base}/hr/body/schedule")
        assert opened is not None and opened.status == 404 and servant.locator("#schedule-table").count() == 0

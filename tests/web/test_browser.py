"""A whole mne2017 quarter played through the pages in a real browser, each person signed
in as themselves: the servant submits, the manager agrees with a violation, the servant
does not sign and HR draws up the act of refusal with its witnesses (п.25), the commission
decides, HR familiarises the servant (п.36). And a refusal shown beside its input in
Kazakh, Russian and English."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlmodel import select

from models import AuditEvent, RefusalAct, Violation
from models.db import engine as make_engine
from models.db import transaction
from models.migrate import upgrade
from states.cycles import open_cycle
from tests.factories import Org, organisation
from tests.web.test_browser_commission import tick
from tests.web.browser import chromium, open_task, require_browser, served, sign_in
from tests.web.conftest import DAY, accounts
from web.app import create_app
from web.settings import Settings


@pytest.fixture
def quarter(tmp_path: Path) -> Org:
    """On SQLite only: the browser checks the pages; both databases are the API tests' job."""
    require_browser()
    url = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    upgrade(url)
    org = organisation(make_engine(url), "mne2017")
    open_cycle(org.engine, org.code, "quarterly", "2026-Q1", on=date(2026, 4, 1))  # HR's opening (its page: part 2)
    accounts(org)
    return org


@pytest.fixture
def site(quarter: Org) -> Iterator[tuple[str, Any]]:
    with served(create_app(quarter.engine, Settings(today=DAY))) as base, chromium() as browser:
        yield base, browser


def test_a_whole_mne2017_quarter_through_the_pages(site: tuple[str, Any], quarter: Org) -> None:
    base, browser = site
    own = quarter.appraisal("servant", "quarterly", "2026-Q1").id

    servant = sign_in(browser, base, "servant")
    open_task(servant, own)
    servant.fill("#submit--bonus_items-0-description", "Seminar for the regional offices")
    servant.select_option("#submit--bonus_items-0-points", "3")
    servant.click("#form-submit button.primary")
    assert servant.inner_text("#state") == "submitted to the manager"

    manager = sign_in(browser, base, "manager")
    open_task(manager, own)
    assert manager.input_value("#agree--bonus_items-0-description") == "Seminar for the regional offices"  # the servant's claim
    manager.select_option("#agree--violations-0-kind", "labour")
    manager.fill("#agree--violations-0-occurred_on", "2026-03-04")
    manager.select_option("#agree--violations-0-source", "hr")
    manager.fill("#agree--violations-0-proof", "Access log: 35 minutes late without reason")
    manager.click("#form-agree button.primary")
    assert manager.inner_text("#state") == "agreed by the manager"
    assert "101.00" in manager.inner_text("#result")  # 100 + 3 − 2 × 1 (п.16–22)

    servant.reload()  # the servant reads the sheet and does not sign: sign is there, they leave it
    assert servant.is_visible("#form-sign")

    hr = sign_in(browser, base, "hr")
    hr.goto(f"{base}/appraisals/{own}")
    hr.fill("#refuse_to_sign--text", "The servant disagrees with the lateness and refused to sign the sheet")
    hr.check(f'#form-refuse_to_sign input[name="witnesses"][value="{quarter.ids["member"]}"]')
    hr.check(f'#form-refuse_to_sign input[name="witnesses"][value="{quarter.ids["colleague1"]}"]')
    hr.click("#form-refuse_to_sign button.primary")
    assert hr.inner_text("#state") == "refusal act drawn up"

    chair = sign_in(browser, base, "official")
    open_task(chair, own)
    chair.click(f'#form-decide a[href="/meetings/commission/{own}"]')  # the commission decides at its sitting (п.34)
    tick(chair, quarter.ids, ["official", "member", "manager", "hr"], {"official": "approve", "member": "approve", "manager": "approve"})
    chair.click("#meeting button.primary")
    chair.goto(f"{base}/appraisals/{own}")
    assert chair.inner_text("#state") == "decided by the commission"

    hr.reload()
    hr.click("#form-familiarise button.primary")
    assert hr.inner_text("#state") == "familiarised"
    servant.reload()
    assert servant.inner_text("#state") == "familiarised" and "101.00" in servant.inner_text("#result")

    with transaction(quarter.engine) as session:
        trail = [(e.action, e.actor_id) for e in session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == own).order_by(AuditEvent.id))]
        act = session.exec(select(RefusalAct).where(RefusalAct.appraisal_id == own)).one()
        violations = session.exec(select(Violation).where(Violation.appraisal_id == own)).all()
    ids = quarter.ids
    assert trail == [("open", None), ("submit", ids["servant"]), ("agree", ids["manager"]), ("refuse_to_sign", ids["hr"]),
                     ("decide", ids["official"]), ("familiarise", ids["hr"])]
    assert sorted(act.witnesses) == sorted([ids["member"], ids["colleague1"]]) and len(violations) == 1


REFUSED = {"kk": "жарамсыз мән", "ru": "недопустимое значение", "en": "invalid value"}  # methodology/data/messages.yaml


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_refusal_is_shown_beside_its_input_in_the_readers_language(site: tuple[str, Any], quarter: Org, lang: str) -> None:
    base, browser = site
    own = quarter.appraisal("servant", "quarterly", "2026-Q1").id
    page = sign_in(browser, base, "servant")
    page.click(f'.langs button[value="{lang}"]')
    assert page.get_attribute("html", "lang") == lang
    page.goto(f"{base}/appraisals/{own}")
    page.select_option("#submit--bonus_items-1-points", "2")  # a second row with points and no description
    page.fill("#submit--bonus_items-0-description", "Seminar")
    page.select_option("#submit--bonus_items-0-points", "3")
    page.click("#form-submit button.primary")
    error = page.locator("#submit--bonus_items-1-description-error")
    assert error.is_visible()
    assert error.inner_text().startswith("bonus_items[1].description")
    assert REFUSED[lang] in error.inner_text()  # an item without its description (п.23)
    assert page.get_attribute("#submit--bonus_items-1-description", "aria-invalid") == "true"
    assert page.input_value("#submit--bonus_items-0-description") == "Seminar"  # what was typed is kept

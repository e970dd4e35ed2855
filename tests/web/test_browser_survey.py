"""A typical2023 360 in a real browser (п.34–37): three respondents answer on their own
pages, each from their task; the result appears only after the third, once HR closes it."""

from __future__ import annotations

from pathlib import Path

from models.db import engine as make_engine
from models.migrate import upgrade
from tests.web.browser import chromium, require_browser, served, sign_in
from tests.web.test_survey import DAY, THREE, filled, surveyed
from web.app import create_app
from web.settings import Settings


def answer_on_the_page(page, own: int, value: int) -> None:  # type: ignore[no-untyped-def]
    page.click(f'.task a[href="/survey/{own}"]')
    for name in filled():
        page.check(f'input[name="{name}"][value="{value}"]')
    page.click("#questionnaire button.primary")
    assert page.locator("#answered").count() == 1 and page.locator("#questionnaire").count() == 0


def test_three_respondents_answer_and_the_result_appears_after_the_third(tmp_path: Path) -> None:
    require_browser()
    url = f"sqlite:///{tmp_path / 'survey.sqlite3'}"
    upgrade(url)
    org, own = surveyed(make_engine(url))
    with served(create_app(org.engine, Settings(today=DAY))) as base, chromium() as browser:
        servant, hr = sign_in(browser, base, "servant"), sign_in(browser, base, "hr")
        for index, name in enumerate(THREE):
            answer_on_the_page(sign_in(browser, base, name), own, 5 - index)
            servant.goto(f"{base}/survey/{own}")
            assert servant.locator("#result-section").count() == 0
            hr.goto(f"{base}/appraisals/{own}")
            hr.click("#form-close_survey button[type=submit]")
            refused = hr.locator("#form-close_survey .refusal, #refusal")
            assert (refused.count() > 0) is (index < 2), index
        servant.goto(f"{base}/survey/{own}")
        assert servant.locator("#result-section").count() == 1
        assert servant.locator("#score strong").inner_text() != ""
        servant.click('#result-section a[href$="360-result.html"]')
        assert "svg" in servant.content()  # the spider chart of Annexes 7–8

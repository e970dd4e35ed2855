"""A calibration session in a real browser (typical2023 п.38–42): HR opens it from their
task, the servant's argument beside the votes; no majority is refused, then two of three
participants correct 4.57 down to 3.50."""

from __future__ import annotations

from pathlib import Path

from models.db import engine as make_engine
from models.migrate import upgrade
from tests.web.browser import chromium, require_browser, served, sign_in
from tests.web.test_calibration import SESSION_DAY, convened, score_of
from web.app import create_app
from web.settings import Settings


def test_a_calibration_session_whose_majority_corrects_the_score(tmp_path: Path) -> None:
    require_browser()
    url = f"sqlite:///{tmp_path / 'calibration.sqlite3'}"
    upgrade(url)
    org, own = convened(make_engine(url))
    ids = org.ids
    with served(create_app(org.engine, Settings(today=SESSION_DAY))) as base, chromium() as browser:
        hr = sign_in(browser, base, "hr")
        hr.click(f'.task a[href="/meetings/calibration/{own}"]')
        assert "budget change" in hr.inner_text("#application")
        assert hr.input_value(f'#vote-{ids["member"]}') == "4.57"  # each starts from the score calibrated
        for name, value in (("member", "3.50"), ("colleague1", "4.00"), ("colleague2", "4.57")):
            hr.fill(f'#vote-{ids[name]}', value)
        hr.click("#calibration button.primary")
        assert hr.locator("#refusal").count() == 1 and hr.input_value(f'#vote-{ids["colleague1"]}') == "4.00"
        hr.fill(f'#vote-{ids["colleague1"]}', "3.50")
        hr.click("#calibration button.primary")
        assert hr.inner_text("#result").startswith("3.50")
        hr.click('a[href$="calibration-protocol.html"]')
        assert "3.50" in hr.content()
    assert score_of(org.engine, own) == ("calibrated", "3.50", "proper")

"""The confidentiality matrix of tests/web/test_confidentiality.py, row for row, in a real
browser: each person signs in and opens the servant's mne2017 sheet; an appraisal they may
not see is the console's 404 page (no title, no name, no result), a result they may not
read is absent from what the browser shows (typical2023 п.16, п.21; mne2017 п.32, п.35)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from models.db import engine as make_engine
from models.migrate import upgrade
from tests.web.browser import chromium, require_browser, served
from tests.web.conftest import DAY, password
from tests.web.test_confidentiality import MATRIX, SCORE, _quarter
from web.app import create_app
from web.settings import Settings

Site = Callable[[str], tuple[str, int]]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_browser()
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The console over a quarter left in a state (agreed, signed), served once per state."""
    require_browser()
    made: dict[str, tuple[str, int]] = {}
    with ExitStack() as stack:
        def at(state: str) -> tuple[str, int]:
            if state not in made:
                url = f"sqlite:///{Path(tmp_path_factory.mktemp(state)) / 'matrix.sqlite3'}"
                upgrade(url)
                engine = make_engine(url)
                _, own = _quarter(engine, state)
                made[state] = (stack.enter_context(served(create_app(engine, Settings(today=DAY)))), own)
            return made[state]
        yield at


@pytest.mark.parametrize("state, person, shown, readable", MATRIX, ids=[f"{s}-{p}" for s, p, *_ in MATRIX])
def test_the_matrix_in_the_browser(browser: Any, site: Site, state: str, person: str, shown: bool, readable: bool) -> None:
    base, own = site(state)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/sign-in?lang=en")
    page.fill("#login", person)
    page.fill("#password", password(person))
    page.click("button.primary")
    assert page.url.endswith("/work"), page.url
    assert SCORE not in page.inner_text("body") or readable  # my work names no result I may not read
    opened = page.goto(f"{base}/appraisals/{own}")
    assert opened is not None
    if not shown:
        assert opened.status == 404 and page.locator("#state").count() == 0  # the page any unknown id gives
        assert "Servant" not in page.content() and SCORE not in page.content()
    else:
        assert opened.status == 200 and page.locator("#state").is_visible()
        assert (SCORE in page.inner_text("#result")) is readable
        assert (SCORE in page.content()) is readable  # nor hidden in the markup
        sheet = page.locator('#docs + ul a[href$="sheet.html"]')  # the sheet, as this reader may open it
        document = page.request.get(f"{base}{sheet.get_attribute('href')}")
        assert document.status == 200 and (SCORE in document.text()) is readable
    context.close()

"""typical2023 in a real browser, each person signed in as themselves: a head's KPI
quarter (the assessor sets the KPIs, HR sends the actuals, the assessor scores inside the
range Annex 3 shows beside each KPI, п.28; HR familiarises) and a staff member's
differentiation quarter (every parameter scored with its justification, п.32–33). The
console's day moves as the quarter does."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import pytest

from models.db import engine as make_engine
from models.migrate import upgrade
from states.cycles import open_cycle
from tests.factories import Org, organisation
from tests.web.browser import chromium, open_task, require_browser, served, sign_in
from tests.web.conftest import accounts
from web.app import Console, create_app
from web.settings import Settings

KPIS = [("Audits finished on time", "%", "100", "increase"), ("Budget funds recovered", "mln tenge", "200", "increase"),
        ("Complaints upheld", "complaints", "4", "decrease")]
ACTUALS = ["100", "180", "5"]  # realisation 100 %, 90 %, 4/5 = 80 % (Annex 3): allowed 5; 4.5–4.74; 4–4.24


@pytest.fixture
def body(tmp_path: Path) -> Iterator[tuple[Org, Any, str, Any]]:
    require_browser()
    url = f"sqlite:///{tmp_path / 'typical.sqlite3'}"
    upgrade(url)
    org = organisation(make_engine(url), "typical2023")
    open_cycle(org.engine, org.code, "kpi", "2026-Q1", on=date(2026, 1, 5))
    open_cycle(org.engine, org.code, "differentiation", "2026-Q1", on=date(2026, 4, 1))
    accounts(org)
    app = create_app(org.engine, Settings(today=date(2026, 1, 12)))
    with served(app) as base, chromium() as browser:
        yield org, app, base, browser


def on(app: Any, day: date) -> None:
    """Move the console's day (BAGALAU_WEB_TODAY) as the quarter goes on."""
    console: Console = app.state.console
    app.state.console = replace(console, settings=replace(console.settings, today=day))


def test_a_kpi_quarter_through_the_pages(body: tuple[Org, Any, str, Any]) -> None:
    org, app, base, browser = body
    own = org.appraisal("manager", "kpi", "2026-Q1").id

    assessor = sign_in(browser, base, "official")
    open_task(assessor, own)
    for index, (text, unit, planned, direction) in enumerate(KPIS):
        assessor.fill(f"#set_kpis--kpis-{index}-text", text)
        assessor.fill(f"#set_kpis--kpis-{index}-unit", unit)
        assessor.fill(f"#set_kpis--kpis-{index}-planned", planned)
        assessor.select_option(f"#set_kpis--kpis-{index}-direction", direction)
    assessor.click("#form-set_kpis button.primary")
    assert assessor.inner_text("#state") == "KPIs approved", assessor.inner_text("body")[:2000]

    hr = sign_in(browser, base, "hr")
    hr.goto(f"{base}/appraisals/{own}")
    hr.click("#form-place_plan button.primary")  # the approved plan placed in the system within 5 working days (п.23)
    assert hr.inner_text("#state") != "KPIs approved", hr.inner_text("body")[:2000]

    on(app, date(2026, 4, 3))
    hr.reload()
    for index, value in enumerate(ACTUALS):
        hr.fill(f"#send_actuals--actuals-{index}", value)
    hr.click("#form-send_actuals button.primary")

    on(app, date(2026, 4, 7))
    assessor.reload()
    captions = assessor.locator("#form-score .caption").all_inner_texts()
    assert "90%" in captions[1] and "4.5–4.74" in captions[1]  # the range is shown before the assessor types
    for index, value in enumerate(["5", "4.4", "4.1"]):  # 4.4 is below what 90 % allows
        assessor.fill(f"#score--scores-{index}", value)
    assessor.click("#form-score button.primary")
    error = assessor.locator("#score--scores-1-error")
    assert error.is_visible() and "4.4" in error.inner_text() and "4.5" in error.inner_text(), error.inner_text()  # Annex 3's range
    assessor.fill("#score--scores-1", "4.6")
    assessor.click("#form-score button.primary")
    assert "4.57" in assessor.inner_text("#result")  # (5 + 4.6 + 4.1) / 3 = 4.566… → 4.57

    on(app, date(2026, 4, 8))
    hr.reload()
    hr.click("#form-familiarise button.primary")
    head = sign_in(browser, base, "manager")
    head.goto(f"{base}/appraisals/{own}")
    assert "4.57" in head.inner_text("#result")
    assert head.is_visible("#form-apply_calibration")  # п.13: within 5 working days of familiarisation


def test_a_differentiation_quarter_through_the_pages(body: tuple[Org, Any, str, Any]) -> None:
    org, app, base, browser = body
    own = org.appraisal("servant", "differentiation", "2026-Q1").id
    on(app, date(2026, 4, 2))
    manager = sign_in(browser, base, "manager")
    open_task(manager, own)
    for name, score in (("quality", "4"), ("deadlines", "4.5"), ("initiative", "3"), ("discipline", "4")):
        manager.fill(f"#score--scores-{name}-score", score)
        manager.fill(f"#score--scores-{name}-justification", f"{name}: as the quarter's records show")
    manager.fill("#score--scores-initiative-justification", "   ")  # Annex 4: every score is justified
    manager.click("#form-score button.primary")
    assert manager.locator("#score--scores-initiative-justification-error").is_visible()
    manager.fill("#score--scores-initiative-justification", "initiative: two proposals adopted")
    manager.click("#form-score button.primary")
    assert "3.88" in manager.inner_text("#result")  # (4 + 4.5 + 3 + 4) / 4 = 3.875 → 3.88

    hr = sign_in(browser, base, "hr")
    hr.goto(f"{base}/appraisals/{own}")
    hr.click("#form-familiarise button.primary")
    servant = sign_in(browser, base, "servant")
    servant.goto(f"{base}/appraisals/{own}")
    assert "3.88" in servant.inner_text("#result")
    colleague = sign_in(browser, base, "colleague1")
    assert colleague.goto(f"{base}/appraisals/{own}").status == 404

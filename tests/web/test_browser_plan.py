"""HR opens the year's individual plans from the console, and one plan is played through
the pages by each person signed in as themselves (mne2017 п.10–13, п.28–31): the servant's
indicators with the measurable flag, refused beside the field while fewer than half are
measurable (п.12), the manager's corrections, the servant's confirmation, and the
manager's scores on the 2..5 scale (п.30), a score off the scale refused beside its row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlmodel import select

from models import AuditEvent, Cycle, Indicator
from models.db import engine as make_engine
from models.db import transaction
from models.migrate import upgrade
from tests.factories import organisation
from tests.web.browser import chromium, open_task, require_browser, served, sign_in
from tests.web.conftest import accounts
from web.app import create_app
from web.settings import Settings

DAY = date(2026, 1, 12)  # the first working days of the year: the plans are drawn up (п.10)


def test_hr_opens_the_plans_and_a_plan_is_filled_in_through_the_pages(tmp_path: Path) -> None:
    require_browser()
    url = f"sqlite:///{tmp_path / 'plan.sqlite3'}"
    upgrade(url)
    org = organisation(make_engine(url), "mne2017")
    accounts(org)
    with served(create_app(org.engine, Settings(today=DAY))) as base, chromium() as browser:
        hr = sign_in(browser, base, "hr")
        hr.goto(f"{base}/hr/{org.code}")
        hr.select_option("#open-kind", "plan")
        hr.fill("#open-period", "2031")  # beyond the next year: a typo
        hr.click("#open-cycle button.primary")
        assert hr.locator("#open-period-error").is_visible() and "2031" in hr.inner_text("#open-period-error")
        assert hr.get_attribute("#open-period", "aria-invalid") == "true"
        hr.fill("#open-period", "2026")
        hr.click("#open-cycle button.primary")
        assert hr.locator("#opened").is_visible() and hr.locator(".cycle").count() == 1, hr.inner_text("main")
        with transaction(org.engine) as session:
            assert [(c.kind, c.period, c.opened_on) for c in session.exec(select(Cycle))] == [("plan", "2026", DAY)]
        own = org.appraisal("servant", "plan", "2026").id

        servant = sign_in(browser, base, "servant")
        open_task(servant, own)
        servant.fill("#submit--indicators-0-text", "Draft the regional programme")
        servant.uncheck("#submit--indicators-0-measurable")
        servant.fill("#submit--indicators-1-text", "Answer citizens' appeals")
        servant.uncheck("#submit--indicators-1-measurable")
        servant.click("#form-submit button.primary")
        refusal = servant.locator("#form-submit fieldset #submit--indicators-error")  # in the indicators' own fieldset
        assert refusal.is_visible() and "at least 50% of the indicators must be measurable (mne2017 para. 12)" in refusal.inner_text()
        assert servant.input_value("#submit--indicators-1-text") == "Answer citizens' appeals"  # what was typed is kept,
        assert not servant.is_checked("#submit--indicators-0-measurable")  # the boxes left unticked too
        servant.check("#submit--indicators-1-measurable")
        servant.click("#form-submit button.primary")
        assert servant.inner_text("#state") == "submitted to the manager"

        manager = sign_in(browser, base, "manager")
        open_task(manager, own)
        assert manager.input_value("#agree--indicators-0-text") == "Draft the regional programme"
        manager.fill("#agree--indicators-2-text", "Train two new colleagues")
        manager.click("#form-agree button.primary")
        assert manager.inner_text("#state") == "agreed by the manager"

        servant.reload()
        servant.click("#form-confirm button.primary")
        assert servant.inner_text("#state") == "plan approved"

        manager.reload()
        manager.select_option("#score--scores-0", "5")
        manager.select_option("#score--scores-1", "4")
        manager.click("#form-score button.primary")  # the third left unscored
        assert manager.locator("#score--scores-2-error").is_visible()
        manager.select_option("#score--scores-2", "2")
        manager.click("#form-score button.primary")
        assert manager.inner_text("#state") == "plan scored"
        assert manager.inner_text("#result").startswith("3.67")  # (5 + 4 + 2) / 3 (п.30–31)

    with transaction(org.engine) as session:
        indicators = session.exec(select(Indicator).where(Indicator.appraisal_id == own).order_by(Indicator.position)).all()
        trail = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == own).order_by(AuditEvent.id))]
    assert [(i.text, i.measurable, i.score) for i in indicators] == [
        ("Draft the regional programme", False, Decimal(5)), ("Answer citizens' appeals", True, Decimal(4)),
        ("Train two new colleagues", True, Decimal(2))]
    assert trail == ["open", "submit", "agree", "confirm", "score"]

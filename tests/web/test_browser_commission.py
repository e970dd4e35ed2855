"""The commission's meeting in a real browser (mne2017 п.7–9): refused without quorum, the
quorum shown as members are ticked, the secretary's vote refused, a 2–2 tie the chair
decides."""

from __future__ import annotations

from pathlib import Path

from models.db import engine as make_engine
from models.migrate import upgrade
from tests.web.browser import chromium, require_browser, served, sign_in
from tests.web.conftest import DAY
from tests.web.test_commission import before_the_commission, state_of
from web.app import create_app
from web.settings import Settings


def tick(page, ids: dict[str, int], present: list[str], votes: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for box in page.locator("input[name=present]").all():
        box.uncheck()
    for name in present:
        page.check(f'input[name=present][value="{ids[name]}"]')
    for name, choice in votes.items():
        page.check(f'input[name="vote.{ids[name]}"][value="{choice}"]')


def test_a_commission_meeting_without_quorum_then_a_tie_the_chair_decides(tmp_path: Path) -> None:
    require_browser()
    url = f"sqlite:///{tmp_path / 'commission.sqlite3'}"
    upgrade(url)
    org, own = before_the_commission(make_engine(url))
    ids = org.ids
    with served(create_app(org.engine, Settings(today=DAY))) as base, chromium() as browser:
        chair = sign_in(browser, base, "official")
        chair.click(f'.task a[href="/meetings/commission/{own}"]')
        tick(chair, ids, ["official", "manager", "hr"], {"official": "approve", "manager": "approve"})
        assert chair.inner_text("#quorum-state") == "no quorum"  # the secretary does not count
        chair.click("#meeting button.primary")
        assert "at least two thirds (3) are needed" in chair.inner_text("#refusal")
        tick(chair, ids, ["official", "manager", "member", "colleague3", "hr"],
             {"official": "approve", "member": "approve", "manager": "revise", "colleague3": "revise"})
        assert chair.inner_text("#quorum-state") == "quorum reached"
        assert chair.inner_text("#quorum-count") == "4 of 4 present; needed: 3"
        # the page offers the secretary no vote; one slipped into the form is refused (п.9)
        chair.evaluate(f"""() => {{ const i = document.createElement('input'); i.type = 'hidden'; i.name = 'vote.{ids["hr"]}';
                           i.value = 'revise'; document.getElementById('meeting').appendChild(i); }}""")
        chair.click("#meeting button.primary")
        assert "the secretary of the commission does not vote (mne2017 para. 9)" in chair.inner_text("#refusal")
        assert state_of(org.engine, own) == "signed"
        tick(chair, ids, ["official", "manager", "member", "colleague3", "hr"],
             {"official": "approve", "member": "approve", "manager": "revise", "colleague3": "revise"})
        chair.click("#meeting button.primary")
        assert chair.inner_text("#state") == "decided by the commission"
    assert state_of(org.engine, own) == "decided"

"""My work a page at a time (issue #12): the pages, put end to end, are the whole list of
tasks the API gives, in its order (by due day), with the same links into appraisals."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tests.web.conftest import signed_in
from tests.web.test_hr_console import LATE_DAY, _accounts, _body
from web import pages
from web.app import create_app
from web.settings import Settings


def _tasks(page: str) -> list[str]:
    listed = page.split('<ul class="tasks">')[1].split("</ul>")[0]
    return [item.split("</li>")[0] for item in listed.split('<li class="task')[1:]]


def test_my_work_goes_a_page_at_a_time_and_the_pages_are_the_whole_list(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    _accounts(_body(db))
    monkeypatch.setattr(pages, "TASKS", 2)
    hr = signed_in(create_app(db, Settings(today=LATE_DAY)), "hr")
    whole = hr.get("/api/v1/me/tasks").json()
    assert len(whole) > 2
    first = hr.get("/work")
    assert f"1–2 of {len(whole)}" in first.text and 'href="?page=2#todo"' in first.text and "todo-prev" not in first.text
    shown = []
    for number in range(1, -(-len(whole) // 2) + 1):
        shown += _tasks(hr.get("/work", params={"page": str(number)}).text)
    assert len(shown) == len(whole)
    for item, task in zip(shown, whole):
        assert f'href="/appraisals/{task["appraisal"]}"' in item and task["label"] in item
        assert (task["due"] is None) == ('<time datetime="' not in item) and (task["due"] is None or f'datetime="{task["due"]}"' in item)
    last = hr.get("/work", params={"page": "999"})  # past the end: the last page
    assert "todo-next" not in last.text and "todo-prev" in last.text

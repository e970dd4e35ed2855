"""The flows' error boundary (issue #15 item 3): a failure the person can fix — here a
database that cannot be reached — ends a task Failed with one line in the log (in
BAGALAU_LANG, no traceback, no secret); a fault of the product still raises."""

from __future__ import annotations

import logging

import pytest
from prefect.states import State

from flows.inputs import SweepInput
from flows.runs import plainly
from flows.sweep import sweep_deadlines

UNREACHABLE = "postgresql+psycopg://clerk:hunter2-secret@127.0.0.1:1/nowhere?connect_timeout=2"


def test_an_unreachable_database_is_one_line_and_a_failed_state(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("BAGALAU_DATABASE_URL", UNREACHABLE)
    monkeypatch.setenv("BAGALAU_LANG", "en")
    with caplog.at_level(logging.ERROR, logger="bagalau.flows"):
        state = plainly(sweep_deadlines)(SweepInput())
    assert isinstance(state, State) and state.is_failed()
    assert state.message is not None and state.message.startswith("the database cannot be used")
    records = [r for r in caplog.records if r.name == "bagalau.flows"]
    assert [r.getMessage() for r in records] == [state.message] and records[0].exc_info is None
    assert "\n" not in state.message and "hunter2" not in caplog.text


def test_a_fault_of_the_product_still_raises() -> None:
    def broken() -> None:
        raise ZeroDivisionError("a bug")

    with pytest.raises(ZeroDivisionError):
        plainly(broken)()

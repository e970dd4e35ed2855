"""The console's error boundary (issue #15 item 3): a database that cannot be reached or a
malformed setting is one line in the reader's language, never a traceback, never a secret."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from web.app import create_app
from web.settings import Settings, SettingError, from_environment

UNREACHABLE = "postgresql+psycopg://clerk:hunter2-secret@127.0.0.1:1/nowhere?connect_timeout=2"


@pytest.fixture
def down() -> TestClient:
    return TestClient(create_app(create_engine(UNREACHABLE), Settings()))


def test_a_page_over_an_unreachable_database_says_so_in_one_line(down: TestClient) -> None:
    down.cookies.set("bagalau_session", "some-token")
    answer = down.get("/work?lang=ru")
    assert answer.status_code == 503
    assert "нет доступа к базе данных" in answer.text and "BAGALAU_DATABASE_URL" in answer.text
    assert "Traceback" not in answer.text and "hunter2" not in answer.text


def test_the_api_over_an_unreachable_database_answers_503_with_one_line(down: TestClient) -> None:
    answer = down.post("/api/v1/login", json={"login": "servant", "password": "whatever-pw"})
    assert answer.status_code == 503
    message = answer.json()["message"]
    assert message.startswith("дерекқорға қосылу мүмкін емес") and "\n" not in message  # Kazakh first
    assert "hunter2" not in answer.text


@pytest.mark.parametrize("variable, value", [
    ("BAGALAU_WEB_TODAY", "2026-02-30"), ("BAGALAU_WEB_IDLE_MINUTES", "abc"),
    ("BAGALAU_WEB_IDLE_MINUTES", "0"), ("BAGALAU_WEB_SECURE_COOKIES", "maybe"),
])
def test_a_malformed_setting_is_named_before_the_console_starts(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingError) as refused:
        from_environment()
    assert variable in refused.value.render("en") and refused.value.render("kk").startswith("баптау дұрыс емес")


def test_bagalau_web_with_a_malformed_setting_exits_2_with_one_line() -> None:
    env = {**os.environ, "BAGALAU_WEB_TODAY": "tomorrow", "BAGALAU_LANG": "en"}
    done = subprocess.run([sys.executable, "-m", "bagalau", "web", "--port", "1"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "BAGALAU_WEB_TODAY" in lines[0] and "Traceback" not in done.stderr

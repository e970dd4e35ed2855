"""The console served by uvicorn on 127.0.0.1 in a thread, and Debian's Chromium driven by
Playwright against it. Without /usr/bin/chromium or the playwright package the browser
tests skip, saying why; under CI (CI=true) they must run, so they fail instead."""

from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
import uvicorn

from tests.web.conftest import password

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def require_browser() -> Any:
    """The playwright module, or a skip (a failure under CI) saying what is missing."""
    try:
        from playwright import sync_api
    except ImportError:
        sync_api = None
    missing = [what for what, ok in (("the playwright package", sync_api is not None), (str(CHROMIUM), CHROMIUM.exists())) if not ok]
    if missing:
        reason = f"browser tests need {' and '.join(missing)} (apt-get install chromium; pip install -e '.[dev]')"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return sync_api


@contextmanager
def served(app: Any) -> Iterator[str]:
    """`app` served on a free port of 127.0.0.1; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def chromium() -> Iterator[Any]:
    sync_api = require_browser()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(browser: Any, base: str, name: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/sign-in")
    page.fill("#login", name)
    page.fill("#password", password(name))
    page.click("button.primary")
    assert page.url.endswith("/work"), page.url
    return page


def open_task(page: Any, appraisal_id: int) -> None:
    page.click(f'.task a[href="/appraisals/{appraisal_id}"]')
    assert page.url.endswith(f"/appraisals/{appraisal_id}")

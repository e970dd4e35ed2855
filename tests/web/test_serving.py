"""How `bagalau web` serves the console (web/serving.py): its processes each listen on a
socket of their own, so the kernel spreads connections across them, and each process takes
on BAGALAU_WEB_THREADS requests at once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import anyio.to_thread
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from web.app import create_app
from web.settings import Settings, SettingError, from_environment

LINUX = hasattr(socket, "SO_REUSEPORT") and Path("/proc/net/tcp").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> int:
    """How many sockets listen on 127.0.0.1:`port` (state 0A in the kernel's table)."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for row in rows if row.split()[1] == f"0100007F:{port:04X}" and row.split()[3] == "0A")


def _web(tmp_path: Path, port: int, workers: int) -> subprocess.Popen[str]:
    env = {**os.environ, "BAGALAU_DATABASE_URL": f"sqlite:///{tmp_path / 'console.sqlite3'}", "BAGALAU_LANG": "en"}
    command = [sys.executable, "-m", "bagalau", "web", "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[int]:
    port = _free_port()
    server = _web(tmp_path, port, workers=2)
    try:
        for _ in range(600):
            if server.poll() is not None:
                pytest.fail(f"bagalau web stopped: {server.stderr.read() if server.stderr else ''}")
            if _listening(port) == 2:
                break
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.skipif(not LINUX, reason="SO_REUSEPORT spreads connections on Linux; elsewhere the processes share one socket")
def test_each_process_listens_on_a_socket_of_its_own_and_both_serve(two_processes: int) -> None:
    assert _listening(two_processes) == 2  # uvicorn's own workers share one: the kernel's table would list 1
    # Twenty clients at once, as the bench's, each on its own connection: every one is answered.
    with httpx.Client(base_url=f"http://127.0.0.1:{two_processes}", timeout=30) as first:
        assert first.get("/sign-in").status_code == 200
    clients = [httpx.Client(base_url=f"http://127.0.0.1:{two_processes}", timeout=30) for _ in range(20)]
    try:
        assert [client.get("/sign-in").status_code for client in clients] == [200] * 20
    finally:
        for client in clients:
            client.close()


@pytest.mark.skipif(not LINUX, reason="the processes bind their own sockets only where SO_REUSEPORT exists")
def test_a_port_another_program_holds_is_refused_by_name_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _web(tmp_path, port, workers=2)
        _, errors = done.communicate(timeout=120)
    assert done.returncode == 2, errors
    lines = errors.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"--port = {port}: this port on 127.0.0.1 is taken"), errors
    assert "Traceback" not in errors


def test_a_process_takes_on_as_many_requests_at_once_as_its_threads(db: Engine) -> None:
    with TestClient(create_app(db, Settings(threads=3))) as client:
        assert client.portal is not None
        assert client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens) == 3


def test_two_threads_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BAGALAU_WEB_THREADS", raising=False)
    assert from_environment().threads == 2
    monkeypatch.setenv("BAGALAU_WEB_THREADS", "64")
    assert from_environment().threads == 64


@pytest.mark.parametrize("value", ["0", "65", "two", "٣", ""])
def test_threads_out_of_range_are_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("BAGALAU_WEB_THREADS", value)
    with pytest.raises(SettingError) as refused:
        from_environment()
    assert "BAGALAU_WEB_THREADS" in refused.value.render("en") and "1 to 64" in refused.value.render("en")

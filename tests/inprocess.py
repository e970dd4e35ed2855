"""The command line run in this process: fast enough for property-based fuzzing.

`cli()` runs `bagalau.cli.main.main` as the entry point does, with its own argv, stdin and
environment, and returns the exit code, stdout and stderr, so a test can assert what a
person would see: exit 2, one line, no traceback, within a time bound.
"""

from __future__ import annotations

import io
import os
import sys
import time
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from typing import Iterator, Mapping

from bagalau.cli import common
from bagalau.cli.main import main


@dataclass
class Done:
    code: int
    out: str
    err: str
    seconds: float

    def one_line_refusal(self, limit: float = 10.0) -> str:
        """Assert the refusal a person must get; return its line."""
        assert self.code == 2, (self.code, self.err[-2000:])
        assert "Traceback" not in self.err and "Traceback" not in self.out
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, self.err[-2000:]
        assert self.seconds < limit, self.seconds
        return lines[0]


@contextmanager
def environment(values: Mapping[str, str | None]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def cli(*args: str, stdin: str = "", env: Mapping[str, str | None] | None = None) -> Done:
    out, err = io.StringIO(), io.StringIO()
    argv, stdin_was = sys.argv, sys.stdin
    sys.argv, sys.stdin = ["bagalau", *args], io.StringIO(stdin)
    common._current[0] = common.DEFAULT_LANG  # noqa: SLF001 (a fresh process would start so)
    started = time.monotonic()
    code = 0
    try:
        with environment(env or {}), redirect_stdout(out), redirect_stderr(err):
            try:
                main()
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv, sys.stdin = argv, stdin_was
    return Done(code, out.getvalue(), err.getvalue(), time.monotonic() - started)

"""What a person is told about a failure the rules did not raise, for every entry point.

The command line (bagalau/cli/boundary.py), the web console (web/app.py) and the flows
(flows/runs.py) each stop whatever fails at their door; this module says, once for all
three, what that failure means to the person: a database that cannot be reached or is held
by another run, a path that cannot be used, a number out of range, or a fault of the
product. Each is one line of the message catalogue in the reader's language, with what to
do; exit 2 for what the person can fix, 1 for a fault of the product. A URL's password or
`?token=` is never part of it.
"""

from __future__ import annotations

import re
import sqlite3

from sqlalchemy import exc as sa_exc

from methodology.errors import BagalauError, catalog
from methodology.i18n import Lang

_SECRETS = re.compile(r"(://[^:/@\s]*:)[^@\s]*@|((?:token|secret|password|key)=)[^&\s'\"]*", re.IGNORECASE)


class Failure(BagalauError):
    """A failure outside the rules, told by a message of the catalogue."""

    def __init__(self, code: str, detail: str = "", exit_code: int = 2) -> None:
        self.code, self.detail, self.exit_code = code, redact(detail), exit_code
        super().__init__(self.render("en"))

    def render(self, lang: Lang) -> str:
        return catalog()[self.code][lang].format(detail=self.detail)


def redact(text: str) -> str:
    """Passwords in URLs and token/secret parameters replaced by ***."""
    return _SECRETS.sub(lambda m: f"{m.group(1)}***@" if m.group(1) else f"{m.group(2)}***", text)


def classify(error: BaseException) -> Failure:
    """What a person is told about an error the rules did not raise."""
    if isinstance(error, sa_exc.OperationalError) and "locked" in str(error.orig):
        return Failure("database_busy")
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.ArgumentError, sa_exc.NoSuchModuleError)):
        return Failure("database", _first_line(getattr(error, "orig", None) or error))
    if isinstance(error, sa_exc.DatabaseError) and isinstance(getattr(error, "orig", None), sqlite3.DatabaseError):
        return Failure("database", _first_line(error.orig))  # e.g. a file that is not SQLite
    if isinstance(error, sa_exc.ProgrammingError) and "does not exist" in str(error.orig):
        return Failure("database", _first_line(error.orig))  # tables missing: not migrated
    if isinstance(error, OSError):
        where = f"{error.filename}: " if getattr(error, "filename", None) else ""
        return Failure("path", f"{where}{error.strerror or type(error).__name__}")
    if isinstance(error, sa_exc.DataError):  # a value the database cannot hold (an id of 2^70)
        return Failure("invalid_number", _first_line(error.orig))
    if isinstance(error, (OverflowError, RecursionError)):
        return Failure("invalid_number", type(error).__name__)
    return Failure("internal", type(error).__name__, exit_code=1)


def one_line(error: BaseException, lang: Lang) -> tuple[str, int]:
    """The line a person reads about `error`, and the exit code it means."""
    failure = error if isinstance(error, Failure) else None
    if failure is None and isinstance(error, BagalauError):
        return " ".join(error.render(lang).split()), 2
    failure = failure or classify(error)
    return " ".join(failure.render(lang).split()), failure.exit_code


def _first_line(error: BaseException | None) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]

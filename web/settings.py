"""The console's settings, read once from the environment at the entry point.

BAGALAU_WEB_TODAY (ISO date) runs the console at a simulated day, as `simulate` and the
demo do; BAGALAU_WEB_SECURE_COOKIES (auto|1|0) marks the cookie Secure (auto: when the
request came over https); BAGALAU_WEB_IDLE_MINUTES ends a session left idle (default 30);
BAGALAU_WEB_THREADS is how many requests each console process works on at once (default 2,
web/serving.py says why).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from methodology.errors import SettingError
from methodology.workdays import ALMATY


@dataclass(frozen=True)
class Settings:
    today: date | None = None  # None: the real day in Asia/Almaty
    secure_cookies: str = "auto"
    idle: timedelta = timedelta(minutes=30)
    login_failures: int = 5  # failed sign-ins of one login within `window` before it is held
    client_failures: int = 20  # of one client, whatever the logins
    window: timedelta = timedelta(minutes=15)
    threads: int = 2  # requests one process works on at once (web/serving.py)

    def day(self) -> date:
        """The day an action is taken on: the web entry point is where the clock is read."""
        return self.today or datetime.now(ALMATY).date()

    def moment(self) -> datetime:
        now = datetime.now(ALMATY)
        return now if self.today is None else datetime.combine(self.today, now.timetz())


def from_environment() -> Settings:
    """The settings, each checked before the console starts (docs/api.md)."""
    today = os.environ.get("BAGALAU_WEB_TODAY")
    secure = os.environ.get("BAGALAU_WEB_SECURE_COOKIES", "auto")
    if secure not in ("auto", "1", "0", "true", "false", "yes", "no"):
        raise SettingError("BAGALAU_WEB_SECURE_COOKIES: auto, 1 or 0")
    return Settings(today=_day(today) if today else None, secure_cookies=secure, idle=_minutes(), threads=_threads())


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SettingError("BAGALAU_WEB_TODAY: an ISO date, YYYY-MM-DD") from None


def _minutes() -> timedelta:
    text = os.environ.get("BAGALAU_WEB_IDLE_MINUTES", "30")
    if not (text.isascii() and text.isdigit() and 0 < int(text) <= 24 * 60):
        raise SettingError("BAGALAU_WEB_IDLE_MINUTES: a whole number of minutes, 1 to 1440")
    return timedelta(minutes=int(text))


def _threads() -> int:
    text = os.environ.get("BAGALAU_WEB_THREADS", "2")
    if not (text.isascii() and text.isdigit() and 0 < int(text) <= 64):
        raise SettingError("BAGALAU_WEB_THREADS: a whole number of requests at once, 1 to 64")
    return int(text)

"""Where an invitation's link points and how long it lasts, read by the deliverer that makes
the link: BAGALAU_WEB_URL (the console's address as people reach it; default
http://127.0.0.1:8000) and BAGALAU_INVITATION_DAYS (1 to 30; default 7), both checked at
start-up with the other settings (bagalau/settings.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

from states.invitations import DAYS

URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class LinkSettings:
    base_url: str = URL
    days: int = DAYS

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> LinkSettings:
        days = env.get("BAGALAU_INVITATION_DAYS") or str(DAYS)
        return cls((env.get("BAGALAU_WEB_URL") or URL).rstrip("/"), int(days))

    def link(self, token: str) -> str:
        return f"{self.base_url}/invitation/{token}"

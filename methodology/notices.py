"""The notice table: who is told what after each action of the workflow, and the words the
notices take from data (kinds, roles, a respondent's place, what a refusal refuses).

It is a rule of the workflow (typical2023 п.34 forbids a notice after `answer`; a result
reaches only its readers, п.16, п.21), so it is data beside the definitions
(`data/notices.yaml`), validated on load like them. The lifecycle applies it
(states/notices.py); the output layer quotes its labels (notifications/render.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

TABLE = Path(__file__).with_name("data") / "notices.yaml"
EVERY_KIND = "*"

# A recipient is a role in the workflow's own words (states/people.py resolves each).
Recipient = Literal["servant", "direct_manager", "hr", "head_of_hr", "appointing_official", "calibration", "respondent"]


class Entry(BaseModel):
    """One line of the table: a notice, its recipient, and when it applies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    notice: str = Field(max_length=20, pattern=r"^[a-z_]+$")
    to: Recipient
    step: list[str] = []
    task: list[str] = []
    state: str | None = None
    consequence: list[str] = []

    @field_validator("step", "task", "consequence", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    transitions: dict[str, dict[str, list[Entry]]]
    labels: dict[str, dict[str, dict[str, str]]]

    def entries(self, kind: str, action: str) -> list[Entry]:
        own = self.transitions.get(kind, {})
        return own[action] if action in own else self.transitions.get(EVERY_KIND, {}).get(action, [])

    def notice_kinds(self) -> set[str]:
        return {entry.notice for actions in self.transitions.values() for entries in actions.values() for entry in entries}


@cache
def table() -> Table:
    return Table.model_validate(yaml.safe_load(TABLE.read_text("utf-8")))

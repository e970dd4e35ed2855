"""What an import says: every problem with the file where the person will find it, in their
language, or what it created, updated or left as it was."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from methodology.errors import catalog
from methodology.i18n import Lang, Text

TABLES = ("state_body", "unit", "position", "servant", "absence")  # what the report counts


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, where the person will find it."""

    table: str  # servants or absences
    row: int | None  # as a spreadsheet numbers it: the header is row 1; None: the whole file
    column: str
    value: str
    code: str  # a message of methodology/data/messages.yaml
    params: dict[str, Any] = field(default_factory=dict)
    rule: str = ""  # the exact form expected, where a pattern says it best

    def message(self, lang: Lang) -> str:
        params = {key: value(lang) if isinstance(value, Text) else value for key, value in self.params.items()}
        text = catalog()[self.code][lang].format(**params)
        return f"{text} ({self.rule})" if self.rule else text

    def as_dict(self, lang: Lang) -> dict[str, Any]:
        return {"table": self.table, "row": self.row, "column": self.column, "value": self.value, "code": self.code, "message": self.message(lang)}


@dataclass
class ImportReport:
    """Either problems (and nothing written) or what was created, updated or left as it was."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: {t: {"created": 0, "updated": 0, "unchanged": 0} for t in TABLES})

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, table: str, outcome: str) -> None:
        self.counts[table][outcome] += 1

    def as_dict(self, lang: Lang) -> dict[str, Any]:
        return {"ok": self.ok, "problems": [p.as_dict(lang) for p in self.problems], "counts": self.counts}


class Bad(Exception):
    """A cell's value broke a rule: the message code and its parameters."""

    def __init__(self, code: str, rule: str = "", **params: Any) -> None:
        super().__init__(code)
        self.code, self.rule, self.params = code, rule, params

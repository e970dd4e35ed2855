"""Typed errors that tell a person what is wrong: the field, the value and the rule.

Every check of the product raises `InvalidInput` (bad input from a person or a file) or
`DefinitionError` (a broken methodology definition); nothing else escapes the rules layer.
Messages live in `data/messages*.yaml` in three languages and are rendered for the reader.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from methodology.i18n import LANGS, Lang, Text, cite


@cache
def catalog() -> dict[str, dict[str, str]]:
    catalog: dict[str, dict[str, str]] = {}
    folder = resources.files("methodology").joinpath("data")
    for file in sorted(folder.iterdir(), key=lambda f: f.name):  # messages.yaml, messages_*.yaml
        if file.name.startswith("messages") and file.name.endswith(".yaml"):
            catalog.update(yaml.safe_load(file.read_text("utf-8")))
    for code, entry in catalog.items():
        missing = [lang for lang in LANGS if not entry.get(lang)]
        if missing:
            raise RuntimeError(f"messages.yaml: {code} lacks {missing}")
    return catalog


class BagalauError(Exception):
    """Base of every error the product reports to a person."""


class InvalidInput(BagalauError):
    """Input broke a rule.

    `field` is the path of the offending value in the input (`kpis[2].score`), `value` the
    value itself, `rule` the citation (`п.28, Annex 3`) within methodology `source`.
    """

    def __init__(
        self,
        code: str,
        *,
        field: str,
        value: Any,
        rule: str,
        source: str = "",
        **params: Any,
    ) -> None:
        if code not in catalog():
            raise KeyError(f"no message {code!r} in messages.yaml")
        self.code = code
        self.field = field
        self.value = value
        self.rule = rule
        self.source = source
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: Lang) -> str:
        params = {k: v(lang) if isinstance(v, Text) else v for k, v in self.params.items()}
        message = catalog()[self.code][lang].format(**params)
        return f"{self.field} = {_show(self.value)}: {message} ({cite(self.source, self.rule, lang)})"


class DefinitionError(BagalauError):
    """A methodology definition file is broken; names the file, the field and the problem."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))

    def render(self, lang: Lang) -> str:
        return str(self)


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."

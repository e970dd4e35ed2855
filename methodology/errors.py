"""Typed errors that tell a person what is wrong: the field, the value and the rule.

Every check of the product raises `InvalidInput` (bad input from a person or a file) or
`DefinitionError` (a broken methodology definition); nothing else escapes the rules layer.
Messages live in `data/messages*.yaml` in three languages and are rendered for the reader.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

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

    def render(self, lang: Lang) -> str:
        """The error in the reader's words; each kind of error says it its own way."""
        raise NotImplementedError


class SettingError(BagalauError):
    """A setting is missing or malformed: names the variable and the rule, never its value."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)

    def render(self, lang: Lang) -> str:
        return catalog()["setting"][lang].format(detail=self.detail)


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


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a definition file: where (the path of fields), which check of
    the catalogue `messages_validation.yaml` failed, with its parameters, and the value."""

    where: str
    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    value: Any = None

    def render(self, lang: Lang) -> str:
        message = catalog()[self.code][lang].format(**self.params)
        shown = "" if self.value is None or isinstance(self.value, dict | list) else f" = {_show(self.value)}"
        return f"{self.where}{shown}: {message}" if self.where else message


class DefinitionError(BagalauError):
    """A methodology definition file is broken; names the file, the field and the problem.

    `problems` are the English lines (what a log keeps); `render` tells the same in the
    reader's language when the problems were given as `Problem`s."""

    def __init__(self, path: str, problems: list[str] | list[Problem]) -> None:
        self.path = path
        self.details = [p for p in problems if isinstance(p, Problem)]
        self.problems = [p.render("en") if isinstance(p, Problem) else p for p in problems]
        super().__init__(f"{path}: " + "; ".join(self.problems))

    def render(self, lang: Lang) -> str:
        if not self.details:
            return str(self)
        return f"{self.path}: " + "; ".join(p.render(lang) for p in self.details)


def in_every_language(said: BagalauError | Problem) -> Text:
    """An error or a problem as a `Text`: a parameter of another message, told to each reader in theirs."""
    return Text(**{lang: said.render(lang) for lang in LANGS})


def validation_problems(error: ValidationError) -> list[Problem]:
    """pydantic's errors as catalogue messages: the path and the value kept, the words ours."""
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        kind = item["type"]
        params = {key: _plain(value) for key, value in (item.get("ctx") or {}).items()}
        if kind == "value_error":
            params = {"detail": str(params.get("error", item["msg"]))}
        code = f"v_{kind}"
        if code not in catalog():
            code, params = "v_other", {"type": kind}
        try:
            catalog()[code]["en"].format(**params)
        except (KeyError, IndexError):  # a context this message does not name: say the kind only
            code, params = "v_other", {"type": kind}
        value = None if kind == "missing" else item.get("input")
        problems.append(Problem(where, code, params, value))
    return problems


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float | str) else str(value)


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."

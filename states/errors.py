"""Refusals of the lifecycle: which rule, which paragraph, and what the actor may do
instead. A refused action changes nothing: it is raised inside the transaction, which
then rolls back."""

from __future__ import annotations

from typing import Any, Sequence

from methodology.errors import InvalidInput, catalog
from methodology.i18n import Lang, Text


class Refused(InvalidInput):
    def __init__(self, code: str, *, instead: Sequence[Text] = (), **kwargs: Any) -> None:
        self.instead = list(instead)
        super().__init__(code, **kwargs)

    def render(self, lang: Lang) -> str:
        key, params = ("you_may", {"actions": "; ".join(t(lang) for t in self.instead)}) if self.instead else ("nothing_to_do", {})
        return f"{super().render(lang)}. {catalog()[key][lang].format(**params)}"


class Conflict(Refused):
    """Another actor changed the appraisal first (optimistic version check)."""

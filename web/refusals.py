"""A refusal as the person reads it, and the HTTP status it answers with: 409 when
someone acted since the page was read, 403 when the action is not the person's to take,
422 for every other broken rule; always the field, the value and the rule, in their
language, and never a traceback."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from methodology.errors import BagalauError, InvalidInput
from methodology.i18n import Lang
from states.errors import Conflict


def status_of(error: BagalauError) -> int:
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, InvalidInput) and error.code in ("not_your_role", "csrf"):
        return 403
    return 422


def body_of(error: BagalauError, lang: Lang) -> dict[str, Any]:
    if isinstance(error, InvalidInput):
        value = _plain(error.value)
        return {"field": error.field, "value": value, "rule": f"{error.source} {error.rule}".strip(), "code": error.code, "message": error.render(lang)}
    return {"field": None, "value": None, "rule": None, "code": "definition", "message": error.render(lang)}


def _plain(value: Any) -> Any:
    """The refused value as JSON: numbers as numbers, anything else as its text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)

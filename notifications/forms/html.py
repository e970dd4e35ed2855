"""The HTML side of the forms: one Jinja2 template per form in templates/forms/, its words
from labels.yaml in the reader's language.

Autoescaping keeps a name or a justification typed with `<` or `&` from turning into
markup; StrictUndefined makes a template that names a missing label or field fail loudly
instead of printing a blank where the form should say something.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from methodology.i18n import Lang
from notifications.forms.base import TEMPLATES, day, labels, number, span


@pass_context
def _number(context: Context, value: Decimal | int | None) -> str:
    return number(value, context["lang"])


@pass_context
def _span(context: Context, low: Decimal | int | None, high: Decimal | int | None) -> str:
    return span(low, high, context["lang"])


@pass_context
def _day(context: Context, value: date | None) -> str:
    return day(value, context["lang"])


@cache
def environment() -> Environment:
    made = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    made.filters["num"] = _number
    made.filters["day"] = _day
    made.globals["span"] = _span
    return made


def render_html(template: str, context: Any, lang: Lang) -> str:
    return environment().get_template(template).render(ctx=context, L=labels(lang), lang=lang)

"""Pages from Jinja2 templates (web/templates), autoescaped and strict: a value missing
from a page's context raises instead of showing nothing, and a name typed by a person
never becomes markup."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from methodology.i18n import LANGS, Lang
from notifications.render import day
from web.labels import words

TEMPLATES = Path(__file__).with_name("templates")
LANG_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


@cache
def environment() -> Environment:
    # auto_reload off: the templates ship with the console and change only with it, so a
    # page does not ask the file system whether each of its templates changed.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["j2", "html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals.update(langs=LANGS, lang_names=LANG_NAMES)
    env.filters["day"] = day
    return env


def page(name: str, lang: Lang, **context: Any) -> str:
    context.setdefault("me", None)
    context.setdefault("csrf", "")
    context.setdefault("path", "/")
    return environment().get_template(name).render(lang=lang, t=words(lang), **context)

"""What the commands share: the reader's language, JSON out, errors out."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn

import typer

from methodology.errors import BagalauError
from methodology.i18n import DEFAULT_LANG, LANGS, Lang

LangOption = typer.Option(
    DEFAULT_LANG,
    "--lang",
    envvar="BAGALAU_LANG",  # read when the command runs, not when the module is imported
    help="Language of what a person reads: kk, ru or en (default: BAGALAU_LANG, else kk).",
)

_current: list[Lang] = [DEFAULT_LANG]


def use_lang(value: str) -> Lang:
    """Check and remember the reader's language, so an error is told in it too."""
    if value not in LANGS:
        raise typer.BadParameter(f"{value!r}: choose one of {', '.join(LANGS)}", param_hint="--lang")
    _current[0] = value
    return value


def reader() -> Lang:
    """The reader's language as far as it is known: the one `use_lang` last checked, else
    BAGALAU_LANG (an error before any command read --lang is told in it too)."""
    env = os.environ.get("BAGALAU_LANG", "")
    return _current[0] if _current[0] != DEFAULT_LANG or env not in LANGS else env


def fail(error: BagalauError) -> NoReturn:
    print(" ".join(error.render(reader()).split()), file=sys.stderr)  # one line, whatever the message held
    sys.exit(2)


def plain(value: Any) -> Any:
    """Decimals as JSON numbers, dates as ISO text, recursively."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent  # a letter for NaN and infinity, which go as floats
        return int(value) if value == value.to_integral_value() and isinstance(exponent, int) and exponent >= 0 else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def print_json(value: Any) -> None:
    print(json.dumps(plain(value), ensure_ascii=False, indent=2))

"""The console's words (web/labels.yaml, and each part's own web/labels_*.yaml), in the
reader's language; a missing word or language, or a word defined twice, stops the
catalogue from loading, so no page shows a phrase half-translated."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import yaml

from methodology.i18n import LANGS, Lang


@cache
def catalogue() -> dict[str, dict[str, str]]:
    here = Path(__file__).parent
    words: dict[str, dict[str, str]] = {}
    for path in [here / "labels.yaml", *sorted(here.glob("labels_*.yaml"))]:
        more = yaml.safe_load(path.read_text("utf-8"))
        if twice := sorted(set(words) & set(more)):
            raise RuntimeError(f"web/{path.name}: {twice} defined twice")
        words.update(more)
    for key, entry in words.items():
        missing = [lang for lang in LANGS if not entry.get(lang)]
        if missing:
            raise RuntimeError(f"web/labels.yaml: {key} lacks {missing}")
    return words


def word(key: str, lang: Lang) -> str:
    return catalogue()[key][lang]


@cache
def words(lang: Lang) -> Mapping[str, str]:
    """Every word in one language, as a page's `t`: gathered once per language (a page
    would otherwise copy the whole catalogue on every request), read-only as it is shared."""
    return MappingProxyType({key: entry[lang] for key, entry in catalogue().items()})

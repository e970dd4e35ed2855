"""The console's words (web/labels.yaml), in the reader's language; a missing word or
language stops the catalogue from loading, so no page shows a phrase half-translated."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from methodology.i18n import LANGS, Lang


@cache
def catalogue() -> dict[str, dict[str, str]]:
    words = yaml.safe_load(Path(__file__).with_name("labels.yaml").read_text("utf-8"))
    for key, entry in words.items():
        missing = [lang for lang in LANGS if not entry.get(lang)]
        if missing:
            raise RuntimeError(f"web/labels.yaml: {key} lacks {missing}")
    return words


def word(key: str, lang: Lang) -> str:
    return catalogue()[key][lang]


def words(lang: Lang) -> dict[str, str]:
    return {key: entry[lang] for key, entry in catalogue().items()}

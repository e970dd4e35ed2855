"""Three languages for everything a person reads: Kazakh (the default), Russian, English.

A `Text` holds one phrase in all three; a definition file that misses a language does not
load, so no person is ever shown a phrase in a language they did not choose.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["kk", "ru", "en"]
LANGS: tuple[Lang, ...] = ("kk", "ru", "en")
DEFAULT_LANG: Lang = "kk"


class Text(BaseModel):
    """One phrase in Kazakh, Russian and English."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kk: str = Field(min_length=1)
    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, lang: Lang) -> str:
        return getattr(self, lang)


# A citation is written once, the way the brief writes it ("п.13", "п.17–18", "Annex 3"),
# and shown to each reader in their own language.
_PARAGRAPH = re.compile(r"п\.\s*([0-9][0-9.–\-]*)")
_ANNEX = re.compile(r"Annex\s+([0-9][0-9–\-]*)")


@cache
def cite(methodology_id: str, ref: str, lang: Lang) -> str:
    """Render a rule reference such as `typical2023 п.28, Annex 3` for a reader (kept per
    reference and language: a batch of notices cites the same few thousands of times)."""
    if lang == "kk":
        text = _PARAGRAPH.sub(r"\1-тармақ", ref)
        text = _ANNEX.sub(r"\1-қосымша", text)
    elif lang == "ru":
        text = _ANNEX.sub(r"прил. \1", ref)
    else:
        text = _PARAGRAPH.sub(r"para. \1", ref)
    return f"{methodology_id} {text}".strip()

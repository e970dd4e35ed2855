"""A long list a page at a time, the one pager of the console (who is late, My work): the
page number read from the address, the rows' places, and links that keep the list's
filters, so a page is a link; the template `_pager.html.j2` draws it."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from fastapi import Request


@dataclass(frozen=True)
class Pager:
    """Page `number` of `pages`, of `size` rows each, over `total` rows (at least `total`
    where `more`: a count that stopped counting, as a ministry's over the country does)."""

    number: int
    pages: int
    size: int
    total: int
    anchor: str  # the list's id on its page: the links land on it
    kept: dict[str, str] = field(default_factory=dict)  # the filters a link carries
    more: bool = False

    @classmethod
    def of(cls, request: Request, size: int, anchor: str, kept: dict[str, str] | None = None) -> Pager:
        """The page the address asks (the first where it asks none or nonsense), before its
        list is counted (`counted`)."""
        text = request.query_params.get("page", "1")
        number = max(1, int(text)) if text.isdigit() and len(text) < 7 else 1
        return cls(number, number, size, 0, anchor, kept or {})

    def counted(self, total: int, more: bool = False) -> Pager:
        """This pager over `total` rows; a page past the end is the last one."""
        pages = max(1, -(-total // self.size)) + (1 if more else 0)
        return Pager(min(self.number, pages), pages, self.size, total, self.anchor, self.kept, more)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def first(self, shown: int) -> int:
        """The place of the page's first row, 0 when it shows none."""
        return self.offset + 1 if shown else 0

    def link(self, number: int) -> str:
        return "?" + urlencode({**self.kept, "page": number}) + f"#{self.anchor}"

"""What a form is: the kinds of appraisal it is drawn from, how its data is gathered, its
HTML template and its PDF layout; and the check every form passes before it is given to
anyone: results are confidential (typical2023 п.16, п.21; mne2017 names who computes and
decides them, п.32, п.35), so a reader who may not know a result the form prints is
refused, naming the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal, Protocol

from sqlmodel import Session

from methodology import loader
from methodology.errors import InvalidInput
from methodology.i18n import Lang
from models import Appraisal, Servant
from notifications.forms.base import RULE, labels
from notifications.forms.html import render_html
from notifications.forms.pdf import Sheet
from states.confidentiality import may_read_result


class Document(Protocol):
    """A form's gathered data; `shows` names the appraisals whose results it prints.
    Read-only, as the frozen dataclasses that gather it."""

    @property
    def title(self) -> str: ...

    @property
    def shows(self) -> tuple[int, ...]: ...


@dataclass(frozen=True)
class Form:
    name: str
    kinds: tuple[str, ...]  # appraisal kinds the form is drawn from
    template: str
    gather: Callable[[Session, Appraisal, Lang], Any]
    layout: Callable[[Sheet, Any, dict[str, str]], None]
    orientation: Literal["P", "L"] = "P"
    confidential: bool = True  # a blank questionnaire shows no result
    # Whether the record the form is drawn from exists yet (a sitting's vote, a held
    # session, an act, a closed survey): a page offers only the forms that can be made.
    # None: drawn from the appraisal itself, which always exists.
    recorded: Callable[[Session, Appraisal], bool] | None = None

    def exists_for(self, session: Session, appraisal: Appraisal) -> bool:
        return appraisal.kind in self.kinds and (self.recorded is None or self.recorded(session, appraisal))

    def html(self, document: Document, lang: Lang) -> str:
        return render_html(self.template, document, lang)

    def pdf(self, document: Document, lang: Lang) -> bytes:
        sheet = Sheet(document.title, lang, self.orientation)
        words = labels(lang)
        self.layout(sheet, document, words)
        if self.confidential:  # as the HTML's footer: every page that prints a result says so
            sheet.confidential(words["confidential"])
        return sheet.output()


def ensure_reader(session: Session, reader: Servant, appraisal: Appraisal) -> None:
    if not may_read_result(session, reader, appraisal):
        scope = loader.load(appraisal.methodology).scope
        raise InvalidInput(
            "form_not_reader",
            field="--as",
            value=reader.personnel_no,
            rule=scope.result_readers_paragraph if scope else RULE,
            source=appraisal.methodology,
        )

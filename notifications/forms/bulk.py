"""Forms in bulk: every sheet and protocol of a state body, or of one of its units and the
units beneath it, for a period, as HR prints them when the period closes: one PDF per
document in a ZIP, or all of them in one merged PDF. The command line (`bagalau forms`)
and the web console call `print_forms`.

Each form is given as `notifications.forms.prepare` gives one: to the reader named, and a
form of an appraisal the reader may not see, or that prints a result the reader may not
know (typical2023 п.16, п.21), is withheld, counted, and never drawn. A form that shows several appraisals (the commission's
minutes) is printed once. The fonts are parsed and cut once per process (fonts.py).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from typing import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from methodology.errors import InvalidInput
from methodology.i18n import Lang
from models import Appraisal, Position, Servant, StateBody, Unit
from models.db import id_of, transaction
from notifications.forms import FORMS, prepare
from notifications.forms.base import RULE, stored
from notifications.forms.examples import stem_of, unique
from notifications.forms.form import Document, Form

_PERIOD = re.compile(r"^\d{4}(-Q[1-4])?$")


@dataclass(frozen=True)
class Printed:
    content: bytes  # a ZIP of PDFs, or one merged PDF
    documents: int
    withheld: int  # forms whose result the reader may not know


def print_forms(
    engine: Engine,
    body: str,
    period: str,
    reader: str,
    lang: Lang,
    *,
    unit: str | None = None,
    merged: bool = False,
    started: Callable[[int], None] | None = None,
    drawn: Callable[[], None] | None = None,
) -> Printed:
    """The forms of `body` (or of its `unit`) for `period` (2026-Q1, or 2026 with its
    quarters), read by the servant numbered `reader`. `started` is told how many documents
    there are, `drawn` each time one is drawn (a progress bar)."""
    if not _PERIOD.match(period):
        raise InvalidInput("period", field="PERIOD", value=period, rule=RULE, expected="2026-Q3, 2026")
    with transaction(engine) as session:
        documents, withheld = gather(session, body, period, reader, lang, unit)
    if started:
        started(len(documents))
    pdfs = []
    for stem, form, document in documents:
        pdfs.append((f"{stem}.pdf", form.pdf(document, lang)))
        if drawn:
            drawn()
    return Printed(_merge(pdfs) if merged else _zip(pdfs), len(pdfs), withheld)


def gather(session: Session, body: str, period: str, reader: str, lang: Lang, unit: str | None = None) -> tuple[list[tuple[str, Form, Document]], int]:
    """Each document to print with its file stem, and how many were withheld."""
    found = session.exec(select(StateBody).where(StateBody.code == body)).first()
    if found is None:
        raise InvalidInput("not_found", field="BODY", value=body, rule=RULE)
    person = session.exec(select(Servant).where(Servant.state_body_id == found.id, Servant.personnel_no == reader)).first()
    if person is None:
        raise InvalidInput("not_found", field="--as", value=reader, rule=RULE)
    servants = {s.id: s for s in session.exec(select(Servant).where(Servant.state_body_id == found.id))}
    names = {i: s.personnel_no for i, s in servants.items() if i is not None}  # a protocol may name the whole body
    if unit is not None:
        units = _units_under(session, id_of(found), unit)
        positions = set(session.exec(select(Position.id).where(col(Position.unit_id).in_(units))))
        servants = {i: s for i, s in servants.items() if s.position_id in positions}
    appraisals = session.exec(select(Appraisal).where(col(Appraisal.servant_id).in_(list(servants)), _in_period(period)).order_by(col(Appraisal.id)))
    documents: list[tuple[str, Form, Document]] = []
    seen: set[tuple[str, tuple[int, ...]]] = set()
    stems: set[str] = set()
    withheld = 0
    for appraisal in appraisals:
        for form in FORMS.values():
            if not form.exists_for(session, appraisal):  # nothing to make it from yet: no act, no session
                continue
            try:
                _, document = prepare(session, form.name, stored(appraisal), person, lang)
            except InvalidInput as error:
                if error.code not in ("form_not_reader", "not_yours_to_see"):
                    raise
                withheld += 1
                continue
            key = (form.name, document.shows or (stored(appraisal),))
            if key not in seen:
                seen.add(key)
                documents.append((unique(stem_of(session, form, key[1], names), stems), form, document))
    return documents, withheld


def _in_period(period: str):
    """A quarter's appraisals, or a year's: its own and its quarters'."""
    if "-Q" in period:
        return Appraisal.period == period
    return col(Appraisal.period).in_([period, *(f"{period}-Q{q}" for q in range(1, 5))])


def _units_under(session: Session, body_id: int, code: str) -> set[int]:
    """The unit coded `code` in the body and every unit beneath it."""
    units = list(session.exec(select(Unit).where(Unit.state_body_id == body_id)))
    top = next((u for u in units if u.code == code), None)
    if top is None:
        raise InvalidInput("not_found", field="--unit", value=code, rule=RULE)
    wanted = {id_of(top)}
    grew = True
    while grew:
        more = {id_of(u) for u in units if u.parent_id in wanted} - wanted
        wanted |= more
        grew = bool(more)
    return wanted


def _zip(pdfs: list[tuple[str, bytes]]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in pdfs:
            archive.writestr(name, content)
    return out.getvalue()


def _merge(pdfs: list[tuple[str, bytes]]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for name, content in pdfs:
        writer.append(BytesIO(content), outline_item=name.removesuffix(".pdf"))
    # every form embeds the same two fonts, cut once per process (fonts.py): kept once
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()

"""Every form of a database's appraisals written to a folder, as HTML and PDF: what
`bagalau demo` leaves behind from the example years, so a first look ends with the
papers HR would print.

The forms are read as the head of HR of each state body reads them: the one person both
methodologies let know every result (mne2017 п.32, typical2023 п.21). A form is written
when the appraisal has what it is made from; one that shows several appraisals (the
commission's minutes, a head's work plan for the year) is written once.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from methodology.errors import InvalidInput
from methodology.i18n import Lang
from models import Appraisal, Servant
from models.db import transaction
from notifications.forms import FORMS, prepare
from notifications.forms.base import stored
from notifications.forms.form import Document, Form

FORMATS = ("html", "pdf")


def write_example_forms(engine: Engine, folder: Path, lang: Lang) -> list[Path]:
    """Write every form that can be made from the database into `folder`; the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    made: list[tuple[str, Form, Document]] = []
    seen: set[tuple[str, tuple[int, ...]]] = set()
    stems: set[str] = set()
    with transaction(engine) as session:
        servants = {s.id: s for s in session.exec(select(Servant))}
        heads = {s.state_body_id: s for s in servants.values() if s.is_head_of_hr}
        names = {stored_id: s.personnel_no for stored_id, s in servants.items() if stored_id is not None}
        for appraisal in session.exec(select(Appraisal).where(col(Appraisal.score).is_not(None)).order_by(col(Appraisal.id))):
            reader = heads.get(servants[appraisal.servant_id].state_body_id)
            for form in FORMS.values():
                if reader is None or appraisal.kind not in form.kinds:
                    continue
                try:
                    _, document = prepare(session, form.name, stored(appraisal), reader, lang)
                except InvalidInput as error:
                    if error.code == "form_no_record":
                        continue  # nothing to make this form from: no act, no session, no meeting
                    raise
                key = (form.name, document.shows or (stored(appraisal),))
                if key not in seen:
                    seen.add(key)
                    made.append((unique(stem_of(session, form, key[1], names), stems), form, document))
    paths = []
    for stem, form, document in made:
        for fmt in FORMATS:
            path = folder / f"{stem}.{fmt}"
            if fmt == "html":
                path.write_text(form.html(document, lang), "utf-8")
            else:
                path.write_bytes(form.pdf(document, lang))
            paths.append(path)
    return paths


def unique(stem: str, taken: set[str]) -> str:
    """The stem, numbered when it is taken: two meetings on one period's sheets, two files."""
    candidate, number = stem, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}"
    taken.add(candidate)
    return candidate


def stem_of(session: Session, form: Form, shown: tuple[int, ...], names: dict[int, str]) -> str:
    """`<period>-<servant>-<form>`: a year when the form spans quarters, `all-<kind>` when
    it shows several servants (the commission's minutes), the kind when the form is
    drawn from several kinds (an act of refusal on a plan or on an annual result)."""
    rows = [row for row in (session.get(Appraisal, i) for i in shown) if row is not None]
    periods = sorted({row.period for row in rows})
    people = sorted({names[row.servant_id] for row in rows})
    when = periods[0] if len(periods) == 1 else periods[0][:4]
    who = people[0] if len(people) == 1 else "all-" + "-".join(sorted({row.kind for row in rows}))
    kind = f"{rows[0].kind}-" if len(form.kinds) > 1 and len(people) == 1 else ""
    return f"{when}-{who}-{kind}{form.name}"

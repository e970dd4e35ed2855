"""The official forms, as HTML and as PDF, filled from the database.

mne2017: `individual-plan` (Annex 1), `quarterly-sheet` (Annex 2), `plan-sheet` (Annex 3),
`commission-protocol` (Annex 4). typical2023: `work-plan` (Annex 1), `kpi-sheet` (Annex 2),
`differentiation-sheet` (Annex 4), `questionnaire` (Annexes 5–6), `360-result` (Annexes
7–8), `calibration-protocol` (п.42). Both: `refusal-act`.

Every form is asked for by the appraisal it is drawn from and by the person who will read
it; it is given only to a person who may see the appraisal at all (a blank questionnaire
to its respondents too), refused as `show` refuses, and a form that prints a result only to
a person who may know that result (typical2023 п.16, п.21). Each form's words come from templates/forms/labels.yaml in the
reader's language.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from methodology.errors import InvalidInput
from methodology.i18n import Lang
from models import Appraisal, Servant
from models.db import transaction
from notifications.forms import plans, records, sheets, survey
from notifications.forms.base import RULE
from notifications.forms.form import Document, Form, ensure_reader
from states.confidentiality import may_see, may_see_document, refuse_unseen

FORMS: dict[str, Form] = {form.name: form for form in (*plans.FORMS, *sheets.FORMS, *survey.FORMS, *records.FORMS)}
Format = Literal["html", "pdf"]


def prepare(session: Session, name: str, appraisal_id: int, reader: Servant, lang: Lang) -> tuple[Form, Document]:
    """The form `name` of the appraisal, gathered for `reader`, or the reason it is refused."""
    form = FORMS.get(name)
    if form is None:
        raise InvalidInput("unknown", field="KIND", value=name, rule=RULE, expected=", ".join(FORMS))
    appraisal = session.get(Appraisal, appraisal_id)
    if appraisal is None:
        raise InvalidInput("not_found", field="--appraisal", value=appraisal_id, rule=RULE)
    if appraisal.kind not in form.kinds:
        raise InvalidInput("form_kind", field="--appraisal", value=f"{appraisal.kind} {appraisal.period}", rule=RULE, expected=", ".join(form.kinds))
    # before gathering: a refused reader learns nothing of the records
    if not may_see_document(session, reader, appraisal, blank=not form.confidential):
        raise refuse_unseen(reader, appraisal)  # as `show` refuses it
    if form.confidential:
        ensure_reader(session, reader, appraisal)
    document = form.gather(session, appraisal, lang)
    for other in document.shows if form.confidential else ():
        shown = session.get(Appraisal, other)
        assert shown is not None
        if not may_see(session, reader, shown):
            raise refuse_unseen(reader, shown)
        ensure_reader(session, reader, shown)
    return form, document


def reader_of(session: Session, appraisal_id: int, personnel_no: str) -> Servant:
    """The servant of the appraisal's state body with that personnel number."""
    appraisal = session.get(Appraisal, appraisal_id)
    if appraisal is None:
        raise InvalidInput("not_found", field="--appraisal", value=appraisal_id, rule=RULE)
    owner = session.get(Servant, appraisal.servant_id)
    assert owner is not None
    query = select(Servant).where(Servant.state_body_id == owner.state_body_id, Servant.personnel_no == personnel_no)
    found = session.exec(query).first()
    if found is None:
        raise InvalidInput("not_found", field="--as", value=personnel_no, rule=RULE)
    return found


def render(engine: Engine, name: str, appraisal_id: int, personnel_no: str, fmt: Format, lang: Lang) -> bytes:
    """The form as file content: UTF-8 HTML or PDF."""
    with transaction(engine) as session:
        form, document = prepare(session, name, appraisal_id, reader_of(session, appraisal_id, personnel_no), lang)
    return form.html(document, lang).encode("utf-8") if fmt == "html" else form.pdf(document, lang)

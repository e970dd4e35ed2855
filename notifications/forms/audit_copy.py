"""The protocols as an auditor reads them: who met, when, under which order, who was present
and who signed, with every result blanked (score, band, correction and its explanation,
consequence, the scores proposed, the application's text). An auditor checks that the
procedure was followed, not what it decided; the results stay with those the methodology
names (typical2023 п.16, п.21; mne2017 п.35).

A copy is the protocol's own document with its results removed before it is rendered, so
each protocol keeps one template and one PDF layout, and a result cannot reach the copy by
a template that forgot to hide it.
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from methodology.errors import InvalidInput
from methodology.i18n import Lang
from models import Appraisal
from notifications.forms import FORMS
from notifications.forms.base import RULE
from notifications.forms.form import Form
from notifications.forms.records import CalibrationProtocol, CommissionProtocol

PROTOCOLS = ("commission-protocol", "calibration-protocol")


def audit_copy(session: Session, name: str, appraisal: Appraisal, lang: Lang) -> tuple[Form, CommissionProtocol | CalibrationProtocol]:
    """The protocol `name` of the appraisal, without its results."""
    form = FORMS[name] if name in PROTOCOLS else None
    if form is None or appraisal.kind not in form.kinds:
        raise InvalidInput("unknown", field="KIND", value=name, rule=RULE, expected=", ".join(PROTOCOLS))
    return form, blank(form.gather(session, appraisal, lang))


def blank(document: CommissionProtocol | CalibrationProtocol) -> CommissionProtocol | CalibrationProtocol:
    if isinstance(document, CommissionProtocol):
        lines = tuple(replace(line, result=None, band="", correction=None, correction_band="", explanation="", recommendations=()) for line in document.lines)
        return replace(document, lines=lines, shows=(), redacted=True)
    participants = tuple(replace(p, proposed=None) for p in document.participants)
    return replace(document, application="", before=None, after=None, band="", participants=participants, shows=(), redacted=True)

"""What every form gathers the same way: the words of the form in the reader's language,
who the servant and the assessor are, the period and kind in those words, the days the
actors signed on, and how numbers and dates are written.

A form is filled from the database, never from what a person typed for it, so what is
printed is what the appraisal recorded.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from sqlmodel import Session, col, select

from methodology import loader
from methodology.errors import InvalidInput
from methodology.i18n import Lang, Text, cite
from methodology.schema import Methodology, as_kind
from models import Appraisal, AuditEvent, Position, Servant, StateBody, Unit
from models.organisation import name_surname_first

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "forms"
RULE = "docs/cli.md#document"


@cache
def texts() -> dict[str, Text]:
    """Every label in three languages; a label missing a language fails here (Text)."""
    raw = yaml.safe_load((TEMPLATES / "labels.yaml").read_text("utf-8"))
    return {key: Text.model_validate(value) for key, value in raw.items()}


@cache
def labels(lang: Lang) -> dict[str, str]:
    return {key: text(lang) for key, text in texts().items()}


def number(value: Decimal | int | None, lang: Lang) -> str:
    """A score or value as the reader writes it, one way on every page: two decimals, a
    decimal comma in Kazakh and Russian (the seeds write 4,75), so 5,00 stands beside 4,60."""
    if value is None:
        return ""
    text = f"{Decimal(value).quantize(Decimal('0.01')):.2f}"
    return text if lang == "en" else text.replace(".", ",")


def span(low: Decimal | int | None, high: Decimal | int | None, lang: Lang) -> str:
    """An allowed range, `4,00–5,00`; one value when both ends are the same (5,00, not 5–5)."""
    if low is None:
        return ""
    return number(low, lang) if low == high else f"{number(low, lang)}–{number(high, lang)}"


def day(value: date | None, lang: Lang) -> str:
    if value is None:
        return ""
    return value.isoformat() if lang == "en" else value.strftime("%d.%m.%Y")


def period_label(period: str, lang: Lang) -> str:
    """`2026-Q3` or `2026` in the reader's words."""
    year, _, quarter = period.partition("-Q")
    if quarter:
        return labels(lang)["period_quarter"].format(year=year, quarter=quarter)
    return labels(lang)["period_year"].format(year=year)


def quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    return date(year, month, monthrange(year, month)[1])


def basis(definition: Methodology, paragraph: str, lang: Lang) -> str:
    """The rule a form rests on, as `Legal basis: <methodology title>, 42-тармақ`."""
    where = cite("", paragraph, lang).strip()
    return labels(lang)["basis"].format(paragraph=f"{definition.title(lang)}, {where}")


@dataclass(frozen=True)
class Person:
    name: str
    position: str
    unit: str


@dataclass(frozen=True)
class Signature:
    """A signature line: who signs in what capacity, and the day they acted, if recorded."""

    role: str
    name: str
    on: date | None


@dataclass(frozen=True)
class Heading:
    """The top of every form about one appraisal."""

    methodology: str
    body: str
    servant: Person
    assessor: Person | None
    kind: str
    period: str
    without: bool  # appraised without the servant's participation (typical2023 п.6–7)


def person(session: Session, servant_id: int) -> Person:
    servant = session.get(Servant, servant_id)
    assert servant is not None
    position = session.get(Position, servant.position_id) if servant.position_id else None
    unit = session.get(Unit, position.unit_id) if position else None
    return Person(name_surname_first(servant), position.title if position else "", unit.name if unit else "")


def heading(session: Session, appraisal: Appraisal, lang: Lang) -> Heading:
    servant = session.get(Servant, appraisal.servant_id)
    assert servant is not None
    body = session.get(StateBody, servant.state_body_id)
    assert body is not None
    return Heading(
        methodology=definition_of(appraisal).title(lang),
        body=body.name,
        servant=person(session, appraisal.servant_id),
        assessor=person(session, appraisal.assessor_id) if appraisal.assessor_id else None,
        kind=labels(lang)[f"kind_{appraisal.kind}"],
        period=period_label(appraisal.period, lang),
        without=appraisal.participation == "without",
    )


def stored(appraisal: Appraisal) -> int:
    """The id of an appraisal read from the database (SQLModel types every id optional)."""
    assert appraisal.id is not None
    return appraisal.id


def definition_of(appraisal: Appraisal) -> Methodology:
    return loader.load(appraisal.methodology)


def band_label(definition: Methodology, kind: str, band: str | None, lang: Lang) -> str:
    rules = definition.rules(as_kind(kind))
    assert rules is not None
    found = [b for b in definition.bands(rules.bands).bands if b.id == band]
    return found[0].label(lang) if found else ""


def acted_on(session: Session, appraisal_id: int, *actions: str) -> date | None:
    """The day of the latest of these actions in the audit trail: when someone signed."""
    query = select(AuditEvent.at).where(AuditEvent.appraisal_id == appraisal_id, col(AuditEvent.action).in_(actions)).order_by(col(AuditEvent.id).desc())
    found = session.exec(query).first()
    return found.date() if found else None


def event_day(appraisal: Appraisal, event: str) -> date | None:
    value = appraisal.events.get(event)
    return date.fromisoformat(value) if value else None


def no_record(appraisal: Appraisal, what: str, paragraph: str) -> InvalidInput:
    """The form cannot be made: the appraisal lacks `what` (a label key) yet."""
    return InvalidInput(
        "form_no_record",
        field="--appraisal",
        value=appraisal.id,
        rule=paragraph,
        source=appraisal.methodology,
        what=texts()[what],
    )

"""Score sheets of one period: the quarterly sheet of mne2017 (Annex 2: the servant's
self-assessment beside the direct manager's column of bonus items and proven violations),
the KPI sheet of a head (typical2023 Annex 2) and the differentiation sheet of the staff
(typical2023 Annex 4, every parameter with its justification).

The sheets print the arithmetic as well as the result (100 + bonus − penalty; the mean
of the KPI or parameter scores), so a reader can check the figure against its rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from methodology.i18n import Lang
from methodology.schema import Methodology
from methodology.scoring.common import mean, round_score
from methodology.scoring.kpi import as_direction, realisation
from models import Appraisal, BonusItem, ParameterScore, Violation
from notifications.forms.base import (
    Heading,
    Signature,
    acted_on,
    band_label,
    day,
    definition_of,
    event_day,
    heading,
    labels,
    number,
    span,
    stored,
)
from notifications.forms.form import Form
from notifications.forms.pdf import Sheet
from notifications.forms.plans import indicators, refusal_on


@dataclass(frozen=True)
class BonusLine:
    number: int
    description: str
    self_points: int | None
    points: int | None  # None: claimed by the servant, not accepted by the manager


@dataclass(frozen=True)
class Fact:
    number: int
    occurred_on: date
    source: str
    proof: str


@dataclass(frozen=True)
class QuarterlySheet:
    """mne2017 Annex 2 (п.15–27)."""

    title: str
    annex: str
    heading: Heading
    bonus: tuple[BonusLine, ...]
    executive: tuple[Fact, ...]
    labour: tuple[Fact, ...]
    base: int
    penalty: int  # points per proven violation (п.22)
    self_bonus: int
    self_score: Decimal
    bonus_total: int
    penalty_total: int
    manager_score: Decimal | None  # None until the manager has agreed the sheet
    manager_band: str
    score: Decimal | None  # after the commission and any appeal
    band: str
    refusal: date | None
    signatures: tuple[Signature, ...]
    shows: tuple[int, ...]


def quarterly_sheet(session: Session, appraisal: Appraisal, lang: Lang) -> QuarterlySheet:
    definition = definition_of(appraisal)
    rules = definition.quarterly
    assert rules is not None
    words = labels(lang)
    top = heading(session, appraisal, lang)
    items = list(session.exec(select(BonusItem).where(BonusItem.appraisal_id == appraisal.id).order_by(col(BonusItem.id))))
    facts = list(session.exec(select(Violation).where(Violation.appraisal_id == appraisal.id).order_by(col(Violation.occurred_on))))
    bonus_total = sum(item.points or 0 for item in items)
    penalty_total = rules.penalty_per_violation * len(facts)
    agreed = acted_on(session, stored(appraisal), "agree")
    manager_score = Decimal(rules.base_points + bonus_total - penalty_total) if agreed else None
    self_bonus = sum(item.self_points or 0 for item in items)

    def listed(kind: str) -> tuple[Fact, ...]:
        chosen = [fact for fact in facts if fact.kind == kind]
        return tuple(Fact(n, f.occurred_on, words[f"source_{f.source}"], f.proof) for n, f in enumerate(chosen, 1))

    return QuarterlySheet(
        title=words["sheet_title"],
        annex=words["annex"].format(n=2),
        heading=top,
        bonus=tuple(BonusLine(n, i.description, i.self_points, i.points) for n, i in enumerate(items, 1)),
        executive=listed("executive"),
        labour=listed("labour"),
        base=rules.base_points,
        penalty=rules.penalty_per_violation,
        self_bonus=self_bonus,
        self_score=Decimal(rules.base_points + self_bonus),
        bonus_total=bonus_total,
        penalty_total=penalty_total,
        manager_score=manager_score,
        manager_band=band_label(definition, "quarterly", _band(definition, manager_score), lang),
        score=appraisal.score,
        band=band_label(definition, "quarterly", appraisal.band, lang),
        refusal=refusal_on(session, appraisal, "sign"),
        signatures=(
            Signature(words["servant"], top.servant.name, acted_on(session, stored(appraisal), "sign", "refuse_to_sign")),
            Signature(words["direct_manager"], top.assessor.name if top.assessor else "", agreed),
        ),
        shows=(stored(appraisal),),
    )


def _band(definition: Methodology, score: Decimal | None) -> str | None:
    """The band of the manager's score, before the commission and any appeal."""
    rules = definition.quarterly
    assert rules is not None
    return None if score is None else definition.bands(rules.bands).band_for(score).id


def quarterly_sheet_pdf(sheet: Sheet, form: QuarterlySheet, L: dict[str, str]) -> None:
    lang = sheet.lang
    sheet.caption(form.annex, form.heading.methodology, L["form"])
    sheet.title(form.title)
    sheet.field(L["period"], form.heading.period)
    sheet.servant(form.heading, L, "assessee_name")
    sheet.text(L["duties_title"], bold=True, align="C")
    rows = [
        [str(b.number), b.description, number(b.self_points, lang), number(b.points, lang), L["not_accepted"] if b.points is None else ""] for b in form.bonus
    ]
    sheet.table([L["number"], L["bonus_items"], L["self_column"], L["manager_column"], L["note"]], rows, (8, 84, 28, 28, 32), empty=L["none_recorded"])
    for title, facts in ((L["executive_facts"], form.executive), (L["labour_facts"], form.labour)):
        sheet.text(f"{L['manager_column']}: {title}", bold=True)
        rows = [[str(f.number), day(f.occurred_on, lang), f.source, f.proof, f"−{number(form.penalty, lang)}"] for f in facts]
        sheet.table([L["number"], L["date"], L["fact_source"], L["fact_proof"], L["penalty_points"]], rows, (8, 24, 34, 90, 24), empty=L["none_recorded"])
    sheet.field(L["self_result"], f"{number(form.base, lang)} + {number(form.self_bonus, lang)} = {number(form.self_score, lang)}")
    if form.manager_score is not None:
        arithmetic = f"{number(form.base, lang)} + {number(form.bonus_total, lang)} − {number(form.penalty_total, lang)} = {number(form.manager_score, lang)}"
        sheet.field(L["result"], f"{arithmetic} ({form.manager_band})")
    if form.score is not None and form.score != form.manager_score:
        sheet.field(L["final_result"], f"{number(form.score, lang)} ({form.band})")
    if form.refusal:
        sheet.text(L["refusal_noted"].format(date=day(form.refusal, lang)), bold=True)
    sheet.signatures(form.signatures, L["date"], L["signature"])


def _assessed(appraisal: Appraisal, top: Heading, words: dict[str, str]) -> tuple[Signature, ...]:
    """typical2023: the assessor signs on completion, the servant on familiarisation (п.12)."""
    return (
        Signature(words["assessee"], top.servant.name, event_day(appraisal, "familiarisation")),
        Signature(words["assessor"], top.assessor.name if top.assessor else "", event_day(appraisal, "completion")),
    )


def sheet_mean(scores: list[Decimal | None]) -> Decimal | None:
    """The mean the sheet prints, rounded as every score is (methodology.scoring.common)."""
    given = [score for score in scores if score is not None]
    return round_score(mean(given)) if given and len(given) == len(scores) else None


def _result(sheet: Sheet, sheet_score: Decimal | None, score: Decimal | None, band: str, L: dict[str, str]) -> None:
    if score is not None and score != sheet_score:
        sheet.field(L["calibrated_result"], number(score, sheet.lang))
    sheet.field(L["result"], band)


@dataclass(frozen=True)
class KpiLine:
    number: int
    text: str
    unit: str
    direction: str
    planned: Decimal | None
    actual: Decimal | None
    percent: Decimal | None
    low: Decimal | None  # the score range Annex 3 allows for the percent
    high: Decimal | None
    score: Decimal | None


@dataclass(frozen=True)
class ByMean:
    """A typical2023 sheet whose result is the mean of its own lines (Annex 2, Annex 4)."""

    title: str
    annex: str
    heading: Heading
    mean: Decimal | None  # the sheet's own arithmetic: sum of the scores / their number
    score: Decimal | None  # the result, as a calibration session may have changed it (п.42)
    band: str
    signatures: tuple[Signature, ...]
    shows: tuple[int, ...]


def _by_mean(definition: Methodology, appraisal: Appraisal, top: Heading, scores: list[Decimal | None], lang: Lang) -> dict[str, Any]:
    """What every such sheet shows besides its lines."""
    return {
        "heading": top,
        "mean": sheet_mean(scores),
        "score": appraisal.score,
        "band": band_label(definition, appraisal.kind, appraisal.band, lang),
        "signatures": _assessed(appraisal, top, labels(lang)),
        "shows": (stored(appraisal),),
    }


@dataclass(frozen=True)
class KpiSheet(ByMean):
    """typical2023 Annex 2 (п.28), for the quarter appraised."""

    quarter: str
    lines: tuple[KpiLine, ...]


def kpi_sheet(session: Session, appraisal: Appraisal, lang: Lang) -> KpiSheet:
    definition = definition_of(appraisal)
    rules = definition.kpi
    assert rules is not None
    words = labels(lang)
    top = heading(session, appraisal, lang)
    lines = []
    for kpi in indicators(session, stored(appraisal)):
        percent = None
        if kpi.planned is not None and kpi.actual is not None:
            percent = realisation(kpi.planned, kpi.actual, as_direction(kpi.direction))
        row = rules.row_for(percent) if percent is not None else None
        lines.append(
            KpiLine(
                kpi.position + 1,
                kpi.text,
                kpi.unit or "",
                words[f"direction_{kpi.direction}"],
                kpi.planned,
                kpi.actual,
                percent,
                row.min if row else None,
                row.max if row else None,
                kpi.score,
            )
        )
    return KpiSheet(
        title=words["kpi_sheet_title"],
        annex=words["annex"].format(n=2),
        quarter=words["quarter_n"].format(n=appraisal.period[-1]),
        lines=tuple(lines),
        **_by_mean(definition, appraisal, top, [line.score for line in lines], lang),
    )


def kpi_sheet_pdf(sheet: Sheet, form: KpiSheet, L: dict[str, str]) -> None:
    lang = sheet.lang
    sheet.caption(form.annex, form.heading.methodology, L["form"])
    sheet.title(form.title)
    sheet.field(L["period"], form.heading.period)
    sheet.servant(form.heading, L, "assessee_name")
    headings = [
        L["number"],
        L["kpi_name"],
        L["measure"],
        L["direction"],
        f"{L['planned']}, {form.quarter}",
        f"{L['actual']}, {form.quarter}",
        f"{L['realisation']}, {form.quarter}",
        L["allowed"],
        f"{L['score']}, {form.quarter}",
    ]
    rows = [
        [
            str(k.number),
            k.text,
            k.unit,
            k.direction,
            number(k.planned, lang),
            number(k.actual, lang),
            number(k.percent, lang),
            span(k.low, k.high, lang),
            number(k.score, lang),
        ]
        for k in form.lines
    ]
    sheet.table(headings, rows, (8, 80, 20, 32, 24, 24, 26, 26, 24), empty=L["none_recorded"])
    sheet.field(L["final_score"], number(form.mean, lang))
    sheet.text(L["kpi_final_note"], size=7.5)
    _result(sheet, form.mean, form.score, form.band, L)
    sheet.text(L["result_from_final"], size=7.5)
    sheet.signatures(form.signatures, L["date"], L["signature"])


@dataclass(frozen=True)
class ParameterLine:
    number: int
    name: str
    criterion: str
    score: Decimal | None
    justification: str


@dataclass(frozen=True)
class DifferentiationSheet(ByMean):
    """typical2023 Annex 4 (п.32–33)."""

    low: Decimal
    high: Decimal
    lines: tuple[ParameterLine, ...]


def differentiation_sheet(session: Session, appraisal: Appraisal, lang: Lang) -> DifferentiationSheet:
    definition = definition_of(appraisal)
    rules = definition.differentiation
    assert rules is not None
    words = labels(lang)
    top = heading(session, appraisal, lang)
    given = {row.parameter: row for row in session.exec(select(ParameterScore).where(ParameterScore.appraisal_id == appraisal.id))}
    lines = tuple(
        ParameterLine(n, p.name(lang), p.criterion(lang), given[p.id].score if p.id in given else None, given[p.id].justification if p.id in given else "")
        for n, p in enumerate(rules.parameters, 1)
    )
    return DifferentiationSheet(
        title=words["diff_title"],
        annex=words["annex"].format(n=4),
        low=rules.score.min,
        high=rules.score.max,
        lines=lines,
        **_by_mean(definition, appraisal, top, [line.score for line in lines], lang),
    )


def differentiation_sheet_pdf(sheet: Sheet, form: DifferentiationSheet, L: dict[str, str]) -> None:
    lang = sheet.lang
    sheet.caption(form.annex, form.heading.methodology, L["form"])
    sheet.title(form.title)
    sheet.field(L["period"], form.heading.period)
    sheet.field(L["diff_assessee"], form.heading.servant.name)
    sheet.field(L["diff_assessor"], form.heading.assessor.name if form.heading.assessor else "")
    if form.heading.without:
        sheet.text(L["without_participation"], bold=True)
    sheet.text(L["diff_intro"], size=7.5)
    rows = [[f"{p.number}. {p.name}", p.criterion, number(p.score, lang), p.justification] for p in form.lines]
    rows.append([L["mean_final"], "", number(form.mean, lang), ""])
    score_heading = L["diff_score"].format(low=number(form.low, lang), high=number(form.high, lang))
    sheet.table([L["parameters"], L["criteria"], score_heading, L["justification"]], rows, (40, 62, 22, 56))
    sheet.text(f"{L['note']}: {L['diff_note']}", size=7.5)
    _result(sheet, form.mean, form.score, form.band, L)
    sheet.text(L["result_from_mean"], size=7.5)
    sheet.signatures(form.signatures, L["date"], L["signature"])


FORMS = (
    Form("quarterly-sheet", ("quarterly",), "mne2017_annex2_quarterly_sheet.html.j2", quarterly_sheet, quarterly_sheet_pdf),
    Form("kpi-sheet", ("kpi",), "typical2023_annex2_kpi_sheet.html.j2", kpi_sheet, kpi_sheet_pdf, orientation="L"),
    Form("differentiation-sheet", ("differentiation",), "typical2023_annex4_differentiation_sheet.html.j2", differentiation_sheet, differentiation_sheet_pdf),
)

"""Plans: the individual work plan of mne2017 (Annex 1) and its score sheet (Annex 3), and
the work plan of a head with KPIs of typical2023 (Annex 1).

The typical2023 plan holds the year's KPIs with a planned value per quarter, while the
product keeps the KPIs on each quarter's appraisal (the quarter is what is scored); the
form puts the four quarters of the year back side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from methodology.i18n import Lang
from models import Appraisal, Indicator, RefusalAct
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
    quarter_end,
    stored,
)
from notifications.forms.form import Form
from notifications.forms.pdf import Sheet, Span


@dataclass(frozen=True)
class PlanLine:
    number: int
    text: str
    measurable: bool
    score: Decimal | None
    verdict: str  # п.30: not met, partly met, met, exceeded


@dataclass(frozen=True)
class IndividualPlan:
    """mne2017 Annex 1 (the plan as agreed) and Annex 3 (the plan as scored)."""

    title: str
    annex: str
    heading: Heading
    lines: tuple[PlanLine, ...]
    low: Decimal
    high: Decimal
    score: Decimal | None
    band: str
    refusal: date | None  # the act drawn up when the servant refused (п.10, п.31)
    signatures: tuple[Signature, ...]
    shows: tuple[int, ...]


def indicators(session: Session, appraisal_id: int) -> list[Indicator]:
    query = select(Indicator).where(Indicator.appraisal_id == appraisal_id).order_by(col(Indicator.position))
    return list(session.exec(query))


def refusal_on(session: Session, appraisal: Appraisal, refused: str) -> date | None:
    """The day an act of refusal of this kind was drawn up on the appraisal, if one was."""
    query = select(RefusalAct).where(RefusalAct.appraisal_id == appraisal.id, RefusalAct.refused == refused)
    act = session.exec(query).first()
    return act.drawn_up_on if act else None


def _plan(session: Session, appraisal: Appraisal, lang: Lang, *, sheet: bool) -> IndividualPlan:
    definition = definition_of(appraisal)
    rules = definition.plan
    assert rules is not None
    words = labels(lang)
    top = heading(session, appraisal, lang)
    lines = tuple(
        PlanLine(
            i.position + 1, i.text, i.measurable, i.score if sheet else None, rules.score_labels[int(i.score)](lang) if sheet and i.score is not None else ""
        )
        for i in indicators(session, stored(appraisal))
    )
    servant_acts, manager_acts = (("sign", "refuse_to_sign"), ("score",)) if sheet else (("confirm", "refuse_to_confirm"), ("agree",))
    return IndividualPlan(
        title=words["sheet_title" if sheet else "plan_title"],
        annex=words["annex"].format(n=3 if sheet else 1),
        heading=top,
        lines=lines,
        low=rules.indicator_score.min,
        high=rules.indicator_score.max,
        score=appraisal.score if sheet else None,
        band=band_label(definition, "plan", appraisal.band, lang) if sheet else "",
        refusal=refusal_on(session, appraisal, "sign" if sheet else "confirm"),
        signatures=(
            Signature(words["servant"], top.servant.name, acted_on(session, stored(appraisal), *servant_acts)),
            Signature(words["direct_manager"], top.assessor.name if top.assessor else "", acted_on(session, stored(appraisal), *manager_acts)),
        ),
        shows=(stored(appraisal),),
    )


def individual_plan(session: Session, appraisal: Appraisal, lang: Lang) -> IndividualPlan:
    return _plan(session, appraisal, lang, sheet=False)


def plan_sheet(session: Session, appraisal: Appraisal, lang: Lang) -> IndividualPlan:
    return _plan(session, appraisal, lang, sheet=True)


def individual_plan_pdf(sheet: Sheet, plan: IndividualPlan, L: dict[str, str]) -> None:
    sheet.caption(plan.annex, plan.heading.methodology, L["form"])
    sheet.title(plan.title)
    sheet.field(L["plan_period"], plan.heading.period)
    sheet.servant(plan.heading, L, "full_name")
    rows = [[str(line.number), line.text, L["flag_yes"] if line.measurable else L["flag_no"], ""] for line in plan.lines]
    headings = [L["number"], L["plan_indicators"], L["plan_measurable"], L["plan_expected"]]
    sheet.table(headings, rows, (8, 90, 22, 60), empty=L["none_recorded"])
    sheet.text(f"{L['note']}: {L['plan_note_aim']}", size=7.5)
    sheet.text(L["plan_note_count"], size=7.5)
    _signatures(sheet, plan, L)


def plan_sheet_pdf(sheet: Sheet, plan: IndividualPlan, L: dict[str, str]) -> None:
    lang = sheet.lang
    sheet.caption(plan.annex, plan.heading.methodology, L["form"])
    sheet.title(plan.title)
    sheet.field(L["year_appraised"], plan.heading.period)
    sheet.servant(plan.heading, L, "assessee_name")
    sheet.text(L["plan_sheet_title"], bold=True, align="C")
    span = L["value_range"].format(low=number(plan.low, lang), high=number(plan.high, lang))
    rows = [[str(line.number), line.text, span, "", f"{number(line.score, lang)} {line.verdict}".strip(), ""] for line in plan.lines]
    headings = [L["number"], L["indicator_name"], L["indicator_value"], L["self_results"], L["manager_results"], L["note"]]
    sheet.table(headings, rows, (8, 70, 22, 26, 30, 24), empty=L["none_recorded"])
    sheet.field(L["plan_score"], number(plan.score, lang))
    sheet.field(L["result"], plan.band)
    _signatures(sheet, plan, L)


def _signatures(sheet: Sheet, plan: IndividualPlan, L: dict[str, str]) -> None:
    if plan.refusal:
        sheet.text(L["refusal_noted"].format(date=day(plan.refusal, sheet.lang)), bold=True)
    sheet.signatures(plan.signatures, L["date"], L["signature"])


@dataclass(frozen=True)
class KpiPlanLine:
    number: int
    text: str
    unit: str
    direction: str
    planned: tuple[Decimal | None, ...]  # Q1..Q4
    due: tuple[date | None, ...]  # the quarter's last day, when a value is planned for it


@dataclass(frozen=True)
class HeadWorkPlan:
    """typical2023 Annex 1: a head's KPIs for the year, approved by the superior manager."""

    title: str
    annex: str
    heading: Heading
    year: str
    quarters: tuple[str, ...]
    approver: Signature
    lines: tuple[KpiPlanLine, ...]
    shows: tuple[int, ...]


def work_plan(session: Session, appraisal: Appraisal, lang: Lang) -> HeadWorkPlan:
    words = labels(lang)
    year = appraisal.period[:4]
    quarters = list(
        session.exec(
            select(Appraisal)
            .where(
                Appraisal.servant_id == appraisal.servant_id,
                Appraisal.methodology == appraisal.methodology,
                Appraisal.kind == "kpi",
                col(Appraisal.period).startswith(year),
            )
            .order_by(col(Appraisal.period))
        )
    )
    by_quarter = {int(q.period[-1]): {i.position: i for i in indicators(session, stored(q))} for q in quarters}
    positions = sorted({p for kpis in by_quarter.values() for p in kpis})
    lines = []
    for position in positions:
        row = [by_quarter.get(q, {}).get(position) for q in range(1, 5)]
        last = [kpi for kpi in row if kpi is not None][-1]  # the latest wording of the KPI
        planned = tuple(kpi.planned if kpi else None for kpi in row)
        lines.append(
            KpiPlanLine(
                number=position + 1,
                text=last.text,
                unit=last.unit or "",
                direction=words[f"direction_{last.direction}"],
                planned=planned,
                due=tuple(quarter_end(int(year), q) if planned[q - 1] is not None else None for q in range(1, 5)),
            )
        )
    top = heading(session, appraisal, lang)
    approved = next((event_day(q, "plan_approved") for q in quarters if "plan_approved" in q.events), None)
    return HeadWorkPlan(
        title=words["work_plan_title"],
        annex=words["annex"].format(n=1),
        heading=top,
        year=words["period_year"].format(year=year),
        quarters=tuple(words["quarter_n"].format(n=q) for q in range(1, 5)),
        approver=Signature(words["superior_manager"], top.assessor.name if top.assessor else "", approved),
        lines=tuple(lines),
        shows=tuple(stored(q) for q in quarters),
    )


def work_plan_pdf(sheet: Sheet, plan: HeadWorkPlan, L: dict[str, str]) -> None:
    lang = sheet.lang
    sheet.caption(plan.annex, plan.heading.methodology, L["form"])
    sheet.caption(
        L["approve"],
        plan.approver.role,
        f"{plan.approver.name} ({L['name_initials']})",
        f"{L['date']}: {day(plan.approver.on, lang) or '________'}   {L['signature']}: ________",
    )
    sheet.title(plan.title, f"{L['work_plan_period']}: {plan.year}")
    sheet.servant(plan.heading, L, "full_name")
    headings: list[str | Span] = [
        L["number"],
        L["kpi_name"],
        L["kpi_source"],
        L["measure"],
        L["direction"],
        Span(L["planned"], cols=4),
        Span(L["deadline"], cols=4),
        L["key_result"],
    ]
    rows = [
        [
            str(line.number),
            line.text,
            "",
            line.unit,
            line.direction,
            *(number(value, lang) for value in line.planned),
            *(day(due, lang) for due in line.due),
            "",
        ]
        for line in plan.lines
    ]
    sheet.table(headings, rows, (7, 48, 30, 15, 20, *(13,) * 4, *(17,) * 4, 25), subheadings=plan.quarters * 2, empty=L["none_recorded"], size=7)
    sheet.text(L["key_result_note"], size=7.5)


FORMS = (
    Form("individual-plan", ("plan",), "mne2017_annex1_plan.html.j2", individual_plan, individual_plan_pdf),
    Form("plan-sheet", ("plan",), "mne2017_annex3_plan_sheet.html.j2", plan_sheet, plan_sheet_pdf),
    Form("work-plan", ("kpi",), "typical2023_annex1_work_plan.html.j2", work_plan, work_plan_pdf, orientation="L"),
)

"""The 360 method on paper (typical2023 п.34–37): the questionnaires a respondent fills
(Annex 5 on a head, Annex 6 on a staff member) and the individual result HR gives the
servant (Annex 7 for heads, Annex 8 for staff) with the spider chart of the competency
means.

The survey is anonymous (п.34) and the database keeps only a tally of answers per
competency, question and value (models/survey.py), so the result can print nothing but
means and the number of respondents: no answer can be traced to anyone. The servant's own
answers are shown apart and never counted (п.36).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from markupsafe import Markup
from sqlmodel import Session, select

from methodology.i18n import Lang
from methodology.schema import Methodology
from methodology.scoring.survey360 import pooled_score
from models import Appraisal, Position, SelfAnswer, Servant, SurveyInvitation
from models.organisation import name_surname_first
from notifications.forms.base import Heading, band_label, definition_of, heading, labels, no_record, number, stored
from notifications.forms.chart import HEIGHT, WIDTH, Legend, spider
from notifications.forms.form import Form
from notifications.forms.pdf import FAMILY, Sheet, Span
from states.survey import pooled_answers

Audience = Literal["head", "staff"]


def group_of(session: Session, appraisal: Appraisal, definition: Methodology) -> Audience:
    """Heads answer for Annex 5's twelve competencies, staff for Annex 6's eight (п.35)."""
    servant = session.get(Servant, appraisal.servant_id)
    position = session.get(Position, servant.position_id) if servant and servant.position_id else None
    return "head" if definition.is_head(position.category if position else None) else "staff"


@dataclass(frozen=True)
class CompetencyMean:
    number: int
    name: str
    mean: Decimal
    own: Decimal | None  # the servant's self-assessment, not counted


@dataclass(frozen=True)
class SurveyResult:
    """typical2023 Annex 7 (heads) or Annex 8 (staff)."""

    title: str
    annex: str
    heading: Heading
    lines: tuple[CompetencyMean, ...]
    respondents: int
    score: Decimal | None
    band: str
    chart: Markup
    shows: tuple[int, ...]

    @property
    def with_own(self) -> bool:
        return any(line.own is not None for line in self.lines)


def survey_result(session: Session, appraisal: Appraisal, lang: Lang) -> SurveyResult:
    definition = definition_of(appraisal)
    rules = definition.survey360
    assert rules is not None
    if appraisal.score is None:
        raise no_record(appraisal, "record_result", "п.37, Annex 7–8")
    words = labels(lang)
    group = group_of(session, appraisal, definition)
    answered = session.exec(
        select(SurveyInvitation.id).where(
            SurveyInvitation.appraisal_id == appraisal.id,
            SurveyInvitation.answered == True,  # noqa: E712
            SurveyInvitation.role != "self",
        )
    ).all()
    own: dict[str, list[Decimal]] = defaultdict(list)
    for answer in session.exec(select(SelfAnswer).where(SelfAnswer.appraisal_id == appraisal.id)):
        own[answer.competency].append(Decimal(answer.value))
    details = pooled_score(definition, group, pooled_answers(session, stored(appraisal)), own or None, len(answered)).details
    competencies = rules.competencies[group]
    lines = tuple(
        CompetencyMean(n, c.name(lang), details["competencies"][c.id], details["self"][c.id] if details["self"] else None)
        for n, c in enumerate(competencies, 1)
    )
    chart = spider(
        [line.name for line in lines],
        [line.mean for line in lines],
        [details["self"][c.id] for c in competencies] if details["self"] else None,
        rules.answer_scale[-1].value,
        Legend(words["legend_means"], words["legend_self"]),
        FAMILY,
    )
    return SurveyResult(
        title=words[f"r360_title_{group}"],
        annex=words["annex"].format(n=7 if group == "head" else 8),
        heading=heading(session, appraisal, lang),
        lines=lines,
        respondents=len(answered),
        score=appraisal.score,
        band=band_label(definition, "360", appraisal.band, lang),
        chart=chart,
        shows=(stored(appraisal),),
    )


def survey_result_pdf(sheet: Sheet, form: SurveyResult, L: dict[str, str]) -> None:
    lang = sheet.lang
    sheet.caption(form.annex, form.heading.methodology, L["form"])
    sheet.title(form.title)
    sheet.field(L["period"], form.heading.period)
    sheet.field(L["assessee_name"], form.heading.servant.name)
    sheet.field(L["position"], form.heading.servant.position)
    if form.heading.without:
        sheet.text(L["without_participation"], bold=True)
    headings = [L["number"], L["competency"], L["competency_mean"], *([L["self_mean"]] if form.with_own else [])]
    rows = [[str(c.number), c.name, number(c.mean, lang), *([number(c.own, lang)] if form.with_own else [])] for c in form.lines]
    sheet.table(headings, rows, (10, 100, 35, 35) if form.with_own else (10, 120, 50))
    sheet.field(L["respondents"], str(form.respondents))
    sheet.field(L["result"], f"{number(form.score, lang)} ({form.band})")
    sheet.text(L["r360_note"], size=7.5)
    sheet.chart(L["spider"], str(form.chart), 150, 150 * HEIGHT / WIDTH)


@dataclass(frozen=True)
class Questions:
    number: int
    competency: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Questionnaire:
    """typical2023 Annex 5 (on a head) or Annex 6 (on a staff member), blank."""

    title: str
    annex: str
    methodology: str
    assessee_label: str
    assessee: str
    options: tuple[str, ...]
    competencies: tuple[Questions, ...]
    shows: tuple[int, ...]


def questionnaire(session: Session, appraisal: Appraisal, lang: Lang) -> Questionnaire:
    definition = definition_of(appraisal)
    rules = definition.survey360
    assert rules is not None
    words = labels(lang)
    group = group_of(session, appraisal, definition)
    servant = session.get(Servant, appraisal.servant_id)
    assert servant is not None
    return Questionnaire(
        title=words[f"q_title_{group}"],
        annex=words["annex"].format(n=5 if group == "head" else 6),
        methodology=definition.title(lang),
        assessee_label=words[f"q_assessee_{group}"],
        assessee=name_surname_first(servant),
        options=tuple(option.label(lang) for option in rules.answer_scale),
        competencies=tuple(Questions(n, c.name(lang), tuple(q(lang) for q in c.questions)) for n, c in enumerate(rules.competencies[group], 1)),
        shows=(),
    )


def questionnaire_pdf(sheet: Sheet, form: Questionnaire, L: dict[str, str]) -> None:
    sheet.caption(form.annex, form.methodology, L["form"])
    sheet.title(form.title)
    sheet.field(form.assessee_label, form.assessee)
    sheet.text(L["q_dear"], bold=True)
    for key in ("q_intro", "q_method", "q_how"):
        sheet.text(L[key], size=7.5)
    blanks = [""] * len(form.options)
    rows: list[list[str | Span]] = []
    for c in form.competencies:
        tall = len(c.questions)
        rows.append([Span(str(c.number), rows=tall), Span(c.competency, rows=tall), c.questions[0], *blanks])
        rows.extend([question, *blanks] for question in c.questions[1:])
    headings: list[str | Span] = [L["number"], L["competency_name"], L["questions"], Span(L["answers"], cols=len(form.options))]
    # 27 mm: an answer heading's longest word («жағдайлардың», «случаев») fits whole, unbroken
    sheet.table(headings, rows, (8, 38, 86, *(27,) * len(form.options)), subheadings=form.options, size=7)
    sheet.text(L["q_mean_note"], size=7.5)


FORMS = (
    Form(
        "360-result",
        ("360",),
        "typical2023_annex7_8_360_result.html.j2",
        survey_result,
        survey_result_pdf,
        recorded=lambda _, appraisal: appraisal.score is not None,  # the survey closed (п.37)
    ),
    Form("questionnaire", ("360",), "typical2023_annex5_6_questionnaire.html.j2", questionnaire, questionnaire_pdf, orientation="L", confidential=False),
)

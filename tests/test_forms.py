"""The official forms, filled from the example years (examples/scenarios/), as HR would
print them: every form in Kazakh, Russian and English with every word translated, PDFs
whose text can be read back (name, score, band, Kazakh letters), the 360 spider chart,
anonymous 360 results, and confidentiality: a form that prints a result is refused to a
reader who may not know it (typical2023 п.16, п.21).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from textwrap import wrap

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bagalau import simulation
from methodology import loader
from methodology.errors import InvalidInput
from methodology.i18n import LANGS, Lang
from models import Appraisal, Servant, SurveyInvitation
from models.db import engine as make_engine
from models.organisation import name_surname_first
from notifications.forms import FORMS, examples, prepare
from notifications.forms.base import labels, number, stored, texts
from notifications.forms.examples import write_example_forms
from states.confidentiality import may_see

SCENARIOS = Path(__file__).resolve().parent.parent / "examples" / "scenarios"
BAGALAU = str(Path(sys.executable).with_name("bagalau"))
KAZAKH = set("әғқңөұүһі")


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Both example years played once, each in its own SQLite file: name → URL."""
    urls = {}
    for name in ("mne2017", "typical2023"):
        url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'year.sqlite3'}"
        summary = simulation.run(simulation.load(SCENARIOS / f"{name}-year.yaml"), url)
        assert summary["unexpected"] == 0
        urls[name] = url
    return urls


@dataclass(frozen=True)
class Case:
    """One form of one appraisal, read by the head of HR (who may read every result)."""

    form: str
    year: str
    servant: str
    kind: str
    period: str
    result: bool = True  # the form prints the appraisal's score and band

    @property
    def reader(self) -> str:
        return "saule" if self.year == "mne2017" else "aigul"


CASES = [
    Case("individual-plan", "mne2017", "madina", "plan", "2026", result=False),  # corrected by the manager, act of refusal
    Case("quarterly-sheet", "mne2017", "madina", "quarterly", "2026-Q1"),  # two violations, act, appeal revised 96 → 98
    Case("quarterly-sheet", "mne2017", "erbol", "quarterly", "2026-Q3"),  # a claimed item not accepted
    Case("plan-sheet", "mne2017", "daniyar", "plan", "2026"),
    Case("commission-protocol", "mne2017", "daniyar", "quarterly", "2026-Q2"),  # revised 104 → 108 on the chair's vote
    Case("commission-protocol", "mne2017", "erbol", "annual", "2026"),
    Case("refusal-act", "mne2017", "erbol", "annual", "2026", result=False),
    Case("work-plan", "typical2023", "samat", "kpi", "2026-Q3", result=False),
    Case("kpi-sheet", "typical2023", "aigul", "kpi", "2026-Q1"),
    Case("differentiation-sheet", "typical2023", "yerzhan", "differentiation", "2026-Q2"),  # calibrated 4 → 3.75
    Case("360-result", "typical2023", "bauyrzhan", "360", "2026"),  # Annex 7: a head
    Case("360-result", "typical2023", "zhanar", "360", "2026"),  # Annex 8: staff
    Case("questionnaire", "typical2023", "marat", "360", "2026", result=False),  # Annex 5
    Case("questionnaire", "typical2023", "zhanar", "360", "2026", result=False),  # Annex 6
    Case("calibration-protocol", "typical2023", "yerzhan", "differentiation", "2026-Q2"),
]
IDS = [f"{c.form}-{c.servant}-{c.period}" for c in CASES]


def appraisal_of(session: Session, servant: str, kind: str, period: str) -> Appraisal:
    query = (
        select(Appraisal).join(Servant, Servant.id == Appraisal.servant_id)
        .where(Servant.personnel_no == servant, Appraisal.kind == kind, Appraisal.period == period)
    )
    return session.exec(query).one()


def person(session: Session, personnel_no: str) -> Servant:
    return session.exec(select(Servant).where(Servant.personnel_no == personnel_no)).one()


def make(years: dict[str, str], case: Case, lang: Lang, reader: str | None = None) -> tuple[object, object, Appraisal, Engine]:
    bound = make_engine(years[case.year])
    with Session(bound) as session:
        appraisal = appraisal_of(session, case.servant, case.kind, case.period)
        form, document = prepare(session, case.form, appraisal.id, person(session, reader or case.reader), lang)  # type: ignore[arg-type]
    return form, document, appraisal, bound


class _Visible(HTMLParser):
    """The text a reader sees: everything but the style sheet and the markup."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def words(text: str) -> set[str]:
    """The Latin words of a label, its {placeholders} left out."""
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}", "", text))}


def english_words() -> set[str]:
    """Every word of the English labels."""
    return {w for t in texts().values() for w in words(t.en)}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_every_label_is_in_three_languages_and_translated() -> None:
    for key, text in texts().items():
        assert text.kk != text.en and text.ru != text.en, key
        assert not words(text.kk) and not words(text.ru), key  # no English left in kk or ru


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_form_renders_in_every_language_with_every_word_translated(years: dict[str, str], case: Case) -> None:
    pages = {}
    for lang in LANGS:
        form, document, _, _ = make(years, case, lang)
        pages[lang] = visible(form.html(document, lang))  # type: ignore[attr-defined]  # StrictUndefined: no missing name
    foreign = english_words()
    for lang in ("kk", "ru"):
        assert pages[lang] != pages["en"]
        left = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", pages[lang])} & foreign
        assert not left, (lang, left)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_pdf_text_has_the_name_the_score_the_band_and_kazakh_letters(years: dict[str, str], case: Case) -> None:
    form, document, appraisal, _ = make(years, case, "kk")
    content = form.pdf(document, "kk")  # type: ignore[attr-defined]
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    with Session(make_engine(years[case.year])) as session:
        servant = session.get(Servant, appraisal.servant_id)
        assert servant is not None and servant.surname and servant.given_name and servant.patronymic
        # under "тегі, аты, әкесінің аты": surname, name, patronymic in that order, never given name first
        assert f"{servant.surname} {servant.given_name} {servant.patronymic}" in text
        assert servant.full_name.startswith(servant.surname) or servant.full_name not in text
    assert len(KAZAKH & set(text)) >= 7, sorted(KAZAKH & set(text))
    assert (labels("kk")["confidential"] in text) == form.confidential  # as the HTML's footer says it
    # one number format on the page: two decimals with a comma, and a range of one value is that value
    decimals = re.findall(r"(?<![\d.,])\d+[.,]\d+(?![\d.,])", text)
    assert all(re.fullmatch(r"\d+,\d\d", found) for found in decimals), decimals
    assert not [(a, b) for a, b in re.findall(r"(\d+,\d\d)–(\d+,\d\d)", text) if a == b]
    if case.result:
        definition = loader.load(appraisal.methodology)
        rules = definition.rules(appraisal.kind)  # type: ignore[arg-type]
        band = definition.bands(rules.bands).band_for(appraisal.score)  # type: ignore[union-attr, arg-type]
        assert number(appraisal.score, "kk") in text
        assert band.label("kk") in text


def test_the_commission_protocol_lists_every_result_decided_at_the_meeting(years: dict[str, str]) -> None:
    case = Case("commission-protocol", "mne2017", "daniyar", "quarterly", "2026-Q2")
    form, document, _, _ = make(years, case, "ru")
    text = pdf_text(form.pdf(document, "ru"))  # type: ignore[attr-defined]
    # п.35: 104 brought by the manager, revised to 108 with the explanation; 9 servants decided
    # (the director among them, appraised by the vice-minister, п.4)
    assert "104,00 (удовлетворительно)" in text and "108,00 (эффективно)" in text
    assert len(document.lines) == 9 and (document.approved, document.revised) == (8, 1)  # type: ignore[attr-defined]
    assert [s.role for s in document.signatures][:2] == ["Секретарь Комиссии", "Председатель Комиссии"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("servant", "count"), [("bauyrzhan", 12), ("zhanar", 8)])  # Annex 7 heads, Annex 8 staff
def test_the_360_result_draws_the_spider_chart_of_the_competency_means(years: dict[str, str], servant: str, count: int) -> None:
    form, document, _, _ = make(years, Case("360-result", "typical2023", servant, "360", "2026"), "kk")
    html = form.html(document, "kk")  # type: ignore[attr-defined]
    assert html.count("<svg") == 1
    means = re.search(r'<polygon class="means" points="([^"]+)"', html)
    assert means is not None and len(means.group(1).split()) == count  # one vertex per competency
    assert html.count('class="ring"') == 5  # one ring per point of the answer scale
    content = form.pdf(document, "kk")  # type: ignore[attr-defined]
    drawn = b"".join(page.get_contents().get_data() for page in PdfReader(BytesIO(content)).pages)  # type: ignore[union-attr]
    lines = re.findall(rb"[\d.]+ [\d.]+ l\b", drawn)  # PDF path operators: `x y l` draws a line
    assert len(lines) >= count * 5  # five rings, the axes and the means: drawn as paths
    text = pdf_text(content)
    for line in document.lines:  # type: ignore[attr-defined]
        assert text.count(wrap(line.name, 24)[0]) >= 2, line.name  # in the table and on the chart


def test_the_360_result_names_no_respondent(years: dict[str, str]) -> None:
    case = Case("360-result", "typical2023", "bauyrzhan", "360", "2026")
    form, document, appraisal, bound = make(years, case, "en")
    with Session(bound) as session:
        invited = session.exec(select(SurveyInvitation.respondent_id).where(SurveyInvitation.appraisal_id == appraisal.id)).all()
        people = [session.get(Servant, i) for i in invited if i != appraisal.servant_id]
        names = [p.full_name for p in people] + [name_surname_first(p) for p in people]  # type: ignore[arg-type, union-attr]
    assert len(people) >= 3
    shown = visible(form.html(document, "en")) + pdf_text(form.pdf(document, "en"))  # type: ignore[attr-defined]
    for name in names:
        assert name not in shown
    assert f"Respondents who answered: {len(people)}" in shown  # how many, never who (п.34)


@pytest.mark.parametrize(("servant", "annex"), [("marat", "head"), ("zhanar", "staff")])  # Annex 5, Annex 6
def test_the_questionnaire_lists_every_competency_question_and_answer(years: dict[str, str], servant: str, annex: str) -> None:
    rules = loader.load("typical2023").survey360
    assert rules is not None
    # the servant fills it too, for themself (п.36); a respondent's copy is the same form
    form, document, _, _ = make(years, Case("questionnaire", "typical2023", servant, "360", "2026"), "ru", reader=servant)
    page = visible(form.html(document, "ru"))  # type: ignore[attr-defined]
    for competency in rules.competencies[annex]:  # type: ignore[index]
        assert competency.name("ru") in page
        for question in competency.questions:
            assert " ".join(question("ru").split()) in page
    for option in rules.answer_scale:
        assert option.label("ru") in page
    text = pdf_text(form.pdf(document, "ru"))  # type: ignore[attr-defined]
    assert all(option.label("ru") in text for option in rules.answer_scale)


def test_a_blank_questionnaire_reaches_its_respondents_and_no_one_outside_the_appraisal(years: dict[str, str]) -> None:
    """typical2023 п.34: a respondent sees their own questionnaire, never the appraisal; a
    servant of the body with no role on it and no invitation gets not even the blank form."""
    bound = make_engine(years["typical2023"])
    with Session(bound) as session:
        appraisal = appraisal_of(session, "marat", "360", "2026")
        invited = set(session.exec(select(SurveyInvitation.respondent_id).where(SurveyInvitation.appraisal_id == appraisal.id)))
        body = list(session.exec(select(Servant).where(Servant.state_body_id == person(session, "marat").state_body_id)))
        respondent = next(s for s in body if s.id in invited and not may_see(session, s, appraisal))
        outsider = next(s for s in body if s.id not in invited and not may_see(session, s, appraisal))
        assert prepare(session, "questionnaire", stored(appraisal), respondent, "en")[0].name == "questionnaire"
        with pytest.raises(InvalidInput) as refused:
            prepare(session, "questionnaire", stored(appraisal), outsider, "en")
        assert (refused.value.code, refused.value.field) == ("not_yours_to_see", "--as")
        with pytest.raises(InvalidInput):  # the respondent reads no result
            prepare(session, "360-result", stored(appraisal), respondent, "en")


UNSEEN, UNREAD = "not_yours_to_see", "form_not_reader"  # `show`'s refusal; a result's


@pytest.mark.parametrize(("case", "reader", "refusal"), [
    (Case("kpi-sheet", "typical2023", "aigul", "kpi", "2026-Q1"), "gulmira", UNREAD),  # HR, but not head of HR (п.21)
    (Case("kpi-sheet", "typical2023", "aigul", "kpi", "2026-Q1"), "marat", None),  # the assessor
    (Case("differentiation-sheet", "typical2023", "yerzhan", "differentiation", "2026-Q2"), "zhanar", UNSEEN),  # a peer
    (Case("differentiation-sheet", "typical2023", "yerzhan", "differentiation", "2026-Q2"), "yerzhan", None),
    (Case("differentiation-sheet", "typical2023", "yerzhan", "differentiation", "2026-Q2"), "samat", None),  # calibrated it
    (Case("differentiation-sheet", "typical2023", "yerzhan", "differentiation", "2026-Q1"), "samat", UNSEEN),  # not this one
    (Case("360-result", "typical2023", "zhanar", "360", "2026"), "yerzhan", UNSEEN),
    (Case("commission-protocol", "mne2017", "erbol", "quarterly", "2026-Q2"), "erbol", UNSEEN),  # shows the others too
    (Case("commission-protocol", "mne2017", "erbol", "quarterly", "2026-Q2"), "kairat", None),  # a member
    (Case("quarterly-sheet", "mne2017", "erbol", "quarterly", "2026-Q2"), "erbol", None),
    (Case("quarterly-sheet", "mne2017", "erbol", "quarterly", "2026-Q2"), "aigerim", UNSEEN),
    # blank, no result in it, yet not for one neither invited nor with a role on the appraisal
    (Case("questionnaire", "typical2023", "marat", "360", "2026"), "zhanar", UNSEEN),
])
def test_a_form_is_refused_to_who_may_not_see_the_appraisal_or_read_its_result(
    years: dict[str, str], case: Case, reader: str, refusal: str | None
) -> None:
    if refusal is None:
        make(years, case, "en", reader=reader)
        return
    with pytest.raises(InvalidInput) as refused:
        make(years, case, "en", reader=reader)
    assert (refused.value.code, refused.value.field) == (refusal, "--as")
    assert "confidential" in refused.value.render("en") and "құпия" in refused.value.render("kk")


def test_a_form_of_another_kind_or_without_its_record_is_refused(years: dict[str, str]) -> None:
    with pytest.raises(InvalidInput) as wrong:
        make(years, Case("kpi-sheet", "typical2023", "zhanar", "360", "2026"), "en")
    assert wrong.value.code == "form_kind"
    with pytest.raises(InvalidInput) as missing:
        make(years, Case("calibration-protocol", "typical2023", "zhanar", "differentiation", "2026-Q1"), "ru")
    assert missing.value.code == "form_no_record" and "калибровочная сессия" in missing.value.render("ru")


def test_bagalau_document_writes_the_form_and_refuses_in_one_line(years: dict[str, str], tmp_path: Path) -> None:
    env = {**os.environ, "BAGALAU_DATABASE_URL": years["typical2023"]}
    with Session(make_engine(years["typical2023"])) as session:
        appraisal = appraisal_of(session, "aigul", "kpi", "2026-Q1").id
    out = tmp_path / "kpi.pdf"
    done = subprocess.run([BAGALAU, "document", "kpi-sheet", "--appraisal", str(appraisal), "--as", "aigul", "--format", "pdf",
                           "--lang", "ru", "-o", str(out)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Оценочный лист по целевым индикаторам" in pdf_text(out.read_bytes())
    done = subprocess.run([BAGALAU, "document", "kpi-sheet", "--appraisal", str(appraisal), "--as", "gulmira", "--lang", "en"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and "para. 16" in done.stderr


def test_the_example_forms_are_written_once_each(years: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(examples, "FORMATS", ("html",))  # every PDF is tested above; the demo writes both
    paths = write_example_forms(make_engine(years["typical2023"]), tmp_path, "en")
    names = {p.name for p in paths}
    assert len(names) == len(paths)  # a form shown for several appraisals (the year's work plan) is written once
    made = {form for form in FORMS if any(Path(n).stem.endswith(form) for n in names)}
    assert made == {"work-plan", "kpi-sheet", "differentiation-sheet", "360-result", "questionnaire", "calibration-protocol"}
    assert "2026-samat-work-plan.html" in names and "2026-Q2-yerzhan-differentiation-calibration-protocol.html" in names
    # heads' plans, KPI and differentiation sheets, 360 results and questionnaires, 1 session; the
    # head hired on 1 October (Дәурен) has a plan, one KPI sheet (Q4), a 360 result and questionnaire
    assert len(names) == (4 + 1) + (16 + 1) + 15 + (8 + 1) + (8 + 1) + 1

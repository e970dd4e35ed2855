"""Every notice a person receives, rendered from the example years in Kazakh, Russian and
English.

The two scenarios of examples/scenarios/ are played day by day, and after each day the
sweep flow's work runs as in production: the deadline sweep, the announcements of cycles
opened, the 360 respondents' reminders. Whatever notices that records (transitions,
reminders, overdue and escalation, schedules) are real people's notices about real
appraisals; each is rendered in the three languages and checked for what a reader would
notice: a missing variable, a word left in English, a "None", a result shown to someone
who may not read it (typical2023 п.16, п.21), a 360 respondent named to another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest
from jinja2 import Environment, UndefinedError
from markupsafe import Markup, escape
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bagalau import simulation
from methodology.errors import BagalauError
from methodology.i18n import LANGS
from methodology.workdays import ALMATY
from models import Appraisal, Notice, Servant, SurveyInvitation
from models.db import engine as make_engine
from models.migrate import upgrade
from methodology.notices import table
from states.invitations import KIND as INVITATION_KIND
from states.notices import REPORT_KIND, announce_openings, remind, report_weekly
from notifications.render import TEMPLATES, context_of, kinds, number, render, render_notice
import notifications.render as render_module
from notifications.skeleton import Shapes, reads_of
from states.confidentiality import may_read_result
from states.outbox import action_key
from states.sweep import sweep

SCENARIOS = Path(__file__).resolve().parent.parent / "examples" / "scenarios"
SWEEP_KINDS = {"reminder", "overdue", "escalation"}
KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
CYRILLIC = re.compile("[а-яёА-ЯЁ]")
LATIN_WORD = re.compile("[A-Za-z]{2,}")


@dataclass
class Year:
    name: str
    engine: Engine


def play_with_the_daily_flow(path: Path, url: str) -> Engine:
    """The scenario's steps on their days, and after each day what the sweep flow records."""
    scenario = simulation.load(path)
    upgrade(url)
    engine = make_engine(url)
    people = simulation._build(engine, scenario)  # noqa: SLF001 (the scenario's own organisation)
    steps: dict[Any, list[simulation.Step]] = {}
    for step in scenario.steps:
        steps.setdefault(step.day, []).append(step)
    day = scenario.steps[0].day
    while day <= scenario.until:
        for step in steps.get(day, []):
            try:
                simulation._play(engine, scenario, people, step)  # noqa: SLF001
            except BagalauError:
                assert step.expect == "refused", step  # the scenarios' planned refusals only
        evening = datetime.combine(day, time(18, 0), ALMATY)
        sweep(engine, day, at=evening)
        announce_openings(engine, day, evening)
        remind(engine, day, evening)
        if day.weekday() == 0:  # the compliance report's Monday (flows/deployments.py)
            report_weekly(engine, day, evening)
        day += timedelta(days=1)
    return engine


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Year]]:
    folder = tmp_path_factory.mktemp("years")
    played = {
        name: Year(name, play_with_the_daily_flow(SCENARIOS / f"{name}-year.yaml", f"sqlite:///{folder / name}.sqlite3"))
        for name in ("mne2017", "typical2023")
    }
    yield played
    for year in played.values():
        year.engine.dispose()


def notices(session: Session) -> list[Notice]:
    """(One session per test: a SQLite session holds the write lock from its first query.)"""
    return list(session.exec(select(Notice).order_by(Notice.id)))  # type: ignore[arg-type]


# --- every kind, every language ----------------------------------------------------------------------


def test_the_templates_cover_the_table_and_the_sweep_in_every_language() -> None:
    assert set(kinds()) == table().notice_kinds() | SWEEP_KINDS | {REPORT_KIND, INVITATION_KIND}
    for kind in kinds():
        for lang in LANGS:
            assert (TEMPLATES / f"{kind}.{lang}.j2").is_file(), (kind, lang)


def test_the_example_years_send_every_kind_of_notice(years: dict[str, Year]) -> None:
    sent = {}
    for year in years.values():
        with Session(year.engine) as session:
            sent[year.name] = {n.kind for n in notices(session)}
    # both years end with no deadline missed (issue #10): the sweep's overdue and escalation
    # notices are tested in tests/test_sweep.py
    # an invitation to the console is HR's, not the year's: tests/web/test_invitations.py
    assert sent["mne2017"] | sent["typical2023"] == set(kinds()) - {"overdue", "escalation", INVITATION_KIND}
    # mne2017's own: sheets agreed and signed, acts of refusal, appeals
    assert {"sheet_to_agree", "sheet_to_sign", "refusal_act", "appeal_received", "appeal_decided"} <= sent["mne2017"]
    # typical2023's own: calibration on request, feedback, the 360 survey
    assert {"calibration_received", "calibration_decision", "session_invitation", "protocol_placed",
            "feedback_meeting", "survey_invitation", "survey_reminder"} <= sent["typical2023"]


@pytest.mark.parametrize("name", ["mne2017", "typical2023"])
def test_every_notice_of_the_year_reads_in_kazakh_russian_and_english(years: dict[str, Year], name: str) -> None:
    year = years[name]
    with Session(year.engine) as session:
        for notice in notices(session):
            out = {}
            for lang in LANGS:
                rendered = render_notice(session, notice, lang)  # a missing variable raises
                own = _template_words(rendered.subject + "\n" + rendered.text, context_of(session, notice, lang))
                out[lang] = rendered
                where = f"{notice.key} {lang}"
                assert rendered.subject and "\n" not in rendered.subject, where
                assert "None" not in rendered.subject + rendered.text, where
                assert ".." not in own and "  " not in own, where
                assert rendered.html.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in rendered.html, where
                if lang == "en":
                    assert not CYRILLIC.search(own), (where, own)
                else:
                    assert not LATIN_WORD.search(own), (where, LATIN_WORD.findall(own))
                    assert CYRILLIC.search(own), where
                if lang == "kk":
                    assert KAZAKH_LETTERS.search(own), (where, own)
                if lang == "ru":
                    assert not KAZAKH_LETTERS.search(own), (where, KAZAKH_LETTERS.findall(own))
            assert len({out[lang].text for lang in LANGS}) == 3, notice.key
            assert len({out[lang].subject for lang in LANGS}) == 3, notice.key


def _template_words(text: str, context: dict[str, Any]) -> str:
    """What the template itself wrote: the text without every value the context gave it."""
    for value in sorted(set(_strings(context)), key=len, reverse=True):
        text = text.replace(value, "\x00")
    return text


def _strings(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str) and key not in ("lang", "gender", "rung"):  # codes, not shown
        yield value


def test_the_schedule_cites_the_paragraph_that_requires_it(years: dict[str, Year]) -> None:
    """mne2017 п.14: the schedule is notified before the appraisal starts; typical2023 п.27 (heads), п.31 (staff)."""
    cited = set()
    for year in years.values():
        with Session(year.engine) as session:
            for notice in notices(session):
                if notice.kind == "schedule":
                    cited.add(context_of(session, notice, "ru")["step"]["paragraph"])
    assert cited == {"mne2017 п.14", "typical2023 п.27", "typical2023 п.31"}


def test_the_schedule_goes_out_before_the_day_it_names(years: dict[str, Year]) -> None:
    """mne2017's Q1 schedule (п.14) names 1 April, the approved start, and went out on Friday
    20 March, the 10th calendar day before (22 March) falling in the Nauryz holidays; each
    appraised servant and assessor got it. typical2023's staff notices of Q1 (п.31) name their
    units' approved day too (п.11)."""
    with Session(years["mne2017"].engine) as session:
        sent = [n for n in notices(session) if n.kind == "schedule"]
        assert {n.step for n in sent} == {"schedule_notice"}
        assert {n.key.rsplit(":", 1)[1] for n in sent} == {"2026-03-20"}
        # 9 appraised sheets: each servant and each assessor, one notice per person and sheet
        assert len(sent) == 18 and len({(n.appraisal_id, n.recipient_id) for n in sent}) == 18
        for notice in sent:
            text = {lang: render_notice(session, notice, lang).text for lang in LANGS}
            assert "The quarterly appraisal for Q1 2026 starts on 1 April 2026." in text["en"], notice.key
            assert "1 апреля 2026 года начинается квартальная оценка за I квартал 2026 года." in text["ru"], notice.key
            assert "басталатын күн: 2026 жылғы 1 сәуір." in text["kk"], notice.key
    with Session(years["typical2023"].engine) as session:
        staff = [n for n in notices(session) if n.kind == "schedule" and n.step == "differentiation_notice"]
        q1 = [n for n in staff if session.get(Appraisal, n.appraisal_id).period == "2026-Q1"]  # type: ignore[union-attr]
        assert len(q1) == 4 and all("starts on 1 April 2026" in render_notice(session, n, "en").text for n in q1)
        assert all("You are informed of" in render_notice(session, n, "en").text for n in staff if n not in q1)


def test_a_missing_variable_raises(years: dict[str, Year]) -> None:
    year = years["typical2023"]
    with Session(year.engine) as session:
        notice = next(n for n in notices(session) if n.kind == "result")
        context = context_of(session, notice, "kk")
    del context["step"]
    with pytest.raises(UndefinedError):
        render("result", "kk", context)


def test_the_html_body_escapes_what_people_typed_and_the_text_does_not(years: dict[str, Year]) -> None:
    year = years["typical2023"]
    with Session(year.engine) as session:
        notice = next(n for n in notices(session) if n.kind == "calibration_decision")
        context = context_of(session, notice, "en")
    context["convened"], context["reason"] = False, 'Scores "agreed" <b>A & B</b>'
    rendered = render("calibration_decision", "en", context)
    assert 'Reason: Scores "agreed" <b>A & B</b>' in rendered.text
    assert f"Reason: {escape(context['reason'])}" in rendered.html and "<b>A" not in rendered.html


# --- confidentiality and anonymity -------------------------------------------------------------------


def _shown(rendered: Any, score: str, band: str | None) -> bool:
    """The band's label, or the score as a number of its own (a one-digit score, "3", is
    told by its band alone: a date or a quarter has such digits too)."""
    text = rendered.subject + rendered.text + rendered.html
    number_alone = len(score) > 1 and re.search(rf"(?<![\d.,]){re.escape(score)}(?![\d.,])", text)
    return bool(number_alone) or (band is not None and band in text)


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield name
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def _result_in(session: Session, appraisal: Appraisal, lang: str) -> tuple[str, str | None]:
    """The score as the renderer writes it in `lang`, and the band's label."""
    from methodology import loader

    definition = loader.load(appraisal.methodology)
    rules = definition.rules(appraisal.kind)  # type: ignore[arg-type]
    assert rules is not None and appraisal.score is not None
    band = next(b for b in definition.bands(rules.bands).bands if b.id == appraisal.band)
    return number(appraisal.score, lang), band.label(lang)  # type: ignore[arg-type]


def test_no_notice_of_the_years_shows_a_result_to_someone_who_may_not_read_it(years: dict[str, Year]) -> None:
    checked = {"shown": 0, "hidden": 0, "reports": 0}
    for year in years.values():
        with Session(year.engine) as session:
            scored = list(session.exec(select(Appraisal).where(Appraisal.score != None)))  # noqa: E711
            for notice in notices(session):
                if notice.appraisal_id is None:  # the weekly report: steps, never a result (п.16)
                    for lang in LANGS:
                        rendered = render_notice(session, notice, lang)
                        # Its numbers are counts and days overdue, so a band's label is the tell,
                        # and no score or band is in what it is rendered from.
                        bands = {_result_in(session, a, lang)[1] for a in scored} - {None}
                        assert not any(band in rendered.text + rendered.html for band in bands), (notice.key, lang)  # type: ignore[operator]
                        assert not {"score", "band", "result"} & set(_keys(context_of(session, notice, lang))), notice.key
                    checked["reports"] += 1
                    continue
                appraisal = session.get(Appraisal, notice.appraisal_id)
                person = session.get(Servant, notice.recipient_id)
                assert appraisal is not None and person is not None
                if appraisal.score is None:
                    continue
                readable = may_read_result(session, person, appraisal)
                for lang in LANGS:
                    score, band = _result_in(session, appraisal, lang)
                    if not readable:
                        assert not _shown(render_notice(session, notice, lang), score, band), (notice.key, lang)
                checked["shown" if readable else "hidden"] += 1
    assert checked["hidden"] > 0  # e.g. the appointing official told of a calibration application
    assert checked["reports"] > 0


@pytest.mark.parametrize("kind, event", [("result", "score"), ("familiarisation", "familiarise"), ("calibration_received", "apply_calibration")])
def test_a_result_notice_shows_the_score_to_its_readers_only(years: dict[str, Year], kind: str, event: str) -> None:
    """typical2023 п.21: the assessee, the assessor, the head of HR, calibration participants;
    here every person of the body is told of every scored differentiation appraisal."""
    year = years["typical2023"]
    seen = {True: 0, False: 0}
    with Session(year.engine) as session:
        scored = session.exec(select(Appraisal).where(Appraisal.kind == "differentiation", Appraisal.score != None)).all()  # noqa: E711
        people = session.exec(select(Servant)).all()
        step = {"result": "familiarisation", "familiarisation": "calibration_application", "calibration_received": "calibration_decision"}[kind]
        for appraisal in scored:
            for person in people:
                on = appraisal.closed_on or date.fromisoformat(appraisal.events["completion"])
                key = action_key(appraisal.id, event, kind, person.id, on)  # type: ignore[arg-type]  # the action's day is read from it
                notice = Notice(key=key, appraisal_id=appraisal.id, recipient_id=person.id, kind=kind, level=0, step=step,  # type: ignore[arg-type]
                                due=on, created_at=datetime.now(ALMATY), event=event)
                readable = may_read_result(session, person, appraisal)
                for lang in LANGS:
                    score, band = _result_in(session, appraisal, lang)
                    assert _shown(render_notice(session, notice, lang), score, band) is readable, (appraisal.id, person.full_name, lang)
                seen[readable] += 1
    assert seen[True] and seen[False]


def test_the_360_invitation_and_reminder_name_no_other_respondent(years: dict[str, Year]) -> None:
    year = years["typical2023"]
    checked = 0
    with Session(year.engine) as session:
        names = {s.id: s.full_name for s in session.exec(select(Servant))}
        for notice in notices(session):
            if notice.kind not in ("survey_invitation", "survey_reminder"):
                continue
            appraisal = session.get(Appraisal, notice.appraisal_id)
            assert appraisal is not None
            invited = session.exec(select(SurveyInvitation.respondent_id).where(SurveyInvitation.appraisal_id == appraisal.id)).all()
            others = {names[i] for i in invited} - {names[notice.recipient_id], names[appraisal.servant_id]}  # type: ignore[index]
            assert others
            for lang in LANGS:
                rendered = render_notice(session, notice, lang)
                for name in others:
                    assert name not in rendered.subject + rendered.text + rendered.html, (notice.key, lang, name)
            checked += 1
    # every invitation (incl. self-assessments) and reminder of January 2027; Dauren's, as Aigul's:
    # three respondents and himself, his self-assessment left unanswered and so reminded
    assert checked == (33 + 4) + (6 + 1)


def test_one_rendering_of_the_text_gives_what_rendering_every_block_gives(years: dict[str, Year], monkeypatch: pytest.MonkeyPatch) -> None:
    """The text block is rendered once, escaped, for both bodies, and the frame is filled in:
    for every kind and language, with a name that escaping changes, the notice reads as
    when each block and the frame are rendered on their own."""
    typed = "Ә. O'Neil & <Co> \"Ltd\" &amp;"
    contexts = []
    for year in years.values():
        with Session(year.engine) as session:
            first = {n.kind: n for n in reversed(notices(session))}
            # the years miss no deadline: their overdue and escalation read as a reminder's
            # notice at a later rung of the ladder would
            reminder = first.get("reminder")
            for kind, level in (("overdue", 2), ("escalation", 3)):
                if kind not in first and reminder is not None:
                    first[kind] = reminder.model_copy(update={"kind": kind, "level": level})
            for notice in first.values():
                for lang in LANGS:
                    context = context_of(session, notice, lang)
                    context["recipient"] = context["recipient"] | {"name": typed}
                    contexts.append((notice.kind, lang, context))
    fast = [render(kind, lang, context) for kind, lang, context in contexts]
    monkeypatch.setattr(render_module, "_html_is_the_text", lambda kind, lang: False)
    monkeypatch.setattr(render_module, "_frame", lambda lang: (Markup(""), None, Markup("")))
    slow = [render_module.render_whole(kind, lang, context) for kind, lang, context in contexts]
    assert {kind for kind, _, _ in contexts} == set(kinds()) - {INVITATION_KIND}  # its own: tests/web/test_invitations.py
    assert fast == slow
    assert any(typed in r.text and str(escape(typed)) in r.html for r in fast)


# --- the skeleton of a shape ---------------------------------------------------------------------

TYPED = "Ә. O'Neil & <Co> \"Ltd\" &amp; 100% {{ x }}"
UNFIT = ["", " Асель", "Асель ", "Асель  Нурлановна", "Асель\nНурлановна", "- Асель", "-", "Асель\tН.", "Асель\u00a0Н.", "\ue0000\ue001"]


def _every_string(value: Any, change: Any) -> Any:
    """The value with each string changed, codes the templates decide on included."""
    if isinstance(value, dict):
        return {name: _every_string(item, change) for name, item in value.items()}
    if isinstance(value, list):
        return [_every_string(item, change) for item in value]
    return change(value) if isinstance(value, str) else value


def _rendered_or_error(kind: str, lang: str, context: dict[str, Any], whole: bool) -> Any:
    try:
        return (render_module.render_whole if whole else render)(kind, lang, context)  # type: ignore[arg-type]
    except Exception as error:  # the same failure, whichever way
        return type(error).__name__


def _sample_contexts(years: dict[str, Year]) -> list[tuple[str, str, dict[str, Any]]]:
    """A notice of every kind in every language, as context_of gives it (an invitation's as
    delivery gives it: tests/web/test_invitations.py)."""
    contexts = []
    for year in years.values():
        with Session(year.engine) as session:
            chosen: dict[str, list[Notice]] = {}
            for notice in notices(session):
                chosen.setdefault(notice.kind, []).append(notice)
            reminders = chosen.get("reminder", [])
            for kind, level in (("overdue", 2), ("escalation", 3)):  # the years miss no deadline
                chosen.setdefault(kind, [n.model_copy(update={"kind": kind, "level": level}) for n in reminders])
            for kind, found in chosen.items():
                for notice in found[:3] + found[-3:]:
                    for lang in LANGS:
                        contexts.append((kind, lang, context_of(session, notice, lang)))
    for lang in LANGS:
        invited = {"lang": lang, "recipient": {"name": "Асель Нурлановна", "is_servant": True, "gender": "f"}, "body": "Министерство",
                   "login": "A-00017", "link": "https://console.example/invitation/abc", "until": "2026-04-08, 18:00"}
        contexts.append((INVITATION_KIND, lang, invited))
    return contexts


def test_a_notice_filled_into_its_shapes_skeleton_reads_as_rendered_whole(years: dict[str, Year]) -> None:
    """For every kind and language, notices rendered from the skeleton of their shape (made
    from another notice's, with strings that escaping changes) read byte for byte as their
    template renders them, the strings the fast path must not take (blank, spaced, a line
    break, a list dash, a marker) too, and whatever fails fails the same way."""
    render_module._shapes.cache_clear()
    contexts = _sample_contexts(years)
    variants = [
        lambda s: s,
        lambda s: s + " " + TYPED,
        lambda s: TYPED + " " + s,
        lambda s: s + " + " + s,
        *[lambda s, unfit=unfit: unfit for unfit in UNFIT],
    ]
    compared = 0
    for kind, lang, context in contexts:
        for change in variants * 2:  # the second time round every shape has its skeleton
            changed = _every_string(context, change)
            assert _rendered_or_error(kind, lang, changed, whole=False) == _rendered_or_error(kind, lang, changed, whole=True), (kind, lang)
            compared += 1
    assert {kind for kind, _, _ in contexts} == set(kinds())
    every = {(kind, lang) for kind in kinds() for lang in LANGS}
    filled = {(kind, lang) for kind, lang in every if any(render_module._shapes(kind, lang).made.values())}  # type: ignore[union-attr]
    assert filled == every, every - filled  # every kind takes the fast path
    assert compared > 1000


def test_a_shape_met_once_is_rendered_whole_and_a_repeated_one_from_its_skeleton() -> None:
    """The skeleton is made on the second notice of a shape; a template that decides on a
    value keeps a shape per value; a name with doubled spaces is rendered whole."""
    render_module._shapes.cache_clear()
    context = {"lang": "en", "recipient": {"name": "Aigul", "is_servant": True, "gender": "f"}, "body": "Agency",
               "login": "A-1", "link": "https://console.example/i/1", "until": "8 April 2026, 18:00"}
    shapes = render_module._shapes(INVITATION_KIND, "en")
    assert shapes is not None
    render(INVITATION_KIND, "en", context)
    assert not shapes.made
    other = context | {"recipient": {"name": "Dauren", "is_servant": True, "gender": "f"}, "link": "https://console.example/i/2"}
    assert render(INVITATION_KIND, "en", other) == render_module.render_whole(INVITATION_KIND, "en", other)
    assert len(shapes.made) == 1 and all(shapes.made.values())
    spaced = context | {"recipient": {"name": "Aigul  Serikovna", "is_servant": True, "gender": "f"}}
    assert render(INVITATION_KIND, "en", spaced).text == render_module.render_whole(INVITATION_KIND, "en", spaced).text
    assert len(shapes.made) == 1


def test_decisive_values_that_are_equal_but_print_apart_are_shapes_apart() -> None:
    """Decimal 1.0 and 1.00, 0.0 and -0.0, True and 1 are equal, and print apart: each has
    a skeleton of its own."""
    environment = Environment(autoescape=False)  # the subject and text as render's plain template; the HTML escapes both
    source = "{% block subject %}{{ n if n >= 0 else 'below' }} {{ name }}{% endblock %}{% block text %}{{ name }}{% endblock %}"
    template = environment.from_string(source)
    reads = reads_of(environment.parse(source), ("subject", "text"))
    assert reads is not None

    def whole(context: Any) -> tuple[str, str, str]:
        values = template.new_context(dict(context))
        subject, text = ("".join(template.blocks[name](values)) for name in ("subject", "text"))
        return subject, text, str(escape(subject + text))

    shapes = Shapes(reads, whole)
    for n in (Decimal("1.0"), Decimal("1.00"), 0.0, -0.0, True, 1) * 3:
        for name in ("Aigul", "O'Neil & <Co>"):
            context = {"n": n, "name": name}
            assert (shapes.render(context) or whole(context)) == whole(context), context
    assert len([made for made in shapes.made.values() if made]) == 6

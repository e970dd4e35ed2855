"""Notices as people read them: a subject, a plain-text body and an HTML body, from one
Jinja2 template per kind of notice and language (templates/notices/<kind>.<lang>.j2, blocks
`subject`, `text`, `html`), in Kazakh, Russian or English.

The HTML block is rendered with autoescape on, so a name or a reason typed by a person
cannot become markup; the subject and the plain text are not HTML and are rendered from
the same file without escaping (an e-mail's text/plain part must not say "&amp;"). Both
use StrictUndefined: a variable missing from the context raises instead of printing
nothing. Every value a template shows is prepared here in the reader's language (dates,
periods, labels, paragraphs), so the templates hold only the wording.

A result is put into the context only for a recipient who may read it (typical2023 п.16,
п.21, states/confidentiality.py); for anyone else the templates have nothing to show.
"""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from jinja2.runtime import Context
from markupsafe import Markup, escape
from sqlmodel import Session, col, select

from methodology import loader
from methodology.i18n import DEFAULT_LANG, LANGS, Lang, cite
from methodology.notices import table
from methodology.schema import Methodology, TransitionDef, Workflow, as_kind
from methodology.workdays import ALMATY
from models import (
    Appeal,
    Appraisal,
    AuditEvent,
    CalibrationApplication,
    CalibrationParticipant,
    CalibrationSession,
    Consequence,
    Deadline,
    Notice,
    Position,
    RefusalAct,
    ScheduleEntry,
    Servant,
    StateBody,
    SurveyInvitation,
)
from notifications.compliance_report import labels as compliance_labels
from notifications.skeleton import Shapes, reads_of
from states import compliance, outbox
from states.confidentiality import may_read_result
from states.timeline import rows_of

T = TypeVar("T")
READ_AHEAD = "read_ahead"  # session.info's key of the rows read ahead, by (table, id)
TEMPLATES = Path(__file__).with_name("templates") / "notices"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(kind: str, lang: Lang, context: Mapping[str, Any]) -> Rendered:
    """One notice in one language; raises on a missing template or variable. A shape the
    kind's notices repeat is filled into its skeleton (notifications/skeleton.py), which
    reads exactly as the whole rendering."""
    shapes = _shapes(kind, lang)
    filled = shapes.render(context) if shapes else None
    return Rendered(*filled) if filled else render_whole(kind, lang, context)


def render_whole(kind: str, lang: Lang, context: Mapping[str, Any]) -> Rendered:
    """One notice rendered from its template."""
    plain, marked, frame = _templates(kind, lang)
    values = dict(context)  # one rendering context per template, shared by its blocks as in a whole render
    plain_context = plain.new_context(values)
    subject = " ".join(_block(plain, "subject", plain_context).split())  # one line: it is a header
    if _html_is_the_text(kind, lang):
        # The text block rendered once, its values escaped: unescaped, it is the plain
        # text; as paragraphs, the HTML, exactly as the html block would render it.
        marked_text = Markup(_block(marked, "text", marked.new_context(values)))
        raw_text, body = marked_text.unescape(), paragraphs(marked_text)
    else:
        marked_context = marked.new_context(values)
        raw_text, body = _block(plain, "text", plain_context), Markup(_block(marked, "html", marked_context))
    text = re.sub(r"\n{3,}", "\n\n", raw_text).strip() + "\n"  # optional paragraphs leave gaps
    head, middle, tail = _frame(lang)
    html = head + escape(subject) + middle + body + tail if middle is not None else frame.render(lang=lang, subject=subject, body=body)
    return Rendered(subject, text, str(html))


HTML_FROM_TEXT = "{% block html %}{{ self.text()|paragraphs }}{% endblock %}"


@cache
def _html_is_the_text(kind: str, lang: Lang) -> bool:
    """Whether the kind's html block is its text block as paragraphs and its wording (with
    what it includes, inlined by the loader) has no "&": the text rendered escaped and then unescaped is
    then exactly the text rendered plain (escaping touches only the values, and unescaping
    undoes it), so one rendering serves both."""
    environment = _environment(True)
    loader = environment.loader
    assert loader is not None, "_environment gives every environment its loader"
    source = loader.get_source(environment, f"{kind}.{lang}.j2")[0]
    return HTML_FROM_TEXT in source and "&" not in re.sub(r"{[{%#].*?[}%#]}", "", source, flags=re.S)


@cache
def _shapes(kind: str, lang: Lang) -> Shapes | None:
    """The kind's skeletons in a language, where the fast path applies: the HTML is the text
    as paragraphs, the frame is cut, and the template's blocks hold nothing the reading of
    notifications/skeleton.py does not follow."""
    if not _html_is_the_text(kind, lang) or _frame(lang)[1] is None:
        return None
    environment = _environment(True)
    loader = environment.loader
    assert loader is not None, "_environment gives every environment its loader"
    name = f"{kind}.{lang}.j2"
    reads = reads_of(environment.parse(loader.get_source(environment, name)[0], name), ("subject", "text"))
    return Shapes(reads, lambda context: astuple(render_whole(kind, lang, context))) if reads else None


@cache
def _frame(lang: Lang) -> tuple[Markup, Markup | None, Markup]:
    """The HTML frame around a notice, cut where its subject and body go (each once), so a
    batch fills it in instead of rendering it per notice; (frame, None, "") if it is not so."""
    subject, body = "\x00subject\x00", "\x00body\x00"
    whole = _environment(True).get_template("_frame.j2").render(lang=lang, subject=Markup(subject), body=Markup(body))
    if whole.count(subject) != 1 or whole.count(body) != 1 or whole.index(subject) > whole.index(body):
        return Markup(whole), None, Markup("")
    head, rest = whole.split(subject)
    middle, tail = rest.split(body)
    return Markup(head), Markup(middle), Markup(tail)


@cache
def _templates(kind: str, lang: Lang) -> tuple[Template, Template, Template]:
    """A kind's templates in a language, compiled once per process (a batch of a country's
    notices renders a handful of kinds, thousands of times each)."""
    name = f"{kind}.{lang}.j2"
    return _environment(False).get_template(name), _environment(True).get_template(name), _environment(True).get_template("_frame.j2")


def render_notice(session: Session, notice: Notice, lang: Lang | None = None, link: tuple[str, datetime] | None = None) -> Rendered:
    """A stored notice in `lang`, by default its recipient's own language; an invitation
    with the `link` delivery just made and its expiry (without one, "…": a preview)."""
    lang = lang or language_of(session, notice)
    return render(notice.kind, lang, context_of(session, notice, lang, link))


def _get(session: Session, table: type[T], id: int | None) -> T | None:
    """A row by id: from the rows a batch read ahead (notifications/delivery.py), which
    costs a dict look-up instead of the session's identity-map machinery, else the session."""
    found = session.info.get(READ_AHEAD, {}).get((table, id))
    return found if found is not None else session.get(table, id)


def language_of(session: Session, notice: Notice) -> Lang:
    person = _get(session, Servant, notice.recipient_id) if notice.recipient_id else None
    return person.lang if person and person.lang in LANGS else DEFAULT_LANG


def kinds() -> list[str]:
    """Every kind of notice that has templates (the sweep's and the table's)."""
    return sorted({path.name.split(".")[0] for path in TEMPLATES.glob("*.j2") if not path.name.startswith("_")})


INCLUDE = re.compile(r'{%\s*include\s+"([^"]+)"\s*%}\n?')


class _InliningLoader(FileSystemLoader):
    """The templates with each `{% include "name" %}` replaced by that file's source, once
    at load: a greeting and a footer rendered inline cost nothing, where an include builds
    a rendering context per notice. The output is the same: the included file keeps its
    final newline (keep_trailing_newline) and the newline after the tag goes with it, as
    trim_blocks drops it after an include."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        return INCLUDE.sub(lambda found: self.get_source(environment, found.group(1))[0], source), filename, uptodate


@cache
def _environment(html: bool) -> Environment:
    environment = Environment(
        loader=_InliningLoader(TEMPLATES),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the templates ship with the code: no stat of every file per notice
    )
    environment.filters["paragraphs"] = paragraphs
    return environment


def _block(template: Template, name: str, context: Context) -> str:
    return "".join(template.blocks[name](context))


def paragraphs(text: str) -> Markup:
    """Plain text as HTML: blank lines part paragraphs, lines starting "- " make a list.
    The text is escaped once, so the tags are joined as plain strings."""
    safe = str(text if isinstance(text, Markup) else escape(text))
    out = []
    for chunk in safe.strip().split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        for is_item, run in groupby(lines, key=lambda line: line.startswith("- ")):
            group = list(run)
            if is_item:
                out.append("<ul>" + "".join(f"<li>{line[2:]}</li>" for line in group) + "</ul>")
            else:
                out.append("<p>" + "<br>\n".join(group) + "</p>")
    return Markup("\n".join(out))


# --- words in the reader's language --------------------------------------------------------

MONTHS = {
    "kk": ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"],
    "ru": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
}
ROMAN = ["I", "II", "III", "IV"]


@lru_cache(maxsize=4096)  # a batch's notices name the same few due days thousands of times
def day(value: date | None, lang: Lang) -> str | None:
    if value is None:
        return None
    month = MONTHS[lang][value.month - 1]
    return {
        "kk": f"{value.year} жылғы {value.day} {month}",
        "ru": f"{value.day} {month} {value.year} года",
        "en": f"{value.day} {month} {value.year}",
    }[lang]


def period(text: str, lang: Lang) -> str:
    year, _, quarter = text.partition("-Q")
    if not quarter:
        return {"kk": f"{year} жыл", "ru": f"{year} год", "en": year}[lang]
    return {"kk": f"{year} жылғы {quarter}-тоқсан", "ru": f"{ROMAN[int(quarter) - 1]} квартал {year} года", "en": f"Q{quarter} {year}"}[lang]


def number(value: Decimal, lang: Lang) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:.2f}"
    return text if lang == "en" else text.replace(".", ",")


# The patronymic says how to address a person in Russian (Уважаемый / Уважаемая).
_MALE = ("ұлы", "улы", "ович", "евич", "ич")
_FEMALE = ("қызы", "кызы", "овна", "евна", "ична")


def gender(full_name: str) -> str | None:
    words = [word.lower() for word in full_name.split()]
    if any(word.endswith(_FEMALE) for word in words):
        return "f"
    if any(word.endswith(_MALE) for word in words):
        return "m"
    return None


def label(group: str, name: str, lang: Lang) -> str:
    return table().labels[group][name][lang]


# --- the context of a stored notice ----------------------------------------------------------


def context_of(session: Session, notice: Notice, lang: Lang, link: tuple[str, datetime] | None = None) -> dict[str, Any]:
    """Everything the notice's templates show, read from the stored data."""
    if notice.invitation_id is not None:
        return _invitation_context(session, notice, lang, link)
    if notice.appraisal_id is None:
        return _report_context(session, notice, lang)
    appraisal = _get(session, Appraisal, notice.appraisal_id)
    assert appraisal is not None
    definition = loader.load(appraisal.methodology)
    flow = definition.flow(as_kind(appraisal.kind))
    servant = _person(session, appraisal.servant_id)
    recipient = _get(session, Servant, notice.recipient_id) if notice.recipient_id else None
    position = _get(session, Position, servant.position_id) if servant.position_id else None
    body = _get(session, StateBody, servant.state_body_id)
    readable = recipient is not None and appraisal.score is not None and may_read_result(session, recipient, appraisal)
    context: dict[str, Any] = {
        "lang": lang,
        "recipient": _reader(recipient, is_servant=notice.recipient_id == servant.id),
        "body": body.name if body else "—",
        "servant": {"name": servant.full_name, "position": position.title if position else None},
        "appraisal": {
            "id": appraisal.id,
            "kind": label("kinds", appraisal.kind, lang),
            "period": period(appraisal.period, lang),
            "methodology": definition.title(lang),
            "state": flow.states[appraisal.state].label(lang),
        },
        "on": day((outbox.day_of(notice.key) if notice.event else None) or notice.due, lang),
        "event": _action(definition, _transition(flow, notice.event), lang),
        "task": _action(definition, _transition(flow, notice.task), lang),
        "step": _step(definition, notice, lang),
        "result": _result(definition, appraisal, lang) if readable else None,
        "confidential": appraisal.score is not None and not readable,
        "readers": cite(definition.id, definition.scope.result_readers_paragraph, lang) if definition.scope else None,
    }
    extra = EXTRAS.get(notice.kind)
    if extra:
        context.update(extra(session, definition, appraisal, notice, lang))
    return context


def _reader(recipient: Servant | None, *, is_servant: bool) -> dict[str, Any]:
    return {
        "name": recipient.full_name if recipient else "—",
        "is_servant": is_servant,
        "gender": gender(recipient.full_name) if recipient else None,
    }


def _report_context(session: Session, notice: Notice, lang: Lang) -> dict[str, Any]:
    """The weekly compliance report of a state body for its head of HR: the steps overdue on
    the day and those done late in the week before, as the report's files list them (steps,
    never results: typical2023 п.16)."""
    body = _get(session, StateBody, notice.state_body_id)
    assert body is not None
    since = notice.due - timedelta(days=7)
    found = compliance.rows_of(session, notice.due, lang, since, body.id)
    names = compliance_labels()
    return {
        "lang": lang,
        "recipient": _reader(_get(session, Servant, notice.recipient_id) if notice.recipient_id else None, is_servant=False),
        "body": body.name,
        "on": day(notice.due, lang),
        "since": day(since, lang),
        "overdue": sum(row.status == "overdue" for row in found),
        "late": sum(row.status == "late" for row in found),
        "rows": [
            {
                "step": row.step,
                "rule": row.rule,
                "servant": row.servant,
                "unit": row.unit,
                "responsible": row.responsible,
                "due": day(row.due, lang),
                "days": row.days_overdue,
                "status": names["statuses"][row.status][lang],
            }
            for row in found
        ],
    }


def _invitation_context(session: Session, notice: Notice, lang: Lang, link: tuple[str, datetime] | None) -> dict[str, Any]:
    """An invitation to the console: who, their login, the link and until when it works."""
    assert notice.recipient_id is not None, "an invitation's notice names its servant"
    person = _person(session, notice.recipient_id)
    body = _get(session, StateBody, person.state_body_id)
    until = link[1].astimezone(ALMATY) if link else None
    return {
        "lang": lang,
        "recipient": _reader(person, is_servant=True),
        "body": body.name if body else "—",
        "login": person.personnel_no,
        "link": link[0] if link else "…",
        "until": f"{day(until.date(), lang)}, {until:%H:%M}" if until else "…",
    }


def _person(session: Session, person_id: int) -> Servant:
    person = _get(session, Servant, person_id)
    assert person is not None
    return person


def _transition(flow: Workflow, action: str | None) -> TransitionDef | None:
    """The flow's row for an action a notice names (a sweep's notice names none: nothing to look up)."""
    return next((row for row in flow.transitions if row.action == action), None) if action else None


def _action(definition: Methodology, row: TransitionDef | None, lang: Lang) -> dict[str, str] | None:
    return {"label": row.label(lang), "paragraph": cite(definition.id, row.paragraph, lang)} if row else None


def _step(definition: Methodology, notice: Notice, lang: Lang) -> dict[str, Any] | None:
    """The deadline the notice is about: what, by when, under which paragraph."""
    rule = definition.deadlines.get(notice.step)
    if rule is None:
        return None
    return {  # the day recorded with the notice: the sweep's row when it fired, an action's step then
        "label": rule.label(lang),
        "due": day(notice.due, lang),
        "paragraph": cite(definition.id, rule.paragraph, lang),
        "window": rule.window,
        "responsible": label("roles", rule.responsible, lang),
    }


def _result(definition: Methodology, appraisal: Appraisal, lang: Lang) -> dict[str, Any]:
    rules = definition.rules(as_kind(appraisal.kind))
    assert rules is not None and appraisal.score is not None
    band = next((b for b in definition.bands(rules.bands).bands if b.id == appraisal.band), None)
    return {"score": number(appraisal.score, lang), "band": band.label(lang) if band else None}


# --- what each kind shows besides ------------------------------------------------------------

Extra = Callable[[Session, Methodology, Appraisal, Notice, Lang], dict[str, Any]]


def _lateness(session: Session, definition: Methodology, appraisal: Appraisal, notice: Notice, lang: Lang) -> dict[str, Any]:
    """Who is late on what, since when, and on which rung of the ladder the reader stands."""
    row = _get(session, Deadline, notice.deadline_id) if notice.deadline_id else None
    late = _get(session, Servant, row.responsible_id) if row and row.responsible_id else None
    reader = _get(session, Servant, notice.recipient_id) if notice.recipient_id else None
    ladder = definition.escalation.ladder if definition.escalation else []
    recorded = notice.created_at.astimezone(ALMATY).date() if notice.created_at.tzinfo else notice.created_at.date()
    index = notice.level - 2  # level 2 is the ladder's first rung (states/escalation.py)
    rung = ladder[index] if 0 <= index < len(ladder) else None
    holds = {  # the sweep tells HR when a rung has nobody (states/sweep.py _People)
        "responsible": reader is not None and reader is late,
        "manager": late is not None and reader is not None and late.manager_id == reader.id,
        "head_of_hr": reader is not None and reader.is_head_of_hr,
        "appointing_official": reader is not None and reader.is_appointing_official,
    }
    return {
        "late": {"name": late.full_name if late else None, "role": label("roles", definition.deadlines[notice.step].responsible, lang)},
        "since": day(notice.due + timedelta(days=1), lang),
        "days_late": max((recorded - notice.due).days, 0),
        "rung": rung if rung is None or holds[rung] else "hr",
    }


def _schedule(session: Session, definition: Methodology, appraisal: Appraisal, notice: Notice, lang: Lang) -> dict[str, Any]:
    """The schedule as the servant and the assessor read it before the appraisal starts (it
    goes out 10 calendar days before, mne2017 п.14): the start day and every step's due day."""
    rows = sorted((r for r in rows_of(session, appraisal) if r.status != "cancelled"), key=lambda r: (r.due, r.step))
    assessor = _get(session, Servant, appraisal.assessor_id) if appraisal.assessor_id else None
    return {
        "starts": day(_starts(session, definition, appraisal), lang),
        "deadlines": [
            {"label": definition.deadlines[r.step].label(lang), "due": day(r.due, lang), "paragraph": cite(definition.id, r.paragraph, lang)} for r in rows
        ],
        "assessor": assessor.full_name if assessor else None,
    }


def _starts(session: Session, definition: Methodology, appraisal: Appraisal) -> date | None:
    """The day the appraisal starts: the schedule's day recorded on it, which its deadlines
    count from (mne2017 п.14), else its unit's day in the approved schedule (typical2023 п.11,
    which counts nothing from it); None when the body has approved no schedule for it."""
    names = definition.schedule.events.get(as_kind(appraisal.kind), []) if definition.schedule else []
    recorded = next((appraisal.events[name] for name in names if name in appraisal.events), None)
    if recorded is not None:
        return date.fromisoformat(recorded)
    servant = _person(session, appraisal.servant_id)
    position = _get(session, Position, servant.position_id) if servant.position_id else None
    if position is None:
        return None
    query = select(col(ScheduleEntry.starts_on)).where(
        ScheduleEntry.state_body_id == servant.state_body_id,
        ScheduleEntry.kind == appraisal.kind,
        ScheduleEntry.period == appraisal.period,
        ScheduleEntry.unit_id == position.unit_id,
        col(ScheduleEntry.approved_on).is_not(None),
    )
    return session.exec(query).first()


def _refusal(session: Session, definition: Methodology, appraisal: Appraisal, notice: Notice, lang: Lang) -> dict[str, Any]:
    act = session.exec(
        select(RefusalAct).where(RefusalAct.appraisal_id == appraisal.id, RefusalAct.drawn_up_on <= notice.due).order_by(col(RefusalAct.id).desc())
    ).first()
    if act is None:
        raise LookupError(f"appraisal {appraisal.id} has no act of refusal by {notice.due}")
    witnesses = session.exec(select(Servant.full_name).where(col(Servant.id).in_(act.witnesses or [0]))).all()
    return {"act": {"refused": label("refused", act.refused, lang), "drawn_up_on": day(act.drawn_up_on, lang), "witnesses": sorted(witnesses)}}


def _application(session: Session, definition: Methodology, appraisal: Appraisal, notice: Notice, lang: Lang) -> dict[str, Any]:
    filed = session.exec(
        select(col(CalibrationApplication.filed_on)).where(CalibrationApplication.appraisal_id == appraisal.id).order_by(col(CalibrationApplication.id).desc())
    ).first()
    return {"filed_on": day(filed or notice.due, lang)}


def _decision(session: Session, definition: Methodology, appraisal: Appraisal, notice: Notice, lang: Lang) -> dict[str, Any]:
    reason = None
    if notice.event == "decline_calibration":
        event = session.exec(
            select(AuditEvent).where(AuditEvent.appraisal_id == appraisal.id, AuditEvent.action == notice.event).order_by(col(AuditEvent.id).desc())
        ).first()
        reason = event.data.get("reason") if event else None
    return {"convened": notice.event == "convene_calibration", "reason": reason}


def _session(session: Session, definition: Methodology, appraisal: Appraisal, notice: Notice, lang: Lang) -> dict[str, Any]:
    found = session.exec(select(CalibrationSession).where(CalibrationSession.appraisal_id == appraisal.id).order_by(col(CalibrationSession.id).desc())).first()
    if found is None:
        raise LookupError(f"appraisal {appraisal.id} has no calibration session")
    members = session.exec(select(CalibrationParticipant.id).where(CalibrationParticipant.session_id == found.id)).all()
    return {"session": {"decided_on": day(found.decided_on, lang), "held_on": day(found.held_on, lang), "participants": len(members)}}


def _meeting(session: Session, definition: Methodology, appraisal: Appraisal, notice: Notice, lang: Lang) -> dict[str, Any]:
    """The feedback meeting's rule, for the servant too (who has no task in it)."""
    rows = [row for row in definition.flow(as_kind(appraisal.kind)).transitions if row.action == "give_feedback"]
    return {"meeting": _action(definition, rows[0] if rows else None, lang)}


def _appeal(session: Session, definition: Methodology, appraisal: Appraisal, notice: Notice, lang: Lang) -> dict[str, Any]:
    found = session.exec(select(Appeal).where(Appeal.appraisal_id == appraisal.id).order_by(col(Appeal.id).desc())).first()
    if found is None:
        raise LookupError(f"appraisal {appraisal.id} has no appeal")
    return {
        "appeal": {
            "filed_on": day(found.filed_on, lang),
            "authority": found.authority,
            "decided_on": day(found.decided_on, lang),
            "outcome": label("outcomes", found.outcome, lang) if found.outcome in ("rejected", "revised") else None,
        }
    }


def _training(session: Session, definition: Methodology, appraisal: Appraisal, notice: Notice, lang: Lang) -> dict[str, Any]:
    rules = {rule.consequence: rule for rule in definition.consequences if appraisal.kind in rule.kinds}
    names = {c.id: c.name(lang) for group in (definition.survey360.competencies.values() if definition.survey360 else []) for c in group}
    rows = session.exec(select(Consequence).where(Consequence.appraisal_id == appraisal.id, col(Consequence.kind).in_(["training_due", "training_topics"])))
    return {
        "trainings": [
            {
                "label": rules[row.kind].label(lang),
                "paragraph": cite(definition.id, row.paragraph, lang),
                "due": day(row.due, lang),
                "topics": [names.get(topic, topic) for topic in row.data.get("competencies", [])],
            }
            for row in rows
            if row.kind in rules
        ]
    }


def _survey(session: Session, definition: Methodology, appraisal: Appraisal, notice: Notice, lang: Lang) -> dict[str, Any]:
    """What a respondent is asked, and by whom: never who else is (п.34: anonymous)."""
    role = session.exec(
        select(SurveyInvitation.role).where(SurveyInvitation.appraisal_id == appraisal.id, SurveyInvitation.respondent_id == notice.recipient_id)
    ).first()
    if role is None:
        raise LookupError(f"appraisal {appraisal.id}: {notice.recipient_id} was not invited to its survey")
    answer = next(row for row in definition.flow(as_kind(appraisal.kind)).transitions if row.action == "answer")
    return {"survey": {"role": label("respondents", role, lang), "self": role == "self", "anonymity": cite(definition.id, answer.paragraph, lang)}}


EXTRAS: dict[str, Extra] = {
    "reminder": _lateness,
    "overdue": _lateness,
    "escalation": _lateness,
    "schedule": _schedule,
    "refusal_act": _refusal,
    "calibration_received": _application,
    "calibration_decision": _decision,
    "session_invitation": _session,
    "protocol_placed": _session,
    "feedback_meeting": _meeting,
    "appeal_received": _appeal,
    "appeal_decided": _appeal,
    "training": _training,
    "survey_invitation": _survey,
    "survey_reminder": _survey,
}

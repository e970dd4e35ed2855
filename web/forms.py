"""The form of each action, from the shape of its data (docs/lifecycle.md): which inputs,
in which rows, and how a posted HTML form becomes the payload `states.service.act` takes.

An input is named by the path the handlers name in a refusal (`bonus_items[1].points`,
`scores[0]`), so a refusal is shown beside the very input it is about. A row left empty
is dropped; the posted rows keep their place in the names, and a refusal about the n-th
row sent is shown on the row the person typed it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping, Sequence

from sqlmodel import Session, col, select

from methodology import loader
from methodology.i18n import Lang
from methodology.schema import as_kind
from methodology.scoring.kpi import as_direction, realisation
from models import Appraisal, BonusItem, Indicator, Servant
from web.labels import word


@dataclass(frozen=True)
class Input:
    name: str  # the key inside its row (or the payload's key, at the top)
    label: str
    type: str = "text"  # text, textarea, int, number, date, bool, select, people
    options: tuple[tuple[str, str], ...] = ()
    value: Any = None
    required: bool = False
    blank: Any = ""  # what the input left empty stands for: "" for the handler to refuse, None where it may be left out


@dataclass(frozen=True)
class Row:
    caption: str | None  # what the row is about (an indicator's text, a KPI's range)
    inputs: tuple[Input, ...]
    key: str  # the path of the row: bonus_items[0], scores[1], scores.quality


@dataclass(frozen=True)
class Group:
    name: str
    label: str
    rows: tuple[Row, ...]
    scalar: bool = False  # scores[0], not scores[0].score
    keyed: bool = False  # scores.quality.score: a dict by parameter


@dataclass
class ActionForm:
    action: str
    label: str
    rule: str
    fields: list[Input] = field(default_factory=list)  # at the top of the payload
    groups: list[Group] = field(default_factory=list)
    page: str | None = None  # taken on a page of its own (a meeting, the questionnaire): its address

    def names(self) -> set[str]:
        out = {f.name for f in self.fields}
        for group in self.groups:
            for row in group.rows:
                out |= {row.key if group.scalar else f"{row.key}.{i.name}" for i in row.inputs}
        return out


def _choices(lang: Lang, *names: str, prefix: str = "") -> tuple[tuple[str, str], ...]:
    return tuple((name, word(f"{prefix}{name}", lang)) for name in names)


def _points(low: int, high: int) -> tuple[tuple[str, str], ...]:
    return tuple((str(n), str(n)) for n in range(low, high + 1))


def build(session: Session, appraisal: Appraisal, person: Servant, row: Any, rule: str, lang: Lang) -> ActionForm:
    """The form of one workflow row for this appraisal, in the reader's language."""
    form = ActionForm(row.action, row.label(lang), rule)
    if row.handler in PAGES:
        form.page = PAGES[row.handler].format(appraisal=appraisal.id)
    elif row.handler:
        MAKERS[row.handler](form, session, appraisal, lang)
    return form


def _bonus(lang: Lang, rows: int, filled: Sequence[tuple[str, Any]] = ()) -> Group:
    out = []
    for index in range(rows):
        description, points = filled[index] if index < len(filled) else (None, None)
        out.append(
            Row(
                None,
                (
                    Input("description", word("description", lang), value=description),
                    Input("points", word("points", lang), "select", (("", "—"), *_points(1, 5)), None if points is None else str(points)),
                ),
                f"bonus_items[{index}]",
            )
        )
    return Group("bonus_items", word("bonus_items", lang), tuple(out))


def _self(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    form.groups.append(_bonus(lang, 4))


def _manager(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    claims = session.exec(select(BonusItem).where(BonusItem.appraisal_id == appraisal.id).order_by(col(BonusItem.id))).all()
    filled = [(item.description, item.points if item.points is not None else item.self_points) for item in claims]
    form.groups.append(_bonus(lang, max(4, len(filled) + 1), filled))
    rows = tuple(
        Row(
            None,
            (
                Input("kind", word("violation_kind", lang), "select", (("", "—"), *_choices(lang, "executive", "labour"))),
                Input("occurred_on", word("occurred_on", lang), "date"),
                Input("source", word("source", lang), "select", (("", "—"), *_choices(lang, "hr", "document_flow", "direct_manager", prefix="source_"))),
                Input("proof", word("proof", lang)),
            ),
            f"violations[{index}]",
        )
        for index in range(3)
    )
    form.groups.append(Group("violations", word("violations", lang), rows))


def _colleagues(session: Session, appraisal: Appraisal, *, dismissed_too: bool = False) -> tuple[tuple[str, str], ...]:
    """The servant's colleagues in their state body, by name: who may witness, sit or
    answer; those dismissed left out unless asked for."""
    servant = session.get(Servant, appraisal.servant_id)
    assert servant is not None
    query = select(Servant).where(Servant.state_body_id == servant.state_body_id, Servant.id != servant.id)
    if not dismissed_too:
        query = query.where(Servant.dismissed_on == None)  # noqa: E711
    return tuple((str(p.id), p.full_name) for p in session.exec(query.order_by(col(Servant.full_name))))


def _act(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    form.fields += [
        Input("text", word("act_text", lang), "textarea", required=True),
        Input("witnesses", word("witnesses", lang), "people", _colleagues(session, appraisal, dismissed_too=True)),
    ]


def _indicators(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    existing = _indicators_of(session, appraisal)
    rows = tuple(
        Row(
            None,
            (
                Input("text", word("indicator", lang), value=existing[i].text if i < len(existing) else None),
                Input("measurable", word("measurable", lang), "bool", value=existing[i].measurable if i < len(existing) else True),
            ),
            f"indicators[{i}]",
        )
        for i in range(4)
    )
    form.groups.append(Group("indicators", word("indicators", lang), rows))


def _plan_scores(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    rows = tuple(
        Row(ind.text, (Input("score", word("score", lang), "select", (("", "—"), *_points(2, 5))),), f"scores[{i}]")
        for i, ind in enumerate(_indicators_of(session, appraisal))
    )
    form.groups.append(Group("scores", word("scores", lang), rows, scalar=True))


def _kpis(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    rows = tuple(
        Row(
            None,
            (
                Input("text", word("indicator", lang)),
                Input("unit", word("unit_of", lang)),
                Input("planned", word("planned", lang), "number"),
                Input("direction", word("direction", lang), "select", (("", "—"), *_choices(lang, "increase", "decrease"))),
            ),
            f"kpis[{i}]",
        )
        for i in range(5)
    )
    form.groups.append(Group("kpis", word("kpis", lang), rows))


def _actuals(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    rows = tuple(
        Row(f"{ind.text}: {word('planned', lang)} {_n(ind.planned)} {ind.unit or ''}", (Input("actual", word("actual", lang), "number"),), f"actuals[{i}]")
        for i, ind in enumerate(_indicators_of(session, appraisal))
    )
    form.groups.append(Group("actuals", word("kpis", lang), rows, scalar=True))


def _kpi_scores(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    """typical2023 п.28, Annex 3: the range each KPI's realisation allows, shown before
    the assessor types."""
    rules = loader.load(appraisal.methodology).kpi
    assert rules is not None
    rows = []
    for i, ind in enumerate(_indicators_of(session, appraisal)):
        caption = ind.text
        if ind.planned is not None and ind.actual is not None:
            percent = realisation(ind.planned, ind.actual, as_direction(ind.direction))
            allowed = rules.row_for(percent)
            caption += f" — {word('realisation', lang)} {_n(percent)}%; {word('allowed_range', lang)}: {_n(allowed.min)}–{_n(allowed.max)}"
        rows.append(Row(caption, (Input("score", word("score", lang), "number"),), f"scores[{i}]"))
    form.groups.append(Group("scores", word("scores", lang), tuple(rows), scalar=True))


def _differentiation(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    rules = loader.load(appraisal.methodology).differentiation
    assert rules is not None
    span = f"{_n(rules.score.min)}–{_n(rules.score.max)}"
    rows = tuple(
        Row(
            f"{p.name(lang)}: {p.criterion(lang)}",
            (
                Input("score", f"{word('score', lang)} ({span})", "number"),
                Input("justification", word("justification", lang), "textarea"),
            ),
            f"scores.{p.id}",
        )
        for p in rules.parameters
    )
    form.groups.append(Group("scores", word("scores", lang), rows, keyed=True))


def _text_only(key: str, label_key: str) -> Any:
    def make(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
        form.fields.append(Input(key, word(label_key, lang), "textarea", required=True))

    return make


def _appeal(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    form.fields += [Input("authority", word("authority", lang), required=True), Input("text", word("text", lang), "textarea", required=True)]


def _nothing(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    """No data: the step is its button (the year computed from its quarters, the survey closed)."""


def _dismissal(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    form.fields.append(Input("dismissed_on", word("dismissed_on", lang), "date", required=True))


def _absence(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    """Only the absences the methodology names defer (mne2017 п.3, typical2023 п.6)."""
    scope = loader.load(appraisal.methodology).scope
    assert scope is not None
    form.fields += [
        Input("kind", word("absence_kind", lang), "select", (("", "—"), *_choices(lang, *scope.absences, prefix="absence_")), required=True),
        Input("start", word("absence_start", lang), "date", required=True),
        Input("end", word("absence_end", lang), "date", blank=None),
    ]


def _without_participation(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    """typical2023 п.6–7: dismissed, or absent where the kind is appraised without the servant."""
    flow = loader.load(appraisal.methodology).flow(as_kind(appraisal.kind))
    reasons = ("dismissed", "absent") if flow.when_absent == "without_participation" else ("dismissed",)
    form.fields += [
        Input("reason", word("reason", lang), "select", _choices(lang, *reasons, prefix="without_"), required=True),
        Input("since", word("since", lang), "date", required=True),
    ]


def _appeal_outcome(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    """mne2017 п.39–40: rejected, or revised with the new score."""
    form.fields += [
        Input("outcome", word("appeal_outcome", lang), "select", _choices(lang, "rejected", "revised", prefix="outcome_"), required=True),
        Input("score", word("revised_score", lang), "number", blank=None),
    ]


def _participants(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    """typical2023 п.39: the appointing official approves the session's participants."""
    form.fields.append(Input("participants", word("calibration_participants", lang), "people", _colleagues(session, appraisal), required=True))


def _respondents(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    """typical2023 п.36: between the methodology's fewest and most respondents, each with
    their relation to the assessee; a row left empty is dropped."""
    rules = loader.load(appraisal.methodology).survey360
    assert rules is not None
    people = (("", "—"), *_colleagues(session, appraisal))
    relations = (("", "—"), *_choices(lang, *rules.roles, prefix="relation_"))
    rows = tuple(
        Row(
            None,
            (Input("servant", word("respondent", lang), "select", people), Input("role", word("relation", lang), "select", relations)),
            f"respondents[{i}]",
        )
        for i in range(rules.respondents.max)
    )
    form.groups.append(Group("respondents", word("respondents", lang), rows))


MAKERS = {
    "self_assessment": _self,
    "quarterly_score": _manager,
    "refusal_act": _act,
    "plan_indicators": _indicators,
    "plan_corrections": _indicators,
    "plan_score": _plan_scores,
    "kpi_plan": _kpis,
    "kpi_actuals": _actuals,
    "kpi_scores": _kpi_scores,
    "differentiation_scores": _differentiation,
    "appeal": _appeal,
    "calibration_application": _text_only("text", "text"),
    "calibration_decline": _text_only("reason", "reason"),
    "annual_score": _nothing,
    "survey_result": _nothing,
    "dismissal": _dismissal,
    "absence": _absence,
    "without_participation": _without_participation,
    "appeal_decision": _appeal_outcome,
    "calibration_convene": _participants,
    "survey_invite": _respondents,
}
# The steps a person takes on a page of their own, where the whole meeting or questionnaire is.
PAGES = {
    "commission_decision": "/meetings/commission/{appraisal}",
    "calibration_session": "/meetings/calibration/{appraisal}",
    "survey_answer": "/survey/{appraisal}",
}


def _indicators_of(session: Session, appraisal: Appraisal) -> list[Indicator]:
    """The appraisal's indicators (a plan's, a KPI sheet's), in their order."""
    return sorted(session.exec(select(Indicator).where(Indicator.appraisal_id == appraisal.id)).all(), key=lambda i: i.position)


def _n(value: Any) -> str:
    text = f"{value:f}" if value is not None else "—"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- a posted form as a payload ------------------------------------------------------------

_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def payload(form: ActionForm, posted: Mapping[str, Any], multi: Mapping[str, list[str]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The payload, and how the names of the rows sent map back to the rows typed in."""
    data: dict[str, Any] = {}
    renamed: dict[str, str] = {}
    for top in form.fields:
        value = multi.get(top.name, []) if top.type == "people" else posted.get(top.name, "")
        data[top.name] = [int(v) for v in value if v.isdigit()] if top.type == "people" else _typed(top, value)
    for group in form.groups:
        if group.keyed:
            data[group.name] = {row.key.split(".", 1)[1]: {i.name: _typed(i, posted.get(f"{row.key}.{i.name}", "")) for i in row.inputs} for row in group.rows}
            continue
        sent: list[Any] = []
        for row in group.rows:
            if group.scalar:
                sent.append(_typed(row.inputs[0], posted.get(row.key, "")))
                renamed[f"{group.name}[{len(sent) - 1}]"] = row.key
                continue
            values = {i.name: _typed(i, posted.get(f"{row.key}.{i.name}", "")) for i in row.inputs}
            if all(values[i.name] in ("", None) for i in row.inputs if i.type != "bool"):
                continue  # a row left empty
            renamed[f"{group.name}[{len(sent)}]"] = row.key
            sent.append(values)
        data[group.name] = sent
    return data, renamed


def _typed(spec: Input, value: Any) -> Any:
    value = value.strip() if isinstance(value, str) else value
    if spec.type == "bool":
        return value in ("on", "true", "1", True)
    if value == "":
        return spec.blank
    if spec.type in ("number", "select", "int") and isinstance(value, str):
        return number(value)
    return value


def number(text: str) -> Any:
    """A number typed in a form (a comma or a point before the decimals) as the number the
    handler reads; anything else as typed, so the handler refuses it by its field."""
    text = text.strip()
    if not _NUMBER.match(text):
        return text
    text = text.replace(",", ".")
    return int(text) if "." not in text else Decimal(text)


# The scoring functions name a value by their own input's path (methodology/scoring).
_ALIASES = (
    (re.compile(r"^kpis\[(\d+)\]\.score$"), r"scores[\1]"),
    (re.compile(r"^bonus_points\[(\d+)\]$"), r"bonus_items[\1].points"),
)


def place(field_path: str, form: ActionForm, renamed: Mapping[str, str]) -> str | None:
    """The input a refusal is about (kpis[1].score is the KPI form's scores[1]), or None."""
    path = field_path
    for sent, typed in sorted(renamed.items(), key=lambda kv: -len(kv[0])):
        if path == sent or path.startswith(sent + "."):
            path = typed + path[len(sent) :]
            break
    names = form.names()
    for candidate in (path, *(pattern.sub(into, path) for pattern, into in _ALIASES)):
        if candidate in names:
            return candidate
    return None

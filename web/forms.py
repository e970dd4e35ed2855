"""The form of each action, from the shape of its data (docs/lifecycle.md): which inputs,
in which rows, and how a posted HTML form becomes the payload `states.service.act` takes.

An input is named by the path the handlers name in a refusal (`bonus_items[1].points`,
`scores[0]`), so a refusal is shown beside the very input it is about. A row left empty
is dropped; the posted rows keep their place in the names, and a refusal about the n-th
row sent is shown on the row the person typed it in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping, Sequence

from sqlmodel import Session, col, select

from methodology import loader
from methodology.errors import InvalidInput
from methodology.i18n import Lang
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
    raw_json: bool = False  # no specific form: the data as JSON text

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
    maker = _MAKERS.get(row.handler or "")
    if maker:
        maker(form, session, appraisal, lang)
    elif row.handler:
        form.raw_json = True
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


def _act(form: ActionForm, session: Session, appraisal: Appraisal, lang: Lang) -> None:
    servant = session.get(Servant, appraisal.servant_id)
    assert servant is not None
    people = session.exec(select(Servant).where(Servant.state_body_id == servant.state_body_id, Servant.id != servant.id).order_by(Servant.full_name)).all()
    form.fields += [
        Input("text", word("act_text", lang), "textarea", required=True),
        Input("witnesses", word("witnesses", lang), "people", tuple((str(p.id), p.full_name) for p in people)),
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


_MAKERS = {
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
    if form.raw_json:
        return _json(posted.get("data") or "{}"), {}
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


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput("json", field="data", value=text, rule="docs/lifecycle.md", line=error.lineno, column=error.colno) from None
    if not isinstance(value, dict):
        raise InvalidInput("type_object", field="data", value=text, rule="docs/lifecycle.md")
    return value


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

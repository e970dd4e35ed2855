"""What a person sees, built once for the pages and the API alike: their tasks, their
appraisals, one appraisal as they may see it (states.confidentiality: `may_see` decides
whether it exists for them at all, `may_read_result` whether its score and band do).

Nothing here reads the clock: the day comes from the web entry point (`on`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from methodology import loader
from methodology.i18n import Lang, cite
from methodology.notices import table
from methodology.schema import Band, Methodology, as_kind
from models import Appraisal, Deadline, Servant, SurveyInvitation
from models.db import id_of
from notifications.forms import FORMS
from notifications.render import day, label, period
from states import service
from states.confidentiality import may_read_result, may_see
from states.people import on_commission, roles_of
from web.labels import word


@dataclass(frozen=True)
class Task:
    appraisal: int
    action: str
    label: str
    servant: str
    kind: str
    period: str
    due: date | None
    overdue: bool
    rung: int  # the escalation ladder's rung reached (0: none)
    visible: bool  # whether the appraisal page is open to them (a 360 respondent's is not)


def candidates(session: Session, person: Servant) -> list[Appraisal]:
    """Open appraisals this person may have a part in: theirs, those they assess, and
    those of their body when they are HR, the appointing official or on the commission."""
    mine = or_(col(Appraisal.servant_id) == person.id, col(Appraisal.assessor_id) == person.id)
    conditions = [mine]
    if person.is_hr or person.is_head_of_hr or person.is_appointing_official or on_commission(session, person):
        body = select(Servant.id).where(Servant.state_body_id == person.state_body_id)
        conditions.append(col(Appraisal.servant_id).in_(body))
    invited = select(SurveyInvitation.appraisal_id).where(SurveyInvitation.respondent_id == person.id)
    conditions.append(col(Appraisal.id).in_(invited))
    query = select(Appraisal).where(col(Appraisal.closed_on).is_(None), or_(*conditions)).order_by(col(Appraisal.id))
    return list(session.exec(query))


def tasks(session: Session, person: Servant, on: date, lang: Lang) -> list[Task]:
    """What I must do now, and by when: the workflow table's rows open to me, with the
    open deadline I owe (the working-day due date, overdue, the rung reached)."""
    out = []
    for appraisal in candidates(session, person):
        rows = service.allowed(session, appraisal, person)
        if not rows:
            continue
        roles = roles_of(session, person, appraisal)
        owed = _owed(session, appraisal, roles)
        servant = session.get(Servant, appraisal.servant_id)
        visible = may_see(session, person, appraisal)
        for row in rows:
            out.append(Task(
                appraisal=id_of(appraisal), action=row.action, label=row.label(lang),
                servant=servant.full_name if servant else "—", kind=label("kinds", appraisal.kind, lang),
                period=period(appraisal.period, lang), due=owed.due if owed else None,
                overdue=bool(owed and owed.due < on), rung=max(0, owed.level - 2) if owed else 0, visible=visible,
            ))
    return sorted(out, key=lambda t: (t.due or date.max, t.appraisal))


def _owed(session: Session, appraisal: Appraisal, roles: set[str]) -> Deadline | None:
    query = select(Deadline).where(Deadline.appraisal_id == appraisal.id, Deadline.status == "open").order_by(col(Deadline.due))
    rows = list(session.exec(query))
    return next((row for row in rows if row.responsible_role in roles), rows[0] if rows else None)


def summary(session: Session, person: Servant, appraisal: Appraisal, lang: Lang) -> dict[str, Any]:
    """One line of an appraisal, its result only where the person may read it."""
    definition = loader.load(appraisal.methodology)
    flow = definition.flow(as_kind(appraisal.kind))
    servant = session.get(Servant, appraisal.servant_id)
    line: dict[str, Any] = {
        "id": appraisal.id, "servant": servant.full_name if servant else None,
        "methodology": appraisal.methodology, "kind": appraisal.kind, "kind_label": label("kinds", appraisal.kind, lang),
        "period": appraisal.period, "period_label": period(appraisal.period, lang),
        "state": appraisal.state, "state_label": flow.states[appraisal.state].label(lang), "version": appraisal.version,
    }
    if may_read_result(session, person, appraisal):
        bands = {band.id: band for band in _bands(definition, appraisal)}
        line["score"] = None if appraisal.score is None else str(appraisal.score)
        line["band"] = appraisal.band
        line["band_label"] = bands[appraisal.band].label(lang) if appraisal.band in bands else None
    return line


def _bands(definition: Methodology, appraisal: Appraisal) -> list[Band]:
    rules = definition.rules(as_kind(appraisal.kind))
    return definition.bands(rules.bands).bands if rules else []


def my_appraisals(session: Session, person: Servant, lang: Lang) -> list[dict[str, Any]]:
    """Appraisals of mine and those I assess, newest first, as I may see them."""
    query = select(Appraisal).where(or_(col(Appraisal.servant_id) == person.id, col(Appraisal.assessor_id) == person.id)).order_by(col(Appraisal.id).desc())
    return [summary(session, person, a, lang) for a in session.exec(query).all()[:50] if may_see(session, person, a)]


def visible(session: Session, person: Servant, appraisal_id: int) -> Appraisal | None:
    """The appraisal if this person may see it; None otherwise (a 404, with no hint)."""
    appraisal = session.get(Appraisal, appraisal_id)
    return appraisal if appraisal is not None and may_see(session, person, appraisal) else None


def detail(session: Session, person: Servant, appraisal: Appraisal, lang: Lang) -> dict[str, Any]:
    """The whole appraisal page's data: history, open deadlines, documents, actions."""
    definition = loader.load(appraisal.methodology)
    deadlines = session.exec(select(Deadline).where(Deadline.appraisal_id == appraisal.id, Deadline.status == "open").order_by(col(Deadline.due)))
    readable = may_read_result(session, person, appraisal)
    return {
        **summary(session, person, appraisal, lang),
        "result_readable": readable,
        "title": definition.title(lang),
        "open_deadlines": [
            {"step": d.step, "label": definition.deadlines[d.step].label(lang) if d.step in definition.deadlines else d.step,
             "due": d.due.isoformat(), "due_label": day(d.due, lang), "rule": cite(appraisal.methodology, d.paragraph, lang),
             "responsible": _role(d.responsible_role, lang),
             "level": d.level}
            for d in deadlines
        ],
        "you_may": [{"action": t.action, "label": t.label(lang), "rule": cite(appraisal.methodology, t.paragraph, lang),
                     "handler": t.handler} for t in service.allowed(session, appraisal, person)],
        "history": [
            {"at": e.at.isoformat(), "on_label": day(e.at.date(), lang), "action": e.action, "action_label": word("opened", lang) if e.action == "open" else _action_label(definition, appraisal, e.action, lang),
             "from": e.from_state, "to": e.to_state, "role": e.actor_role,
             "role_label": _role(e.actor_role, lang)}
            for e in service.history(session, id_of(appraisal))
        ],
        "documents": [{"name": name, "label": word(f"doc_{name}", lang)} for name, form in FORMS.items()
                      if appraisal.kind in form.kinds and form.name != "refusal-act" and (readable or not form.confidential)],
    }


def _role(role: str, lang: Lang) -> str:
    if role == "system":
        return word("role_system", lang)
    return label("roles", role, lang) if role in table().labels["roles"] else role


def _action_label(definition: Methodology, appraisal: Appraisal, action: str, lang: Lang) -> str:
    rows = [row for row in definition.flow(as_kind(appraisal.kind)).transitions if row.action == action]
    return rows[0].label(lang) if rows else action

"""What a person sees, built once for the pages and the API alike: their tasks, their
appraisals, one appraisal as they may see it (states.confidentiality: `may_see` decides
whether it exists for them at all, `may_read_result` whether its score and band do).

Nothing here reads the clock: the day comes from the web entry point (`on`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import and_, false, or_, union
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from methodology import loader
from methodology.i18n import Lang, cite
from methodology.labels import action as action_label
from methodology.notices import table
from methodology.schema import Band, Methodology, as_kind
from models import Appraisal, Deadline, Servant, SurveyInvitation
from models.db import among, id_of, table_of
from notifications.forms import FORMS
from notifications.render import day, label, period
from states import service
from states.confidentiality import may_read_result, may_see, reads_result, seen_among
from states.people import Standing, on_commission
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


def candidates(session: Session, person: Servant, standing: Standing | None = None) -> list[Appraisal]:
    """Open appraisals this person may have a part in: theirs, those they assess, those they
    were asked to answer, and those of their body when they are HR, the appointing
    official or on the commission (`_theirs`)."""
    query = (
        select(Appraisal)
        .where(col(Appraisal.closed_on).is_(None), col(Appraisal.id).in_(_theirs(session, person, False, standing)))
        .order_by(col(Appraisal.id))
    )
    return list(session.exec(query))


def _theirs(session: Session, person: Servant, workable: bool, standing: Standing | None) -> Any:
    """The ids of the appraisals `candidates` reads. `workable`: of the body's, only those
    in a state where one of these offices has a step to take now (a body's HR would
    otherwise read every draft of the body). A page that has read the person's `standing`
    passes it, and the commission is not asked again."""
    # One branch per way in, each asked of its own index, joined by UNION: an OR of them
    # would read the whole appraisal table.
    branches: list[Any] = [*_own_and_assessed(person), select(col(SurveyInvitation.appraisal_id)).where(SurveyInvitation.respondent_id == person.id)]
    offices = {role for role, holds in (("hr", person.is_hr or person.is_appointing_official), ("appointing_official", person.is_appointing_official)) if holds}
    if standing.on_commission if standing else on_commission(session, person):
        offices.add("commission")
    if offices or person.is_head_of_hr:
        body = select(col(Appraisal.id)).join(Servant, col(Servant.id) == Appraisal.servant_id).where(Servant.state_body_id == person.state_body_id)
        branches.append(body.where(_in_states(_workable(frozenset(offices)))) if workable else body)
    return union(*branches)


def _own_and_assessed(person: Servant) -> list[Any]:
    """The ids of the person's own appraisals and of those they assess, a branch each."""
    return [select(col(Appraisal.id)).where(col(Appraisal.servant_id) == person.id), select(col(Appraisal.id)).where(col(Appraisal.assessor_id) == person.id)]


@cache
def _workable(roles: frozenset[str]) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(methodology, kind, states) where the workflow table gives one of `roles` a step
    owed now (not one taken on an event)."""
    found = []
    for definition in loader.loadable()[0]:
        for kind in definition.workflow:
            rows = [row for row in definition.flow(kind).transitions if not row.on_event and roles & set(row.roles)]
            if rows:
                found.append((definition.id, kind, tuple(sorted({state for row in rows for state in row.source}))))
    return tuple(found)


@cache  # a statement's clause is immutable: built once, and its compiled form is cached with it
def _in_states(workable: tuple[tuple[str, str, tuple[str, ...]], ...]) -> Any:
    return or_(false(), *(and_(col(Appraisal.methodology) == m, col(Appraisal.kind) == k, col(Appraisal.state).in_(states)) for m, k, states in workable))


@dataclass(frozen=True)
class _Listed:
    """An appraisal as a list of them shows it: its columns and its servant's, read by one
    query with no whole objects; it stands for both in the questions of roles and sight."""

    id: int
    servant_id: int
    assessor_id: int | None
    methodology: str
    kind: str
    period: str
    state: str
    version: int
    score: Decimal | None
    band: str | None
    full_name: str | None  # None: its servant is gone
    state_body_id: int
    is_head_of_hr: bool

    @property
    def servant(self) -> _Listed | None:
        return self if self.full_name is not None else None


_LISTED = (
    col(Appraisal.id),
    col(Appraisal.servant_id),
    col(Appraisal.assessor_id),
    col(Appraisal.methodology),
    col(Appraisal.kind),
    col(Appraisal.period),
    col(Appraisal.state),
    col(Appraisal.version),
    col(Appraisal.score),
    col(Appraisal.band),
    col(Servant.full_name),
    col(Servant.state_body_id),
    col(Servant.is_head_of_hr),
)


@dataclass(frozen=True)
class Tasks:
    """What I must do now, every task in order (by due day, then appraisal), as few columns
    as the order needs; `page` makes a page of them into what the page shows."""

    session: Session
    standing: Standing
    on: date
    owed: list[tuple[_Listed, Any, tuple[date, int] | None]]  # the appraisal, the workflow row, (due, level)

    def __len__(self) -> int:
        return len(self.owed)

    def page(self, lang: Lang, offset: int = 0, limit: int | None = None) -> list[Task]:
        """`limit` tasks from `offset` (all: None); only these are asked whether the
        appraisal is open to me (at most one query) and put into words."""
        shown = self.owed[offset : None if limit is None else offset + limit]
        appraisals = list({a.id: a for a, _, _ in shown}.values())
        seen = seen_among(self.session, self.standing, appraisals, {a.servant_id: a for a in appraisals if a.full_name is not None})
        return [
            Task(
                appraisal=appraisal.id,
                action=row.action,
                label=row.label(lang),
                servant=appraisal.full_name or "—",
                kind=label("kinds", appraisal.kind, lang),
                period=period(appraisal.period, lang),
                due=owed[0] if owed else None,
                overdue=bool(owed and owed[0] < self.on),
                rung=max(0, owed[1] - 2) if owed else 0,
                visible=appraisal.id in seen,
            )
            for appraisal, row, owed in shown
        ]


def tasks(session: Session, person: Servant, on: date, standing: Standing | None = None) -> Tasks:
    """What I must do now, and by when: the workflow table's rows open to me (but those
    taken when something happens, `on_event`: a deferral, a withdrawal), with the open
    deadline I owe (the working-day due date, overdue, the rung reached). In a fixed
    number of queries however many appraisals I have a part in (HR: the whole body), of
    their columns only; with my `standing` when the page has read it already."""
    standing = standing or Standing.of(session, person)
    query = (
        sa_select(*_LISTED)
        .select_from(Appraisal)
        .join(Servant, col(Servant.id) == Appraisal.servant_id, isouter=True)
        .where(col(Appraisal.closed_on).is_(None), col(Appraisal.id).in_(_theirs(session, person, True, standing)))
        .order_by(col(Appraisal.id))
    )
    open_to_me = []
    owed_in: dict[tuple[str, str, str, frozenset[str]], list[Any]] = {}  # HR's hundreds share a few states and roles
    for appraisal in (_Listed(*row) for row in session.execute(query)):
        roles = standing.roles(appraisal, appraisal.servant)
        key = (appraisal.methodology, appraisal.kind, appraisal.state, frozenset(roles))
        if key not in owed_in:
            owed_in[key] = [row for row in service.allowed_for(roles, appraisal) if not row.on_event]
        if rows := owed_in[key]:
            open_to_me.append((appraisal, roles, rows))
    deadlines = _open_deadlines(session, [a.id for a, _, _ in open_to_me])
    owed = [(a, row, _owed(deadlines.get(a.id, []), roles)) for a, roles, rows in open_to_me for row in rows]
    return Tasks(session, standing, on, sorted(owed, key=lambda t: (t[2][0] if t[2] else date.max, t[0].id)))


def _open_deadlines(session: Session, appraisals: list[int]) -> dict[int, list[tuple[str, date, int]]]:
    """Each appraisal's open deadlines (role, due day, level), earliest first, by one query
    (its ids one array: a head of HR's My work has a body's hundreds)."""
    query = (
        sa_select(col(Deadline.appraisal_id), col(Deadline.responsible_role), col(Deadline.due), col(Deadline.level))
        .where(among(session, table_of(Deadline).c.appraisal_id, appraisals), col(Deadline.status) == "open")
        .order_by(col(Deadline.appraisal_id), col(Deadline.due), col(Deadline.id))
    )
    by_appraisal: dict[int, list[tuple[str, date, int]]] = {}
    for appraisal, role, due, level in session.execute(query):
        by_appraisal.setdefault(appraisal, []).append((role, due, level))
    return by_appraisal


def _owed(deadlines: list[tuple[str, date, int]], roles: set[str]) -> tuple[date, int] | None:
    """(due, level) of the first open deadline of one of my roles; else the appraisal's first."""
    found = next((row for row in deadlines if row[0] in roles), deadlines[0] if deadlines else None)
    return found[1:] if found else None


def summary(session: Session, person: Servant, appraisal: Appraisal, lang: Lang) -> dict[str, Any]:
    """One line of an appraisal, its result only where the person may read it."""
    servant = session.get(Servant, appraisal.servant_id)
    return _line(appraisal, servant.full_name if servant else None, may_read_result(session, person, appraisal), lang)


def listed(session: Session, *where: Any, order_by: Any, limit: int | None = None) -> list[_Listed]:
    """The appraisals `where` says, each with its servant's columns, by one query."""
    query = sa_select(*_LISTED).select_from(Appraisal).join(Servant, col(Servant.id) == Appraisal.servant_id, isouter=True)
    return [_Listed(*row) for row in session.execute(query.where(*where).order_by(*order_by).limit(limit))]


def lines(standing: Standing, appraisals: list[_Listed], lang: Lang) -> list[dict[str, Any]]:
    """Each appraisal's line, its result only where the person of `standing` may read it."""
    return [_line(a, a.full_name, reads_result(standing, a, a.servant), lang) for a in appraisals]


def _line(appraisal: Appraisal | _Listed, servant: str | None, readable: bool, lang: Lang) -> dict[str, Any]:
    definition = loader.load(appraisal.methodology)
    flow = definition.flow(as_kind(appraisal.kind))
    line: dict[str, Any] = {
        "id": appraisal.id,
        "servant": servant,
        "methodology": appraisal.methodology,
        "kind": appraisal.kind,
        "kind_label": label("kinds", appraisal.kind, lang),
        "period": appraisal.period,
        "period_label": period(appraisal.period, lang),
        "state": appraisal.state,
        "state_label": flow.states[appraisal.state].label(lang),
        "version": appraisal.version,
    }
    if readable:
        bands = {band.id: band for band in _bands(definition, appraisal.kind)}
        line["score"] = None if appraisal.score is None else str(appraisal.score)
        line["band"] = appraisal.band
        line["band_label"] = bands[appraisal.band].label(lang) if appraisal.band in bands else None
    return line


def _bands(definition: Methodology, kind: str) -> list[Band]:
    rules = definition.rules(as_kind(kind))
    return definition.bands(rules.bands).bands if rules else []


def my_appraisals(session: Session, person: Servant, lang: Lang, standing: Standing | None = None) -> list[dict[str, Any]]:
    """Appraisals of mine and those I assess, newest first, as I may see them (the latest 50)."""
    # The two ways in _theirs starts with, each asked of its own index: under an OR, the
    # plan PostgreSQL keeps for the prepared statement after five runs walks the whole
    # table's primary key from the newest id (9.5 ms at 100,000 servants, against 0.3).
    mine = col(Appraisal.id).in_(union(*_own_and_assessed(person)))
    appraisals = listed(session, mine, order_by=[col(Appraisal.id).desc()], limit=50)
    standing = standing or Standing.of(session, person)
    seen = seen_among(session, standing, appraisals, {a.servant_id: a.servant for a in appraisals})
    return lines(standing, [a for a in appraisals if a.id in seen], lang)


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
            {
                "step": d.step,
                "label": definition.deadlines[d.step].label(lang) if d.step in definition.deadlines else d.step,
                "due": d.due.isoformat(),
                "due_label": day(d.due, lang),
                "rule": cite(appraisal.methodology, d.paragraph, lang),
                "responsible": _role(d.responsible_role, lang),
                "level": d.level,
            }
            for d in deadlines
        ],
        "you_may": [
            {"action": t.action, "label": t.label(lang), "rule": cite(appraisal.methodology, t.paragraph, lang), "handler": t.handler}
            for t in service.allowed(session, appraisal, person)
        ],
        "history": [
            {
                "at": e.at.isoformat(),
                "on_label": day(e.at.date(), lang),
                "action": e.action,
                "action_label": action_label(e.action, lang, appraisal.methodology, appraisal.kind),
                "from": e.from_state,
                "to": e.to_state,
                "role": e.actor_role,
                "role_label": _role(e.actor_role, lang),
            }
            for e in service.history(session, id_of(appraisal))
        ],
        "documents": [
            {"name": name, "label": word(f"doc_{name}", lang)}
            for name, form in FORMS.items()
            if (readable or not form.confidential) and form.exists_for(session, appraisal)
        ],
    }


def _role(role: str, lang: Lang) -> str:
    if role == "system":
        return word("role_system", lang)
    return label("roles", role, lang) if role in table().labels["roles"] else role

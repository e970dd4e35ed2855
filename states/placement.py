"""Who of a state body a cycle appraises, and how, decided inside the database.

The scope rules of a definition form one ordered table of (condition, state,
participation, reason): the first condition a servant meets places them, and a servant
who meets none is appraised in full from the workflow's initial state. The table becomes
three SQL CASE expressions over the servant's row, so a cycle of any size is placed by one
INSERT … SELECT instead of a Python loop over its servants:

- dismissed before the period, or at all where dismissal ends the appraisal: not
  appraised (typical2023 п.7); dismissed otherwise: appraised without participation;
- appointed with fewer months left in the year than the appointment rule asks: exempt
  (typical2023 п.23: no KPIs);
- fewer than `min_months_in_position` months in the position by the period's end, or on
  probation beyond it: exempt (mne2017 п.3, typical2023 п.6);
- a person of the body outside the B corps (a head's assessor, mne2017 п.4) is no one's
  appraisee: left out altogether;
- absent on the opening day for a reason the methodology names: deferred, or appraised
  without participation, as the workflow says (typical2023 п.6).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date
from functools import reduce

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, String, and_, case, func, literal, null, or_, select, true, type_coerce
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import Select
from sqlmodel import col

from methodology.deadlines import Period
from methodology.schema import Methodology, Workflow
from models import Absence, Position, Servant
from states import appointments


@dataclass(frozen=True)
class Rule:
    when: ColumnElement[bool]
    state: str
    participation: str
    reason: ColumnElement[str]


@dataclass(frozen=True)
class Placing:
    """The placement of the servants of some state bodies a kind concerns, as SQL: `select`
    is their rows (Servant joined with Position and their absence), whose columns a caller
    picks, among them `state`, `participation` and `reason`."""

    state: ColumnElement[str]
    participation: ColumnElement[str]
    reason: ColumnElement[str | None]
    select: Select


def placing(definition: Methodology, flow: Workflow, kind: str, body_ids: list[int], period: Period, on: date, dialect: str) -> Placing:
    rules = _rules(definition, flow, kind, period, on, dialect)
    state = case(*((r.when, literal(r.state)) for r in rules), else_=literal(flow.initial))
    participation = case(*((r.when, literal(r.participation)) for r in rules), else_=literal("full"))
    reason = case(*((r.when, r.reason) for r in rules), else_=null())
    query = (
        select(col(Servant.id))
        .select_from(Servant)
        .join(Position, col(Position.id) == Servant.position_id, isouter=True)
        .join(Absence, col(Absence.id) == _absence_id(definition, on), isouter=True)
        .where(col(Servant.state_body_id).in_(body_ids), _concerned(definition, flow), col(Servant.outside_b_corps).is_(False))
    )
    return Placing(state, participation, reason, query)


def _rules(definition: Methodology, flow: Workflow, kind: str, period: Period, on: date, dialect: str) -> list[Rule]:
    scope = definition.scope
    assert scope is not None, f"{definition.id} has no scope"

    dismissed = and_(col(Servant.dismissed_on).is_not(None), col(Servant.dismissed_on) <= on)
    why_dismissed = because("dismissed ", _iso(Servant.dismissed_on, dialect), f" ({scope.dismissed_paragraph})")
    ends = dismissed if scope.when_dismissed == "not_appraised" else and_(dismissed, col(Servant.dismissed_on) < period.start)
    # Fewer than N months in the position during the period: started after this day.
    rules = [
        Rule(ends, "not_appraised", "full", why_dismissed),
        Rule(dismissed, flow.initial, "without", why_dismissed),
        *_too_late(definition, kind, period, dialect),
        Rule(
            col(Servant.position_start) > latest_start(definition, period),
            "exempt",
            "full",
            because("in the position since ", _iso(Servant.position_start, dialect), f" ({scope.exempt_paragraph})"),
        ),
    ]
    if scope.exempt_on_probation:
        rules.append(
            Rule(
                col(Servant.probation_end) > period.end,
                "exempt",
                "full",
                because("on probation until ", _iso(Servant.probation_end, dialect), f" ({scope.exempt_paragraph})"),
            )
        )
    if flow.when_absent != "none":
        absent = because(Absence.kind, " ", _iso(Absence.start, dialect), "–", _iso(Absence.end, dialect), f" ({scope.absences_paragraph})")
        deferred = flow.when_absent == "defer"
        rules.append(Rule(col(Absence.id).is_not(None), "deferred" if deferred else flow.initial, "full" if deferred else "without", absent))
    return rules


def latest_start(definition: Methodology, period: Period) -> date:
    """Fewer than N months in the position during the period: started after this day
    (mne2017 п.3, typical2023 п.6)."""
    assert definition.scope is not None
    return period.end + relativedelta(days=1) - relativedelta(months=definition.scope.min_months_in_position)


def _too_late(definition: Methodology, kind: str, period: Period, dialect: str) -> list[Rule]:
    """Appointed with fewer months left in the year than the appointment rule asks: no KPIs
    at all (typical2023 п.23), whatever the quarter."""
    rule = appointments.rule_for(definition, kind)
    last = appointments.none_after(rule, period.year) if rule else None
    if rule is None or last is None:
        return []
    why = because("appointed ", _iso(Servant.position_start, dialect), f", fewer than {rule.min_months_left} months left ({rule.paragraph})")
    return [Rule(col(Servant.position_start) > last, "exempt", "full", why)]


def because(*parts: ColumnElement[str] | str) -> ColumnElement[str]:
    """A reason as SQL text: literal words and column values joined (||)."""
    return reduce(operator.add, [literal(p) if isinstance(p, str) else p for p in parts])


def _absence_id(definition: Methodology, on: date) -> ColumnElement[int]:
    """The servant's absence on the opening day for a reason the methodology names (the
    earliest recorded, should two overlap)."""
    assert definition.scope is not None
    away = aliased(Absence)  # the outer query joins Absence itself
    return (
        select(func.min(away.id))
        .where(col(away.servant_id) == Servant.id, col(away.kind).in_(definition.scope.absences), col(away.start) <= on, col(away.end) >= on)
        .correlate(Servant)
        .scalar_subquery()
    )


def _concerned(definition: Methodology, flow: Workflow) -> ColumnElement[bool]:
    """Heads of units by KPI, the rest by differentiation, or everyone (typical2023 п.3.4)."""
    assert definition.scope is not None
    head = col(Position.category).in_(definition.scope.head_categories)
    if flow.population == "heads":
        return head
    if flow.population == "staff":
        return or_(col(Position.category).is_(None), ~head)
    return true()


def _iso(column: object, dialect: str) -> ColumnElement[str]:
    """A date as YYYY-MM-DD text whatever the server's date style."""
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM-DD", type_=String)
    return type_coerce(column, String)  # SQLite keeps dates as that very text

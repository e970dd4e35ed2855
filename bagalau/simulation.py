"""Run a scenario: an organisation and dated actions by named actors, on a fresh database,
with a simulated clock (each step's `day` is the day the action is taken).

A scenario is how a state body rehearses a year and how the examples in `examples/` are
checked: the summary says, per appraisal, where it ended, with what result and
consequences, which deadlines were met, met late or missed, and how long its audit trail
is, and each deadline's due day. A hire, a transfer or a dismissal on a day is applied as a
re-import of HR's file would be (states/staffing.py); a schedule is drafted and approved
as HR and the appointing official do (states/schedule.py); past results are imported as
HR's file of them is (services/past_results.py); an assessor is assigned, substituted or
delegated as `bagalau assessor` does (states/assessors.py); a legal hold is set or released as
`bagalau hold` does (states/holds.py), and what is past retention is purged on a day as
`bagalau purge --on` does (states/retention.py), the simulated day being today. Steps expected to be refused say so
(`expect: refused`); any other refusal is reported as unexpected. The format is documented
in docs/simulate.md.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bagalau.cli.boundary import redact
from methodology import inputs, loader
from methodology.errors import BagalauError, InvalidInput, in_every_language
from methodology.scoring.requests import from_validation
from methodology.workdays import ALMATY, default_calendar
from models import (
    Absence,
    Appraisal,
    AuditEvent,
    Commission,
    CommissionMember,
    Consequence,
    Deadline,
    Position,
    Servant,
    StateBody,
    Unit,
)
from models.db import engine as make_engine
from models.db import id_of, transaction
from models.migrate import upgrade
from orgimport import past
from services.past_results import import_sheet
from states import assessors, retention, schedule
from states.cycles import open_cycle
from states.holds import set_hold
from states.service import act
from states.staffing import apply_changes, staffing

SCENARIO_RULE = "docs/simulate.md"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UnitSpec(_Spec):
    code: str
    name: str
    parent: Optional[str] = None


class PersonSpec(_Spec):
    id: str
    name: str
    unit: str
    position: str
    category: str
    start: date
    manager: Optional[str] = None
    probation_end: Optional[date] = None
    # outside_b_corps: a head's assessor who is never appraised (a vice-minister, mne2017 п.4)
    roles: list[Literal["hr", "head_of_hr", "appointing_official", "outside_b_corps"]] = []
    lang: Literal["kk", "ru", "en"] = "kk"
    surname: Optional[str] = None  # the parts a form prints surname first
    given_name: Optional[str] = None
    patronymic: Optional[str] = None


class AbsenceSpec(_Spec):
    who: str
    kind: str
    start: date
    end: date


class TransferSpec(_Spec):
    """A servant moved on `day`: to another manager, and to another position (a new
    appointment, mne2017 п.11) when `position` is given."""

    who: str
    manager: Optional[str] = None
    unit: Optional[str] = None
    position: Optional[str] = None
    category: Optional[str] = None


class DismissSpec(_Spec):
    who: str  # dismissed on the step's day


class CommissionSpec(_Spec):
    order: str
    formed_on: date
    chair: str
    members: list[str]
    secretary: str


class OrganisationSpec(_Spec):
    code: str
    name: str
    units: list[UnitSpec] = Field(min_length=1)
    people: list[PersonSpec] = Field(min_length=1)
    absences: list[AbsenceSpec] = []
    commission: Optional[CommissionSpec] = None


class OpenSpec(_Spec):
    kind: str
    period: str


class DraftScheduleSpec(_Spec):
    """HR sets the day a unit's appraisal of a kind and period starts (mne2017 п.14)."""

    kind: str
    period: str
    unit: str
    starts: date


class PastResultSpec(_Spec):
    """An annual result from before the body used bagalau, as a row of HR's file
    (orgimport/past.py): counted by the rules of results in a row (mne2017 п.46)."""

    who: str
    year: int
    score: Decimal
    band: str
    source_no: str
    source_date: date


class AssessorSpec(_Spec):
    """Who appraises the step's appraisal from its day on: HR's assignment or substitution
    (mne2017 п.4, typical2023 п.3), or the assessor's delegation (typical2023 п.32)."""

    to: str
    reason: Optional[str] = None  # for the audit trail, e.g. the order number


class HoldSpec(_Spec):
    """The operator puts the step's appraisal on legal hold (or releases it, `held: false`):
    held, it is never purged (states/holds.py)."""

    reason: str  # for the audit trail, e.g. the court case
    held: bool = True


class PurgeSpec(_Spec):
    """What is past retention on the step's day is purged (typical2023 п.15), or with
    `dry_run` only listed."""

    dry_run: bool = False


THINGS = (
    "open",
    "absence",
    "hire",
    "transfer",
    "dismiss",
    "draft_schedule",
    "approve_schedule",
    "past_results",
    "assign_assessor",
    "delegate_assessor",
    "legal_hold",
    "purge",
    "do",
)


class Step(_Spec):
    """One dated step: open a cycle, record an absence, hire, transfer or dismiss a
    servant (as a re-import of HR's file would), draft or approve the schedule, import past
    results, change an appraisal's assessor, set a legal hold, purge, or an actor's action."""

    day: date  # not "on": YAML 1.1 reads that key as the boolean true
    open: Optional[OpenSpec] = None
    absence: Optional[AbsenceSpec] = None
    hire: Optional[PersonSpec] = None
    transfer: Optional[TransferSpec] = None
    dismiss: Optional[DismissSpec] = None
    draft_schedule: Optional[DraftScheduleSpec] = None  # by `who`, an HR officer
    approve_schedule: Optional[OpenSpec] = None  # by `who`, the appointing official (typical2023 п.11)
    past_results: Optional[list[PastResultSpec]] = None  # imported by HR on the day
    assign_assessor: Optional[AssessorSpec] = None  # by `who`, HR, on `of`'s appraisal
    delegate_assessor: Optional[AssessorSpec] = None  # by `who`, the assessor
    legal_hold: Optional[HoldSpec] = None  # by the operator, on `of`'s appraisal
    purge: Optional[PurgeSpec] = None
    do: Optional[str] = None
    who: Optional[str] = None
    of: Optional[str] = None  # whose appraisal
    kind: Optional[str] = None
    period: Optional[str] = None
    data: dict[str, Any] = {}
    expect: Literal["ok", "refused"] = "ok"
    note: Optional[str] = None

    @property
    def things(self) -> list[str]:
        """What the step does, by its keys: exactly one for a well-formed step."""
        return [name for name in THINGS if getattr(self, name) is not None]

    @property
    def action(self) -> str | None:
        """What the step does to the appraisal it names (`of`, `kind`, `period`), if any."""
        changes = (("assign_assessor", self.assign_assessor), ("delegate_assessor", self.delegate_assessor), ("legal_hold", self.legal_hold))
        return self.do or next((name for name, change in changes if change is not None), None)

    @property
    def on_an_appraisal(self) -> bool:
        return self.action is not None


class Scenario(_Spec):
    title: str
    until: date  # the simulated day the summary is taken
    organisation: OrganisationSpec
    methodology: str
    steps: list[Step]


def load(path: Path) -> Scenario:
    try:
        raw = inputs.parse_yaml(path.read_text("utf-8"))
    except inputs.InputLimit as error:
        raise InvalidInput("file", field="SCENARIO", value=str(path), rule=SCENARIO_RULE, detail=in_every_language(error.problem)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput("file", field="SCENARIO", value=str(path), rule=SCENARIO_RULE, detail=error.__class__.__name__) from None
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as error:
        raise from_validation(error, SCENARIO_RULE) from None
    return _known_and_unique(scenario)


def _known_and_unique(scenario: Scenario) -> Scenario:
    """Refused before the run starts, not half-way through it on a fresh database."""
    known = loader.available()
    if scenario.methodology not in known:
        raise InvalidInput("unknown", field="methodology", value=scenario.methodology, rule=SCENARIO_RULE, expected=", ".join(known))
    seen: set[str] = set()
    for index, person in enumerate(scenario.organisation.people):
        if person.id in seen:
            raise InvalidInput("duplicate_key", field=f"organisation.people[{index}].id", value=person.id, rule=SCENARIO_RULE)
        if person.manager and person.manager not in seen:  # managers come before the people they manage
            raise InvalidInput(
                "unknown", field=f"organisation.people[{index}].manager", value=person.manager, rule=SCENARIO_RULE, expected=", ".join(sorted(seen))
            )
        seen.add(person.id)
    inputs.day_in_range(scenario.until, "until", SCENARIO_RULE)
    for number, step in enumerate(scenario.steps, start=1):
        inputs.day_in_range(step.day, f"steps[{number}].day", SCENARIO_RULE)
        _well_formed(number, step)
    _in_order(scenario.steps)
    _people_known(scenario, seen)
    return scenario


def _well_formed(number: int, step: Step) -> None:
    """A step does one thing and names what it needs: whose appraisal for an action, a
    change of assessor or a legal hold, and who acts, but for a hold (the operator's)."""
    if len(step.things) != 1:
        value = ", ".join(step.things) or "—"
        raise InvalidInput("scenario_one_thing", field=f"steps[{number}]", value=value, rule=SCENARIO_RULE, step=number, expected=", ".join(THINGS))
    acts = (step.on_an_appraisal and step.legal_hold is None) or step.draft_schedule is not None or step.approve_schedule is not None
    needed = [*(["of", "kind", "period"] if step.on_an_appraisal else []), *(["who"] if acts else [])]
    missing = [name for name in needed if getattr(step, name) is None]
    if missing:
        raise InvalidInput(
            "scenario_needs",
            field=f"steps[{number}].{missing[0]}",
            value="—",
            rule=SCENARIO_RULE,
            step=number,
            thing=step.things[0],
            expected=", ".join(needed),
        )


def _in_order(steps: list[Step]) -> None:
    for number, (previous, step) in enumerate(zip(steps, steps[1:]), start=2):
        if step.day < previous.day:
            raise InvalidInput(
                "scenario_order",
                field=f"steps[{number}].day",
                value=step.day.isoformat(),
                rule=SCENARIO_RULE,
                step=number,
                day=step.day.isoformat(),
                previous=number - 1,
                previous_day=previous.day.isoformat(),
            )


def _people_known(scenario: Scenario, known: set[str]) -> None:
    """Every person a step names is in the organisation or hired by an earlier step."""
    for number, step in enumerate(scenario.steps, start=1):
        for field, name in _named(step):
            if name not in known:
                raise InvalidInput(
                    "scenario_person", field=f"steps[{number}].{field}", value=name, rule=SCENARIO_RULE, step=number, expected=", ".join(sorted(known))
                )
        if step.hire is not None:
            known.add(step.hire.id)


def _named(step: Step) -> list[tuple[str, str | None]]:
    named: list[tuple[str, str | None]] = [("who", step.who), ("of", step.of)] if step.on_an_appraisal else [("who", step.who)]
    for field, change in (("assign_assessor", step.assign_assessor), ("delegate_assessor", step.delegate_assessor)):
        if change is not None:
            named.append((f"{field}.to", change.to))
    named += [(f"past_results[{index}].who", row.who) for index, row in enumerate(step.past_results or [])]
    if step.absence:
        named.append(("absence.who", step.absence.who))
    if step.hire and step.hire.manager:
        named.append(("hire.manager", step.hire.manager))
    if step.transfer:
        named += [("transfer.who", step.transfer.who), ("transfer.manager", step.transfer.manager)]
    if step.dismiss:
        named.append(("dismiss.who", step.dismiss.who))
    return [(field, name) for field, name in named if name is not None]


def run(scenario: Scenario, database_url: str) -> dict[str, Any]:
    """Play the scenario on the (fresh) database at `database_url`; return its summary."""
    upgrade(database_url)
    engine = make_engine(database_url)
    with transaction(engine) as session:  # a simulation on real data would mix the two
        if session.exec(select(StateBody.id)).first() is not None:
            raise InvalidInput("database_not_empty", field="--database", value=redact(database_url), rule=SCENARIO_RULE)
    people = _build(engine, scenario)
    refusals, purges = [], []
    for index, step in enumerate(scenario.steps):
        try:
            purged = _play(engine, scenario, people, step)
            if purged is not None:
                purges.append({"step": index + 1, "on": step.day.isoformat(), **purged})
            if step.expect == "refused":
                refusals.append(_refusal(index, step, None))
        except BagalauError as error:
            refusals.append(_refusal(index, step, error))
    return {
        "title": scenario.title,
        "methodology": scenario.methodology,
        "until": scenario.until.isoformat(),
        "appraisals": _summary(engine, scenario.until),
        "purges": purges,
        "refusals": refusals,
        "unexpected": sum(1 for r in refusals if not r["expected"]),
    }


def _refusal(index: int, step: Step, error: BagalauError | None) -> dict[str, Any]:
    """A refused step, or an expected refusal that did not happen (also unexpected)."""
    return {
        "step": index + 1,
        "on": step.day.isoformat(),
        "who": step.who,
        "do": step.action,
        "of": step.of,
        "expected": error is not None and step.expect == "refused",
        "reason": getattr(error, "code", type(error).__name__) if error else None,
        "message": error.render("en") if error else "expected a refusal, but the action was taken",
        "note": step.note,
    }


def _play(engine: Engine, scenario: Scenario, people: dict[str, int], step: Step) -> dict[str, Any] | None:
    """Take the step; a purge says what it purged."""
    if step.purge is not None:
        return _purge(engine, step.day, step.purge.dry_run)
    if step.open is not None:
        open_cycle(engine, scenario.organisation.code, step.open.kind, step.open.period, on=step.day)
    elif step.absence is not None:
        with transaction(engine) as session:
            session.add(Absence(servant_id=_who(people, step.absence.who), kind=step.absence.kind, start=step.absence.start, end=step.absence.end))
    elif step.hire or step.transfer or step.dismiss:
        _restaff(engine, scenario, people, step)
    elif step.draft_schedule is not None:
        spec = step.draft_schedule
        assert step.who is not None, "Step._one_thing: a schedule step names who"
        schedule.draft(engine, scenario.organisation.code, spec.kind, spec.period, spec.unit, spec.starts, step.who, on=step.day)
    elif step.approve_schedule is not None:
        assert step.who is not None, "Step._one_thing: a schedule step names who"
        schedule.approve(engine, scenario.organisation.code, step.approve_schedule.kind, step.approve_schedule.period, step.who, on=step.day)
    elif step.past_results is not None:
        _import_past(engine, scenario, step.past_results, step.day)
    elif step.assign_assessor is not None or step.delegate_assessor is not None:
        _change_assessor(engine, people, step)
    elif step.legal_hold is not None:
        set_hold(engine, _appraisal(engine, people, step), step.legal_hold.held, step.legal_hold.reason, at=_moment(step.day))
    else:
        assert step.do is not None, "Step._one_thing: a step that neither opens nor records an absence acts"
        appraisal = _appraisal(engine, people, step)
        act(engine, appraisal, _who(people, step.who), step.do, _resolve(step.data, people), on=step.day)
    return None


def _purge(engine: Engine, day: date, dry_run: bool) -> dict[str, Any]:
    """What is past retention on `day` purged as `bagalau purge --on` purges it
    (states/retention.py: each methodology's term, legal holds and pending appeals kept,
    each purge audited with its paragraph); the simulated day is today, so never ahead."""
    report = retention.purge(engine, day, at=_moment(day), dry_run=dry_run)
    named = _as_named(engine, [*report.purged, *report.kept_on_hold])
    purged, kept = [named[i] for i in report.purged], [named[i] for i in report.kept_on_hold]
    return {"dry_run": dry_run, "purged": purged, "kept_on_hold": kept, "rows": report.rows, "reports": report.reports}


def _as_named(engine: Engine, ids: list[int]) -> dict[int, dict[str, str]]:
    """Appraisals by the names a scenario gives them: the servant's id, the kind, the period."""
    query = select(Appraisal.id, Servant.personnel_no, Appraisal.kind, Appraisal.period).join(Servant, col(Servant.id) == Appraisal.servant_id)
    with transaction(engine) as session:
        rows = session.exec(query.where(col(Appraisal.id).in_(ids))).all()
    return {row[0]: {"servant": row[1], "kind": row[2], "period": row[3]} for row in rows if row[0] is not None}


def _moment(day: date) -> datetime:
    """The moment of a step that the audit trail stamps: noon of its day in Almaty."""
    return datetime.combine(day, time(12, 0), ALMATY)


def _restaff(engine: Engine, scenario: Scenario, people: dict[str, int], step: Step) -> None:
    """A hire, a transfer or a dismissal, applied as a re-import of HR's file would be
    (states/staffing.py), in one transaction."""
    with transaction(engine) as session:
        before = staffing(session)
        body = session.exec(select(StateBody).where(StateBody.code == scenario.organisation.code)).one()
        units = {u.code: u for u in session.exec(select(Unit).where(Unit.state_body_id == body.id))}
        if step.hire:
            people[step.hire.id] = _person(session, body, units, step.hire, people)
        elif step.transfer:
            _transfer(session, units, people, step.transfer, step.day)
        elif step.dismiss:
            servant = session.get(Servant, _who(people, step.dismiss.who))
            assert servant is not None
            servant.dismissed_on = step.day
            session.add(servant)
        session.flush()
        apply_changes(session, before, on=step.day, calendar=default_calendar())


def _change_assessor(engine: Engine, people: dict[str, int], step: Step) -> None:
    """HR's assignment or substitution, or the assessor's delegation, as `bagalau assessor`
    makes it (states/assessors.py: its rules, its audit event and paragraph)."""
    change = assessors.assign if step.assign_assessor is not None else assessors.delegate
    spec = step.assign_assessor or step.delegate_assessor
    assert spec is not None, "_play: called for a change of assessor"
    change(engine, _appraisal(engine, people, step), _who(people, step.who), _who(people, spec.to), on=step.day, reason=spec.reason)


def _import_past(engine: Engine, scenario: Scenario, rows: list[PastResultSpec], day: date) -> None:
    """The rows as HR's file of past results, checked whole and written as its import is
    (services/past_results.py); the first problem is the step's refusal."""
    cells = [
        {
            "state_body_code": scenario.organisation.code,
            "personnel_no": row.who,
            "year": str(row.year),
            "score": str(row.score),
            "band": row.band,
            "source_no": row.source_no,
            "source_date": row.source_date.isoformat(),
        }
        for row in rows
    ]
    report = import_sheet(engine, past.from_rows(cells), day, _moment(day))
    if report.problems:
        problem = report.problems[0]
        field = f"past_results[{(problem.row or 2) - 2}].{problem.column}"
        raise InvalidInput(problem.code, field=field, value=problem.value, rule=problem.rule or SCENARIO_RULE, **problem.params)


def _transfer(session: Any, units: dict[str, Unit], people: dict[str, int], spec: TransferSpec, day: date) -> None:
    servant = session.get(Servant, _who(people, spec.who))
    if spec.manager:
        servant.manager_id = _who(people, spec.manager)
    if spec.position:
        old = session.get(Position, servant.position_id)
        unit = units[spec.unit] if spec.unit else session.get(Unit, old.unit_id)
        position = Position(unit_id=id_of(unit), code=f"{spec.who}-{day.isoformat()}", title=spec.position, category=spec.category or old.category)
        session.add(position)
        session.flush()
        servant.position_id, servant.position_start = position.id, day
    session.add(servant)


def _appraisal(engine: Engine, people: dict[str, int], step: Step) -> int:
    with transaction(engine) as session:
        query = select(Appraisal.id).where(Appraisal.servant_id == _who(people, step.of), Appraisal.kind == step.kind, Appraisal.period == step.period)
        found = session.exec(query).first()
    if found is None:
        raise InvalidInput("not_found", field="of", value=f"{step.of} {step.kind} {step.period}", rule=SCENARIO_RULE)
    return found


def _who(people: dict[str, int], name: str | None) -> int:
    if name not in people:
        raise InvalidInput("unknown", field="who", value=name, rule=SCENARIO_RULE, expected=", ".join(people))
    return people[name]


# Fields of action data that name people: the scenario writes ids, the product takes keys.
def _resolve(data: dict[str, Any], people: dict[str, int]) -> dict[str, Any]:
    resolved = dict(data)
    for key in ("present", "participants", "witnesses"):
        if key in resolved:
            resolved[key] = [_who(people, name) for name in resolved[key]]
    if "votes" in resolved:
        resolved["votes"] = {_who(people, name): vote for name, vote in resolved["votes"].items()}
    if "respondents" in resolved:
        resolved["respondents"] = [{**r, "servant": _who(people, r["servant"])} for r in resolved["respondents"]]
    return resolved


def _build(engine: Engine, scenario: Scenario) -> dict[str, int]:
    spec = scenario.organisation
    people: dict[str, int] = {}
    with transaction(engine) as session:
        body = StateBody(code=spec.code, name=spec.name, methodology=scenario.methodology)
        session.add(body)
        session.flush()
        units: dict[str, Unit] = {}
        for unit in spec.units:
            row = Unit(state_body_id=id_of(body), code=unit.code, name=unit.name, parent_id=units[unit.parent].id if unit.parent else None)
            session.add(row)
            session.flush()
            units[unit.code] = row
        for person in spec.people:  # managers come before the people they manage
            people[person.id] = _person(session, body, units, person, people)
        for absence in spec.absences:
            session.add(Absence(servant_id=people[absence.who], kind=absence.kind, start=absence.start, end=absence.end))
        if spec.commission:
            _commission(session, body, spec.commission, people)
    return people


def _person(session: Any, body: StateBody, units: dict[str, Unit], person: PersonSpec, people: dict[str, int]) -> int:
    position = Position(unit_id=id_of(units[person.unit]), code=f"{person.id}-post", title=person.position, category=person.category)
    session.add(position)
    session.flush()
    servant = Servant(
        state_body_id=id_of(body),
        personnel_no=person.id,
        full_name=person.name,
        position_id=id_of(position),
        surname=person.surname,
        given_name=person.given_name,
        patronymic=person.patronymic,
        position_start=person.start,
        probation_end=person.probation_end,
        manager_id=people[person.manager] if person.manager else None,
        lang=person.lang,
        is_hr="hr" in person.roles or "head_of_hr" in person.roles,
        is_head_of_hr="head_of_hr" in person.roles,
        is_appointing_official="appointing_official" in person.roles,
        outside_b_corps="outside_b_corps" in person.roles,
    )
    session.add(servant)
    session.flush()
    assert servant.id is not None
    return servant.id


def _commission(session: Any, body: StateBody, spec: CommissionSpec, people: dict[str, int]) -> None:
    order = Commission(state_body_id=id_of(body), order_ref=spec.order, formed_on=spec.formed_on)
    session.add(order)
    session.flush()
    roles = [(spec.chair, "chair"), *((m, "member") for m in spec.members), (spec.secretary, "secretary")]
    for name, role in roles:
        session.add(CommissionMember(commission_id=id_of(order), servant_id=people[name], role=role))


def _summary(engine: Engine, until: date) -> list[dict[str, Any]]:
    with transaction(engine) as session:
        names = {s.id: (s.personnel_no, s.full_name) for s in session.exec(select(Servant))}
        out = []
        for appraisal in session.exec(select(Appraisal).order_by(col(Appraisal.period), col(Appraisal.kind), col(Appraisal.servant_id))):
            rows = list(session.exec(select(Deadline).where(Deadline.appraisal_id == appraisal.id)))
            consequences = session.exec(select(Consequence).where(Consequence.appraisal_id == appraisal.id))
            audit = session.exec(select(AuditEvent.id).where(AuditEvent.appraisal_id == appraisal.id)).all()
            person, name = names[appraisal.servant_id]
            out.append(
                {
                    "servant": person,
                    "name": name,
                    "kind": appraisal.kind,
                    "period": appraisal.period,
                    "state": appraisal.state,
                    "participation": appraisal.participation,
                    "reason": appraisal.reason,
                    "score": None if appraisal.score is None else float(appraisal.score),
                    "band": appraisal.band,
                    "consequences": sorted(c.kind for c in consequences),
                    "deadlines": _tally(rows, until),
                    "due": [
                        {
                            "step": r.step,
                            "due": r.due.isoformat(),
                            "status": r.status,
                            "closed_on": r.closed_on.isoformat() if r.closed_on else None,
                            "paragraph": r.paragraph,
                        }
                        for r in sorted(rows, key=lambda r: (r.due, r.step))
                    ],
                    "audit_events": len(audit),
                    "purged_on": appraisal.purged_on.isoformat() if appraisal.purged_on else None,
                }
            )
        return out


def _tally(rows: list[Deadline], until: date) -> dict[str, int]:
    met = sum(r.status == "done" and r.closed_on is not None and r.closed_on <= r.due for r in rows)
    late = sum(r.status == "done" and r.closed_on is not None and r.closed_on > r.due for r in rows)
    missed = sum(r.status == "open" and r.due < until for r in rows)
    pending = sum(r.status == "open" and r.due >= until for r in rows)
    return {"met": met, "late": late, "missed": missed, "open": pending, "cancelled": sum(r.status == "cancelled" for r in rows)}

"""The shape of a methodology definition, validated on load.

Each state body approves its own methodology "on the basis of the typical one", so every
number that differs between them (bands, scales, counts, weights, deadlines, texts) is
data in a definition file (`definitions/*.yaml`), and this module is the contract such a
file must meet. Cross-references (a band set named by a kind, an event or step a deadline
counts from) are checked here, so a broken file fails at load, never mid-appraisal.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, Union, cast, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from methodology.i18n import Text

Kind = Literal["quarterly", "plan", "annual", "kpi", "differentiation", "360"]
KINDS: tuple[Kind, ...] = get_args(Kind)


def as_kind(value: str) -> Kind:
    """`value` (a str column, such as Appraisal.kind) as the Kind a definition takes."""
    if value not in KINDS:
        raise ValueError(f"no appraisal kind {value!r}")
    return cast(Kind, value)


Granularity = Literal["quarter", "year"]
Role = Literal[
    "servant",
    "direct_manager",
    "superior_manager",
    "hr",
    "head_of_hr",
    "appointing_official",
    "commission",
    "calibration",
    "authority",
    "state_body",
]
#: Anchors every appraisal has, known from its period alone.
PERIOD_ANCHORS = ("period_start", "period_end", "year_start")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Span(Strict):
    """An inclusive range of allowed values."""

    min: Decimal
    max: Decimal

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


class CountSpan(Strict):
    min: int = Field(ge=0)
    max: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> CountSpan:
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


# --- result bands -------------------------------------------------------------------


class Band(Strict):
    """One result band. Its lower bound is `min` (inclusive) or `over` (exclusive);
    the lowest band has neither and takes everything below the next one."""

    id: str
    min: Decimal | None = None
    over: Decimal | None = None
    label: Text

    @model_validator(mode="after")
    def _one_bound(self) -> Band:
        if self.min is not None and self.over is not None:
            raise ValueError(f"band {self.id}: give either min or over, not both")
        return self

    @property
    def bound(self) -> Decimal | None:
        return self.min if self.min is not None else self.over

    def admits(self, score: Decimal) -> bool:
        if self.min is not None:
            return score >= self.min
        if self.over is not None:
            return score > self.over
        return True


class BandSet(Strict):
    paragraph: str
    bands: list[Band] = Field(min_length=2)

    @model_validator(mode="after")
    def _ascending(self) -> BandSet:
        first, rest = self.bands[0], self.bands[1:]
        if first.bound is not None:
            raise ValueError(f"the lowest band {first.id} takes no bound")
        bounds = [band.bound for band in rest if band.bound is not None]
        if len(bounds) != len(rest):
            raise ValueError("every band above the lowest needs min or over")
        if bounds != sorted(set(bounds)):
            raise ValueError("bands must be listed from the lowest, with rising bounds")
        ids = [band.id for band in self.bands]
        if len(ids) != len(set(ids)):
            raise ValueError("band ids must be unique")
        return self

    def band_for(self, score: Decimal) -> Band:
        """The highest band whose lower bound the score reaches."""
        return next(band for band in reversed(self.bands) if band.admits(score))


# --- what each kind of appraisal scores -----------------------------------------------


class KindRules(Strict):
    paragraph: str
    period: Granularity
    bands: str  # a key of Methodology.band_sets


class QuarterlyRules(KindRules):
    """mne2017 п.15–27: 100 + bonus − penalty."""

    base_points: int
    bonus_item: Span
    bonus_paragraph: str
    penalty_per_violation: int = Field(ge=0)
    penalty_paragraph: str
    score: Span  # what a commission or an appeal may set a quarter's score to


class PlanRules(KindRules):
    """mne2017 п.10–13, п.28–31: at most four indicators, each scored 2..5."""

    indicators: CountSpan
    indicator_score: Span
    measurable_share_min: Decimal = Field(ge=0, le=1)
    indicator_paragraph: str
    score_labels: dict[int, Text]


class AnnualWeights(Strict):
    quarterly: Decimal = Field(ge=0, le=1)
    plan: Decimal = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sum_to_one(self) -> AnnualWeights:
        if self.quarterly + self.plan != 1:
            raise ValueError("weights must add up to 1")
        return self


class AnnualRules(KindRules):
    """The year's grade: mne2017 combines quarters and plan (п.32); typical2023 takes the
    mean of the quarters (п.5)."""

    method: Literal["weighted", "mean_of_quarters"]
    quarters: CountSpan
    quarterly_bands: str | None = None
    band_values: dict[str, int] | None = None
    weights: AnnualWeights | None = None
    weights_source: str | None = None
    plan_score: Span | None = None
    quarter_score: Span | None = None

    @model_validator(mode="after")
    def _method_is_complete(self) -> AnnualRules:
        needs = {
            "weighted": ("quarterly_bands", "band_values", "weights", "weights_source", "plan_score"),
            "mean_of_quarters": ("quarter_score",),
        }[self.method]
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise ValueError(f"method {self.method!r} needs {', '.join(missing)}")
        return self


class KpiRow(Strict):
    """A row of typical2023 Annex 3: from this realisation % up, the allowed score range."""

    from_percent: Decimal = Field(ge=0)
    min: Decimal
    max: Decimal


class KpiRules(KindRules):
    count: CountSpan
    count_paragraph: str
    score: Span
    table_paragraph: str
    table: list[KpiRow] = Field(min_length=1)
    zero_plan_rule: Text

    @model_validator(mode="after")
    def _table_descends_to_zero(self) -> KpiRules:
        starts = [row.from_percent for row in self.table]
        if starts != sorted(set(starts), reverse=True):
            raise ValueError("table rows must go from the highest percent down, without repeats")
        if starts[-1] != 0:
            raise ValueError("the last table row must start at 0 %")
        for row in self.table:
            if not (self.score.min <= row.min <= row.max <= self.score.max):
                raise ValueError(f"row from {row.from_percent} %: range outside the score scale")
        return self

    def row_for(self, percent: Decimal) -> KpiRow:
        return next(row for row in self.table if percent >= row.from_percent)


class Parameter(Strict):
    id: str
    name: Text
    criterion: Text


class DifferentiationRules(KindRules):
    parameters: list[Parameter] = Field(min_length=1)
    score: Span
    justification_paragraph: str


class AnswerOption(Strict):
    value: int
    label: Text


class Competency(Strict):
    id: str
    name: Text
    questions: list[Text]


class Survey360Rules(KindRules):
    respondents: CountSpan
    respondents_paragraph: str
    roles: list[Literal["manager", "subordinate", "peer"]]
    answer_scale: list[AnswerOption] = Field(min_length=2)
    questions_per_competency: int = Field(ge=1)
    competencies: dict[Literal["head", "staff"], list[Competency]]

    @model_validator(mode="after")
    def _complete(self) -> Survey360Rules:
        values = [option.value for option in self.answer_scale]
        if values != list(range(values[0], values[0] + len(values))):
            raise ValueError("answer_scale values must be consecutive whole numbers, ascending")
        for group, items in self.competencies.items():
            for item in items:
                if len(item.questions) != self.questions_per_competency:
                    raise ValueError(f"competencies.{group}.{item.id}: {len(item.questions)} questions, expected {self.questions_per_competency}")
        return self

    @property
    def answer_span(self) -> Span:
        return Span(min=self.answer_scale[0].value, max=self.answer_scale[-1].value)


# --- deadlines --------------------------------------------------------------------------


class DayOfMonthAfterPeriod(Strict):
    """No later than day `day` of the month after the period (typical2023 п.5, mne2017 п.3.1)."""

    type: Literal["day_of_month_after_period"]
    day: int = Field(ge=1, le=28)


class DayOfPeriod(Strict):
    """Day `day` of the period itself, rolled forward to a working day: when an appraisal
    whose first duty falls early in its period opens (typical2023 п.23: KPIs within 10
    working days after the period starts)."""

    type: Literal["day_of_period"]
    day: int = Field(ge=1, le=28)


class FixedDate(Strict):
    """A date of the calendar, in the period's year plus `year_offset` (mne2017 п.3.2)."""

    type: Literal["fixed_date"]
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    year_offset: int = 0

    @model_validator(mode="after")
    def _exists(self) -> FixedDate:
        try:
            date(2000, self.month, self.day)  # a leap year: 29 February is allowed
        except ValueError:
            raise ValueError(f"there is no day {self.day} in month {self.month}") from None
        return self


class Counted(Strict):
    """`days` counted after or before an anchor: an event, a period anchor or `step:<id>`."""

    days: int = Field(ge=1)
    after: str | None = None
    before: str | None = None

    @model_validator(mode="after")
    def _one_anchor(self) -> Counted:
        if (self.after is None) == (self.before is None):
            raise ValueError("give exactly one of after, before")
        return self

    @property
    def anchor(self) -> str:
        return cast(str, self.after or self.before)  # _one_anchor: exactly one is given


class WorkingDays(Counted):
    type: Literal["working_days"]


class CalendarDays(Counted):
    type: Literal["calendar_days"]


Term = Annotated[
    Union[DayOfMonthAfterPeriod, DayOfPeriod, FixedDate, WorkingDays, CalendarDays],
    Field(discriminator="type"),
]


class DeadlineRule(Strict):
    kinds: list[Kind] = Field(min_length=1)
    # A window is a right (to appeal, to apply for calibration), not a duty: nobody is
    # reminded of it or escalated, and a window left unused is nobody's breach.
    window: bool = False
    term: Term
    quarter_overrides: dict[Literal["Q1", "Q2", "Q3", "Q4"], Term] = {}
    responsible: Role
    paragraph: str
    label: Text


class EventDef(Strict):
    """Something that happens to an appraisal on a day (an appointment, the start its
    schedule fixes, a commission meeting); recording it opens the deadlines counted from it."""

    label: Text
    opens: list[str] = []  # deadlines opened when the event is recorded on an appraisal


# --- the workflow: which steps exist, who may act, which deadlines open -----------------

ActorRole = Literal["servant", "direct_manager", "hr", "appointing_official", "commission", "respondent"]
STAY = "="  # a transition that records something and keeps the state


class StateDef(Strict):
    label: Text
    final: bool = False
    result: bool = False  # a final state reached with a result: its consequences follow

    @model_validator(mode="after")
    def _result_is_final(self) -> StateDef:
        if self.result and not self.final:
            raise ValueError("only a final state can be the result")
        return self


class TransitionDef(Strict):
    """One row of the workflow table: in these states, these roles may take this action,
    which leads to that state, records these events, and opens and closes these deadlines."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    action: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    source: list[str] = Field(alias="from", min_length=1)
    to: str
    roles: list[ActorRole] = Field(min_length=1)
    paragraph: str
    label: Text
    handler: str | None = None  # the code that validates and stores the action's data
    within: str | None = None  # a step whose due date this action must not be later than
    after: str | None = None  # a step whose due date must have passed
    events: list[str] = []  # events recorded with the action's date
    opens: list[str] = []
    closes: list[str] = []  # done: met on time or late
    cancels: list[str] = []  # no longer owed
    # Taken when something happens to the servant (an absence, a return, a dismissal), not
    # owed by the cycle: the appraisal's page offers it, My work does not list it.
    on_event: bool = False


class WorkflowPart(Strict):
    states: dict[str, StateDef] = {}
    transitions: list[TransitionDef] = []


class Workflow(Strict):
    initial: str
    # When the scheduled flow opens the cycle: by default the first working day after the
    # period (the 1st of the next month, rolled forward); mne2017's Q4 is due 10 December
    # of the same year, so it opens earlier.
    opening: Term = DayOfMonthAfterPeriod(type="day_of_month_after_period", day=1)
    opening_overrides: dict[Literal["Q1", "Q2", "Q3", "Q4"], Term] = {}
    population: Literal["all", "heads", "staff"] = "all"
    # What an absence at the appraisal does: defer it to return (mne2017 п.3, typical2023
    # п.6 for KPI), appraise without the servant (typical2023 п.6), or nothing.
    when_absent: Literal["defer", "without_participation", "none"] = "none"
    include: list[str] = []  # names of `workflow_parts` appended to this workflow
    opens: list[str] = []  # deadlines opened when the appraisal is created
    states: dict[str, StateDef]
    transitions: list[TransitionDef]


class ConsequenceRule(Strict):
    """What a final result entails, e.g. training within 3 months (mne2017 п.44)."""

    consequence: Literal["bonus_eligible", "training_due", "no_mentoring", "demotion_review", "training_topics"]
    kinds: list[Kind] = Field(min_length=1)
    bands: list[str] = []  # empty: whatever the band
    within_months: int | None = None
    consecutive: int | None = None  # results in a row, e.g. two unsatisfactory years (п.46)
    paragraph: str
    label: Text


class Scope(Strict):
    """Who is appraised: exemptions, absences that count, who is a head."""

    min_months_in_position: int = Field(ge=0)
    exempt_on_probation: bool
    exempt_paragraph: str
    absences: list[str]  # kinds of absence that defer or exclude participation
    absences_paragraph: str
    when_dismissed: Literal["without_participation", "not_appraised"]
    dismissed_paragraph: str
    head_categories: list[str] = []  # position categories of heads of units
    heads_paragraph: str = ""
    # Who may know a result (typical2023 п.16, п.21); everyone else sees it hidden.
    result_readers: list[Literal["servant", "direct_manager", "head_of_hr", "hr", "commission", "calibration"]]
    result_readers_paragraph: str
    # Who appraises: the direct manager under the job description, who may be a person of
    # the body outside the B corps (mne2017 п.4, typical2023 п.3); HR assigns or substitutes
    # one. In a unit of more than `delegate_above` B-corps servants the assessor may name
    # persons who appraise for them (typical2023 п.32), in the kinds listed.
    assessor_paragraph: str
    delegate_above: int | None = None  # None: the methodology allows no delegation
    delegate_kinds: list[str] = []
    delegate_paragraph: str = ""


class MonthDay(Strict):
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)


class AppointmentRule(Strict):
    """A servant appointed during the year owes a step counted from the appointment instead
    of the period's (mne2017 п.11: the plan within 10 working days of an appointment after
    10 January; typical2023 п.23: the KPIs within 10 working days of an appointment after the
    period starts), and none at all with fewer than `min_months_left` months left in the
    year from the appointment (typical2023 п.23)."""

    kinds: list[Kind] = Field(min_length=1)
    instead_of: str  # the period's deadline the appointee does not owe
    opens: str  # the deadline counted from the appointment event
    appointed_after: MonthDay  # in the appraisal's year: an appointment after this day
    min_months_left: int | None = Field(default=None, ge=1)
    paragraph: str


class Escalation(Strict):
    """Reminders before a deadline and the ladder climbed after it (PRODUCT: responsible →
    their manager → head of HR → appointing official), one rung per `every` working days."""

    reminder_lead: int = Field(ge=0)  # working days before the due day
    every: int = Field(ge=1)  # working days overdue per rung
    ladder: list[Literal["responsible", "manager", "head_of_hr", "appointing_official"]] = Field(min_length=1)


class ScheduleRules(Strict):
    """The body's appraisal schedule: HR drafts per unit the day its appraisal starts (with
    the commission chair, mne2017 п.14), the appointing official approves it (typical2023
    п.11). The approved day is recorded on the unit's appraisals of a kind as `events`,
    which open the deadlines counted from them (mne2017 п.14: the notice 10 days before)."""

    paragraph: str
    approval_paragraph: str
    events: dict[Kind, list[str]] = {}


class Retention(Strict):
    years: int = Field(ge=1)
    paragraph: str


# --- the whole definition -------------------------------------------------------------


class Methodology(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Text
    source: Text
    band_sets: dict[str, BandSet]
    quarterly: QuarterlyRules | None = None
    plan: PlanRules | None = None
    annual: AnnualRules | None = None
    kpi: KpiRules | None = None
    differentiation: DifferentiationRules | None = None
    survey360: Survey360Rules | None = Field(default=None, alias="360")
    scope: Scope | None = None
    escalation: Escalation | None = None
    retention: Retention | None = None
    schedule: ScheduleRules | None = None
    events: dict[str, EventDef] = {}
    deadlines: dict[str, DeadlineRule] = {}
    appointments: list[AppointmentRule] = []
    workflow_parts: dict[str, WorkflowPart] = {}
    workflow: dict[Kind, Workflow] = {}
    consequences: list[ConsequenceRule] = []
    _flows: dict[str, Workflow] = PrivateAttr(default_factory=dict)  # flow(kind), merged once
    _leaving: dict[tuple[str, str], tuple[TransitionDef, ...]] = PrivateAttr(default_factory=dict)  # leaving(kind, state), found once

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def rules(self, kind: Kind) -> KindRules | None:
        return self.survey360 if kind == "360" else getattr(self, kind)

    def rules_of(self, kind: Kind) -> KindRules:
        """The rules of one of `kinds`, which every workflow's kind is (checked on load)."""
        rules = self.rules(kind)
        if rules is None:
            raise KeyError(f"{self.id}: no rules for the kind {kind!r}")
        return rules

    @property
    def kinds(self) -> list[Kind]:
        every: tuple[Kind, ...] = ("quarterly", "plan", "annual", "kpi", "differentiation", "360")
        return [kind for kind in every if self.rules(kind) is not None]

    def bands(self, name: str) -> BandSet:
        return self.band_sets[name]

    def score_span(self, kind: Kind) -> Span:
        """The scale a score of `kind` lives on: what people (a commission, an appeal, a
        calibration session) may set it to."""
        rules = self.rules(kind)
        if isinstance(rules, QuarterlyRules | KpiRules | DifferentiationRules):
            return rules.score
        if isinstance(rules, PlanRules):
            return rules.indicator_score
        if isinstance(rules, Survey360Rules):
            return rules.answer_span
        assert isinstance(rules, AnnualRules)
        span = rules.quarter_score if rules.method == "mean_of_quarters" else rules.plan_score
        assert span is not None
        return span

    def is_head(self, category: str | None) -> bool:
        """A head of unit, by position category (typical2023 п.3.4)."""
        return self.scope is not None and category in self.scope.head_categories

    @model_validator(mode="after")
    def _references_resolve(self) -> Methodology:
        for kind in self.kinds:
            rules = self.rules_of(kind)
            names = [rules.bands]
            if isinstance(rules, AnnualRules) and rules.quarterly_bands:
                names.append(rules.quarterly_bands)
            for name in names:
                if name not in self.band_sets:
                    raise ValueError(f"{kind}: no band set {name!r} in band_sets")
            if isinstance(rules, AnnualRules) and rules.band_values:
                if rules.quarterly_bands is None:
                    raise ValueError("annual.band_values map the bands of quarterly_bands, which is not set")
                band_ids = {band.id for band in self.band_sets[rules.quarterly_bands].bands}
                if set(rules.band_values) != band_ids:
                    raise ValueError(f"annual.band_values must map exactly {sorted(band_ids)}")
        for step, rule in self.deadlines.items():
            unknown = set(rule.kinds) - set(self.kinds)
            if unknown:
                raise ValueError(f"deadlines.{step}: kinds {sorted(unknown)} are not defined")
            for term in [rule.term, *rule.quarter_overrides.values()]:
                if isinstance(term, Counted):
                    self._check_anchor(step, term.anchor)
        self._check_no_cycles()
        for index, appointment in enumerate(self.appointments):
            self._check_appointment(f"appointments[{index}]", appointment)
        for kind, flow in self.workflow.items():
            self._check_workflow(kind, flow)
        self._check_events_open()
        self._check_every_deadline_opened()
        for consequence in self.consequences:
            missing = set(consequence.kinds) - set(self.kinds)
            if missing:
                raise ValueError(f"consequences.{consequence.consequence}: kinds {sorted(missing)} are not defined")
        return self

    def flow(self, kind: Kind) -> Workflow:
        """The workflow of `kind` with its included parts appended; merged once per loaded
        definition (a page of many appraisals asks it for each)."""
        if kind not in self._flows:
            self._flows[kind] = self._merged(kind)
        return self._flows[kind]

    def leaving(self, kind: Kind, state: str) -> tuple[TransitionDef, ...]:
        """The rows of `kind`'s workflow that leave `state`, in the table's order; found once
        per loaded definition, as a page asks it of every appraisal it lists."""
        key = (kind, state)
        if key not in self._leaving:
            self._leaving[key] = tuple(row for row in self.flow(kind).transitions if state in row.source)
        return self._leaving[key]

    def _merged(self, kind: Kind) -> Workflow:
        flow = self.workflow[kind]
        states, transitions = dict(flow.states), list(flow.transitions)
        for name in flow.include:
            part = self.workflow_parts[name]
            states.update(part.states)
            transitions.extend(part.transitions)
        return flow.model_copy(update={"states": states, "transitions": transitions, "include": []})

    def _check_workflow(self, kind: Kind, flow: Workflow) -> None:
        where = f"workflow.{kind}"
        if kind not in self.kinds:
            raise ValueError(f"{where}: the kind is not defined")
        unknown_parts = [name for name in flow.include if name not in self.workflow_parts]
        if unknown_parts:
            raise ValueError(f"{where}.include: no workflow_parts {unknown_parts}")
        whole = self.flow(kind)
        if whole.initial not in whole.states:
            raise ValueError(f"{where}.initial: {whole.initial!r} is not a state")
        steps = {step for step, rule in self.deadlines.items() if kind in rule.kinds}
        for step in whole.opens:
            if step not in steps:
                raise ValueError(f"{where}.opens: {step!r} is not a deadline of this kind")
        seen: set[tuple[str, str]] = set()
        for row in whole.transitions:
            for state in row.source:
                if state not in whole.states:
                    raise ValueError(f"{where}.{row.action}: from {state!r} is not a state")
                if whole.states[state].final:
                    raise ValueError(f"{where}.{row.action}: leaves the final state {state!r}")
                if (state, row.action) in seen:
                    raise ValueError(f"{where}.{row.action}: defined twice from {state!r}")
                seen.add((state, row.action))
            if row.to != STAY and row.to not in whole.states:
                raise ValueError(f"{where}.{row.action}: to {row.to!r} is not a state")
            for step in [*row.opens, *row.closes, *row.cancels, *filter(None, [row.within, row.after])]:
                if step not in steps:
                    raise ValueError(f"{where}.{row.action}: {step!r} is not a deadline of this kind")
            for name in row.events:
                if name not in self.events:
                    raise ValueError(f"{where}.{row.action}: event {name!r} is not declared")

    def _check_appointment(self, where: str, rule: AppointmentRule) -> None:
        """Both steps are deadlines of the rule's kinds, and the one it opens counts from the
        appointment event."""
        for step in (rule.instead_of, rule.opens):
            missing = set(rule.kinds) - set(self.deadlines[step].kinds) if step in self.deadlines else set(rule.kinds)
            if missing:
                raise ValueError(f"{where}: {step!r} is not a deadline of {sorted(missing)}")
        term = self.deadlines[rule.opens].term
        if not isinstance(term, Counted) or term.anchor != "appointment":
            raise ValueError(f"{where}: {rule.opens!r} does not count from the event 'appointment'")

    def _check_events_open(self) -> None:
        for kind, names in self.schedule.events.items() if self.schedule else []:
            if kind not in self.kinds:
                raise ValueError(f"schedule.events.{kind}: the kind is not defined")
            for name in names:
                if name not in self.events:
                    raise ValueError(f"schedule.events.{kind}: event {name!r} is not declared")
        for name, event in self.events.items():
            for step in event.opens:
                if step not in self.deadlines:
                    raise ValueError(f"events.{name}.opens: {step!r} is not a deadline")

    def _check_every_deadline_opened(self) -> None:
        """A deadline nothing opens is a rule nobody is ever held to: each must be opened by
        a workflow when its appraisal is created, by a transition, or by an event (which a
        transition, the schedule or an appointment records)."""
        opened = {step for event in self.events.values() for step in event.opens}
        for kind in self.workflow:
            whole = self.flow(kind)
            opened.update(whole.opens, *(row.opens for row in whole.transitions))
        for step in self.deadlines:
            if step not in opened:
                raise ValueError(f"deadlines.{step}: nothing opens it (no workflow, transition or event lists it in `opens`)")

    def _check_anchor(self, step: str, anchor: str) -> None:
        if anchor.startswith("step:"):
            if anchor[5:] not in self.deadlines:
                raise ValueError(f"deadlines.{step}: no step {anchor[5:]!r}")
        elif anchor not in PERIOD_ANCHORS and anchor not in self.events:
            raise ValueError(f"deadlines.{step}: anchor {anchor!r} is neither an event nor a period anchor")

    def _check_no_cycles(self) -> None:
        def depends_on(step: str) -> set[str]:
            rule = self.deadlines[step]
            terms = [rule.term, *rule.quarter_overrides.values()]
            return {t.anchor[5:] for t in terms if isinstance(t, Counted) and t.anchor.startswith("step:")}

        for start in self.deadlines:
            seen: set[str] = set()
            todo = list(depends_on(start))
            while todo:
                step = todo.pop()
                if step == start:
                    raise ValueError(f"deadlines.{start}: counts from itself through other steps")
                if step not in seen:
                    seen.add(step)
                    todo.extend(depends_on(step))

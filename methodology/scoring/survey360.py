"""typical2023 360 method (п.34–37, Annexes 5–8).

Three to seven respondents (the direct manager, subordinates, close peers) answer three
questions per competency on a five-step frequency scale; a competency's mean is the sum of
their points over the number of answers (Annexes 7–8), the self-assessment is shown apart
and never counted (п.36). Only means leave this function: no answer of any respondent is
in the result, so the result can be shown without breaking anonymity (п.34).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Mapping, Sequence

from methodology.schema import Methodology, Survey360Rules
from methodology.scoring.common import Checks, Result, mean, result, round_score

Role = Literal["manager", "subordinate", "peer", "self"]
Assessee = Literal["head", "staff"]


@dataclass(frozen=True)
class Respondent:
    role: Role
    answers: Mapping[str, Sequence[Decimal]]


def survey360_score(methodology: Methodology, assessee: Assessee, respondents: Sequence[Respondent]) -> Result:
    rules = methodology.survey360
    assert rules is not None, f"{methodology.id} has no 360 method"
    check = Checks(methodology)
    competencies = [item.id for item in rules.competencies[assessee]]
    _check_roles(check, rules, respondents)
    for index, respondent in enumerate(respondents):
        _check_answers(check, rules, competencies, f"respondents[{index}].answers", respondent.answers)

    others = [r for r in respondents if r.role != "self"]
    means = {c: mean([a for r in others for a in r.answers[c]]) for c in competencies}
    overall = mean(list(means.values()))
    self_assessment = next((r for r in respondents if r.role == "self"), None)
    lowest = min(round_score(value) for value in means.values())
    return result(
        methodology, "360", overall,
        assessee=assessee,
        respondents=len(others),
        competencies={c: round_score(value) for c, value in means.items()},
        self=None if self_assessment is None else {
            c: round_score(mean(list(self_assessment.answers[c]))) for c in competencies
        },
        weakest=[c for c, value in means.items() if round_score(value) == lowest],
    )


def _check_roles(check: Checks, rules: Survey360Rules, respondents: Sequence[Respondent]) -> None:
    rule = rules.respondents_paragraph
    allowed = [*rules.roles, "self"]
    for index, respondent in enumerate(respondents):
        if respondent.role not in allowed:
            raise check.fail("unknown", f"respondents[{index}].role", respondent.role, rule, expected=", ".join(allowed))
    for single in ("self", "manager"):  # one self-assessment, one direct manager
        if sum(r.role == single for r in respondents) > 1:
            raise check.fail("one_only", "respondents.role", single, rule)
    others = [r for r in respondents if r.role != "self"]
    check.count(others, rules.respondents, "respondents", rule)


def _check_answers(
    check: Checks,
    rules: Survey360Rules,
    competencies: list[str],
    field: str,
    answers: Mapping[str, Sequence[Decimal]],
) -> None:
    rule = rules.paragraph
    for name in answers:
        if name not in competencies:
            raise check.fail("unknown", f"{field}.{name}", name, rule, expected=", ".join(competencies))
    missing = [name for name in competencies if name not in answers]
    if missing:
        raise check.fail("missing_items", field, sorted(answers), rule, expected=", ".join(missing))
    scale = rules.answer_span
    for name in competencies:
        given = answers[name]
        if len(given) != rules.questions_per_competency:
            raise check.fail("answers", f"{field}.{name}", len(given), rule, expected=rules.questions_per_competency)
        for position, answer in enumerate(given):
            check.whole(answer, f"{field}.{name}[{position}]", rule)
            check.within(answer, scale, f"{field}.{name}[{position}]", rule)

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


def _rules(methodology: Methodology) -> Survey360Rules:
    rules = methodology.survey360
    assert rules is not None, f"{methodology.id} has no 360 method"
    return rules


def survey360_score(methodology: Methodology, assessee: Assessee, respondents: Sequence[Respondent]) -> Result:
    check_roles(methodology, [r.role for r in respondents])
    for index, respondent in enumerate(respondents):
        check_answers(methodology, assessee, f"respondents[{index}].answers", respondent.answers)

    others = [r for r in respondents if r.role != "self"]
    pooled = {c: [a for r in others for a in r.answers[c]] for c in respondents[0].answers}
    self_assessment = next((r.answers for r in respondents if r.role == "self"), None)
    return pooled_score(methodology, assessee, pooled, self_assessment, len(others))


def pooled_score(
    methodology: Methodology,
    assessee: Assessee,
    pooled: Mapping[str, Sequence[Decimal]],
    self_answers: Mapping[str, Sequence[Decimal]] | None,
    respondents: int,
) -> Result:
    """The result from every respondent's answers pooled per competency: what is stored,
    since stored answers carry no respondent (п.34)."""
    rules = methodology.survey360
    assert rules is not None, f"{methodology.id} defines no 360 survey"
    competencies = [item.id for item in rules.competencies[assessee]]
    means = {c: mean(list(pooled[c])) for c in competencies}
    lowest = min(round_score(value) for value in means.values())
    return result(
        methodology,
        "360",
        mean(list(means.values())),
        assessee=assessee,
        respondents=respondents,
        competencies={c: round_score(value) for c, value in means.items()},
        self=None if self_answers is None else {c: round_score(mean(list(self_answers[c]))) for c in competencies},
        weakest=[c for c, value in means.items() if round_score(value) == lowest],
    )


def check_roles(methodology: Methodology, roles: Sequence[str]) -> None:
    """п.36: 3 to 7 respondents besides one self-assessment, at most one direct manager."""
    rules = _rules(methodology)
    check = Checks(methodology)
    rule = rules.respondents_paragraph
    allowed = [*rules.roles, "self"]
    for index, role in enumerate(roles):
        if role not in allowed:
            raise check.fail("unknown", f"respondents[{index}].role", role, rule, expected=", ".join(allowed))
    for single in ("self", "manager"):
        if sum(role == single for role in roles) > 1:
            raise check.fail("one_only", "respondents.role", single, rule)
    check.count([role for role in roles if role != "self"], rules.respondents, "respondents", rule)


def check_answers(
    methodology: Methodology,
    assessee: Assessee,
    field: str,
    answers: Mapping[str, Sequence[Decimal]],
) -> None:
    """Every competency of the assessee's annex, three answers each on the 1..5 scale."""
    rules = _rules(methodology)
    check = Checks(methodology)
    competencies = [item.id for item in rules.competencies[assessee]]
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

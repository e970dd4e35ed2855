"""What a final result entails, recorded when an appraisal closes: bonus eligibility
(mne2017 п.43, typical2023 п.9), training within three months of an unsatisfactory year
(mne2017 п.44), no mentoring (п.45), demotion review after two unsatisfactory years in a
row (п.46), training topics from the weakest 360 competencies (typical2023 п.37).

Results "in a row" are those of consecutive periods, counting the annual results HR
imported from before the body used bagalau (states/past_results.py): a year without a
result breaks the row.

Which consequence follows which band is data (`consequences:` of the definition); this
module only applies it.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from methodology.deadlines import Period
from methodology.schema import ConsequenceRule, Methodology, as_kind
from models import Appraisal, Consequence
from models.db import id_of
from states.handlers.survey import pooled_answers
from states.past_results import earlier_bands


def record(session: Session, definition: Methodology, appraisal: Appraisal, on: date) -> list[Consequence]:
    if appraisal.band is None:
        return []  # withdrawn or exempt: no result, nothing follows
    made = [
        Consequence(
            appraisal_id=id_of(appraisal),
            servant_id=appraisal.servant_id,
            kind=rule.consequence,
            due=_due(appraisal, rule, on),
            paragraph=rule.paragraph,
            data=_data(session, appraisal, rule),
        )
        for rule in definition.consequences
        if _applies(session, definition, appraisal, rule)
    ]
    session.add_all(made)
    return made


def _applies(session: Session, definition: Methodology, appraisal: Appraisal, rule: ConsequenceRule) -> bool:
    if appraisal.kind not in rule.kinds or (rule.bands and appraisal.band not in rule.bands):
        return False
    if rule.consecutive:
        return _in_a_row(session, definition, appraisal) >= rule.consecutive
    return True


def _in_a_row(session: Session, definition: Methodology, appraisal: Appraisal) -> int:
    """How many results of this kind in consecutive periods, ending with this one, fell in
    its band."""
    rules = definition.rules(as_kind(appraisal.kind))
    assert rules is not None, appraisal.kind
    earlier = earlier_bands(session, appraisal.servant_id, appraisal.kind, appraisal.period)
    count, period = 1, Period.parse(appraisal.period, rules.period).previous
    while earlier.get(str(period)) == appraisal.band:
        count, period = count + 1, period.previous
    return count


def _due(appraisal: Appraisal, rule: ConsequenceRule, on: date) -> date | None:
    """п.44: within N months after the commission approved the result."""
    if rule.within_months is None:
        return None
    start = date.fromisoformat(appraisal.events.get("commission_decision", on.isoformat()))
    return start + relativedelta(months=rule.within_months)  # 30 November + 3: end of February


def _data(session: Session, appraisal: Appraisal, rule: ConsequenceRule) -> dict:
    if rule.consequence != "training_topics":
        return {"band": appraisal.band}
    assert appraisal.id is not None, "a row read from the database"
    sums = pooled_answers(session, appraisal.id)
    means = {c: sum(v) / len(v) for c, v in sums.items()}
    lowest = min(means.values(), default=None)
    return {"competencies": sorted(c for c, m in means.items() if m == lowest)}

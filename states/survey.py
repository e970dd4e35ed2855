"""The 360 survey's answers as the lifecycle keeps them: a tally per competency, question
and value, never who gave which (typical2023 п.34). What the survey handler scores and the
360 report shows (notifications/forms/survey.py) is read here, the same way for both.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlmodel import Session, col, select

from models import SurveyTally


def pooled_answers(session: Session, appraisal_id: int) -> dict[str, list[Decimal]]:
    """Every respondent's answers per competency, from the tally (order carries nothing)."""
    pooled: dict[str, list[Decimal]] = defaultdict(list)
    for cell in session.exec(select(SurveyTally).where(SurveyTally.appraisal_id == appraisal_id, col(SurveyTally.count) > 0)):
        pooled[cell.competency].extend([Decimal(cell.value)] * cell.count)
    return pooled

"""SQLModel tables and their Alembic migrations (`models/migrations/`).

Importing this package registers every table on `SQLModel.metadata`, which the
migrations are generated from.
"""

from models.appraisal import AuditEvent, Appraisal, Consequence, Cycle, Deadline
from models.meetings import (
    Appeal,
    Attendance,
    CalibrationApplication,
    CalibrationParticipant,
    CalibrationSession,
    CalibrationVote,
    Commission,
    CommissionMember,
    Meeting,
    Vote,
)
from models.auditors import Auditor
from models.identity import Account, SignInFailure, WebSession
from models.outbox import Notice
from models.organisation import Absence, Position, Servant, StateBody, Unit
from models.sheets import BonusItem, Indicator, ParameterScore, RefusalAct, Violation
from models.survey import SelfAnswer, SurveyInvitation, SurveyTally

__all__ = [
    "Absence", "Account", "Appeal", "Appraisal", "Attendance", "AuditEvent", "Auditor", "BonusItem",
    "CalibrationApplication", "CalibrationParticipant", "CalibrationSession", "CalibrationVote",
    "Commission", "CommissionMember", "Consequence", "Cycle", "Deadline", "Indicator", "Meeting", "Notice",
    "ParameterScore", "Position", "RefusalAct", "SelfAnswer", "Servant", "StateBody",
    "SignInFailure", "SurveyInvitation", "SurveyTally", "Unit", "Violation", "Vote", "WebSession",
]

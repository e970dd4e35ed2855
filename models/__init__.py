"""SQLModel tables and their Alembic migrations (`models/migrations/`).

Importing this package registers every table on `SQLModel.metadata`, which the
migrations are generated from.
"""

from models.appraisal import Appraisal, AuditChain, AuditEvent, Consequence, Cycle, Deadline
from models.auditors import Auditor
from models.identity import Account, Invitation, SignInFailure, WebSession
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
from models.organisation import Absence, Position, Servant, StateBody, Unit
from models.outbox import Notice
from models.past_results import PastResult
from models.schedule import ScheduleEntry
from models.sheets import BonusItem, Indicator, ParameterScore, RefusalAct, Violation
from models.survey import SelfAnswer, SurveyInvitation, SurveyTally

__all__ = [
    "Absence",
    "Account",
    "Appeal",
    "Appraisal",
    "Attendance",
    "AuditChain",
    "AuditEvent",
    "Auditor",
    "BonusItem",
    "CalibrationApplication",
    "CalibrationParticipant",
    "CalibrationSession",
    "CalibrationVote",
    "Commission",
    "CommissionMember",
    "Consequence",
    "Cycle",
    "Deadline",
    "Indicator",
    "Invitation",
    "Meeting",
    "Notice",
    "ParameterScore",
    "PastResult",
    "Position",
    "RefusalAct",
    "ScheduleEntry",
    "SelfAnswer",
    "Servant",
    "StateBody",
    "SignInFailure",
    "SurveyInvitation",
    "SurveyTally",
    "Unit",
    "Violation",
    "Vote",
    "WebSession",
]

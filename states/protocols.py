"""The protocols a state body's meetings left: each commission meeting (mne2017 п.34–35,
Annex 4) and each calibration session held (typical2023 п.42), with its day and the
appraisal its protocol is drawn from. HR's console lists them for HR and for the body's
auditors, who read them without results (notifications/forms/audit_copy.py).

A commission protocol is drawn from any appraisal whose latest vote was at that meeting
(notifications/forms/records.commission_protocol), so a meeting is anchored on the first
such appraisal; a sheet decided again later belongs to the later meeting's protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from models import Appraisal, CalibrationSession, Commission, Meeting, Servant, Vote


@dataclass(frozen=True)
class Held:
    form: str  # commission-protocol or calibration-protocol
    held_on: date
    appraisal: int  # the appraisal the protocol is drawn from
    sheets: int  # how many sheets it decided
    kind: str
    period: str


def protocols_of(session: Session, body_id: int) -> list[Held]:
    """Every protocol of the body, the latest first."""
    held = _commission(session, body_id) + _calibration(session, body_id)
    return sorted(held, key=lambda h: (h.held_on, h.appraisal), reverse=True)


def _commission(session: Session, body_id: int) -> list[Held]:
    query = (
        select(col(Vote.appraisal_id), col(Vote.meeting_id), col(Meeting.held_on), col(Appraisal.kind), col(Appraisal.period))
        .join(Meeting, col(Meeting.id) == Vote.meeting_id)
        .join(Commission, col(Commission.id) == Meeting.commission_id)
        .join(Appraisal, col(Appraisal.id) == Vote.appraisal_id)
        .where(col(Commission.state_body_id) == body_id)
        .order_by(col(Vote.id))
    )
    latest = {row.appraisal_id: row for row in session.execute(query)}  # the last vote of each sheet wins
    meetings: dict[int, list[int]] = {}
    for appraisal, row in latest.items():
        meetings.setdefault(row.meeting_id, []).append(appraisal)
    made = []
    for sheets in meetings.values():
        anchor = latest[min(sheets)]
        made.append(Held("commission-protocol", anchor.held_on, min(sheets), len(sheets), anchor.kind, anchor.period))
    return made


def _calibration(session: Session, body_id: int) -> list[Held]:
    query = (
        select(col(CalibrationSession.appraisal_id), col(CalibrationSession.held_on), col(Appraisal.kind), col(Appraisal.period))
        .join(Appraisal, col(Appraisal.id) == CalibrationSession.appraisal_id)
        .join(Servant, col(Servant.id) == Appraisal.servant_id)
        .where(col(Servant.state_body_id) == body_id, col(CalibrationSession.held_on).is_not(None))
        .order_by(col(CalibrationSession.id))
    )
    latest = {row.appraisal_id: row for row in session.execute(query)}  # the protocol is the last session's
    return [Held("calibration-protocol", row.held_on, appraisal, 1, row.kind, row.period) for appraisal, row in latest.items()]

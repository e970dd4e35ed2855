"""Auditors: an account that reads a state body's compliance and protocols, never a
score (issue #12). One row per body audited, so an inspector of a ministry may audit
several; the account stays a servant's, signing in as part 1 describes.
"""

from __future__ import annotations

from typing import Optional

from sqlmodel import Field, SQLModel, UniqueConstraint


class Auditor(SQLModel, table=True):
    __tablename__ = "auditor"
    __table_args__ = (UniqueConstraint("account_id", "state_body_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    state_body_id: int = Field(foreign_key="state_body.id")

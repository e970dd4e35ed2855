"""One typed input per flow (Temporal's habit): what a schedule or an operator passes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Optional

from pydantic import BaseModel, Field


class OpeningInput(BaseModel):
    on: Optional[date] = Field(None, description="The day to open for (default: today in Asia/Almaty).")
    granularity: Literal["quarter", "year"] = "quarter"
    kinds: Optional[list[str]] = Field(None, description="Only these kinds (default: every kind of that granularity).")


class SweepInput(BaseModel):
    now: Optional[datetime] = Field(None, description="The moment to sweep for (default: now in Asia/Almaty).")
    batch: int = Field(5000, ge=1, description="Deadlines per transaction.")
    deliver: bool = Field(True, description="Deliver the outbox after the sweep.")


class PurgeInput(BaseModel):
    on: Optional[date] = None


class ReportInput(BaseModel):
    on: Optional[date] = None
    lang: Literal["kk", "ru", "en"] = "kk"
    folder: str = Field("reports", description="Where the CSV, XLSX and HTML files go.")
    since: Optional[date] = Field(None, description="Late steps done on or after this day (default: all).")

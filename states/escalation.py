"""The stages of a deadline: a reminder before it, then up the ladder after it.

Stage 1 is the reminder, `reminder_lead` working days before the due day; stage 2 tells
the responsible person it is overdue on the first working day after; each further stage
climbs one rung (their manager, the head of HR, the appointing official) every `every`
working days. A deadline row keeps the last stage fired (`level`) and the day of the next
one (`next_fire`), so the sweep asks only "what is due by today".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from methodology.schema import Escalation
from methodology.workdays import WorkCalendar

REMINDER = 1


@dataclass(frozen=True)
class Stage:
    level: int
    kind: str  # reminder, overdue, escalation
    on: date
    rung: str | None  # who is told, for the ladder's stages


def stages(due: date, escalation: Escalation, calendar: WorkCalendar) -> list[Stage]:
    out = []
    if escalation.reminder_lead:
        out.append(Stage(REMINDER, "reminder", calendar.add_working_days(due, -escalation.reminder_lead), None))
    for index, rung in enumerate(escalation.ladder):
        day = calendar.add_working_days(due, 1 + index * escalation.every)
        out.append(Stage(REMINDER + 1 + index, "overdue" if index == 0 else "escalation", day, rung))
    return out


def next_fire(level: int, all_stages: list[Stage]) -> date | None:
    return next((stage.on for stage in all_stages if stage.level > level), None)


def due_now(level: int, due: date, all_stages: list[Stage], today: date) -> list[Stage]:
    """The stages to fire today: every one not fired yet whose day has come, except a
    reminder that the due day has already overtaken (the overdue notice replaces it)."""
    return [s for s in all_stages if s.level > level and s.on <= today and not (s.kind == "reminder" and today > due)]


def level_after(level: int, all_stages: list[Stage], today: date) -> int:
    return max([level, *(s.level for s in all_stages if s.on <= today)])

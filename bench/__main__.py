"""`make bench`: the product's work at the volume of a whole country (~100,000 servants).

Measures what exists so far: scoring every sheet of a quarter and computing every
statutory deadline of a quarter, with plain Python as the floor to compare against.
Prints a table and writes the figures to out/bench.json.
"""

from __future__ import annotations

import json
import platform
import random
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Callable

from rich.console import Console
from rich.table import Table

import methodology
from methodology.deadlines import Period, deadlines
from methodology.scoring.differentiation import ParameterScore, differentiation_score
from methodology.scoring.kpi import KpiInput, kpi_score, realisation
from methodology.scoring.quarterly import quarterly_score
from methodology.scoring.survey360 import Respondent, survey360_score
from methodology.workdays import default_calendar

SERVANTS = 100_000
HEADS = SERVANTS // 5  # about one head of unit for four staff
OUT = Path("out/bench.json")


def timed(work: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    count = work()
    return time.perf_counter() - start, count


def main() -> None:
    rng = random.Random(2026)
    mne, typical = methodology.load("mne2017"), methodology.load("typical2023")
    calendar = default_calendar()
    d = Decimal

    sheets = [([d(rng.randint(1, 5)) for _ in range(rng.randint(0, 6))], d(rng.choice([0, 0, 0, 1, 2]))) for _ in range(SERVANTS)]
    kpi_sheets = []
    for _ in range(HEADS):
        kpis = []
        for _ in range(rng.randint(3, 5)):
            planned, actual = d(rng.randint(10, 200)), d(rng.randint(5, 220))
            row = typical.kpi.row_for(realisation(planned, actual, "increase"))  # type: ignore[union-attr]
            kpis.append(KpiInput(planned, actual, "increase", row.min))
        kpi_sheets.append(kpis)
    staff = [{p: ParameterScore(d(rng.randint(2, 5)), "обоснование") for p in ("quality", "deadlines", "initiative", "discipline")}
             for _ in range(SERVANTS - HEADS)]
    competencies = [c.id for c in typical.survey360.competencies["staff"]]  # type: ignore[union-attr]
    surveys = [[Respondent(role, {c: [d(rng.randint(2, 5)) for _ in range(3)] for c in competencies})
                for role in ("manager", "peer", "peer", "peer", "self")] for _ in range(SERVANTS // 10)]
    returns = [date(2026, 10, 1) + timedelta(days=rng.randint(0, 60)) for _ in range(SERVANTS)]

    def raw_quarterly() -> int:
        return sum(1 for bonus, violations in sheets if 100 + sum(bonus) - 2 * violations)

    rows = [
        ("mne2017 quarterly scores", lambda: sum(1 for b, v in sheets if quarterly_score(mne, b, v)), raw_quarterly),
        ("typical2023 KPI sheets (heads)", lambda: sum(1 for k in kpi_sheets if kpi_score(typical, k)), None),
        ("typical2023 differentiation (staff)", lambda: sum(1 for s in staff if differentiation_score(typical, s)), None),
        ("typical2023 360 (a tenth, 4+self)", lambda: sum(1 for r in surveys if survey360_score(typical, "staff", r)), None),
        ("deadlines of a quarter, typical2023 kpi",
         lambda: sum(len(deadlines(typical, "kpi", Period(2026, 3), {"return_to_work": day}, calendar)) for day in returns), None),
        ("deadlines of a quarter, mne2017 quarterly",
         lambda: sum(len(deadlines(mne, "quarterly", Period(2026, 3), {"completion": day}, calendar)) for day in returns), None),
    ]
    table = Table(title=f"bagalau bench: {SERVANTS:,} servants ({platform.python_version()}, embedded, no database yet)")
    for column in ("operation", "items", "seconds", "per item µs", "raw seconds", "product / raw"):
        table.add_column(column, justify="left" if column == "operation" else "right")
    figures = []
    for name, work, raw in rows:
        seconds, count = timed(work)
        raw_seconds = timed(raw)[0] if raw else None
        ratio = seconds / raw_seconds if raw_seconds else None
        figures.append({"operation": name, "items": count, "seconds": round(seconds, 3),
                        "raw_seconds": raw_seconds and round(raw_seconds, 3), "ratio": ratio and round(ratio, 1)})
        table.add_row(name, f"{count:,}", f"{seconds:.2f}", f"{seconds / count * 1e6:.1f}",
                      "" if raw_seconds is None else f"{raw_seconds:.3f}", "" if ratio is None else f"{ratio:.0f}×")
    Console(width=140).print(table)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"servants": SERVANTS, "results": figures}, indent=2), "utf-8")
    print(f"figures written to {OUT}")


if __name__ == "__main__":
    main()

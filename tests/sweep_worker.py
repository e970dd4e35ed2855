"""One deadline sweep in a process of its own, for the crash-safety test (tests/test_sweep.py),
which kills it with SIGKILL at a random moment.

    python tests/sweep_worker.py DATABASE_URL DAY BATCH

It imports and warms up everything first (the definitions, the calendar, a connection) and
prints "ready" just before the sweep starts, so the killer's delay counts sweep time, not
start-up time; it prints "done DEADLINES NOTICES BATCHES" when the sweep finished.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time


def main() -> None:
    url, day, batch = sys.argv[1], date.fromisoformat(sys.argv[2]), int(sys.argv[3])

    from methodology import loader
    from methodology.workdays import ALMATY, default_calendar
    from models.db import engine
    from states.sweep import sweep

    for name in loader.available():
        loader.load(name)
    default_calendar().add_working_days(day, 1)
    bound = engine(url)
    with bound.connect():
        pass
    print("ready", flush=True)
    report = sweep(bound, day, at=datetime.combine(day, time(0, 5), ALMATY), batch=batch)
    print(f"done {report.deadlines} {report.notices} {report.batches}", flush=True)


if __name__ == "__main__":
    main()

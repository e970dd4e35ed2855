"""One measured figure as out/bench.json holds it: a stable `id`, the product's seconds,
the raw seconds of the same work done by hand, their ratio, the rate where it is one, and
the target it is held to."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from bench.databases import Database


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def figure(
    id: str, db: Database | None, operation: str, items: int, seconds: float, raw: float | None, target: str, *, rate: bool = False
) -> dict[str, Any]:
    return {
        "id": id, "database": db.name if db else "SQLite + Prefect" if id.startswith("flow.") else "", "operation": operation,
        "items": items, "seconds": round(seconds, 3), "raw_seconds": None if raw is None else round(raw, 3),
        "ratio": None if not raw else round(seconds / raw, 2),
        "per_second": round(items / seconds, 1) if rate and seconds else None, "target": target,
    }

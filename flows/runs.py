"""What every flow shares: the product's database, the day in Asia/Almaty, and tags on
the running flow run so HR finds it in the Prefect UI by state body, period and kind."""

from __future__ import annotations

from datetime import date, datetime
from typing import Callable
from uuid import UUID

from prefect import get_run_logger
from prefect.client.orchestration import get_client
from prefect.runtime import flow_run
from sqlalchemy.engine import Engine

from methodology.workdays import ALMATY
from models.db import engine


def database() -> Engine:
    """The product's own database (never Prefect's); migrated at `bagalau db upgrade`,
    `serve`, `deploy` or its first use (models/db.py), never per run."""
    return engine()


def today(on: date | None) -> date:
    return on or datetime.now(ALMATY).date()


def now(moment: datetime | None) -> datetime:
    return moment.astimezone(ALMATY) if moment and moment.tzinfo else (moment.replace(tzinfo=ALMATY) if moment else datetime.now(ALMATY))


def run_name(title: str, field: str) -> Callable[[], str]:
    """A readable flow run name: the title and the day or moment the run is for."""

    def name() -> str:
        request = next(iter(flow_run.get_parameters().values()), None)
        value = request.get(field) if isinstance(request, dict) else getattr(request, field, None)
        return f"{title} {value or datetime.now(ALMATY).strftime('%Y-%m-%d %H:%M')}"

    return name


def tag_run(*tags: str) -> None:
    """Add tags to the running flow run, once its work says what it concerned."""
    run_id = flow_run.get_id()
    if not run_id:
        return  # called as plain code (flow.fn), not as a flow run
    with get_client(sync_client=True) as client:
        current = client.read_flow_run(UUID(run_id)).tags
        client.update_flow_run(UUID(run_id), tags=sorted(set(current) | set(tags)))
    get_run_logger().info("tagged %s", ", ".join(tags))

"""What every flow shares: the product's database, the day in Asia/Almaty, a run's name
(what it does and for which day), tags on the running flow run so HR finds it in the
Prefect UI by state body, period and kind, the markdown artifact a run publishes for HR to
read there (built by services/), and the flows' error boundary: a failure the person can
fix (a database that cannot be reached, a setting, a refusal of the rules) ends the task
and the flow run Failed with one line in the log, in BAGALAU_LANG, never a traceback
(services/failures.py tells what it means)."""

from __future__ import annotations

import functools
import inspect
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, TypeVar, cast, get_type_hints
from uuid import UUID

from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.client.orchestration import get_client
from prefect.exceptions import FailedRun, MissingContextError
from prefect.runtime import flow_run
from prefect.states import Failed
from sqlalchemy.engine import Engine

from methodology.i18n import DEFAULT_LANG, LANGS, Lang
from methodology.workdays import ALMATY
from models.db import engine
from services.failures import one_line

Work = TypeVar("Work", bound=Callable[..., Any])


def database() -> Engine:
    """The product's own database (never Prefect's); migrated at `bagalau db upgrade`,
    `serve`, `deploy` or its first use (models/db.py), never per run."""
    return engine()


def today(on: date | None) -> date:
    return on or datetime.now(ALMATY).date()


def now(moment: datetime | None) -> datetime:
    return moment.astimezone(ALMATY) if moment and moment.tzinfo else (moment.replace(tzinfo=ALMATY) if moment else datetime.now(ALMATY))


@dataclass(frozen=True)
class RunName:
    """A readable flow run name: what the run does, then the day (or, with `moment`, the
    moment) it is for: its input's, or else the one it is scheduled for, which its work takes
    for today. Prefect calls it as the run starts; flows/upcoming.py names a scheduled run
    ahead with the same words, so the name HR sees coming is the name the run keeps."""

    title: str
    field: str
    moment: bool = False

    def __call__(self) -> str:
        return self.of(flow_run.get_parameters(), flow_run.get_scheduled_start_time())

    def of(self, parameters: Mapping[str, Any], scheduled: datetime) -> str:
        """The name of a run with these (validated) parameters, scheduled for that moment."""
        request = next(iter(parameters.values()), None)
        value = request.get(self.field) if isinstance(request, dict) else getattr(request, self.field, None)
        at = scheduled.astimezone(ALMATY)
        return f"{self.title} {value or (at.isoformat(' ', 'seconds') if self.moment else at.date())}"


def tag_run(*tags: str) -> None:
    """Add tags to the running flow run, once its work says what it concerned."""
    run_id = flow_run.get_id()
    if not run_id:
        return  # called as plain code (flow.fn), not as a flow run
    with get_client(sync_client=True) as client:
        current = client.read_flow_run(UUID(run_id)).tags
        client.update_flow_run(UUID(run_id), tags=sorted(set(current) | set(tags)))
    get_run_logger().info("tagged %s", ", ".join(tags))


def publish(key: str, markdown: str) -> None:
    """The run's one artifact, under `key` so the UI keeps each flow's latest in one place;
    its description is the markdown's title."""
    if not flow_run.get_id():
        return  # called as plain code (flow.fn), not as a flow run: nowhere to publish
    create_markdown_artifact(markdown=markdown, key=key, description=markdown.partition("\n")[0].lstrip("# "))


def reader_lang() -> Lang:
    """The language of what a flow says (BAGALAU_LANG, as the CLI; Kazakh by default)."""
    chosen = os.environ.get("BAGALAU_LANG", "")
    return chosen if chosen in LANGS else DEFAULT_LANG


def plainly(work: Work) -> Work:
    """A task's work or a flow's body whose user-facing failure is one logged line and a
    Failed state (no traceback); a fault of the product still raises, as it should."""

    @functools.wraps(work)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return work(*args, **kwargs)
        except FailedRun as failed:  # a task of this flow already said it in one line
            return Failed(message=str(failed))
        except Exception as error:
            line, code = one_line(error, reader_lang())
            if code != 2:
                raise
            _logger().error(line)
            return Failed(message=line)

    # the parameters resolved where they were written: Prefect reads them as the flow's signature
    run.__signature__ = inspect.signature(work, eval_str=True)  # type: ignore[attr-defined]  # typeshed: a function's __signature__, which inspect reads, is not declared
    run.__annotations__ = get_type_hints(work)
    return cast(Work, run)  # the wrapper takes what `work` takes: typed as it


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    try:
        return get_run_logger()
    except MissingContextError:  # called as plain code, outside a run
        return logging.getLogger("bagalau.flows")

"""The code behind the workflow table's `handler` names: each checks and stores the data
of one action (a score sheet, a vote, an act of refusal) inside the action's transaction.

A handler gets a `Context` and returns what the audit event should record. It refuses by
raising; the transaction then rolls back, so nothing it wrote survives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from methodology.errors import InvalidInput
from methodology.schema import Kind, Methodology, TransitionDef, as_kind
from methodology.scoring.common import Result
from methodology.scoring.requests import from_validation
from methodology.workdays import WorkCalendar
from models import Appraisal, Servant

Model = TypeVar("Model", bound=BaseModel)


@dataclass
class Context:
    session: Session
    definition: Methodology
    appraisal: Appraisal
    actor: Servant
    row: TransitionDef
    payload: dict[str, Any]
    on: date
    calendar: WorkCalendar

    @property
    def kind(self) -> Kind:
        """The appraisal's kind, as the definition's methods take it."""
        return as_kind(self.appraisal.kind)

    def parse(self, model: type[Model]) -> Model:
        try:
            return model.model_validate(self.payload)
        except ValidationError as error:
            raise from_validation(error, f"docs/lifecycle.md#{self.row.action}") from None

    def fail(self, code: str, field: str, value: Any, rule: str | None = None, **params: Any) -> InvalidInput:
        return InvalidInput(code, field=field, value=value, rule=rule or self.row.paragraph, source=self.definition.id, **params)

    def record(self, result: Result) -> dict[str, Any]:
        """Put a computed score on the appraisal; what the audit keeps of it."""
        self.appraisal.score, self.appraisal.band = result.score, result.band.id
        return {"score": str(result.score), "band": result.band.id}


Handler = Callable[[Context], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[name] = function
        return function

    return register


def load_all() -> dict[str, Handler]:
    """Import every handler module (they register themselves) and return the registry."""
    from states.handlers import calibration, commission, records, sheets, survey  # noqa: F401

    return HANDLERS

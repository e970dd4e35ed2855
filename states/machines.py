"""One `transitions` state machine per (methodology, kind), built from the definition's
workflow table, so a new state or action is a line of data, not code.

Machines are shared: an appraisal row is wrapped in a small `Subject` for the duration of
one trigger (a SQLModel row cannot be a transitions model: pydantic refuses the attributes
the library adds). The `before` callback of every transition runs the caller's step, so
the checks, the data and the state change happen in one call, or not at all.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable

from transitions import EventData, Machine
from transitions.extensions import GraphMachine

from methodology import loader
from methodology.schema import Kind, TransitionDef


class Subject:
    """The state of one appraisal while a trigger runs."""

    def __init__(self, state: str) -> None:
        self.state = state


class _Drawn(Subject):
    """A subject given to a GraphMachine, which adds `get_graph` to it at runtime."""

    get_graph: Callable[[], Any]


def _run_step(event: EventData) -> None:
    event.kwargs["step"]()


@cache
def machine(methodology_id: str, kind: Kind) -> Machine:
    flow = loader.load(methodology_id).flow(kind)
    transitions = [{"trigger": row.action, "source": row.source, "dest": row.to, "before": _run_step} for row in flow.transitions]
    return Machine(
        model=None,
        states=list(flow.states),
        initial=flow.initial,
        transitions=transitions,
        auto_transitions=False,
        send_event=True,
        name=f"{methodology_id}.{kind}",
    )


def fire(methodology_id: str, kind: Kind, state: str, action: str, step: Callable[[], None]) -> str:
    """Run `step` as the `before` of `action` from `state`; return the new state."""
    subject = Subject(state)
    machine(methodology_id, kind).events[action].trigger(subject, step=step)
    return subject.state


def mermaid(methodology_id: str, kind: Kind) -> str:
    """The state diagram of one machine, as mermaid text for the docs."""
    flow = loader.load(methodology_id).flow(kind)
    graph = GraphMachine(
        model=None,
        states=list(flow.states),
        initial=flow.initial,
        transitions=[{"trigger": row.action, "source": row.source, "dest": row.to} for row in flow.transitions],
        auto_transitions=False,
        graph_engine="mermaid",
        # The library writes its title alone between "---" lines, where mermaid expects YAML.
        title=f"title: {methodology_id} {kind}",
    )
    subject = _Drawn(flow.initial)
    graph.add_model(subject)
    return str(subject.get_graph().draw(None))


def transitions_from(methodology_id: str, kind: Kind, state: str) -> tuple[TransitionDef, ...]:
    return loader.load(methodology_id).leaving(kind, state)

"""One lookup for the words a person reads in place of an id: states, bands, kinds, steps,
consequences, roles, column headers, and the command line's own messages.

The command line, the forms, the reports and the web console all ask here, so an id
(`draft`, `effective`, `bonus_eligible`) is never shown to a person: a state, band, step
or consequence is labelled by its definition (methodology/definitions/*.yaml), the rest
by `data/labels.yaml`, messages by `data/messages*.yaml`. A key that is missing raises
`KeyError`: a gap in a catalogue is a bug to find in a test, not a blank on a page.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from methodology import loader
from methodology.errors import catalog
from methodology.i18n import Lang, Text
from methodology.schema import as_kind

Group = Literal["state", "band", "kind", "step", "consequence", "role", "participation", "column", "event"]
_CATALOGUED = {"kind": "kinds", "role": "roles", "participation": "participation", "column": "columns", "event": "events"}


@cache
def catalogue() -> dict[str, dict[str, Text]]:
    raw = yaml.safe_load(resources.files("methodology").joinpath("data/labels.yaml").read_text("utf-8"))
    return {group: {str(key): Text(**words) for key, words in entries.items()} for group, entries in raw.items()}


def label(group: Group, name: str, lang: Lang, methodology: str | None = None, kind: str | None = None) -> str:
    """The reader's word for `name` of `group`; a definition's own groups need its id, a
    state also the kind of appraisal (each kind has its own workflow)."""
    if group in _CATALOGUED:
        return catalogue()[_CATALOGUED[group]][str(name)](lang)
    if methodology is None:
        raise KeyError(f"{group} {name!r}: which methodology?")
    return _definition_text(group, name, methodology, kind)(lang)


def action(name: str, lang: Lang, methodology: str, kind: str) -> str:
    """What an audit event's action reads as: the label of the workflow's transition, or
    of the lifecycle's own event (opened, put on the schedule, exempted…, `events`)."""
    for row in loader.load(methodology).flow(as_kind(kind)).transitions:
        if row.action == name:
            return row.label(lang)
    return label("event", name, lang)


def _definition_text(group: str, name: str, methodology: str, kind: str | None) -> Text:
    definition = loader.load(methodology)
    if group == "state":
        if kind is None:
            raise KeyError(f"state {name!r}: which kind?")
        return definition.flow(as_kind(kind)).states[name].label
    if group == "step":
        return definition.deadlines[name].label
    if group == "consequence":
        for rule in definition.consequences:
            if rule.consequence == name:
                return rule.label
    if group == "band":
        rules = definition.rules(as_kind(kind)) if kind else None
        sets = [rules.bands] if rules else list(definition.band_sets)
        for band_set in sets:
            for band in definition.band_sets[band_set].bands:
                if band.id == name:
                    return band.label
    raise KeyError(f"{group} {name!r} in {methodology}")


def message(code: str, lang: Lang, **params: Any) -> str:
    """A sentence of the catalogue `data/messages*.yaml` for the reader."""
    return catalog()[code][lang].format(**params)


def columns(names: list[str] | tuple[str, ...], lang: Lang) -> list[str]:
    """Table headers in the reader's language."""
    return [label("column", name, lang) for name in names]

"""Find, merge and validate methodology definitions.

A definition is a YAML file named after its id. The shipped ones live beside this module
in `definitions/`; an operator adds a state body's own by putting its file in a folder
listed in `BAGALAU_DEFINITIONS` (path-separated), or names a file path directly. A file may
`extends:` another definition and override only what differs (mappings merge key by key,
lists are replaced whole), which is how `typical2025` changes one deadline and nothing else.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from methodology import inputs
from methodology.errors import DefinitionError, InvalidInput, Problem, validation_problems
from methodology.schema import Methodology

SHIPPED = Path(str(resources.files("methodology").joinpath("definitions")))
# libyaml's safe loader reads a definition ~10× faster than the pure-Python one, with the
# same YAML 1.1 rules; the pure one is for the rare platform whose PyYAML lacks libyaml.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STRICT_LOADER = inputs.strict_loader(SAFE_LOADER)  # a key given twice is refused, not merged


def search_path() -> list[Path]:
    extra = os.environ.get("BAGALAU_DEFINITIONS", "")
    folders = [Path(p) for p in extra.split(os.pathsep) if p]
    for folder in folders:  # a mistyped folder would silently leave the shipped rules in force
        if not folder.is_dir():
            raise DefinitionError(str(folder), ["BAGALAU_DEFINITIONS names a folder that does not exist"])
    return folders + [SHIPPED]


def available() -> list[str]:
    """Ids of every definition on the search path, the operator's first."""
    ids: dict[str, None] = {}
    for folder in search_path():
        for file in sorted(folder.glob("*.yaml")):
            ids.setdefault(file.stem, None)
    return list(ids)


def locate(name: str) -> Path:
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        return candidate
    for folder in search_path():
        file = folder / f"{name}.yaml"
        if file.is_file():
            return file
    raise DefinitionError(name, [Problem("", "v_no_definition", {"name": repr(name), "expected": ", ".join(available())})])


def loadable() -> tuple[list[Methodology], list[DefinitionError]]:
    """Every definition on the search path that loads, and why each other one does not:
    one operator's broken file must not hide the good ones."""
    good, broken = [], []
    for name in available():
        try:
            good.append(load(name))
        except DefinitionError as error:
            broken.append(error)
    return good, broken


def load(name: str) -> Methodology:
    """The validated definition `name` (an id on the search path, or a file path)."""
    if _names_a_file(name):
        return _load(str(locate(name).absolute()))
    search = os.environ.get("BAGALAU_DEFINITIONS", "")
    return _load(_located(name, search, os.getcwd() if search else ""))


@cache
def _names_a_file(name: str) -> bool:
    """Whether `name` is a definition's file rather than an id: asked once per name, as
    every notice of a batch and every row a page reads load their appraisal's definition."""
    return Path(name).suffix in (".yaml", ".yml")


@cache
def _located(name: str, search: str, cwd: str) -> str:
    """Where the id `name` is found on the search path `search` (relative folders from
    `cwd`): looked up once per id and search path, so the lifecycle's thousands of calls per
    batch touch no file; a changed BAGALAU_DEFINITIONS, or a relative one from another
    folder, is a new search path, looked up afresh."""
    return str(locate(name).absolute())


@cache
def _load(path: str) -> Methodology:
    raw = _merged(Path(path), seen=())
    try:
        return Methodology.model_validate(raw)
    except ValidationError as error:
        raise DefinitionError(path, validation_problems(error)) from None


def _merged(path: Path, seen: tuple[str, ...]) -> dict[str, Any]:
    if str(path) in seen:
        raise DefinitionError(str(path), [Problem("", "v_extends_itself", {"chain": " -> ".join(seen)})])
    try:
        raw = inputs.parse_yaml(path.read_text("utf-8"), STRICT_LOADER)
    except inputs.InputLimit as error:
        raise DefinitionError(str(path), [error.problem]) from None
    except InvalidInput as error:  # a label with a control character
        raise DefinitionError(str(path), [Problem(error.field, error.code, error.params, error.value)]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise DefinitionError(str(path), [Problem("", "v_unreadable", {"detail": type(error).__name__})]) from None
    if not isinstance(raw, dict):
        raise DefinitionError(str(path), [Problem("", "v_not_mapping")])
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    base = _merged(locate(str(parent)).resolve(), seen + (str(path),))
    return _deep_merge(base, raw)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if _same_shape(merged.get(key), value):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _same_shape(base: Any, value: Any) -> bool:
    """Mappings merge, except a term whose `type` changes: that one is replaced whole."""
    if not (isinstance(base, dict) and isinstance(value, dict)):
        return False
    return "type" not in value or base.get("type") == value["type"]

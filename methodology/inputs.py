"""Input limits at the door: one place per kind of input, before any rule sees it.

A person's file or text reaches the product through a handful of doors (`score`, `act
--data`, the org import, scenario, calendar and definition files, settings). Each goes
through one of these readers first, so a hostile or mistyped input is refused here, as one
clear error, instead of hanging a parser, crashing on a driver or slipping a control
character into a name:

- text: bounded in length (`MAX_LINE`, free text `MAX_TEXT`); C0/C1 control characters
  (NUL, CR, LF, ...) refused, in free text all but line
  breaks and tabs; text of nothing but spaces and invisible characters counts as blank;
- numbers: the raw digits are checked for size before they become a `Decimal` (Python's
  `1e-999999999` costs minutes once quantized), then the rules check the decimals;
- JSON and YAML: bounded size and nesting, duplicate keys refused (the parsers would
  silently keep the last);
- dates: within a sane range (`EARLIEST` to the next year).
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

import yaml

from methodology.errors import InvalidInput, Problem

MAX_BYTES = 2_000_000  # the largest organisation file in JSON or YAML is a few hundred KB
MAX_DEPTH = 32  # no input of the product nests deeper than 6
MAX_NODES = 200_000  # values of a YAML file, aliases expanded: a year's scenario has a few thousand
MAX_DIGITS = 30  # digits of a number, before and after the point together
MAX_EXPONENT = 30  # 1e30: beyond any score, count or amount of the methodologies
MAX_TEXT = 10_000  # free text (a reason, an explanation): some four pages of a form
MAX_LINE = 1_000  # one line (a name, an operator): the longest body's name is a few hundred
EARLIEST = date(2000, 1, 1)  # no appraisal of the B corps predates the 2000 law
LATEST = date(2099, 12, 31)  # far beyond any period a body can hold, yet far from date.max
LINE_BREAKS = "\n\t"
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_NUMBER = re.compile(r"-?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")


class _Bad:
    """A value refused while parsing, kept in place so its path can be named afterwards."""

    def __init__(self, code: str, text: str, **params: Any) -> None:
        self.code, self.text, self.params = code, text, params


# --- text --------------------------------------------------------------------------------


def control_char(text: str, allowed: str = "") -> str | None:
    """The first C0/C1 control character of `text` not in `allowed`, or None."""
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in allowed:
            return char
    return None


def is_blank(text: str) -> bool:
    """Only spaces and invisible characters (zero-width space, joiners, BOM): nothing written."""
    return all(char.isspace() or unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp") for char in text)


def text(value: str, field: str, rule: str, *, multiline: bool = False) -> str:
    """`value` checked: bounded, no control character (free text may break lines); blank becomes ""."""
    limit = MAX_TEXT if multiline else MAX_LINE
    if len(value) > limit:
        raise InvalidInput("too_large", field=field, value=f"{len(value)} characters", rule=rule, limit=limit)
    char = control_char(value, LINE_BREAKS if multiline else "")
    if char is not None:
        raise InvalidInput("control_char", field=field, value=value, rule=rule, char=f"U+{ord(char):04X}")
    return "" if is_blank(value) else value


def clean(value: Any, field: str, rule: str) -> Any:
    """Every text inside a parsed structure checked by `text` (free text), recursively."""
    if isinstance(value, str):
        return text(value, field, rule, multiline=True)
    if isinstance(value, dict):
        return {key: clean(item, _path(field, key), rule) for key, item in value.items()}
    if isinstance(value, list):
        return [clean(item, f"{field}[{index}]", rule) for index, item in enumerate(value)]
    return value


# --- JSON --------------------------------------------------------------------------------


def parse_json(raw: str, field: str, rule: str) -> Any:
    """JSON text read with every limit: size, depth, numbers, duplicate keys, NaN.

    `field` names the whole input (FILE, --data); a refused value inside is named by its
    path (`quarterly_scores[0]`)."""
    _bounded(raw, field, rule)
    depth = _json_depth(raw)
    if depth > MAX_DEPTH:
        raise InvalidInput("too_deep", field=field, value=f"{depth} levels", rule=rule, limit=MAX_DEPTH)
    try:
        parsed = json.loads(
            raw,
            parse_float=_number,
            parse_int=_number,
            parse_constant=lambda name: _Bad("not_a_number", name),
            object_pairs_hook=_no_duplicates,
        )
    except json.JSONDecodeError as error:
        raise InvalidInput("json", field=field, value=raw, rule=rule, line=error.lineno, column=error.colno) from None
    return clean(_named(parsed, "", rule), "", rule) if isinstance(parsed, (dict, list)) else _named(parsed, field, rule)


def _json_depth(raw: str) -> int:
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", raw)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _number(raw: str) -> Any:
    """A JSON number checked on its text first: a bounded `Decimal` (a whole one an int)."""
    match = _NUMBER.fullmatch(raw)
    digits = len(match.group(1) or "") + len(match.group(2) or "") if match else len(raw)
    exponent = int(match.group(3)) if match and match.group(3) and len(match.group(3)) < 6 else None
    if digits > MAX_DIGITS or (match and match.group(3) and (exponent is None or abs(exponent) > MAX_EXPONENT)):
        return _Bad("number_size", raw[:40], digits=MAX_DIGITS, exponent=MAX_EXPONENT)
    if "." in raw or "e" in raw or "E" in raw:
        return Decimal(raw)
    return int(raw)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        out[key] = _Bad("duplicate_key", key) if key in out else value
    return out


def _named(value: Any, field: str, rule: str) -> Any:
    """Raise for the first value refused while parsing, naming where it was."""
    if isinstance(value, _Bad):
        raise InvalidInput(value.code, field=field, value=value.text, rule=rule, **value.params)
    if isinstance(value, dict):
        for key, item in value.items():
            _named(item, _path(field, key), rule)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _named(item, f"{field}[{index}]", rule)
    return value


def _path(field: str, key: Any) -> str:
    return f"{field}.{key}" if field else str(key)


# --- YAML --------------------------------------------------------------------------------


class _DuplicateKey(yaml.constructor.ConstructorError):
    def __init__(self, key: Any, mark: Any) -> None:
        super().__init__(None, None, f"duplicate key {key!r}", mark)
        self.key = key


def strict_loader(base: type) -> type:
    """A subclass of the YAML loader `base` that refuses a key given twice in one mapping."""

    class Strict(base):
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise _DuplicateKey(key, key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep)

    Strict.__name__ = f"Strict{base.__name__}"
    return Strict


STRICT_SAFE = strict_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def parse_yaml(raw: str, loader: type = STRICT_SAFE) -> Any:
    """YAML read with the size and depth limits and its texts checked; raises `InputLimit`
    (a syntax error and a duplicate key included: the parser's own words are English only)
    for the caller to name in its own terms, `InvalidInput` for a text with a control character."""
    if len(raw) > MAX_BYTES:
        raise InputLimit(Problem("", "too_large", {"limit": MAX_BYTES}))
    try:
        _shallow(raw, loader)
        parsed = yaml.load(raw, Loader=loader)  # noqa: S506 (a safe loader's subclass)
    except RecursionError:
        raise InputLimit(Problem("", "too_deep", {"limit": MAX_DEPTH})) from None
    except _DuplicateKey as error:
        raise InputLimit(Problem(str(error.key), "yaml_duplicate_key", {"line": error.problem_mark.line + 1})) from None
    except yaml.reader.ReaderError as error:  # a raw control character, which YAML itself refuses
        line = raw.count("\n", 0, error.position) + 1
        raise InputLimit(Problem("", "yaml_control_char", {"line": line, "char": f"U+{error.character:04X}"})) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        place = {"line": mark.line + 1, "column": mark.column + 1} if mark else {"line": "?", "column": "?"}
        raise InputLimit(Problem("", "yaml_syntax", place)) from None
    except yaml.YAMLError:
        raise InputLimit(Problem("", "yaml_syntax", {"line": "?", "column": "?"})) from None
    except (ValueError, OverflowError) as error:  # a value YAML cannot build: 2027-02-30
        if isinstance(error, InputLimit):
            raise
        raise InputLimit(Problem("", "yaml_value")) from None
    if _depth(parsed) > MAX_DEPTH:
        raise InputLimit(Problem("", "too_deep", {"limit": MAX_DEPTH}))
    return clean(parsed, "", "YAML")  # names, labels, reasons: no control characters either


class InputLimit(ValueError):
    """A YAML file refused by `parse_yaml`: what is wrong as a catalogue `Problem` (the key,
    the line), which each door tells in the reader's language with the file's name."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render("en"))
        self.problem = problem


def _shallow(raw: str, loader: type) -> None:
    """Refuse deep nesting and aliases that expand too far, from the parser's events, before
    any node is built: building 50,000 nested lists overflows the C stack (the process dies,
    no RecursionError), and nine lines of aliases expand to billions of nodes."""
    sizes: dict[str, int] = {}  # an anchor's node count, its aliases expanded
    open_: list[tuple[str | None, int]] = []  # the collections being read: anchor, nodes before it
    nodes = 0
    for event in yaml.parse(raw, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            nodes += sizes.get(event.anchor, 1)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            open_.append((event.anchor, nodes))
            nodes += 1
            if len(open_) > MAX_DEPTH:
                raise InputLimit(Problem("", "too_deep", {"limit": MAX_DEPTH}))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, before = open_.pop()
            if anchor is not None:
                sizes[anchor] = nodes - before
        elif isinstance(event, yaml.ScalarEvent):
            nodes += 1
        if nodes > MAX_NODES:
            raise InputLimit(Problem("", "yaml_too_many", {"limit": MAX_NODES}))


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(item, level + 1) for item in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(item, level + 1) for item in value), default=level + 1)
    return level


def _bounded(raw: str, field: str, rule: str) -> None:
    if len(raw) > MAX_BYTES:
        raise InvalidInput("too_large", field=field, value=f"{len(raw)} characters", rule=rule, limit=MAX_BYTES)


# --- dates -------------------------------------------------------------------------------


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def day_of(text: str, field: str, rule: str = "ISO 8601") -> date:
    """A day typed as YYYY-MM-DD (a command's option, a form's date input), within range."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(wrong_day(text), field=field, value=text, rule=rule) from None
    return day_in_range(day, field, rule)


def wrong_day(text: str) -> str:
    """2021-02-31 is written right and is no day: the reader is told which mistake it is."""
    return "date_impossible" if _DAY.match(text) else "date"


def day_in_range(day: date, field: str, rule: str, *, earliest: date = EARLIEST, latest: date = LATEST) -> date:
    """A day from `earliest` to `latest`: anything else is a typo (and 9999-12-31 would
    overflow the first deadline counted from it)."""
    if not earliest <= day <= latest:
        raise InvalidInput("range", field=field, value=day.isoformat(), rule=rule, low=earliest.isoformat(), high=latest.isoformat())
    return day


def not_after(day: date, field: str, rule: str, *, today: date) -> date:
    """A day an action was taken cannot be after today (a simulation passes its own today)."""
    if day > today:
        raise InvalidInput("not_in_future", field=field, value=day.isoformat(), rule=rule, today=today.isoformat())
    return day


def period_held(period: str, field: str, rule: str, *, on: date) -> str:
    """A period a body can hold on the day `on`: none beyond the next year (2030-Q1 opened
    in 2026 is a typo)."""
    year = period.strip()[:4]
    if year.isdigit() and int(year) > on.year + 1:
        raise InvalidInput("range", field=field, value=period, rule=rule, low=EARLIEST.year, high=on.year + 1)
    return period

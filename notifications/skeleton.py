"""A notice's wording rendered once per shape and filled in per recipient.

A batch of a country's notices is a handful of kinds in three languages, thousands of
notices each, that differ in their values (names, days, steps), not in their words. What
a template decides (a branch, a loop, a filter, a comparison, a number's ending) depends on
the few values it reads otherwise than by printing them; the rest it only prints, or asks
whether they are empty. So the template is read once (its syntax tree) for what it reads and
how, and a notice's shape is: the values the template decides on, and whether each value it
only prints is there. Notices of one shape are the same words around different strings: the
first to repeat a shape has the notice rendered with a marker in place of each printed string
(the skeleton), and every notice of that shape after it is the skeleton with its strings put
back, escaped where the HTML has them escaped.

That is exact only for strings that none of what follows the template changes: the subject
is joined on one line, the text's blank lines folded, the HTML cut into paragraphs and list
items at line starts "- ". A string taking the fast path is therefore one line without
leading, trailing or doubled whitespace, not empty and not starting "-"; any other, any
construct the reading does not know, any value that is not plain data, and the notice is
rendered whole. A skeleton is also checked, when made, against the whole rendering of the
notice that made it. tests/test_notices_render.py renders every kind and language both ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable, Mapping

from jinja2 import nodes
from markupsafe import escape

Path = tuple[str, ...]  # a value by its names: ("step", "label") is {{ step.label }}
Whole = Callable[[Mapping[str, Any]], tuple[str, str, str]]  # subject, text, HTML rendered whole

PRINT, TRUTH, OTHER = "print", "truth", "other"  # how a template reads a value
OPEN, CLOSE = "\ue000", "\ue001"  # private-use characters: no escaping, folding or stripping touches them
MARKER = re.compile(f"{OPEN}(\\d+){CLOSE}")
SHAPES = 1024  # shapes kept per kind and language; a kind whose values are all decisive keeps renewing them
PLAIN = (int, bool, float, Decimal, type(None))


class Unsure(Exception):
    """The fast path cannot vouch for this notice: it is rendered whole."""


class _Unknown(Exception):
    """A construct the reading does not follow: the kind is always rendered whole."""


@dataclass(frozen=True)
class Reads:
    """The values a template's blocks read, ancestors first: each with whether it is decisive
    whole (read otherwise than printed or tested), whether it is printed, and its ancestors."""

    paths: tuple[tuple[Path, bool, bool, frozenset[Path]], ...]


def reads_of(template: nodes.Template, blocks: Iterable[str]) -> Reads | None:
    """What these blocks of the template read, or None if they hold a construct not followed
    (or name an attribute of dict itself, say `items`, which Jinja reads before a key)."""
    wanted = set(blocks)
    found = [block for block in template.find_all(nodes.Block) if block.name in wanted]
    if sorted(block.name for block in found) != sorted(wanted):
        return None
    uses: dict[Path, set[str]] = {}
    try:
        for block in found:
            _statements(block.body, frozenset(), uses)
    except _Unknown:
        return None
    if any(hasattr(dict, name) for path in uses for name in path[1:]):
        return None
    decisive = [path for path, how in uses.items() if OTHER in how]
    kept = [path for path in uses if not any(path[: len(d)] == d and path != d for d in decisive)]
    return Reads(
        tuple(
            (path, OTHER in uses[path], PRINT in uses[path], frozenset(path[:depth] for depth in range(1, len(path))))
            for path in sorted(kept, key=lambda p: (len(p), p))
        )
    )


def _statements(body: list[nodes.Node], bound: frozenset[str], uses: dict[Path, set[str]]) -> None:
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                _expression(child, PRINT, bound, uses)
        elif isinstance(node, nodes.If):
            _expression(node.test, TRUTH, bound, uses)
            _statements(node.body, bound, uses)
            _statements(list(node.elif_), bound, uses)
            _statements(node.else_, bound, uses)
        elif isinstance(node, nodes.For) and not node.recursive:
            _expression(node.iter, OTHER, bound, uses)
            targets = [node.target] if isinstance(node.target, nodes.Name) else list(node.target.find_all(nodes.Name))
            inside = bound | {target.name for target in targets} | {"loop"}
            if node.test is not None:
                _expression(node.test, OTHER, inside, uses)
            _statements(node.body, inside, uses)
            _statements(node.else_, bound, uses)
        else:
            raise _Unknown(type(node).__name__)


def _expression(node: nodes.Node | None, how: str, bound: frozenset[str], uses: dict[Path, set[str]]) -> None:
    """Record each value the expression reads: printed as it is, tested for truth, or other."""
    if node is None or isinstance(node, (nodes.TemplateData, nodes.Const)):
        return
    path = _path(node)
    if path is not None:
        if path[0] not in bound:  # a loop's own name is its iterable's, which is decisive
            uses.setdefault(path, set()).add(how)
        return
    if isinstance(node, nodes.CondExpr):
        _expression(node.test, TRUTH, bound, uses)
        _expression(node.expr1, how, bound, uses)
        _expression(node.expr2, how, bound, uses)
    elif isinstance(node, nodes.Concat):  # `~` joins the strings as printing them in a row would
        for child in node.nodes:
            _expression(child, PRINT if how == PRINT else OTHER, bound, uses)
    elif isinstance(node, nodes.Not):
        _expression(node.node, TRUTH, bound, uses)
    elif isinstance(node, (nodes.And, nodes.Or)):  # their value is an operand: tested only in a test
        _expression(node.left, TRUTH if how == TRUTH else OTHER, bound, uses)
        _expression(node.right, TRUTH if how == TRUTH else OTHER, bound, uses)
    elif isinstance(node, (nodes.Expr, nodes.Pair, nodes.Keyword, nodes.Operand)):
        for operand in node.iter_child_nodes():
            _expression(operand, OTHER, bound, uses)
    else:
        raise _Unknown(type(node).__name__)


def _path(node: nodes.Node) -> Path | None:
    names: list[str] = []
    while isinstance(node, nodes.Getattr):
        names.append(node.attr)
        node = node.node
    if isinstance(node, nodes.Name) and node.ctx == "load":
        return (node.name, *reversed(names))
    return None


@dataclass(frozen=True)
class Skeleton:
    """The three parts as %-formats with a %s per marker, and which string fills each."""

    formats: tuple[str, str, str]
    slots: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]

    def fill(self, strings: list[str]) -> tuple[str, str, str]:
        escaped = [str(escape(s)) for s in strings]
        (subject, text, html), (s1, s2, s3) = self.formats, self.slots
        return subject % tuple([strings[i] for i in s1]), text % tuple([strings[i] for i in s2]), html % tuple([escaped[i] for i in s3])


def _skeleton(parts: tuple[str, str, str], count: int) -> Skeleton | None:
    """The parts rendered with markers, cut at them; None if a marker came out altered."""
    formats, slots = [], []
    for part in parts:
        pieces = MARKER.split(part)
        literals, found = pieces[0::2], [int(i) for i in pieces[1::2]]
        if any(OPEN in piece or CLOSE in piece for piece in literals) or any(i >= count for i in found):
            return None
        formats.append("%s".join(piece.replace("%", "%%") for piece in literals))
        slots.append(tuple(found))
    return Skeleton((formats[0], formats[1], formats[2]), (slots[0], slots[1], slots[2]))


class Shapes:
    """One kind's template in one language: its skeletons by shape."""

    def __init__(self, reads: Reads, whole: Whole) -> None:
        self.reads, self.whole = reads, whole
        self.seen: set[tuple[Any, ...]] = set()  # shapes met once: a shape met once costs nothing more
        self.made: dict[tuple[Any, ...], Skeleton | None] = {}  # None: no skeleton fits the shape

    def render(self, context: Mapping[str, Any]) -> tuple[str, str, str] | None:
        """The notice from its shape's skeleton, or None: render it whole."""
        try:
            shape, slots, strings = self._shape(context)
        except Unsure:
            return None
        try:
            skeleton = self.made[shape]
        except KeyError:  # not made yet (or cleared meanwhile by another thread's batch)
            if shape not in self.seen:  # only a repeated shape is worth a skeleton
                if len(self.seen) >= SHAPES:
                    self.seen.clear()
                self.seen.add(shape)
                return None
            if len(self.made) >= SHAPES:
                self.made.clear()
            skeleton = self.made[shape] = self._make(context, slots, strings)
        return skeleton.fill(strings) if skeleton else None

    def _shape(self, context: Mapping[str, Any]) -> tuple[tuple[Any, ...], list[Path], list[str]]:
        shape: list[Any] = []
        slots: list[Path] = []
        strings: list[str] = []
        whole: set[Path] = set()  # printed as they are: what lies under them is in the shape already
        for path, decisive, printed, ancestors in self.reads.paths:
            if whole and not whole.isdisjoint(ancestors):
                continue
            value = _lookup(context, path)
            if decisive:
                shape.append(_frozen(value))
                whole.add(path)
            elif type(value) is str:
                if not _fits(value):
                    raise Unsure(path)
                shape.append(OPEN)
                slots.append(path)
                strings.append(value)
            elif printed:
                shape.append(_frozen(value))
                whole.add(path)
            else:
                shape.append(bool(value))  # tested only: markers in its strings leave it as true as it was
        return tuple(shape), slots, strings

    def _make(self, context: Mapping[str, Any], slots: list[Path], strings: list[str]) -> Skeleton | None:
        """The shape's skeleton, if the notice it is made for reads from it as rendered whole."""
        try:
            marked = self.whole(_marked(context, slots))
            expected = self.whole(context)
        except Exception:  # the notice's own rendering fails: each of this shape is rendered whole, and fails so
            return None
        skeleton = _skeleton(marked, len(slots))
        return skeleton if skeleton is not None and skeleton.fill(strings) == expected else None


def _fits(value: str) -> bool:
    """A string no step after the template changes: one line, single spaces, not empty, not a list item."""
    return value != "" and value[0] != "-" and " ".join(value.split()) == value and OPEN not in value and CLOSE not in value


def _lookup(context: Mapping[str, Any], path: Path) -> Any:
    """The value as Jinja reads it, through plain dictionaries only."""
    value: Any = context
    for name in path:
        if not (value is context or type(value) is dict) or name not in value:
            raise Unsure(path)
        value = value[name]
    return value


def _frozen(value: Any) -> Any:
    """A decisive value as part of a shape: plain data only, by its type and how it prints
    (True is not 1, Decimal 1.0 is not 1.00, -0.0 is not 0.0, though each pair is equal)."""
    if type(value) is str:
        return value
    if type(value) in PLAIN:
        return (type(value), repr(value))
    if type(value) in (list, tuple):
        return (type(value), tuple(_frozen(item) for item in value))
    if type(value) is dict:
        return (dict, tuple((_frozen(key), _frozen(item)) for key, item in value.items()))
    raise Unsure(type(value).__name__)


def _marked(context: Mapping[str, Any], slots: list[Path]) -> dict[str, Any]:
    """The context with a marker for each string the shape leaves open (dictionaries copied on the way)."""
    top = dict(context)
    copies: dict[Path, dict[str, Any]] = {(): top}
    for index, path in enumerate(slots):
        node = top
        for depth in range(1, len(path)):
            prefix = path[:depth]
            if prefix not in copies:
                copies[prefix] = node[path[depth - 1]] = dict(node[path[depth - 1]])
            node = copies[prefix]
        node[path[-1]] = f"{OPEN}{index}{CLOSE}"
    return top

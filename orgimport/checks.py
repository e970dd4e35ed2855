"""The rules across rows: what a body, unit or position says on one row it says on every
row; no servant twice; a known methodology; every link (a unit's parent, a servant's
manager) to someone known, and no chain of links that comes back on itself."""

from __future__ import annotations

from collections.abc import Collection, Hashable
from dataclasses import dataclass
from typing import TypeVar

from methodology import available, load
from methodology.errors import DefinitionError, in_every_language
from methodology.i18n import Text
from orgimport.existing import Existing
from orgimport.report import Problem
from orgimport.rows import Row, first_rows

K = TypeVar("K", bound=Hashable)

# A body, a unit or a position is described again on every row of its servants: they must agree.
DESCRIBED = (
    (("state_body_code",), ("state_body_name", "methodology", "parent_state_body_code")),
    (("state_body_code", "unit_code"), ("unit_name", "parent_unit_code")),
    (("state_body_code", "unit_code", "position_code"), ("position_title", "category")),
)


def check_servants(rows: list[Row], existing: Existing) -> list[Problem]:
    problems = check_descriptions(rows) + check_duplicates(rows, ("state_body_code", "personnel_no"))
    known = set(available())
    for row in first_rows(rows, "state_body_code").values():
        name = row.values.get("methodology")
        if name and name not in known:
            problems.append(row.problem("methodology", "org_unknown_value", expected=", ".join(sorted(known))))
        elif name and (broken := unloadable(name)) is not None:
            problems.append(row.problem("methodology", "org_broken_methodology", detail=broken))
    links = check_links(rows, PARENT, existing.unit_parent, existing.units) + check_links(rows, MANAGER, existing.manager_of, existing.servants)
    return problems + check_body_parents(rows, existing.body_parent) + links


def check_body_parents(rows: list[Row], stored: dict[str, str | None]) -> list[Problem]:
    """A body's parent is a body of the file or the database, and no chain of parents comes
    back to where it started (the file's parents replacing the database's `stored` ones)."""
    column, nodes, links, problems = "parent_state_body_code", first_rows(rows, "state_body_code"), dict(stored), []
    for (body,), row in nodes.items():
        if column not in row.values:
            continue
        target = links[body] = row.values[column] or None
        if target and target != body and (target,) not in nodes and target not in stored:
            problems.append(row.problem(column, "org_body_parent_unknown"))
            links[body] = None
    for cycle in find_cycles(links):
        chain = " → ".join([*cycle, cycle[0]])
        problems += [nodes[(body,)].problem(column, "org_body_parent_cycle", chain=chain) for body in cycle if (body,) in nodes]
    return problems


def unloadable(name: str) -> Text | None:
    """Why the definition `name` does not load (an operator's broken file), or None: a body
    must not be given rules that no command could then apply."""
    try:
        load(name)
    except DefinitionError as error:
        return in_every_language(error)
    return None


def check_descriptions(rows: list[Row]) -> list[Problem]:
    problems = []
    for key_names, described in DESCRIBED:
        first = first_rows(rows, *key_names)
        for row in rows:
            key = row.key(*key_names)
            other = first[key] if key is not None else row
            problems += [
                row.problem(name, "org_conflict", other=other.number, expected=other.raw.get(name) or "—") for name in described if differs(row, other, name)
            ]
    return problems


def differs(row: Row, other: Row, name: str) -> bool:
    """Two rows give different valid values in this column (a missing or invalid one is
    reported on its own)."""
    return row is not other and name in row.values and name in other.values and row.values[name] != other.values[name]


def check_duplicates(rows: list[Row], names: tuple[str, ...]) -> list[Problem]:
    first = first_rows(rows, *names)
    return [row.problem(names[-1], "org_duplicate", other=first[key].number) for row in rows if (key := row.key(*names)) is not None and first[key] is not row]


@dataclass(frozen=True)
class Link:
    """A column of a row that names another row of the same state body: a unit's parent,
    a servant's manager. The link must reach a row known to the file or the database, and
    no chain of links may come back to where it started."""

    column: str
    key: tuple[str, str]  # the natural key of the rows linked: (body, own code)
    unknown: str  # the message when the row linked to is nowhere
    cycle: str  # the message on each row of a chain that comes back on itself
    itself: str | None = None  # the message for a link to its own row; None: a cycle of one


PARENT = Link("parent_unit_code", ("state_body_code", "unit_code"), "org_parent_unknown", "org_parent_cycle")
MANAGER = Link("manager_personnel_no", ("state_body_code", "personnel_no"), "org_manager_unknown", "org_manager_cycle", itself="org_manager_self")


def check_links(rows: list[Row], link: Link, stored: dict[tuple[str, str], tuple[str, str] | None], known: Collection[tuple[str, str]]) -> list[Problem]:
    """The file's links (replacing the database's `stored` ones) reach a row of the file or
    one `known` to the database, and form no cycle."""
    nodes = first_rows(rows, *link.key)
    links = dict(stored)
    problems = []
    for (body, own), row in nodes.items():
        if link.column not in row.values:
            continue
        target = row.values[link.column]
        links[(body, own)] = (body, target) if target else None
        if link.itself and target == own:
            problems.append(row.problem(link.column, link.itself))
            links[(body, own)] = None
        elif target and (body, target) not in nodes and (body, target) not in known:
            problems.append(row.problem(link.column, link.unknown, body=body))
            links[(body, own)] = None
    for cycle in find_cycles(links):
        chain = " → ".join(code for _, code in [*cycle, cycle[0]])
        problems += [nodes[key].problem(link.column, link.cycle, chain=chain) for key in cycle if key in nodes]
    return problems


def find_cycles(links: dict[K, K | None]) -> list[list[K]]:
    """Every cycle of a graph where each node points to at most one other (a manager, a
    parent unit), each once, starting where the walk entered it."""
    done: set[K] = set()
    cycles = []
    for start in links:
        path: dict[K, int] = {}
        node: K | None = start
        while node is not None and node not in done and node not in path:
            path[node] = len(path)
            node = links.get(node)
        if node is not None and node in path:
            cycles.append(list(path)[path[node] :])
        done.update(path)
    return cycles


def check_absences(rows: list[Row], servants: list[Row], existing: Existing, servants_read: bool) -> list[Problem]:
    problems = check_duplicates(rows, ("state_body_code", "personnel_no", "kind", "start"))
    if not servants_read:  # every servant would look unknown; the servants' problems say why
        return problems
    known = set(first_rows(servants, "state_body_code", "personnel_no")) | set(existing.servants)
    for row in rows:
        key = row.key("state_body_code", "personnel_no")
        if key and key not in known:
            problems.append(row.problem("personnel_no", "org_servant_unknown", body=key[0]))
    return problems

"""The shape of the code, read from the code: imports run one way (docs/architecture.md) and
the clock is read only where a person or a schedule enters (the CLI, the flows, the web).

Both read the product's sources with `ast`, so a lazy import inside a function or a `now()`
deep in a helper counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Top to bottom: a package may import its own modules and those of the layers below it,
# never one above it nor another package of its own layer (docs/architecture.md).
LAYERS: list[set[str]] = [
    {"bagalau"},  # the CLI and scenarios: the outermost entry point, it also serves the console
    {"web"},  # the web console: pages and the JSON API
    {"flows"},  # entry points too: schedules; the CLI starts their runs
    {"services"},  # the use cases every entry point calls
    {"notifications"},  # output: templates, rendering, forms, channels, delivery, report files
    {"states", "orgimport"},  # the lifecycle; the organisation importer beside it
    {"models"},  # tables, the database, migrations
    {"methodology"},  # the rules, as data and plain functions
]
RANK = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}

# Where the clock may be read: where a person or a schedule enters, and passes it down.
ENTRY_POINTS = ("bagalau/cli", "flows", "web")
CLOCK_METHODS = {"now", "today", "utcnow"}  # datetime.now(), date.today(), pendulum.now() …
CLOCK_FUNCTIONS = {("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime")}


def sources(packages: set[str]) -> Iterator[tuple[str, ast.Module]]:
    for package in sorted(packages):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/versions/" not in relative:
                yield relative, ast.parse(path.read_text("utf-8"), relative)


def imported(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every absolute import, wherever it stands."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def upward(own: str, tree: ast.Module) -> list[str]:
    """The imports of a module of package `own` that reach a layer not below it."""
    return [
        f"{line}: {own} (layer {RANK[own]}) imports {target} (layer {RANK[target]})"
        for line, target in imported(tree)
        if target in RANK and target != own and RANK[target] <= RANK[own]
    ]


def clock_calls(tree: ast.Module) -> list[str]:
    """The calls in `tree` that read the clock."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
        if node.func.attr in CLOCK_METHODS or (name, node.func.attr) in CLOCK_FUNCTIONS:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_imports_run_top_to_bottom() -> None:
    found = [f"{relative}:{line}" for relative, tree in sources(set(RANK)) for line in upward(relative.split("/")[0], tree)]
    assert found == []


def test_the_clock_is_read_only_at_the_entry_points() -> None:
    """Below the CLI, the flows and the web every function takes `on`/`at` from its caller,
    so a simulated year and a rerun on another day record the times they are about."""
    found = [f"{relative}:{call}" for relative, tree in sources(set(RANK)) if not relative.startswith(ENTRY_POINTS) for call in clock_calls(tree)]
    assert found == []


@pytest.mark.parametrize(
    ("source", "wrong"),
    [
        ("from notifications.render import render_notice\n", True),  # the lifecycle reaching up
        ("def f():\n    import services.sweep\n", True),  # lazily, all the same
        ("from orgimport import importer\n", True),  # a peer of its own layer
        ("from models import Appraisal\nfrom methodology import loader\nfrom states import machines\nimport yaml\n", False),
    ],
)
def test_the_import_check_sees_an_upward_import(source: str, wrong: bool) -> None:
    """The check itself, on a module of `states/`: it names what reaches up, nothing else."""
    assert bool(upward("states", ast.parse(source))) is wrong


def test_the_clock_check_sees_a_clock_read() -> None:
    tree = ast.parse(
        "from datetime import date, datetime\nimport time\na = datetime.now(ZONE)\nb = date.today()\nc = time.time()\nd = datetime.combine(day, noon)\n"
    )
    assert clock_calls(tree) == ["3: datetime.now(ZONE)", "4: date.today()", "5: time.time()"]

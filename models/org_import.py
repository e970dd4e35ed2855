"""Load an organisation from the HR service's spreadsheet: state bodies, units, positions,
servants and their absences, before any appraisal cycle is opened.

HR keeps the staff list in Excel, so that is what is read (XLSX, or CSV in UTF-8). A file
with one wrong cell must not leave half an organisation behind, and HR should fix a file
once rather than forty times: every cell and every cross-row rule is checked first, all
problems are reported together (row and column as the person sees them, message in their
language), and only a clean file is written, in one transaction. Rows are matched on the
codes HR already uses (state body code, unit code, position code, personnel number), so
loading the same file again changes nothing and a corrected file updates what changed.
Nothing absent from the file is deleted: a servant who leaves is marked `dismissed_on`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from methodology import available
from methodology import inputs
from methodology.errors import catalog
from methodology.i18n import LANGS, Lang
from models.db import transaction
from models.organisation import Absence, Position, Servant, StateBody, Unit

SERVANTS, ABSENCES = "servants", "absences"  # the two tables of the file (XLSX sheet names)
TABLES = ("state_body", "unit", "position", "servant", "absence")  # what the report counts
ABSENCE_KINDS = (
    "annual_leave", "social_leave", "sick_leave", "business_trip", "internship", "retraining", "training",
)
ROLES = {"hr": "is_hr", "head_of_hr": "is_head_of_hr", "appointing_official": "is_appointing_official"}
# typical2023 п.3.4 names categories such as C-1, D-O-1, D-R-1, E-R-1: a corps letter, an
# optional -O (oblast) or -R (rayon), a number.
CATEGORY = re.compile(r"^[A-E](-[OR])?-[0-9]{1,2}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
CODE_LENGTH = 40  # the width of every code column of the tables


# --- problems and the report -------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, where the person will find it."""

    table: str  # servants or absences
    row: int | None  # as a spreadsheet numbers it: the header is row 1; None: the whole file
    column: str
    value: str
    code: str  # a message of methodology/data/messages.yaml
    params: dict[str, Any] = field(default_factory=dict)
    rule: str = ""  # the exact form expected, where a pattern says it best

    def message(self, lang: Lang) -> str:
        text = catalog()[self.code][lang].format(**self.params)
        return f"{text} ({self.rule})" if self.rule else text

    def as_dict(self, lang: Lang) -> dict[str, Any]:
        return {"table": self.table, "row": self.row, "column": self.column, "value": self.value,
                "code": self.code, "message": self.message(lang)}


@dataclass
class ImportReport:
    """Either problems (and nothing written) or what was created, updated or left as it was."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {t: {"created": 0, "updated": 0, "unchanged": 0} for t in TABLES}
    )

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, table: str, outcome: str) -> None:
        self.counts[table][outcome] += 1

    def as_dict(self, lang: Lang) -> dict[str, Any]:
        return {"ok": self.ok, "problems": [p.as_dict(lang) for p in self.problems], "counts": self.counts}


class Bad(Exception):
    """A cell's value broke a rule: the message code and its parameters."""

    def __init__(self, code: str, rule: str = "", **params: Any) -> None:
        super().__init__(code)
        self.code, self.rule, self.params = code, rule, params


# --- columns -------------------------------------------------------------------------------


def text(raw: str) -> str:
    return raw


def code(raw: str) -> str:
    if len(raw) > CODE_LENGTH:
        raise Bad("org_too_long", high=CODE_LENGTH)
    return raw


def iso_date(raw: str) -> date:
    try:
        if ISO_DATE.match(raw):
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise Bad("org_date", rule="ISO 8601")


def category(raw: str) -> str:
    value = raw.upper()
    if not CATEGORY.match(value):
        raise Bad("org_category", rule=CATEGORY.pattern)
    return value


def email(raw: str) -> str:
    if not EMAIL.match(raw):
        raise Bad("org_email")
    return raw


def one_of(choices: Iterable[str]) -> Callable[[str], str]:
    allowed = tuple(choices)

    def parse(raw: str) -> str:
        if raw.lower() not in allowed:
            raise Bad("org_unknown_value", expected=", ".join(allowed))
        return raw.lower()

    return parse


def roles(raw: str) -> frozenset[str]:
    given = {part.strip().lower() for part in raw.split(";") if part.strip()}
    unknown = given - ROLES.keys()
    if unknown:
        raise Bad("org_unknown_value", expected="; ".join(ROLES))
    return frozenset(given)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    parse: Callable[[str], Any]
    default: Any = None  # the value of an empty optional cell


SERVANT_COLUMNS = (
    Column("state_body_code", True, code),
    Column("state_body_name", True, text),
    Column("methodology", True, code),  # checked against the definitions once per body
    Column("unit_code", True, code),
    Column("unit_name", True, text),
    Column("parent_unit_code", False, code),
    Column("position_code", True, code),
    Column("position_title", True, text),
    Column("category", True, category),
    Column("personnel_no", True, code),
    Column("full_name", True, text),
    Column("position_start", True, iso_date),
    Column("probation_end", False, iso_date),
    Column("manager_personnel_no", False, code),
    Column("email", False, email),
    Column("lang", False, one_of(LANGS), default="kk"),
    Column("dismissed_on", False, iso_date),
    Column("roles", False, roles, default=frozenset()),
)
ABSENCE_COLUMNS = (
    Column("personnel_no", True, code),
    Column("state_body_code", True, code),
    Column("kind", True, one_of(ABSENCE_KINDS)),
    Column("start", True, iso_date),
    Column("end", True, iso_date),
)
# A later date that may not come before an earlier one on the same row.
SERVANT_ORDER = (("probation_end", "position_start"), ("dismissed_on", "position_start"))
ABSENCE_ORDER = (("end", "start"),)


# --- reading the file --------------------------------------------------------------------


@dataclass
class Sheet:
    """A table of the file as text: every row a mapping of column name to stripped text."""

    table: str
    columns: tuple[Column, ...]
    rows: list[tuple[int, dict[str, str | None]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    usable: bool = True  # False when the header lacks a required column: rows are not checked

    def problem(self, row: int | None, column: str, value: str, code: str, **params: Any) -> None:
        self.problems.append(Problem(self.table, row, column, value, code, params))


class MissingSheet(LookupError):
    """The workbook has no sheet of that name."""


def read_sources(servants: Path, absences: Path | None) -> tuple[Sheet, Sheet | None]:
    servant_sheet = read_sheet(servants, SERVANTS, SERVANT_COLUMNS, sheet_required=True)
    if absences is not None:
        return servant_sheet, read_sheet(absences, ABSENCES, ABSENCE_COLUMNS, sheet_required=True)
    if servants.suffix.lower() == ".xlsx":  # the absences are the workbook's sheet «absences», if any
        return servant_sheet, read_sheet(servants, ABSENCES, ABSENCE_COLUMNS, sheet_required=False)
    return servant_sheet, None


def read_sheet(path: Path, table: str, columns: tuple[Column, ...], sheet_required: bool) -> Sheet | None:
    sheet = Sheet(table, columns)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        sheet.problem(None, "", path.name, "org_format")
        return sheet
    try:
        lines = list(csv_lines(path) if suffix == ".csv" else xlsx_lines(path, table))
    except UnicodeDecodeError:
        sheet.problem(None, "", path.name, "org_encoding")
        return sheet
    except MissingSheet:
        if not sheet_required:
            return None
        sheet.problem(None, "", path.name, "org_sheet", sheet=table)
        return sheet
    except Exception as error:  # a missing file, a broken workbook: openpyxl raises many kinds
        sheet.problem(None, "", path.name, "org_file", detail=str(error) or type(error).__name__)
        return sheet
    fill(sheet, lines)
    return sheet


def csv_lines(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:  # utf-8-sig: Excel writes a BOM
        yield from csv.reader(handle)


def xlsx_lines(path: Path, sheet_name: str) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # only a workbook needs it

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet_name not in workbook.sheetnames:
            raise MissingSheet(sheet_name)
        for values in workbook[sheet_name].iter_rows(values_only=True):
            cells = [cell_text(value) for value in values]
            while cells and not cells[-1]:  # rows are padded to the widest row of the sheet
                cells.pop()
            yield cells
    finally:
        workbook.close()  # read-only mode keeps the file open until closed


def cell_text(value: Any) -> str:
    """A cell as the person typed it: Excel keeps dates as datetimes and numbers as floats."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a personnel number 1001 is stored as 1001.0
    return str(value)


def fill(sheet: Sheet, lines: list[list[str]]) -> None:
    """Check the header (row 1), then keep every non-blank row with its row number."""
    header = [name.strip().lower() for name in lines[0]] if lines else []
    if len(header) == 1 and ";" in header[0]:  # Excel in a Russian locale saves CSV with ';'
        sheet.problem(1, "", lines[0][0], "org_separator")
        sheet.usable = False
        return
    check_header(sheet, header)
    known = {column.name for column in sheet.columns}
    for number, cells in enumerate(lines[1:], start=2):
        cells = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))  # a short row: its missing cells are empty
        if not any(cells):
            continue
        row: dict[str, str | None] = {}
        for name, value in zip(header, cells):
            if value and (char := inputs.control_char(value)) is not None:  # a line break in a name would reach an e-mail header
                sheet.problem(number, name, value, "control_char", char=f"U+{ord(char):04X}")
                value = ""
            if name in known:
                row.setdefault(name, value or None)  # a column given twice: the first counts
            elif not name and value:
                sheet.problem(number, "", value, "org_extra_cells")
        if len(cells) > len(header):  # even if empty: the cells before it have shifted
            sheet.problem(number, "", ",".join(cells[len(header):]), "org_extra_cells")
        sheet.rows.append((number, row))


def check_header(sheet: Sheet, header: list[str]) -> None:
    expected = [column.name for column in sheet.columns]
    seen: set[str] = set()
    for name in header:
        if name and name not in expected:
            sheet.problem(1, name, name, "org_unknown_column", expected=", ".join(expected))
        elif name and name in seen:
            sheet.problem(1, name, name, "org_duplicate_column")
        seen.add(name)
    for column in sheet.columns:
        if column.required and column.name not in seen:
            sheet.problem(1, column.name, "", "org_missing_column")
            sheet.usable = False


# --- one row -----------------------------------------------------------------------------


@dataclass
class Row:
    """A row of the file, parsed: `values` holds every column present whose cell is valid."""

    table: str
    number: int
    raw: dict[str, str | None]
    values: dict[str, Any]

    def key(self, *names: str) -> tuple[Any, ...] | None:
        """The natural key made of these columns, or None if any is missing or invalid."""
        if any(self.values.get(name) is None for name in names):
            return None
        return tuple(self.values[name] for name in names)

    def problem(self, column: str, code: str, rule: str = "", **params: Any) -> Problem:
        return Problem(self.table, self.number, column, self.raw.get(column) or "", code, params, rule)


def parse_rows(sheet: Sheet | None, order: tuple[tuple[str, str], ...], problems: list[Problem]) -> list[Row]:
    if sheet is None or not sheet.usable:
        return []
    rows = []
    for number, raw in sheet.rows:
        row = Row(sheet.table, number, raw, {})
        for column in sheet.columns:
            if column.name in raw:
                parse_cell(row, column, problems)
        for later, earlier in order:
            if row.key(later, earlier) is not None and row.values[later] < row.values[earlier]:
                problems.append(row.problem(later, "org_end_before_start", other=earlier, start=row.raw[earlier]))
        rows.append(row)
    return rows


def parse_cell(row: Row, column: Column, problems: list[Problem]) -> None:
    raw = row.raw[column.name]
    if raw is None:
        if column.required:
            problems.append(row.problem(column.name, "org_required"))
        else:
            row.values[column.name] = column.default
        return
    try:
        row.values[column.name] = column.parse(raw)
    except Bad as bad:
        problems.append(row.problem(column.name, bad.code, bad.rule, **bad.params))


# --- what the database already holds -----------------------------------------------------


@dataclass
class Existing:
    """The rows of the file's state bodies already in the database, by natural key: one
    query per table, however many servants a body has."""

    bodies: dict[str, StateBody]
    units: dict[tuple[str, str], Unit]
    positions: dict[tuple[str, str, str], Position]
    servants: dict[tuple[str, str], Servant]
    absences: dict[tuple[int, str, date], Absence]
    unit_parent: dict[tuple[str, str], tuple[str, str] | None]
    manager_of: dict[tuple[str, str], tuple[str, str] | None]


def load_existing(session: Session, codes: set[str]) -> Existing:
    bodies = {b.code: b for b in session.exec(select(StateBody).where(StateBody.code.in_(codes)))}
    body_code = {b.id: b.code for b in bodies.values()}
    ids = list(body_code)
    unit_rows = list(session.exec(select(Unit).where(Unit.state_body_id.in_(ids))))
    unit_key = {u.id: (body_code[u.state_body_id], u.code) for u in unit_rows}
    position_rows = session.exec(select(Position).join(Unit).where(Unit.state_body_id.in_(ids)))
    servant_rows = list(session.exec(select(Servant).where(Servant.state_body_id.in_(ids))))
    servant_key = {s.id: (body_code[s.state_body_id], s.personnel_no) for s in servant_rows}
    absence_rows = session.exec(select(Absence).join(Servant).where(Servant.state_body_id.in_(ids)))
    return Existing(
        bodies=bodies,
        units={unit_key[u.id]: u for u in unit_rows},
        positions={(*unit_key[p.unit_id], p.code): p for p in position_rows},
        servants={servant_key[s.id]: s for s in servant_rows},
        absences={(a.servant_id, a.kind, a.start): a for a in absence_rows},
        unit_parent={unit_key[u.id]: unit_key.get(u.parent_id) if u.parent_id else None for u in unit_rows},
        manager_of={servant_key[s.id]: servant_key.get(s.manager_id) if s.manager_id else None for s in servant_rows},
    )


# --- rules across rows -------------------------------------------------------------------

K = TypeVar("K", bound=Hashable)

# A body, a unit or a position is described again on every row of its servants: they must agree.
DESCRIBED = (
    (("state_body_code",), ("state_body_name", "methodology")),
    (("state_body_code", "unit_code"), ("unit_name", "parent_unit_code")),
    (("state_body_code", "unit_code", "position_code"), ("position_title", "category")),
)


def first_rows(rows: list[Row], *names: str) -> dict[tuple[Any, ...], Row]:
    """The first row of each natural key, in file order."""
    first: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        key = row.key(*names)
        if key is not None:
            first.setdefault(key, row)
    return first


def check_servants(rows: list[Row], existing: Existing) -> list[Problem]:
    problems = check_descriptions(rows) + check_duplicates(rows, ("state_body_code", "personnel_no"))
    known = set(available())
    for row in first_rows(rows, "state_body_code").values():
        if row.values.get("methodology") and row.values["methodology"] not in known:
            problems.append(row.problem("methodology", "org_unknown_value", expected=", ".join(sorted(known))))
    return problems + check_parents(rows, existing) + check_managers(rows, existing)


def check_descriptions(rows: list[Row]) -> list[Problem]:
    problems = []
    for key_names, described in DESCRIBED:
        first = first_rows(rows, *key_names)
        for row in rows:
            key = row.key(*key_names)
            other = first[key] if key is not None else row
            problems += [row.problem(name, "org_conflict", other=other.number, expected=other.raw.get(name) or "—")
                         for name in described if differs(row, other, name)]
    return problems


def differs(row: Row, other: Row, name: str) -> bool:
    """Two rows give different valid values in this column (a missing or invalid one is
    reported on its own)."""
    return row is not other and name in row.values and name in other.values and row.values[name] != other.values[name]


def check_duplicates(rows: list[Row], names: tuple[str, ...]) -> list[Problem]:
    first = first_rows(rows, *names)
    return [row.problem(names[-1], "org_duplicate", other=first[key].number)
            for row in rows if (key := row.key(*names)) is not None and first[key] is not row]


def check_parents(rows: list[Row], existing: Existing) -> list[Problem]:
    units = first_rows(rows, "state_body_code", "unit_code")
    links = dict(existing.unit_parent)  # the file's parents replace the database's
    problems = []
    for (body, unit), row in units.items():
        if "parent_unit_code" not in row.values:
            continue
        parent = row.values["parent_unit_code"]
        links[(body, unit)] = (body, parent) if parent else None
        if parent and (body, parent) not in units and (body, parent) not in existing.units:
            problems.append(row.problem("parent_unit_code", "org_parent_unknown", body=body))
            links[(body, unit)] = None
    for cycle in find_cycles(links):
        chain = " → ".join(code for _, code in [*cycle, cycle[0]])
        problems += [units[key].problem("parent_unit_code", "org_parent_cycle", chain=chain)
                     for key in cycle if key in units]
    return problems


def check_managers(rows: list[Row], existing: Existing) -> list[Problem]:
    servants = first_rows(rows, "state_body_code", "personnel_no")
    links = dict(existing.manager_of)  # the file's managers replace the database's
    problems = []
    for (body, number), row in servants.items():
        if "manager_personnel_no" not in row.values:
            continue
        manager = row.values["manager_personnel_no"]
        links[(body, number)] = (body, manager) if manager else None
        if manager == number:
            problems.append(row.problem("manager_personnel_no", "org_manager_self"))
            links[(body, number)] = None
        elif manager and (body, manager) not in servants and (body, manager) not in existing.servants:
            problems.append(row.problem("manager_personnel_no", "org_manager_unknown", body=body))
            links[(body, number)] = None
    for cycle in find_cycles(links):
        chain = " → ".join(number for _, number in [*cycle, cycle[0]])
        problems += [servants[key].problem("manager_personnel_no", "org_manager_cycle", chain=chain)
                     for key in cycle if key in servants]
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
            cycles.append(list(path)[path[node]:])
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


# --- writing -----------------------------------------------------------------------------


def apply(record: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ; say whether any did, so a second import counts unchanged."""
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def upsert(session: Session, report: ImportReport, table: str, found: Any, make: Callable[[], Any],
           values: dict[str, Any]) -> Any:
    if found is None:
        record = make()
        session.add(record)
        report.count(table, "created")
        return record
    report.count(table, "updated" if apply(found, values) else "unchanged")
    return found


def write(session: Session, existing: Existing, rows: list[Row], absences: list[Row], report: ImportReport) -> None:
    bodies = write_bodies(session, existing, rows, report)
    units = write_units(session, existing, bodies, rows, report)
    positions = write_positions(session, existing, units, rows, report)
    servants = write_servants(session, existing, bodies, positions, rows, report)
    write_absences(session, existing, servants, absences, report)


def write_bodies(session: Session, existing: Existing, rows: list[Row], report: ImportReport) -> dict[str, StateBody]:
    bodies = {}
    for (body,), row in first_rows(rows, "state_body_code").items():
        values = {"name": row.values["state_body_name"], "methodology": row.values["methodology"]}
        bodies[body] = upsert(session, report, "state_body", existing.bodies.get(body),
                              lambda: StateBody(code=body, **values), values)
    session.flush()  # ids for the units
    return bodies


def write_units(session: Session, existing: Existing, bodies: dict[str, StateBody], rows: list[Row],
                report: ImportReport) -> dict[tuple[str, str], Unit]:
    first = first_rows(rows, "state_body_code", "unit_code")
    units: dict[tuple[str, str], Unit] = dict(existing.units)
    new = [key for key in first if key not in existing.units]
    for body, unit in new:
        units[(body, unit)] = Unit(state_body_id=bodies[body].id, code=unit, name=first[(body, unit)].values["unit_name"])
        session.add(units[(body, unit)])
        report.count("unit", "created")
    session.flush()  # a parent may be a unit created just now
    for (body, unit), row in first.items():
        values: dict[str, Any] = {"name": row.values["unit_name"]}
        if "parent_unit_code" in row.values:  # no such column: the parents stay as they are
            parent = row.values["parent_unit_code"]
            values["parent_id"] = units[(body, parent)].id if parent else None
        changed = apply(units[(body, unit)], values)
        if (body, unit) in existing.units:
            report.count("unit", "updated" if changed else "unchanged")
    return units


def write_positions(session: Session, existing: Existing, units: dict[tuple[str, str], Unit], rows: list[Row],
                    report: ImportReport) -> dict[tuple[str, str, str], Position]:
    positions = {}
    for key, row in first_rows(rows, "state_body_code", "unit_code", "position_code").items():
        values = {"title": row.values["position_title"], "category": row.values["category"]}
        unit = units[key[:2]]
        positions[key] = upsert(session, report, "position", existing.positions.get(key),
                                lambda: Position(unit_id=unit.id, code=key[2], **values), values)
    session.flush()  # ids for the servants
    return positions


def servant_values(row: Row, position: Position) -> dict[str, Any]:
    """The servant's columns the file has; a column the file lacks leaves the field as it is."""
    values = {"full_name": row.values["full_name"], "position_id": position.id,
              "position_start": row.values["position_start"]}
    for name in ("probation_end", "email", "lang", "dismissed_on"):
        if name in row.values:
            values[name] = row.values[name]
    if "roles" in row.values:
        values.update({flag: role in row.values["roles"] for role, flag in ROLES.items()})
    return values


def write_servants(session: Session, existing: Existing, bodies: dict[str, StateBody],
                   positions: dict[tuple[str, str, str], Position], rows: list[Row],
                   report: ImportReport) -> dict[tuple[str, str], Servant]:
    servants: dict[tuple[str, str], Servant] = dict(existing.servants)
    changed: dict[tuple[str, str], bool] = {}
    for row in rows:
        key = row.key("state_body_code", "personnel_no")
        values = servant_values(row, positions[row.key("state_body_code", "unit_code", "position_code")])
        if key in servants:
            changed[key] = apply(servants[key], values)
        else:
            servants[key] = Servant(state_body_id=bodies[key[0]].id, personnel_no=key[1], **values)
            session.add(servants[key])
            report.count("servant", "created")
    session.flush()  # a manager may be a servant created just now
    for row in rows:
        key = row.key("state_body_code", "personnel_no")
        if "manager_personnel_no" in row.values:
            manager = row.values["manager_personnel_no"]
            changed[key] = apply(servants[key], {"manager_id": servants[(key[0], manager)].id if manager else None}) \
                or changed.get(key, False)
        if key in existing.servants:
            report.count("servant", "updated" if changed[key] else "unchanged")
    return servants


def write_absences(session: Session, existing: Existing, servants: dict[tuple[str, str], Servant],
                   rows: list[Row], report: ImportReport) -> None:
    for row in rows:
        servant = servants[row.key("state_body_code", "personnel_no")]
        key = (servant.id, row.values["kind"], row.values["start"])
        values = {"end": row.values["end"]}  # a sick leave that was extended: same start, later end
        upsert(session, report, "absence", existing.absences.get(key),
               lambda: Absence(servant_id=servant.id, kind=key[1], start=key[2], **values), values)


# --- the whole import --------------------------------------------------------------------


def import_organisation(engine: Engine, servants: Path, absences: Path | None = None) -> ImportReport:
    """Check the file whole; write it in one transaction only if nothing is wrong."""
    servant_sheet, absence_sheet = read_sources(Path(servants), Path(absences) if absences else None)
    problems = servant_sheet.problems + (absence_sheet.problems if absence_sheet else [])
    servant_rows = parse_rows(servant_sheet, SERVANT_ORDER, problems)
    absence_rows = parse_rows(absence_sheet, ABSENCE_ORDER, problems)
    codes = {row.values["state_body_code"] for row in servant_rows + absence_rows if row.values.get("state_body_code")}
    report = ImportReport()
    # Checked and written in one transaction, so the rows checked against are the rows written to.
    with transaction(engine) as session:
        existing = load_existing(session, codes)
        problems += check_servants(servant_rows, existing)
        problems += check_absences(absence_rows, servant_rows, existing, servant_sheet.usable)
        if problems:  # nothing has been added to the session: the commit writes nothing
            report.problems = sorted(problems, key=lambda p: (p.table != SERVANTS, p.row or 0))
            return report
        write(session, existing, servant_rows, absence_rows, report)
    return report

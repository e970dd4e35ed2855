"""A row of the file, parsed cell by cell, with the natural keys the rules and the writer
match on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orgimport.columns import Column
from orgimport.report import Bad, Problem
from orgimport.sheets import Sheet


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

    def clean_key(self, *names: str) -> tuple[Any, ...]:
        """`key` of a row already found clean: what the writer matches on."""
        key = self.key(*names)
        assert key is not None, (self.table, self.number, names)
        return key

    def problem(self, column: str, code: str, rule: str = "", **params: Any) -> Problem:
        return Problem(self.table, self.number, column, self.raw.get(column) or "", code, params, rule)


def first_rows(rows: list[Row], *names: str) -> dict[tuple[Any, ...], Row]:
    """The first row of each natural key, in file order."""
    first: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        key = row.key(*names)
        if key is not None:
            first.setdefault(key, row)
    return first


def named(row: Row) -> bool:
    """A servant is named by full_name, or by surname and given name (the patronymic may be absent)."""
    return bool(row.values.get("full_name") or (row.values.get("surname") and row.values.get("given_name")))


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

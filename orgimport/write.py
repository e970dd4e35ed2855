"""Writing a clean file: bodies, units, positions, servants, absences, each matched on its
natural key, so a second import of the same file changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from models.organisation import Absence, Position, Servant, StateBody, Unit
from orgimport.columns import ROLES
from orgimport.existing import Existing
from orgimport.report import ImportReport
from orgimport.rows import Row, first_rows


def apply(record: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ; say whether any did, so a second import counts unchanged."""
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def upsert(session: Session, report: ImportReport, table: str, found: Any, make: Callable[[], Any], values: dict[str, Any]) -> Any:
    if found is None:
        record = make()
        session.add(record)
        report.count(table, "created")
        return record
    report.count(table, "updated" if apply(found, values) else "unchanged")
    return found


def id_of(record: StateBody | Unit | Servant) -> int:
    """The id of a row written (flushed) already."""
    assert record.id is not None
    return record.id


def write(session: Session, existing: Existing, rows: list[Row], absences: list[Row], report: ImportReport) -> None:
    bodies = write_bodies(session, existing, rows, report)
    units = write_units(session, existing, bodies, rows, report)
    positions = write_positions(session, existing, units, rows, report)
    servants = write_servants(session, existing, bodies, positions, rows, report)
    write_absences(session, existing, servants, absences, report)


def write_bodies(session: Session, existing: Existing, rows: list[Row], report: ImportReport) -> dict[str, StateBody]:
    """The bodies, each after the body it is under (checked to form no cycle), so that its
    parent has an id when it is written."""
    bodies: dict[str, StateBody] = {}
    ids = dict(existing.body_ids)
    pending = first_rows(rows, "state_body_code")
    while pending:
        ready = {key: row for key, row in pending.items() if not row.values.get("parent_state_body_code") or row.values["parent_state_body_code"] in ids}
        assert ready, "a cycle of bodies passed the checks"  # check_body_parents refuses them
        for (body,), row in ready.items():
            values = {"name": row.values["state_body_name"], "methodology": row.values["methodology"]}
            if "parent_state_body_code" in row.values:
                parent = row.values["parent_state_body_code"]
                values["parent_id"] = ids[parent] if parent else None
            bodies[body] = upsert(session, report, "state_body", existing.bodies.get(body), lambda: StateBody(code=body, **values), values)
        session.flush()  # ids for the units, and for the bodies under these
        ids.update((code, id_of(record)) for code, record in bodies.items())
        pending = {key: row for key, row in pending.items() if key not in ready}
    return bodies


def write_units(session: Session, existing: Existing, bodies: dict[str, StateBody], rows: list[Row], report: ImportReport) -> dict[tuple[str, str], Unit]:
    first = first_rows(rows, "state_body_code", "unit_code")
    units: dict[tuple[str, str], Unit] = dict(existing.units)
    new = [key for key in first if key not in existing.units]
    for body, unit in new:
        units[(body, unit)] = Unit(state_body_id=id_of(bodies[body]), code=unit, name=first[(body, unit)].values["unit_name"])
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


def write_positions(
    session: Session, existing: Existing, units: dict[tuple[str, str], Unit], rows: list[Row], report: ImportReport
) -> dict[tuple[str, str, str], Position]:
    positions = {}
    for key, row in first_rows(rows, "state_body_code", "unit_code", "position_code").items():
        values = {"title": row.values["position_title"], "category": row.values["category"]}
        unit = units[key[:2]]
        positions[key] = upsert(session, report, "position", existing.positions.get(key), lambda: Position(unit_id=id_of(unit), code=key[2], **values), values)
    session.flush()  # ids for the servants
    return positions


def servant_values(row: Row, position: Position) -> dict[str, Any]:
    """The servant's columns the file has; a column the file lacks leaves the field as it is."""
    parts = [row.values.get(name) for name in ("surname", "given_name", "patronymic")]
    values = {
        "full_name": row.values.get("full_name") or " ".join(p for p in parts if p),
        "position_id": position.id,
        "position_start": row.values["position_start"],
    }
    for name in ("surname", "given_name", "patronymic", "probation_end", "email", "lang", "dismissed_on"):
        if name in row.values:
            values[name] = row.values[name]
    if "roles" in row.values:
        values.update({flag: role in row.values["roles"] for role, flag in ROLES.items()})
    return values


def write_servants(
    session: Session, existing: Existing, bodies: dict[str, StateBody], positions: dict[tuple[str, str, str], Position], rows: list[Row], report: ImportReport
) -> dict[tuple[str, str], Servant]:
    servants: dict[tuple[str, str], Servant] = dict(existing.servants)
    changed: dict[tuple[str, str], bool] = {}
    for row in rows:
        key = row.clean_key("state_body_code", "personnel_no")
        values = servant_values(row, positions[row.clean_key("state_body_code", "unit_code", "position_code")])
        if key in servants:
            changed[key] = apply(servants[key], values)
        else:
            servants[key] = Servant(state_body_id=id_of(bodies[key[0]]), personnel_no=key[1], **values)
            session.add(servants[key])
            report.count("servant", "created")
    session.flush()  # a manager may be a servant created just now
    for row in rows:
        key = row.clean_key("state_body_code", "personnel_no")
        if "manager_personnel_no" in row.values:
            manager = row.values["manager_personnel_no"]
            changed[key] = apply(servants[key], {"manager_id": servants[(key[0], manager)].id if manager else None}) or changed.get(key, False)
        if key in existing.servants:
            report.count("servant", "updated" if changed[key] else "unchanged")
    return servants


def write_absences(session: Session, existing: Existing, servants: dict[tuple[str, str], Servant], rows: list[Row], report: ImportReport) -> None:
    for row in rows:
        servant = servants[row.clean_key("state_body_code", "personnel_no")]
        key = (id_of(servant), row.values["kind"], row.values["start"])
        values = {"end": row.values["end"]}  # a sick leave that was extended: same start, later end
        upsert(session, report, "absence", existing.absences.get(key), lambda: Absence(servant_id=id_of(servant), kind=key[1], start=key[2], **values), values)

"""Loading the organisation from HR's file: the examples load, CSV and XLSX agree, a second
load changes nothing, a corrected file updates, and a file with problems is refused whole,
every problem named by row and column in three languages. Every test runs on SQLite and
PostgreSQL (the `db` fixture)."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select, update
from typer.testing import CliRunner

from bagalau.cli.org import app
from orgimport import ImportReport, Problem, import_organisation
from models.organisation import Absence, Position, Servant, StateBody, Unit

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "org"
SERVANTS_CSV, ABSENCES_CSV, WORKBOOK = EXAMPLES / "servants.csv", EXAMPLES / "absences.csv", EXAMPLES / "organisation.xlsx"
ORG_TABLES = (StateBody, Unit, Position, Servant, Absence)
HEADER = ["state_body_code", "state_body_name", "methodology", "unit_code", "unit_name", "parent_unit_code",
          "position_code", "position_title", "category", "personnel_no", "full_name", "surname", "given_name",
          "patronymic", "position_start", "probation_end", "manager_personnel_no", "email", "lang", "dismissed_on", "roles"]
ABSENCE_HEADER = ["personnel_no", "state_body_code", "kind", "start", "end"]


# --- helpers -----------------------------------------------------------------------------


def load_examples(db: Engine) -> ImportReport:
    report = import_organisation(db, SERVANTS_CSV, ABSENCES_CSV)
    assert report.ok, [p.as_dict("en") for p in report.problems]
    return report


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]], bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def servant(number: str, **changes: str) -> dict[str, str]:
    """A valid row of a test body; each servant on a position of their own."""
    row = {"state_body_code": "test-body", "state_body_name": "Сынақ органы", "methodology": "typical2023",
           "unit_code": "u1", "unit_name": "Бірінші бөлім", "position_code": number,
           "position_title": "Бас маман", "category": "C-4", "personnel_no": number,
           "full_name": f"Қызметші {number}", "position_start": "2024-01-15"}
    return row | changes


def snapshot(db: Engine) -> dict[str, set[tuple[Any, ...]]]:
    """Every org row by its natural keys, ids left out, so two databases can be compared."""
    with Session(db) as session:
        bodies = {b.id: b.code for b in session.exec(select(StateBody))}
        units = {u.id: u for u in session.exec(select(Unit))}
        positions = {p.id: p for p in session.exec(select(Position))}
        servants = {s.id: s for s in session.exec(select(Servant))}
        absences = list(session.exec(select(Absence)))
        return {
            "state_body": {(b.code, b.name, b.methodology) for b in session.exec(select(StateBody))},
            "unit": {(bodies[u.state_body_id], u.code, u.name, units[u.parent_id].code if u.parent_id else None)
                     for u in units.values()},
            "position": {(units[p.unit_id].code, p.code, p.title, p.category) for p in positions.values()},
            "servant": {(bodies[s.state_body_id], s.personnel_no, s.full_name, units[positions[s.position_id].unit_id].code,
                         positions[s.position_id].code, s.position_start, s.probation_end,
                         servants[s.manager_id].personnel_no if s.manager_id else None, s.email, s.lang,
                         s.dismissed_on, s.is_hr, s.is_head_of_hr, s.is_appointing_official)
                        for s in servants.values()},
            "absence": {(servants[a.servant_id].personnel_no, a.kind, a.start, a.end) for a in absences},
        }


def row_counts(db: Engine) -> dict[str, int]:
    with Session(db) as session:
        return {t.__tablename__: session.exec(select(func.count()).select_from(t)).one() for t in ORG_TABLES}


def wipe(db: Engine) -> None:
    """Empty the org tables; the self-references go first."""
    with Session(db) as session:
        session.exec(update(Servant).values(manager_id=None))
        session.exec(update(Unit).values(parent_id=None))
        session.exec(update(StateBody).values(parent_id=None))
        for table in reversed(ORG_TABLES):
            session.exec(table.__table__.delete())
        session.commit()


def found(report: ImportReport) -> list[tuple[str, int | None, str, str]]:
    return [(p.table, p.row, p.column, p.code) for p in report.problems]


def servant_by_number(db: Engine, number: str) -> Servant:
    with Session(db) as session:
        return session.exec(select(Servant).where(Servant.personnel_no == number)).one()


# --- clean files -------------------------------------------------------------------------


def test_examples_load_and_csv_and_xlsx_give_the_same_database(db: Engine) -> None:
    report = load_examples(db)
    assert {t: c["created"] for t, c in report.counts.items()} == \
        {"state_body": 2, "unit": 8, "position": 25, "servant": 26, "absence": 9}
    from_csv = snapshot(db)
    wipe(db)
    assert import_organisation(db, WORKBOOK).ok  # absences: the workbook's sheet «absences»
    assert snapshot(db) == from_csv
    # what the appraisal needs, read back: probation, dismissal, managers, roles, the tree
    assert servant_by_number(db, "1005").probation_end.isoformat() == "2026-04-11"
    assert servant_by_number(db, "1009").dismissed_on.isoformat() == "2026-02-27"
    assert ("vko-audit", "audit-budget", "Бюджет қаражатын аудиттеу бөлімі", "leadership") in from_csv["unit"]
    head_of_hr = servant_by_number(db, "1010")
    assert (head_of_hr.is_head_of_hr, head_of_hr.is_hr, servant_by_number(db, "2001").is_appointing_official) == \
        (True, False, True)
    assert servant_by_number(db, "1003").manager_id == servant_by_number(db, "1002").id
    # each head's assessor is a person of the body outside the B corps (mne2017 п.4)
    vice = servant_by_number(db, "2000")
    assert (vice.outside_b_corps, servant_by_number(db, "2001").manager_id) == (True, vice.id)
    assert not servant_by_number(db, "2001").outside_b_corps
    assert ("1003", "sick_leave") in {(a[0], a[1]) for a in from_csv["absence"]}


def test_a_second_load_changes_nothing(db: Engine) -> None:
    load_examples(db)
    before = snapshot(db)
    again = import_organisation(db, WORKBOOK)
    assert again.ok
    assert all(c["created"] == c["updated"] == 0 for c in again.counts.values()), again.counts
    assert again.counts["servant"]["unchanged"] == 26
    assert snapshot(db) == before


def test_a_corrected_file_updates_what_changed(db: Engine, tmp_path: Path) -> None:
    load_examples(db)
    rows = read_csv(SERVANTS_CSV)
    for row in rows:
        if row["unit_code"] == "audit-assets":  # renamed on every row of the unit
            row["unit_name"] = "Мемлекеттік активтер аудиті бөлімі"
        if row["personnel_no"] == "1007":  # moved under another head
            row["manager_personnel_no"] = "1002"
        if row["personnel_no"] == "1005":  # probation over, confirmed, e-mail dropped
            row["probation_end"], row["email"] = "", ""
    rows.append(rows[-1] | {"personnel_no": "2013", "full_name": "Сұлтанов Ерасыл Бекұлы", "position_code": "04",
                            "position_title": "Сарапшы", "category": "B-5", "roles": "", "email": ""})
    absences = read_csv(ABSENCES_CSV)
    absences[1]["end"] = "2026-02-27"  # the sick leave of 1003 was extended
    absences.append({"personnel_no": "2013", "state_body_code": "mne", "kind": "training",
                     "start": "2026-06-01", "end": "2026-06-05"})
    servants = write_csv(tmp_path / "servants.csv", HEADER, rows, bom=True)  # as Excel saves «CSV UTF-8»
    report = import_organisation(db, servants, write_csv(tmp_path / "absences.csv", ABSENCE_HEADER, absences))
    assert report.ok, [p.as_dict("en") for p in report.problems]
    assert report.counts["unit"] == {"created": 0, "updated": 1, "unchanged": 7}
    assert report.counts["position"] == {"created": 1, "updated": 0, "unchanged": 25}
    assert report.counts["servant"] == {"created": 1, "updated": 2, "unchanged": 24}
    assert report.counts["absence"] == {"created": 1, "updated": 1, "unchanged": 8}
    moved, confirmed = servant_by_number(db, "1007"), servant_by_number(db, "1005")
    assert moved.manager_id == servant_by_number(db, "1002").id
    assert (confirmed.probation_end, confirmed.email) == (None, None)
    assert ("1003", "sick_leave", date(2026, 2, 9), date(2026, 2, 27)) in snapshot(db)["absence"]


def test_a_file_without_optional_columns_keeps_those_fields(db: Engine, tmp_path: Path) -> None:
    load_examples(db)
    required = [name for name in HEADER if name not in
                ("parent_unit_code", "probation_end", "manager_personnel_no", "email", "lang", "dismissed_on", "roles",
                 "surname", "given_name", "patronymic")]
    rows = [{name: row[name] for name in required} for row in read_csv(SERVANTS_CSV)]
    before = snapshot(db)
    report = import_organisation(db, write_csv(tmp_path / "short.csv", required, rows))
    assert report.ok and report.counts["servant"]["unchanged"] == 26
    assert snapshot(db) == before


def test_a_new_servant_may_report_to_one_already_in_the_database(db: Engine, tmp_path: Path) -> None:
    load_examples(db)
    row = read_csv(SERVANTS_CSV)[3] | {"personnel_no": "1013", "full_name": "Нұрланов Әли Бекұлы", "email": ""}
    report = import_organisation(db, write_csv(tmp_path / "one.csv", HEADER, [row]))
    assert report.ok and report.counts["servant"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert servant_by_number(db, "1013").manager_id == servant_by_number(db, "1002").id


# --- files with problems -----------------------------------------------------------------


def broken_files(tmp_path: Path) -> tuple[Path, Path]:
    """One problem of each kind per row (the comment is the row as a spreadsheet shows it)."""
    vko_head = read_csv(SERVANTS_CSV)[0] | {"full_name": "Серікбаев Нұрлан (must not be written)"}
    servants = [
        vko_head,                                                              # 2: valid, but refused with the rest
        servant("3001", full_name=""),                                         # 3
        servant("3002", position_start="15.01.2024"),                          # 4
        servant("3003", category="X-9"),                                       # 5
        servant("3004", email="not-an-email"),                                 # 6
        servant("3005", lang="de"),                                            # 7
        servant("3006", roles="hr;boss"),                                      # 8
        servant("3007", probation_end="2023-12-31"),                           # 9
        servant("3002"),                                                       # 10
        servant("3008", unit_name="Басқа атау"),                               # 11
        servant("3009", position_code="3001", category="C-5"),                 # 12
        servant("3010", manager_personnel_no="9999"),                          # 13
        servant("3011", manager_personnel_no="3011"),                          # 14
        servant("4001", state_body_code="new-body", methodology="typical2099"),  # 15
        servant("3012", unit_code="x" * 41),                                   # 16
        servant("3013", unit_code="u2", parent_unit_code="nowhere"),           # 17
    ]
    for row in servants:
        row["notes"] = "HR's own remark"
    absences = [
        {"personnel_no": "3001", "state_body_code": "test-body", "kind": "vacation", "start": "2026-01-05", "end": "2026-01-09"},
        {"personnel_no": "3004", "state_body_code": "test-body", "kind": "sick_leave", "start": "2026-02-10", "end": "2026-02-01"},
        {"personnel_no": "7777", "state_body_code": "test-body", "kind": "sick_leave", "start": "2026-02-10", "end": "2026-02-12"},
        {"personnel_no": "3004", "state_body_code": "test-body", "kind": "sick_leave", "start": "2026-02-10", "end": "2026-02-12"},
        {"personnel_no": "1003", "state_body_code": "vko-audit", "kind": "annual_leave", "start": "2026-09-01", "end": "2026-09-14"},
    ]
    return (write_csv(tmp_path / "servants.csv", [*HEADER, "notes"], servants),
            write_csv(tmp_path / "absences.csv", ABSENCE_HEADER, absences))


EXPECTED = [
    ("servants", 1, "notes", "org_unknown_column"),
    ("servants", 3, "full_name", "org_required"),
    ("servants", 4, "position_start", "org_date"),
    ("servants", 5, "category", "org_category"),
    ("servants", 6, "email", "org_email"),
    ("servants", 7, "lang", "org_unknown_value"),
    ("servants", 8, "roles", "org_unknown_value"),
    ("servants", 9, "probation_end", "org_end_before_start"),
    ("servants", 10, "personnel_no", "org_duplicate"),
    ("servants", 11, "unit_name", "org_conflict"),
    ("servants", 12, "category", "org_conflict"),
    ("servants", 13, "manager_personnel_no", "org_manager_unknown"),
    ("servants", 14, "manager_personnel_no", "org_manager_self"),
    ("servants", 15, "methodology", "org_unknown_value"),
    ("servants", 16, "unit_code", "org_too_long"),
    ("servants", 17, "parent_unit_code", "org_parent_unknown"),
    ("absences", 2, "kind", "org_unknown_value"),
    ("absences", 3, "end", "org_end_before_start"),
    ("absences", 4, "personnel_no", "org_servant_unknown"),
    ("absences", 5, "start", "org_duplicate"),
]


def test_every_problem_is_reported_and_nothing_is_written(db: Engine, tmp_path: Path) -> None:
    load_examples(db)
    before, counts = snapshot(db), row_counts(db)
    report = import_organisation(db, *broken_files(tmp_path))
    assert found(report) == EXPECTED
    assert (snapshot(db), row_counts(db)) == (before, counts)
    by_place = {(p.table, p.row, p.column): p for p in report.problems}
    assert by_place[("servants", 4, "position_start")].value == "15.01.2024"
    assert by_place[("servants", 4, "position_start")].message("en") == \
        "a date is written YYYY-MM-DD (e.g. 2026-03-31) (ISO 8601)"
    assert by_place[("servants", 4, "position_start")].message("kk").startswith("күн ЖЖЖЖ-АА-КК")
    assert by_place[("servants", 4, "position_start")].message("ru").startswith("дата записывается как ГГГГ-ММ-ДД")
    assert by_place[("servants", 5, "category")].message("en").endswith("(^[A-E](-[OR])?-[0-9]{1,2}$)")
    assert by_place[("servants", 10, "personnel_no")].message("ru") == "повтор: такая же запись уже есть в строке 4"
    assert by_place[("servants", 12, "category")].message("en") == "differs from row 3, which says: C-4"
    assert by_place[("servants", 11, "unit_name")].message("kk") == "3-жолдағы мәннен өзгеше, онда: Бірінші бөлім"
    assert "test-body" in by_place[("servants", 13, "manager_personnel_no")].message("kk")
    assert "mne2017, typical2023" in by_place[("servants", 15, "methodology")].message("en")
    assert by_place[("servants", 9, "probation_end")].message("en") == "must not be before position_start (2024-01-15)"
    assert by_place[("absences", 2, "kind")].message("ru").startswith("неизвестное значение; допустимые значения: annual_leave")
    for problem in report.problems:  # every message exists in each language, and differs
        assert len({problem.message(lang) for lang in ("kk", "ru", "en")}) == 3, problem


def test_manager_cycles_and_parent_cycles_in_the_file(tmp_path: Path, db: Engine) -> None:
    rows = [
        servant("5001", manager_personnel_no="5002", unit_code="u1", parent_unit_code="u2"),  # 2
        servant("5002", manager_personnel_no="5003", unit_code="u2", parent_unit_code="u1"),  # 3
        servant("5003", manager_personnel_no="5001", unit_code="u3", unit_name="Үшінші"),     # 4
        servant("5004", manager_personnel_no="5001", unit_code="u3", unit_name="Үшінші"),     # 5: under the cycle, not in it
    ]
    report = import_organisation(db, write_csv(tmp_path / "cycle.csv", HEADER, rows))
    assert found(report) == [
        ("servants", 2, "parent_unit_code", "org_parent_cycle"),
        ("servants", 2, "manager_personnel_no", "org_manager_cycle"),
        ("servants", 3, "parent_unit_code", "org_parent_cycle"),
        ("servants", 3, "manager_personnel_no", "org_manager_cycle"),
        ("servants", 4, "manager_personnel_no", "org_manager_cycle"),
    ]
    assert report.problems[1].message("en") == "the chain of managers goes round in a circle: 5001 → 5002 → 5003 → 5001"
    assert report.problems[0].message("ru") == "цепочка подразделений замыкается: u1 → u2 → u1"
    assert row_counts(db) == dict.fromkeys(row_counts(db), 0)


def test_a_cycle_through_the_database_is_found(db: Engine, tmp_path: Path) -> None:
    load_examples(db)  # 1003 → 1002 → 1001 there
    head = read_csv(SERVANTS_CSV)[1] | {"manager_personnel_no": "1003"}
    report = import_organisation(db, write_csv(tmp_path / "head.csv", HEADER, [head]))
    assert found(report) == [("servants", 2, "manager_personnel_no", "org_manager_cycle")]
    assert report.problems[0].message("en").endswith("1001 → 1003 → 1002 → 1001")
    assert servant_by_number(db, "1001").manager_id == servant_by_number(db, "1000").id  # as it was


def test_an_unknown_manager_is_one_of_another_body(db: Engine, tmp_path: Path) -> None:
    load_examples(db)  # 2002 exists, but in mne
    row = read_csv(SERVANTS_CSV)[3] | {"manager_personnel_no": "2002"}
    report = import_organisation(db, write_csv(tmp_path / "other.csv", HEADER, [row]))
    assert found(report) == [("servants", 2, "manager_personnel_no", "org_manager_unknown")]
    assert report.problems[0].message("en") == \
        "no servant with this personnel number in state body vko-audit, in the file or the database"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"state_body_code;state_body_name\nvko;x\n", [("servants", 1, "", "org_separator")]),
        ("full_name\nСерікбаев\n".encode("cp1251"), [("servants", None, "", "org_encoding")]),
        (b"", [("servants", 1, name, "org_missing_column") for name in HEADER
               if name not in ("parent_unit_code", "probation_end", "manager_personnel_no", "email", "lang",
                               "dismissed_on", "roles", "full_name", "surname", "given_name", "patronymic")]),
    ],
)
def test_what_is_wrong_with_the_file_itself(db: Engine, tmp_path: Path, content: bytes,
                                            expected: list[tuple[str, int | None, str, str]]) -> None:
    path = tmp_path / "servants.csv"
    path.write_bytes(content)
    assert found(import_organisation(db, path)) == expected


def test_a_missing_file_a_wrong_format_and_a_missing_sheet(db: Engine, tmp_path: Path) -> None:
    assert found(import_organisation(db, tmp_path / "absent.csv")) == [("servants", None, "", "org_file")]
    (tmp_path / "staff.xls").write_bytes(b"old excel")
    assert found(import_organisation(db, tmp_path / "staff.xls")) == [("servants", None, "", "org_format")]
    report = import_organisation(db, SERVANTS_CSV, WORKBOOK.with_name("organisation.xlsx"))
    assert report.ok  # the absences may come from a workbook's sheet too
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "staff"
    book.save(tmp_path / "wrong.xlsx")
    report = import_organisation(db, tmp_path / "wrong.xlsx")
    assert found(report) == [("servants", None, "", "org_sheet")]
    assert report.problems[0].message("kk") == "жұмыс кітабында «servants» парағы жоқ"


def test_xlsx_rows_are_numbered_as_excel_numbers_them(db: Engine, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "servants"
    sheet.append(HEADER)
    sheet.append([servant("6001")[name] if name in servant("6001") else None for name in HEADER])
    sheet.append([])  # a blank row is skipped but still counted
    sheet.append([servant("6002", category="Z")[name] if name in servant("6002") else None for name in HEADER])
    sheet.append([servant("6003")[name] if name in servant("6003") else None for name in HEADER] + [None, "stray"])
    book.save(tmp_path / "gap.xlsx")
    assert found(import_organisation(db, tmp_path / "gap.xlsx")) == \
        [("servants", 4, "category", "org_category"), ("servants", 5, "", "org_extra_cells")]


def test_a_comma_inside_an_unquoted_value_is_caught(db: Engine, tmp_path: Path) -> None:
    row = servant("6001", full_name="Серікбаев, Нұрлан")  # unquoted: one cell too many
    path = tmp_path / "s.csv"
    header = [name for name in HEADER if name not in ("surname", "given_name", "patronymic")]
    path.write_text(",".join(header) + "\n" + ",".join(row.get(name, "") for name in header) + "\n", "utf-8")
    report = import_organisation(db, path)
    assert found(report) == [("servants", 2, "", "org_extra_cells"), ("servants", 2, "position_start", "org_date")]


# --- the command -------------------------------------------------------------------------


@pytest.fixture
def cli(db: Engine, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The command on the test database; wide, so rich does not fold a message."""
    url = str(db.url) if db.url.get_backend_name() == "sqlite" else db.url.render_as_string(hide_password=False)
    monkeypatch.setenv("BAGALAU_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "250")
    return CliRunner()


def test_the_command_loads_and_summarises(cli: CliRunner, db: Engine) -> None:
    done = cli.invoke(app, ["import", str(WORKBOOK), "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert "Servants: created 26, updated 0, unchanged 0" in done.stdout
    done = cli.invoke(app, ["import", str(SERVANTS_CSV), "--absences", str(ABSENCES_CSV), "--json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    assert out["ok"] and out["counts"]["absence"] == {"created": 0, "updated": 0, "unchanged": 9}


def test_the_command_refuses_a_bad_file_with_exit_2(cli: CliRunner, db: Engine, tmp_path: Path) -> None:
    load_examples(db)
    counts = row_counts(db)
    servants, absences = broken_files(tmp_path)
    done = cli.invoke(app, ["import", str(servants), "--absences", str(absences), "--lang", "ru"])
    assert done.exit_code == 2
    assert done.stdout == ""
    assert "Файл не загружен: ошибок 20" in done.stderr
    assert "15.01.2024" in done.stderr and "дата записывается как ГГГГ-ММ-ДД" in done.stderr
    done = cli.invoke(app, ["import", str(servants), "--absences", str(absences), "--json", "--lang", "kk"])
    assert done.exit_code == 2
    out = json.loads(done.stdout)
    assert not out["ok"]
    assert [(p["table"], p["row"], p["column"], p["code"]) for p in out["problems"]] == EXPECTED
    assert out["problems"][2]["message"].startswith("күн ЖЖЖЖ-АА-КК")
    assert row_counts(db) == counts


def test_problem_as_dict_is_the_json_shape() -> None:
    problem = Problem("absences", 3, "end", "2026-02-01", "org_end_before_start", {"other": "start", "start": "2026-02-10"})
    assert problem.as_dict("en") == {"table": "absences", "row": 3, "column": "end", "value": "2026-02-01",
                                     "code": "org_end_before_start", "message": "must not be before start (2026-02-10)"}


def test_the_three_parts_of_a_name_load_without_full_name(db: Engine, tmp_path: Path) -> None:
    # a form prints "surname, name, patronymic" in that order: the parts are kept as given
    header = [name for name in HEADER if name != "full_name"]
    first = next(r for r in read_csv(SERVANTS_CSV) if r["personnel_no"] == "1001")  # a head with no manager in the file
    row = {name: value for name, value in first.items() if name not in ("full_name", "manager_personnel_no")}
    row |= {"surname": "Серікбаев", "given_name": "Нұрлан", "patronymic": ""}
    nameless = row | {"personnel_no": "1099", "surname": "", "given_name": ""}
    refused = import_organisation(db, write_csv(tmp_path / "nameless.csv", header, [row, nameless]))
    assert [(p.row, p.column, p.code) for p in refused.problems] == [(3, "full_name", "org_required")]
    report = import_organisation(db, write_csv(tmp_path / "parts.csv", header, [row]))
    assert report.ok, report.problems
    loaded = servant_by_number(db, "1001")
    assert (loaded.surname, loaded.given_name, loaded.patronymic, loaded.full_name) == ("Серікбаев", "Нұрлан", None, "Серікбаев Нұрлан")


def test_an_impossible_date_is_told_apart_from_a_wrong_format(db: Engine, tmp_path: Path) -> None:
    rows = [servant("3101", position_start="2021-02-31"), servant("3102", position_start="31.01.2021")]
    report = import_organisation(db, write_csv(tmp_path / "dates.csv", HEADER, rows))
    assert found(report) == [("servants", 2, "position_start", "date_impossible"), ("servants", 3, "position_start", "org_date")]
    assert report.problems[0].message("ru") == "такой даты в календаре нет (ISO 8601)"


# --- a body under another ----------------------------------------------------------------

BODY_HEADER = [*HEADER, "parent_state_body_code"]


def parents(db: Engine) -> dict[str, str | None]:
    with Session(db) as session:
        bodies = list(session.exec(select(StateBody)))
        code = {b.id: b.code for b in bodies}
        return {b.code: code.get(b.parent_id) if b.parent_id else None for b in bodies}


def test_a_body_is_placed_under_another_of_the_file_or_the_database(db: Engine, tmp_path: Path) -> None:
    committee = servant("7001", state_body_code="committee", state_body_name="Комитет", parent_state_body_code="ministry")
    ministry = servant("7002", state_body_code="ministry", state_body_name="Министрлік")
    report = import_organisation(db, write_csv(tmp_path / "two.csv", BODY_HEADER, [committee, ministry]))  # the child first
    assert report.ok, [p.as_dict("en") for p in report.problems]
    assert parents(db) == {"committee": "ministry", "ministry": None}
    assert import_organisation(db, write_csv(tmp_path / "again.csv", BODY_HEADER, [committee, ministry])).counts["state_body"] == {
        "created": 0, "updated": 0, "unchanged": 2}
    department = servant("7003", state_body_code="department", state_body_name="Департамент", parent_state_body_code="committee")
    assert import_organisation(db, write_csv(tmp_path / "third.csv", BODY_HEADER, [department])).ok  # under one in the database
    assert parents(db)["department"] == "committee"
    without = {name: value for name, value in department.items() if name != "parent_state_body_code"}
    assert import_organisation(db, write_csv(tmp_path / "short.csv", HEADER, [without])).ok  # no such column: kept
    assert parents(db)["department"] == "committee"
    moved = import_organisation(db, write_csv(tmp_path / "moved.csv", BODY_HEADER, [department | {"parent_state_body_code": ""}]))
    assert moved.counts["state_body"] == {"created": 0, "updated": 1, "unchanged": 0} and parents(db)["department"] is None


def test_a_body_under_one_unknown_or_under_itself_round_a_circle_is_refused(db: Engine, tmp_path: Path) -> None:
    ministry = servant("7002", state_body_code="ministry", state_body_name="Министрлік")
    committee = servant("7001", state_body_code="committee", state_body_name="Комитет", parent_state_body_code="ministry")
    assert import_organisation(db, write_csv(tmp_path / "two.csv", BODY_HEADER, [ministry, committee])).ok
    before = parents(db)
    rows = [
        ministry | {"parent_state_body_code": "committee"},  # 2: ministry → committee → ministry, through the database
        servant("7003", state_body_code="lone", state_body_name="Жалғыз", parent_state_body_code="nowhere"),  # 3
        servant("7004", state_body_code="self", state_body_name="Өзі", parent_state_body_code="self"),  # 4
    ]
    report = import_organisation(db, write_csv(tmp_path / "bad.csv", BODY_HEADER, rows))
    assert found(report) == [
        ("servants", 2, "parent_state_body_code", "org_body_parent_cycle"),
        ("servants", 3, "parent_state_body_code", "org_body_parent_unknown"),
        ("servants", 4, "parent_state_body_code", "org_body_parent_cycle"),
    ]
    assert report.problems[0].message("en") == "the chain of state bodies above one another goes round in a circle: ministry → committee → ministry"
    assert report.problems[2].message("ru") == "цепочка государственных органов замыкается: self → self"
    assert parents(db) == before  # nothing written

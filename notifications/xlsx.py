"""A streamed XLSX of plain sheets: text, whole numbers and dates (shown as dates), each
sheet with a frozen header row, its column widths and, if asked, a filter over its rows.

Written by hand because a country's compliance report has over 100,000 cells and
openpyxl, even in write-only mode, spends about 35 µs on each (a Python cell object, its
type checks, lxml's incremental writer): four seconds, most of the report's time. Here a
row is one string join, each distinct text escaped once. The parts are those openpyxl's
write-only mode writes (inline strings, one date style), so a reader sees the same cells.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

Cell = str | int | date | None
EPOCH = date(1899, 12, 30)  # day 0 of a spreadsheet's dates
NOT_IN_XML = re.compile(r"[\000-\010\013\014\016-\037]")  # the control characters XML 1.0 refuses
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font><name val="Calibri"/><family val="2"/><sz val="11"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


@dataclass(frozen=True)
class Sheet:
    title: str
    widths: Sequence[float]  # one per column, in characters
    lines: Iterable[Sequence[Cell]]  # the header first
    filter_rows: int | None = None  # the rows under the header a filter covers, if any


def write(path: Path, sheets: Sequence[Sheet]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:  # deflate was half the writing: the fastest level
        book.writestr("[Content_Types].xml", _content_types(len(sheets)))
        book.writestr("_rels/.rels", _relations([("officeDocument", "xl/workbook.xml")]))
        book.writestr("xl/workbook.xml", _workbook(sheets))
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            _relations([*(("worksheet", f"worksheets/sheet{n}.xml") for n in range(1, len(sheets) + 1)), ("styles", "styles.xml")]),
        )
        book.writestr("xl/styles.xml", DECLARATION + STYLES)
        for number, sheet in enumerate(sheets, start=1):
            with book.open(f"xl/worksheets/sheet{number}.xml", "w") as out:
                for chunk in _sheet(sheet):
                    out.write(chunk.encode("utf-8"))
    return path


def _sheet(sheet: Sheet) -> Iterable[str]:
    """The sheet's XML in pieces, a thousand rows at a time."""
    columns = [get_column_letter(n) for n in range(1, len(sheet.widths) + 1)]
    cols = "".join(f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>' for n, width in enumerate(sheet.widths, start=1))
    yield (
        f'{DECLARATION}<worksheet xmlns="{MAIN}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
        f'</sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
    )
    text = cache(_text)
    chunk: list[str] = []
    for number, line in enumerate(sheet.lines, start=1):
        cells = []
        for letter, value in zip(columns, line):
            if value is None:
                continue
            if isinstance(value, str):
                cells.append(f'<c r="{letter}{number}" t="inlineStr"><is>{text(value)}</is></c>')
            elif isinstance(value, date):
                cells.append(f'<c r="{letter}{number}" s="1" t="n"><v>{(value - EPOCH).days}</v></c>')
            else:
                cells.append(f'<c r="{letter}{number}" t="n"><v>{int(value)}</v></c>')
        chunk.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(chunk) == 1000:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "</sheetData>"
    if sheet.filter_rows is not None:
        yield f'<autoFilter ref="A1:{columns[-1]}{sheet.filter_rows + 1}"/>'
    yield "</worksheet>"


def _text(value: str) -> str:
    """A text cell's XML. XML 1.0 cannot hold most control characters, and a name or a
    step never means one: they are left out rather than leave a half-written book."""
    value = NOT_IN_XML.sub("", value)
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<t{space}>{escape(value)}</t>"


def _workbook(sheets: Sequence[Sheet]) -> str:
    names = "".join(f'<sheet name={quoteattr(sheet.title)} sheetId="{n}" r:id="rId{n}"/>' for n, sheet in enumerate(sheets, start=1))
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        f"{escape(_quoted(sheet.title))}!$A$1:${get_column_letter(len(sheet.widths))}${sheet.filter_rows + 1}</definedName>"
        for n, sheet in enumerate(sheets)
        if sheet.filter_rows is not None
    )
    defined = f"<definedNames>{filters}</definedNames>" if filters else ""
    return f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}"><sheets>{names}</sheets>{defined}</workbook>'


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _relations(targets: list[tuple[str, str]]) -> str:
    lines = "".join(f'<Relationship Id="rId{n}" Type="{RELATIONS}/{kind}" Target="{target}"/>' for n, (kind, target) in enumerate(targets, start=1))
    return f'{DECLARATION}<Relationships xmlns="{PACKAGE}/relationships">{lines}</Relationships>'


def _content_types(sheets: int) -> str:
    parts = [
        ("/xl/workbook.xml", f"{TYPES}.sheet.main+xml"),
        ("/xl/styles.xml", f"{TYPES}.styles+xml"),
        *((f"/xl/worksheets/sheet{n}.xml", f"{TYPES}.worksheet+xml") for n in range(1, sheets + 1)),
    ]
    overrides = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in parts)
    return (
        f'{DECLARATION}<Types xmlns="{PACKAGE}/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
    )

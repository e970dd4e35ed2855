"""The organisation importer: load an organisation from the HR service's spreadsheet: state bodies, units, positions,
servants and their absences, before any appraisal cycle is opened.

HR keeps the staff list in Excel, so that is what is read (XLSX, or CSV in UTF-8). A file
with one wrong cell must not leave half an organisation behind, and HR should fix a file
once rather than forty times: every cell and every cross-row rule is checked first, all
problems are reported together (row and column as the person sees them, message in their
language), and only a clean file is written, in one transaction. Rows are matched on the
codes HR already uses (state body code, unit code, position code, personnel number), so
loading the same file again changes nothing and a corrected file updates what changed.
Nothing absent from the file is deleted: a servant who leaves is marked `dismissed_on`.

Where units, people, absences and appointments enter bagalau: it reads HR's file, applies
the rules of a valid organisation and writes the tables, so it sits beside the lifecycle
(`states/`), above `models/` and `methodology/`, and imports neither `states/` nor
anything above (docs/architecture.md). Its steps, one module each: the columns and their
cells (`columns`), reading the file (`sheets`), a parsed row (`rows`), what the database
holds already (`existing`), the rules across rows (`checks`), writing (`write`), the whole
import (`importer`); the problems and the report (`report`). Annual results from before a
body used bagalau come in a file of their own, read and checked by the same means
(`past`), and are written by the lifecycle with their audit events.
"""

from orgimport.importer import import_organisation
from orgimport.report import ImportReport, Problem

__all__ = ["ImportReport", "Problem", "import_organisation"]

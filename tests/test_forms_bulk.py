"""Forms in bulk (`bagalau forms`): a body's or a unit's sheets and protocols for a period,
one PDF per document in a ZIP or one merged PDF, drawn from the mne2017 example year and
given only as each form would be given alone (typical2023 п.16, п.21; mne2017 п.32)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from bagalau import simulation
from models.db import engine as make_engine
from notifications.forms.bulk import print_forms

SCENARIO = Path(__file__).resolve().parent.parent / "examples" / "scenarios" / "mne2017-year.yaml"
BAGALAU = str(Path(sys.executable).with_name("bagalau"))


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('bulk') / 'year.sqlite3'}"
    assert simulation.run(simulation.load(SCENARIO), url)["unexpected"] == 0
    return url


def _zip(content: bytes) -> dict[str, str]:
    """Each PDF of the archive: its name → its text."""
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return {name: " ".join(page.extract_text() for page in PdfReader(BytesIO(archive.read(name))).pages) for name in archive.namelist()}


def test_the_body_s_quarter_is_one_pdf_per_document_in_a_zip(year: str, tmp_path: Path) -> None:
    out = tmp_path / "q1.zip"
    done = subprocess.run([BAGALAU, "forms", "mne-bsd", "2026-Q1", "--as", "saule", "-o", str(out)],
                          capture_output=True, text=True, env={**os.environ, "BAGALAU_DATABASE_URL": year}, timeout=300)
    assert done.returncode == 0, done.stderr
    files = _zip(out.read_bytes())
    assert done.stdout.strip() == f"{out}: {len(files)} documents"
    assert all(name.startswith("2026-Q1-") and name.endswith(".pdf") for name in files)
    assert {"2026-Q1-madina-quarterly-sheet.pdf", "2026-Q1-erbol-quarterly-sheet.pdf"} <= set(files)
    assert "Тұрғанбаева Мәдина Ержанқызы" in " ".join(files["2026-Q1-madina-quarterly-sheet.pdf"].split())
    assert not any("2026-Q2" in name for name in files)


def test_a_unit_takes_the_units_beneath_it_and_merged_is_one_pdf_of_the_same_pages(year: str) -> None:
    engine = make_engine(year)
    body = set(_zip(print_forms(engine, "mne-bsd", "2026-Q1", "saule", "kk").content))
    plan = _zip(print_forms(engine, "mne-bsd", "2026-Q1", "saule", "kk", unit="plan").content)
    department = _zip(print_forms(engine, "mne-bsd", "2026-Q1", "saule", "kk", unit="bsd").content)
    assert {"2026-Q1-madina-quarterly-sheet.pdf"} <= set(plan) and not any("-erbol-" in name for name in plan)
    assert set(plan) < set(department) <= body and any("-erbol-" in name for name in department)
    merged = print_forms(engine, "mne-bsd", "2026-Q1", "saule", "kk", unit="plan", merged=True)
    pages = sum(len(PdfReader(BytesIO(zipfile.ZipFile(BytesIO(print_forms(engine, "mne-bsd", "2026-Q1", "saule", "kk", unit="plan").content)).read(name))).pages)
                for name in plan)
    assert merged.documents == len(plan) and len(PdfReader(BytesIO(merged.content)).pages) == pages


def test_the_merged_pdf_holds_each_font_once_and_every_page_reads_back(year: str) -> None:
    engine = make_engine(year)
    merged = print_forms(engine, "mne-bsd", "2026-Q1", "saule", "kk", merged=True)
    pages = PdfReader(BytesIO(merged.content)).pages
    files = {font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].raw_get("/FontFile2").idnum
             for page in pages for font in page["/Resources"]["/Font"].values()}
    assert merged.documents > 2 and len(files) == 2  # the regular and the bold face
    assert "Тұрғанбаева Мәдина Ержанқызы" in " ".join(" ".join(page.extract_text() for page in pages).split())


def test_forms_a_reader_may_not_see_are_withheld(year: str) -> None:
    engine = make_engine(year)
    everything = print_forms(engine, "mne-bsd", "2026-Q1", "saule", "kk")
    own = print_forms(engine, "mne-bsd", "2026-Q1", "madina", "kk")  # an expert may know her own result only
    assert everything.withheld == 0 and own.withheld > 0
    assert 0 < own.documents < everything.documents
    assert not any("-erbol-" in name or "-daniyar-" in name for name in _zip(own.content))


@pytest.mark.parametrize("args, field", [
    (["nobody", "2026-Q1", "--as", "saule"], "BODY"),
    (["mne-bsd", "2026-Q5", "--as", "saule"], "PERIOD"),
    (["mne-bsd", "2026-Q1", "--as", "nobody"], "--as"),
    (["mne-bsd", "2026-Q1", "--as", "saule", "--unit", "none"], "--unit"),
])
def test_a_bad_argument_is_one_line_naming_it(year: str, tmp_path: Path, args: list[str], field: str) -> None:
    out = tmp_path / "x.zip"
    done = subprocess.run([BAGALAU, "forms", *args, "-o", str(out), "--lang", "en"], capture_output=True, text=True,
                          env={**os.environ, "BAGALAU_DATABASE_URL": year}, timeout=300)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and field in done.stderr, done.stderr
    assert not out.exists()

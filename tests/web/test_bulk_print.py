"""HR prints a period's forms from the console (issues #12, #13): one click, a ZIP of PDFs
or one merged PDF, the body's or one unit's; only the body's HR; a bad period is the
console's refusal in the reader's language, not a traceback."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfReader
from sqlalchemy.engine import Engine

from tests.web.conftest import DAY, signed_in
from tests.web.test_commission import before_the_commission
from web.app import create_app
from web.settings import Settings


def test_hr_downloads_the_quarters_forms_as_a_zip_and_as_one_pdf(db: Engine) -> None:
    org, own = before_the_commission(db)
    app = create_app(db, Settings(today=DAY))
    hr = signed_in(app, "hr")
    console = hr.get(f"/hr/{org.code}").text
    assert 'id="print-form"' in console and 'value="2026-Q1"' in console.split('id="print-form"')[1]
    answer = hr.get(f"/hr/{org.code}/forms", params={"period": "2026-Q1", "as": "zip"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    assert len(names) == int(answer.headers["x-bagalau-documents"]) > 0 and all(n.endswith(".pdf") for n in names)
    merged = hr.get(f"/hr/{org.code}/forms", params={"period": "2026-Q1", "as": "pdf"})
    assert merged.status_code == 200 and merged.content.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(merged.content)).outline) == len(names)  # one bookmark per document
    unit = hr.get(f"/hr/{org.code}/forms", params={"period": "2026-Q1", "unit": "u1"})
    assert unit.status_code == 200 and int(unit.headers["x-bagalau-documents"]) == len(names)  # the body's one unit


def test_only_hr_prints_and_a_bad_period_is_refused_plainly(db: Engine) -> None:
    org, _ = before_the_commission(db)
    app = create_app(db, Settings(today=DAY))
    for stranger in ("servant", "manager", "official"):
        assert signed_in(app, stranger).get(f"/hr/{org.code}/forms", params={"period": "2026-Q1"}).status_code == 404, stranger
    refused = signed_in(app, "hr").get(f"/hr/{org.code}/forms", params={"period": "Q1 2026"})
    assert refused.status_code == 422 and "Q1 2026" in refused.text and "Traceback" not in refused.text

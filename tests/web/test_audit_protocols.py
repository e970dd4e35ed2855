"""The protocols an auditor reads (issue #12): each meeting of the body with its day, and
its protocol as HTML and PDF with the procedure and without any result (no score, band,
correction, explanation or proposed score: typical2023 п.16, п.21; mne2017 п.35). HR gets
the same copy and a link to the full one; nobody else gets either."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import select

from models import Account, Auditor, StateBody
from models.db import transaction
from tests.factories import Org
from tests.web.conftest import DAY, signed_in
from tests.web.test_calibration import SESSION_DAY, convened, votes
from tests.web.test_commission import before_the_commission, form
from web.app import create_app
from web.settings import Settings


def _auditor(db: Engine, org: Org, login: str) -> None:
    with transaction(db) as session:
        account = session.exec(select(Account).where(Account.login == login)).one()
        body = session.exec(select(StateBody).where(StateBody.code == org.code)).one()
        session.add(Auditor(account_id=account.id, state_body_id=body.id))  # type: ignore[arg-type]


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_revised_commission_protocol_reaches_the_auditor_without_its_scores(db: Engine) -> None:
    org, own = before_the_commission(db)
    app = create_app(db, Settings(today=DAY))
    chair = signed_in(app, "official")
    present = ["official", "manager", "member", "colleague3"]
    decided = chair.post(
        f"/meetings/commission/{own}",
        data={**form(org, chair, present, {n: "revise" for n in present[:3]}), "score": "95", "explanation": "The seminar was not attended"},
        follow_redirects=False,
    )
    assert decided.status_code == 303, decided.text
    _auditor(db, org, "colleague2")
    auditor = signed_in(app, "colleague2")
    console = auditor.get(f"/hr/{org.code}").text
    section = console.split('id="protocols"')[1].split("</section>")[0]
    assert f'data-appraisal="{own}"' in section and "2 April 2026" in section
    assert "Full protocol" not in section  # the full one is HR's
    copy = auditor.get(f"/hr/{org.code}/protocols/{own}/commission-protocol.html")
    assert copy.status_code == 200 and 'id="audit-copy"' in copy.text
    assert "Servant" in copy.text and "Official" in copy.text  # who was appraised, who was present
    for result in ("95.00", "95,00", "seminar", "effective", "proper"):
        assert result not in copy.text, result
    pdf = auditor.get(f"/hr/{org.code}/protocols/{own}/commission-protocol.pdf")
    text = _pdf_text(pdf.content)
    assert pdf.status_code == 200 and "Auditor's copy" in text and "95.00" not in text and "seminar" not in text
    full = signed_in(app, "hr").get(f"/appraisals/{own}/documents/commission-protocol.html")
    assert "95.00" in full.text and "seminar" in full.text  # HR's full protocol keeps them: the copy blanked them


def test_a_calibration_protocols_copy_has_no_score_proposed_before_or_after(db: Engine) -> None:
    org, own = convened(db)
    app = create_app(db, Settings(today=SESSION_DAY))
    hr = signed_in(app, "hr")
    held = hr.post(f"/meetings/calibration/{own}", data=votes(org, hr, member="3.50", colleague1="3.50", colleague2="4.57"), follow_redirects=False)
    assert held.status_code == 303, held.text
    section = hr.get(f"/hr/{org.code}").text.split('id="protocols"')[1].split("</section>")[0]
    assert 'data-form="calibration-protocol"' in section and "Full protocol" in section
    copy = hr.get(f"/hr/{org.code}/protocols/{own}/calibration-protocol.html")
    assert copy.status_code == 200 and 'id="audit-copy"' in copy.text and "Member" in copy.text
    for result in ("3.50", "4.57", "budget change"):  # the scores and the servant's argument
        assert result not in copy.text, result


def test_nobody_else_opens_a_copy_and_only_protocols_that_exist_open(db: Engine) -> None:
    org, own = before_the_commission(db)
    app = create_app(db, Settings(today=DAY))
    for stranger in ("servant", "manager", "official"):
        client = signed_in(app, stranger)
        assert client.get(f"/hr/{org.code}/protocols/{own}/commission-protocol.html").status_code == 404, stranger
    hr = signed_in(app, "hr")
    assert hr.get(f"/hr/{org.code}/protocols/{own}/commission-protocol.html").status_code == 404  # not decided yet
    assert hr.get(f"/hr/{org.code}/protocols/{own}/quarterly-sheet.html").status_code == 404

"""Records of collective decisions and of refusals: the minutes of the Evaluation
Commission (mne2017 п.34–35, Annex 4), the minutes of a calibration session (typical2023
п.42, which prescribes a protocol but gives no annex for it), and the act drawn up when a
servant refuses to confirm a plan, to sign a sheet or to be familiarised (mne2017 п.10,
п.25, п.31, п.36: free form).

The commission's minutes print every result decided at the meeting, so whoever asks for
them must be allowed to read each of those results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from methodology.i18n import Lang
from methodology.schema import Methodology, as_kind
from models import (
    Appraisal,
    Attendance,
    AuditEvent,
    CalibrationApplication,
    CalibrationParticipant,
    CalibrationSession,
    CalibrationVote,
    Commission,
    CommissionMember,
    Consequence,
    Meeting,
    RefusalAct,
    Servant,
    StateBody,
    Vote,
)
from models.db import id_of
from notifications.forms.base import (
    Heading,
    Signature,
    band_label,
    basis,
    day,
    definition_of,
    heading,
    labels,
    no_record,
    number,
    period_label,
    person,
    stored,
)
from notifications.forms.form import Form
from notifications.forms.pdf import Sheet


@dataclass(frozen=True)
class ProtocolLine:
    number: int
    name: str
    result: Decimal | None  # as brought to the commission (п.34)
    band: str
    correction: Decimal | None  # the commission's revision (п.35)
    correction_band: str
    explanation: str
    recommendations: tuple[str, ...]


@dataclass(frozen=True)
class CommissionProtocol:
    """mne2017 Annex 4."""

    title: str
    annex: str
    methodology: str
    body: str
    held_on: date
    order: str
    kind_period: str
    present: tuple[str, ...]
    absent: tuple[str, ...]
    lines: tuple[ProtocolLine, ...]
    approved: int
    revised: int
    signatures: tuple[Signature, ...]
    shows: tuple[int, ...]
    redacted: bool = False  # an auditor's copy: the procedure without its results


def _decision(session: Session, appraisal_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The last score recorded before the commission decided, and the decision."""
    before: dict[str, Any] = {}
    for event in session.exec(select(AuditEvent).where(AuditEvent.appraisal_id == appraisal_id).order_by(col(AuditEvent.id))):
        if event.action == "decide":
            return before, event.data
        if "score" in event.data:
            before = event.data
    return before, {}


def _recommendations(session: Session, definition: Methodology, appraisal: Appraisal, lang: Lang) -> tuple[str, ...]:
    """What the result entails (п.43–46), as the product recorded it when the appraisal closed."""
    words = labels(lang)
    rules = {rule.consequence: rule for rule in definition.consequences if appraisal.kind in rule.kinds}
    made = []
    for row in session.exec(select(Consequence).where(Consequence.appraisal_id == appraisal.id).order_by(col(Consequence.id))):
        text = rules[row.kind].label(lang) if row.kind in rules else row.kind
        made.append(f"{text} ({words['until'].format(date=day(row.due, lang))})" if row.due else text)
    return tuple(made)


def _voted_at(session: Session, appraisal: Appraisal) -> int | None:
    """The last sitting that voted on the appraisal's sheet: its protocol's record."""
    return session.exec(select(Vote.meeting_id).where(Vote.appraisal_id == appraisal.id).order_by(col(Vote.id).desc())).first()


def commission_protocol(session: Session, appraisal: Appraisal, lang: Lang) -> CommissionProtocol:
    definition = definition_of(appraisal)
    words = labels(lang)
    meeting_id = _voted_at(session, appraisal)
    if meeting_id is None:
        raise no_record(appraisal, "record_meeting", "п.34–35, Annex 4")
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None
    commission = session.get(Commission, meeting.commission_id)
    assert commission is not None
    body = session.get(StateBody, commission.state_body_id)
    assert body is not None
    decided = sorted(set(session.exec(select(Vote.appraisal_id).where(Vote.meeting_id == meeting.id)).all()))
    lines = []
    for number_, appraisal_id in enumerate(decided, 1):
        row = session.get(Appraisal, appraisal_id)
        assert row is not None
        before, decision = _decision(session, appraisal_id)
        revised = decision.get("decision") == "revise"
        lines.append(
            ProtocolLine(
                number_,
                person(session, row.servant_id).name,
                Decimal(before["score"]) if "score" in before else None,
                band_label(definition, row.kind, before.get("band"), lang),
                Decimal(decision["score"]) if revised else None,
                band_label(definition, row.kind, decision.get("band"), lang) if revised else "",
                decision.get("explanation", "") if revised else "",
                _recommendations(session, definition, row, lang),
            )
        )
    kinds = sorted({(row.kind, row.period) for row in (session.get(Appraisal, i) for i in decided) if row})
    members = list(session.exec(select(CommissionMember).where(CommissionMember.commission_id == commission.id)))
    present = {a.member_id for a in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id)) if a.present}
    order = {"secretary": 0, "chair": 1, "member": 2}
    members.sort(key=lambda m: (order.get(m.role, 3), m.id))
    return CommissionProtocol(
        title=words["protocol_title"],
        annex=words["annex"].format(n=4),
        methodology=definition.title(lang),
        body=body.name,
        held_on=meeting.held_on,
        order=commission.order_ref,
        kind_period="; ".join(f"{words[f'kind_{kind}']}, {period_label(period, lang)}" for kind, period in kinds),
        present=tuple(person(session, m.servant_id).name for m in members if m.id in present),
        absent=tuple(person(session, m.servant_id).name for m in members if m.id not in present),
        lines=tuple(lines),
        approved=sum(line.correction is None for line in lines),
        revised=sum(line.correction is not None for line in lines),
        signatures=tuple(Signature(words[m.role], person(session, m.servant_id).name, meeting.held_on) for m in members if m.id in present),
        shows=tuple(decided),
    )


def commission_protocol_pdf(sheet: Sheet, form: CommissionProtocol, L: dict[str, str]) -> None:
    lang = sheet.lang
    sheet.caption(form.annex, form.methodology, L["form"])
    sheet.title(form.title)
    if form.redacted:
        sheet.text(L["audit_copy"], bold=True)
    sheet.field(L["state_body"], form.body)
    sheet.field(L["kind_period"], form.kind_period)
    sheet.field(L["meeting_date"], day(form.held_on, lang))
    sheet.field(L["commission_order"], form.order)
    sheet.field(L["present"], ", ".join(form.present))
    if form.absent:
        sheet.field(L["absent"], ", ".join(form.absent))
    sheet.text(L["results_title"], bold=True, align="C")
    rows = [
        [
            str(line.number),
            line.name,
            f"{number(line.result, lang)} ({line.band})" if line.result is not None else "",
            f"{number(line.correction, lang)} ({line.correction_band}): {line.explanation}" if line.correction is not None else "",
            "; ".join(line.recommendations),
        ]
        for line in form.lines
    ]
    sheet.table([L["number"], L["servants_column"], L["result_info"], L["correction"], L["recommendations"]], rows, (8, 44, 34, 52, 42))
    sheet.field(L["conclusion"], L["conclusion_text"].format(approved=form.approved, revised=form.revised))
    sheet.text(f"{L['checked']}:", bold=True)
    sheet.signatures(form.signatures, L["date"], L["signature"])


@dataclass(frozen=True)
class Participant:
    name: str
    position: str
    proposed: Decimal | None


@dataclass(frozen=True)
class CalibrationProtocol:
    """typical2023 п.38–42: the session the servant asked for and the score it decided."""

    title: str
    basis: str
    heading: Heading
    filed_on: date | None
    application: str
    decided_on: date
    held_on: date | None
    participants: tuple[Participant, ...]
    before: Decimal | None
    after: Decimal | None
    band: str
    signatures: tuple[Signature, ...]
    shows: tuple[int, ...]
    redacted: bool = False  # an auditor's copy: the procedure without its results


def _held_session(session: Session, appraisal: Appraisal) -> CalibrationSession | None:
    """The last calibration session held on the appraisal: its protocol's record."""
    return session.exec(
        select(CalibrationSession)
        .where(CalibrationSession.appraisal_id == appraisal.id, CalibrationSession.held_on != None)  # noqa: E711
        .order_by(col(CalibrationSession.id).desc())
    ).first()


def calibration_protocol(session: Session, appraisal: Appraisal, lang: Lang) -> CalibrationProtocol:
    definition = definition_of(appraisal)
    words = labels(lang)
    held = _held_session(session, appraisal)
    if held is None:
        raise no_record(appraisal, "record_session", "п.42")
    application = session.exec(
        select(CalibrationApplication).where(CalibrationApplication.appraisal_id == appraisal.id).order_by(col(CalibrationApplication.id).desc())
    ).first()
    votes = {v.participant_id: v.score for v in session.exec(select(CalibrationVote).where(CalibrationVote.session_id == held.id))}
    people = []
    query = select(CalibrationParticipant).where(CalibrationParticipant.session_id == held.id).order_by(col(CalibrationParticipant.id))
    for row in session.exec(query):
        who = person(session, row.servant_id)
        people.append(Participant(who.name, who.position, votes.get(id_of(row))))
    rules = definition.rules(as_kind(appraisal.kind))
    assert rules is not None
    after = held.score_after
    return CalibrationProtocol(
        title=words["cal_title"],
        basis=basis(definition, "п.38–42", lang),
        heading=heading(session, appraisal, lang),
        filed_on=application.filed_on if application else None,
        application=application.text if application else "",
        decided_on=held.decided_on,
        held_on=held.held_on,
        participants=tuple(people),
        before=held.score_before,
        after=after,
        band=definition.bands(rules.bands).band_for(after).label(lang) if after is not None else "",
        signatures=tuple(Signature(words["cal_participant"], p.name, held.protocol_signed_on) for p in people),
        shows=(stored(appraisal),),
    )


def calibration_protocol_pdf(sheet: Sheet, form: CalibrationProtocol, L: dict[str, str]) -> None:
    lang = sheet.lang
    sheet.caption(form.basis)
    sheet.title(form.title)
    if form.redacted:
        sheet.text(L["audit_copy"], bold=True)
    top = form.heading
    for label, value in (
        (L["state_body"], top.body),
        (L["assessee_name"], top.servant.name),
        (L["position"], top.servant.position),
        (L["appraisal_kind"], top.kind),
        (L["period"], top.period),
        (L["cal_filed_on"], day(form.filed_on, lang)),
        (L["cal_application"], form.application),
        (L["cal_decided_on"], day(form.decided_on, lang)),
        (L["cal_held_on"], day(form.held_on, lang)),
        (L["cal_before"], number(form.before, lang)),
    ):
        sheet.field(label, value)
    rows = [[str(n), p.name, p.position, number(p.proposed, lang)] for n, p in enumerate(form.participants, 1)]
    sheet.table([L["number"], L["cal_participants"], L["position"], L["cal_proposed"]], rows, (8, 60, 80, 32))
    sheet.text(L["cal_rule"], size=7.5)
    sheet.field(L["cal_after"], f"{number(form.after, lang)} ({form.band})" if form.after is not None else "")
    sheet.signatures(form.signatures, L["date"], L["signature"])


@dataclass(frozen=True)
class RefusalEntry:
    subject: str
    basis: str
    drawn_up_on: date
    text: str
    witnesses: tuple[Signature, ...]


@dataclass(frozen=True)
class RefusalActs:
    """Every act of refusal drawn up on one appraisal (a plan may have two: п.10, п.31)."""

    title: str
    heading: Heading
    acts: tuple[RefusalEntry, ...]
    shows: tuple[int, ...]


def _paragraph(definition: Methodology, kind: str, refused: str) -> str:
    """The rule of the refusal, from the workflow row that drew the act up."""
    for row in definition.flow(as_kind(kind)).transitions:
        if row.action.startswith("refuse_") and row.action.removeprefix("refuse_").removeprefix("to_") == refused:
            return row.paragraph
    return ""


def _acts(session: Session, appraisal: Appraisal) -> list[RefusalAct]:
    return list(session.exec(select(RefusalAct).where(RefusalAct.appraisal_id == appraisal.id).order_by(col(RefusalAct.id))))


def refusal_acts(session: Session, appraisal: Appraisal, lang: Lang) -> RefusalActs:
    definition = definition_of(appraisal)
    words = labels(lang)
    rows = _acts(session, appraisal)
    if not rows:
        raise no_record(appraisal, "record_act", "п.25, п.36")
    acts = []
    for act in rows:
        acts.append(
            RefusalEntry(
                subject=words["act_subject"].format(what=words[f"refused_{act.refused}"]),
                basis=basis(definition, _paragraph(definition, appraisal.kind, act.refused), lang),
                drawn_up_on=act.drawn_up_on,
                text=act.text,
                witnesses=tuple(  # ids the act recorded; one that names nobody is left out
                    Signature(who.position, who.name, act.drawn_up_on)
                    for who in (person(session, i) for i in act.witnesses if session.get(Servant, i) is not None)
                ),
            )
        )
    return RefusalActs(words["act_title"], heading(session, appraisal, lang), tuple(acts), (stored(appraisal),))


def refusal_acts_pdf(sheet: Sheet, form: RefusalActs, L: dict[str, str]) -> None:
    lang = sheet.lang
    top = form.heading
    for index, act in enumerate(form.acts):
        if index:
            sheet.pdf.add_page()
        sheet.caption(act.basis)
        sheet.title(form.title)
        sheet.field(L["state_body"], top.body)
        sheet.field(L["act_drawn_up_on"], day(act.drawn_up_on, lang))
        sheet.servant(top, L, "full_name")
        sheet.field(L["appraisal_kind"], f"{top.kind}, {top.period}")
        sheet.text(act.subject, bold=True)
        sheet.field(L["act_text"], act.text)
        sheet.text(f"{L['act_witnesses']}:", bold=True)
        sheet.signatures(act.witnesses, L["date"], L["signature"])


FORMS = (
    Form(
        "commission-protocol",
        ("quarterly", "annual"),
        "mne2017_annex4_commission_protocol.html.j2",
        commission_protocol,
        commission_protocol_pdf,
        orientation="L",
        recorded=lambda session, appraisal: _voted_at(session, appraisal) is not None,
    ),
    Form(
        "calibration-protocol",
        ("kpi", "differentiation", "360", "annual"),
        "calibration_protocol.html.j2",
        calibration_protocol,
        calibration_protocol_pdf,
        recorded=lambda session, appraisal: _held_session(session, appraisal) is not None,
    ),
    Form(
        "refusal-act",
        ("plan", "quarterly", "annual", "kpi", "differentiation", "360"),
        "refusal_act.html.j2",
        refusal_acts,
        refusal_acts_pdf,
        recorded=lambda session, appraisal: bool(_acts(session, appraisal)),
    ),
)

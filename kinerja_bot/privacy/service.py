"""Personal data (UU 27/2022) on the database: consent, export, erasure and retention.

Personal data here is anything that names or points to a Telegram account: the Telegram id
itself (DESIGN §3: "the Telegram user id is personal data too"), wherever it is kept:
`Employee.telegram_id`, `Consent.telegram_id`, `Complaint.chat_id` (and the photo sent with the
complaint, `Complaint.photo_file_id`: it may show a face), `ActivationFailure`,
`Delivery.chat_id`, persisted conversation states (their key holds the chat and user id),
`UserData` (drafts) and the updates received but not yet handled (`InboxUpdate.data`, the
whole update with what was typed; a handled update keeps only its id). Survey responses hold
none of it (see `survey.service`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, null, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    ActivationFailure,
    Complaint,
    ComplaintStatus,
    Consent,
    ConversationState,
    Delivery,
    Employee,
    Evaluation,
    Evidence,
    Feedback,
    InboxUpdate,
    Indicator,
    Leave,
    ProgressReport,
    Service,
    SurveyResponse,
    Unit,
    UnitRole,
    UserData,
    id_of,
    utcnow,
)
from kinerja_bot.core.vocabulary import complaint_service_label

PURPOSE_COMPLAINT_CONTACT = "kontak_pengaduan"
PURPOSE_SURVEY_PROFILE = "profil_survei"
# Length of the survey's daily-limit hash (hex HMAC-SHA256), see survey.service.
RESPONDENT_HASH_LENGTH = 64


async def record_consent(
    session: AsyncSession,
    *,
    telegram_id: int | None,
    purpose: str,
    text_version: str,
    now: datetime,
) -> Consent:
    """Record a consent with the version of the text the person agreed to.

    `telegram_id=None` records an anonymous consent (the survey profile, which is stored
    without any identity): it proves which text was shown without linking anyone to it.
    """
    consent = Consent(
        telegram_id=telegram_id, purpose=purpose, text_version=text_version, given_at=now
    )
    session.add(consent)
    await session.flush()
    return consent


# --- What is kept about one account -------------------------------------------------------


def _when(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return moment.astimezone(tz).isoformat(timespec="seconds") if moment else None


async def _conversation_rows(session: AsyncSession, telegram_id: int) -> list[ConversationState]:
    """Persisted conversation states whose key (a JSON list of ids) holds this id."""
    pattern = f"%{telegram_id}%"
    rows = (
        await session.exec(
            select(ConversationState).where(col(ConversationState.key).like(pattern))
        )
    ).all()
    return [row for row in rows if telegram_id in json.loads(row.key)]


async def _employee_data(session: AsyncSession, employee: Employee, tz: ZoneInfo) -> dict[str, Any]:
    employee_id = id_of(employee)
    unit = await session.get(Unit, employee.unit_id)
    roles = (
        await session.exec(
            select(UnitRole, Unit)
            .join(Unit, col(Unit.id) == UnitRole.unit_id)
            .where(UnitRole.employee_id == employee_id)
        )
    ).all()
    reports = (
        await session.exec(
            select(ProgressReport, Indicator)
            .join(Indicator, col(Indicator.id) == ProgressReport.indicator_id)
            .where(ProgressReport.employee_id == employee_id)
            .order_by(col(ProgressReport.week_start), col(ProgressReport.id))
        )
    ).all()
    report_ids = [id_of(report) for report, _ in reports]
    evidence = (
        await session.exec(select(Evidence).where(col(Evidence.report_id).in_(report_ids)))
    ).all()
    feedback_received = (
        await session.exec(
            select(Feedback)
            .where(col(Feedback.report_id).in_(report_ids))
            .order_by(col(Feedback.created_at))
        )
    ).all()
    feedback_written = (
        await session.exec(
            select(Feedback)
            .where(Feedback.author_id == employee_id)
            .order_by(col(Feedback.created_at))
        )
    ).all()
    evaluations = (
        await session.exec(select(Evaluation).where(Evaluation.employee_id == employee_id))
    ).all()
    leaves = (await session.exec(select(Leave).where(Leave.employee_id == employee_id))).all()
    return {
        "pegawai": {
            "nip": employee.nip,
            "nama": employee.nama,
            "jabatan": employee.jabatan,
            "unit": unit.nama if unit else None,
            "tertaut_sejak": _when(employee.linked_at, tz),
        },
        "peran_unit": [{"unit": u.nama, "peran": role.role} for role, u in roles],
        "laporan_kinerja": [
            {
                "indikator": indicator.nama,
                "minggu_mulai": report.week_start.isoformat(),
                "realisasi": report.realisasi,
                "kendala_kategori": report.kendala_kategori,
                "kendala": report.kendala,
                "dukungan_kategori": report.dukungan_kategori,
                "dukungan": report.dukungan,
                "dikirim": _when(report.submitted_at, tz),
                "bukti_dukung": [
                    {"jenis": e.kind, "nama_berkas": e.file_name, "isi": e.content}
                    for e in evidence
                    if e.report_id == report.id
                ],
            }
            for report, indicator in reports
        ],
        "umpan_balik_diterima": [
            {"teks": f.text, "waktu": _when(f.created_at, tz)} for f in feedback_received
        ],
        "umpan_balik_ditulis": [
            {"teks": f.text, "waktu": _when(f.created_at, tz)} for f in feedback_written
        ],
        "penilaian": [
            {"periode": e.period, "predikat": e.predikat, "diputuskan": _when(e.decided_at, tz)}
            for e in evaluations
        ],
        "cuti": [
            {"mulai": leave.first_day.isoformat(), "selesai": leave.last_day.isoformat()}
            for leave in leaves
        ],
    }


async def personal_data(
    session: AsyncSession, telegram_id: int, *, now: datetime, tz: ZoneInfo, survey_note: str
) -> dict[str, Any]:
    """Everything kept about one Telegram account, for /datasaya (right of access)."""
    employee = (
        await session.exec(select(Employee).where(Employee.telegram_id == telegram_id))
    ).first()
    consents = (
        await session.exec(
            select(Consent)
            .where(Consent.telegram_id == telegram_id)
            .order_by(col(Consent.given_at))
        )
    ).all()
    tickets = (
        await session.exec(
            select(Complaint, Service)
            .outerjoin(Service, col(Service.id) == Complaint.service_id)
            .where(Complaint.chat_id == telegram_id)
            .order_by(col(Complaint.created_at))
        )
    ).all()
    failures = (
        await session.exec(
            select(ActivationFailure.at).where(ActivationFailure.telegram_id == telegram_id)
        )
    ).all()
    deliveries = (await session.exec(select(Delivery).where(Delivery.chat_id == telegram_id))).all()
    user_data = await session.get(UserData, telegram_id)
    data: dict[str, Any] = {
        "dibuat": _when(now, tz),
        "akun_telegram": {"id": telegram_id},
        "pegawai": None,
        "persetujuan": [
            {
                "tujuan": c.purpose,
                "versi_teks": c.text_version,
                "diberikan": _when(c.given_at, tz),
                "ditarik": _when(c.withdrawn_at, tz),
            }
            for c in consents
        ],
        "tiket_pengaduan": [
            {
                "nomor": c.nomor,
                "layanan": complaint_service_label(s.nama if s is not None else None),
                "status": c.status,
                "diterima": _when(c.created_at, tz),
                "pengaduan": c.text,
                "foto_dilampirkan": c.photo_file_id is not None,
                "jawaban": c.answer,
                "dijawab": _when(c.answered_at, tz),
            }
            for c, s in tickets
        ],
        "percobaan_aktivasi_gagal": [_when(at, tz) for at in failures],
        "pengiriman_pesan": [
            {
                "jenis": d.job,
                "periode": d.period,
                "status": d.status,
                "terkirim": _when(d.sent_at, tz),
            }
            for d in deliveries
        ],
        "percakapan_berjalan": [
            {"percakapan": row.name, "tahap": row.state}
            for row in await _conversation_rows(session, telegram_id)
        ],
        "isian_sementara": user_data.data if user_data is not None else {},
        "survei": survey_note,
    }
    if employee is not None:
        data.update(await _employee_data(session, employee, tz))
    return data


# --- Erasure (/hapusdata) ------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    """What /hapusdata did: consents deleted, tickets anonymised, the employee unlinked."""

    consents: int
    tickets: int
    employee: Employee | None


@dataclass(frozen=True)
class Holdings:
    """What /hapusdata would touch, shown before the user confirms."""

    consents: int
    tickets: int
    employee: Employee | None


async def holdings(session: AsyncSession, telegram_id: int) -> Holdings:
    consents = (
        await session.exec(select(func.count()).where(Consent.telegram_id == telegram_id))
    ).one()
    tickets = (
        await session.exec(select(func.count()).where(Complaint.chat_id == telegram_id))
    ).one()
    employee = (
        await session.exec(select(Employee).where(Employee.telegram_id == telegram_id))
    ).first()
    return Holdings(int(consents), int(tickets), employee)


async def erase_personal_data(session: AsyncSession, telegram_id: int) -> Erasure:
    """Delete or unlink everything that points to this Telegram account.

    Kept, by law or because it is anonymous: the employee record (NIP, reports, feedback,
    evaluations: the employer's records, now unlinked from the account), tickets (without the
    chat id and the photo) and survey responses (never linked).
    """
    consent_ids = list(
        (await session.exec(select(Consent.id).where(Consent.telegram_id == telegram_id))).all()
    )
    anonymised = await session.exec(
        update(Complaint)
        .where((col(Complaint.chat_id) == telegram_id) | col(Complaint.consent_id).in_(consent_ids))
        .values(chat_id=None, consent_id=None, photo_file_id=None)
    )
    await session.exec(delete(Consent).where(col(Consent.telegram_id) == telegram_id))
    employee = (
        await session.exec(select(Employee).where(Employee.telegram_id == telegram_id))
    ).first()
    if employee is not None:
        employee.telegram_id = None
        employee.linked_at = None
        session.add(employee)
    await session.exec(
        delete(ActivationFailure).where(col(ActivationFailure.telegram_id) == telegram_id)
    )
    await session.exec(delete(Delivery).where(col(Delivery.chat_id) == telegram_id))
    for row in await _conversation_rows(session, telegram_id):
        await session.delete(row)
    await session.exec(delete(UserData).where(col(UserData.user_id) == telegram_id))
    await forget_unfinished_updates(session, telegram_id, now=utcnow())
    await session.flush()
    return Erasure(len(consent_ids), int(anonymised.rowcount or 0), employee)


def sent_by(data: Mapping[str, Any], telegram_id: int) -> bool:
    """Whether a stored update (Telegram's JSON) was sent by this account or in its chat."""
    for key, payload in data.items():
        if key == "update_id" or not isinstance(payload, Mapping):
            continue
        sender, chat = payload.get("from"), payload.get("chat")
        for party in (sender, chat):
            if isinstance(party, Mapping) and party.get("id") == telegram_id:
                return True
    return False


async def forget_unfinished_updates(session: AsyncSession, telegram_id: int, now: datetime) -> int:
    """Blank the person's updates still waiting in the inbox (their content is what they
    typed) and mark them handled: an erased person's words are not acted on after a restart.
    The id stays, so that Telegram sending the update again is still recognised. Unfinished
    updates are few (those under way), so they are read and matched here, portably."""
    rows = await session.exec(
        select(InboxUpdate.update_id, InboxUpdate.data).where(
            col(InboxUpdate.done_at).is_(None), col(InboxUpdate.data).is_not(None)
        )
    )
    theirs = [
        update_id
        for update_id, data in rows.all()
        if isinstance(data, Mapping) and sent_by(data, telegram_id)
    ]
    if theirs:
        await session.exec(
            update(InboxUpdate)
            .where(col(InboxUpdate.update_id).in_(theirs))
            .values(data=null(), done_at=now)  # SQL NULL, not JSON 'null'
        )
    return len(theirs)


# --- Retention -------------------------------------------------------------------------------


@dataclass
class Purge:
    """What one run of the retention job removed."""

    ticket_contacts: int = 0
    consents: int = 0
    drafts: int = 0
    conversation_states: int = 0
    activation_failures: int = 0
    deliveries: int = 0
    respondent_hashes: int = 0
    draft_user_ids: list[int] = field(default_factory=list)


async def purge_expired_personal_data(
    session: AsyncSession, *, now: datetime, days: int, tz: ZoneInfo
) -> Purge:
    """Remove personal data kept longer than `days` (PERSONAL_DATA_RETENTION_DAYS).

    - the chat id (and its consent) and the photo on tickets closed more than `days` ago;
    - withdrawn consents older than `days`;
    - drafts (`UserData`) and conversation states untouched for `days`;
    - wrong activation attempts and delivery records older than `days`;
    - survey daily-limit hashes of past days (they only serve the current day).
    Idempotent: a second run removes nothing more.
    """
    cutoff = now - timedelta(days=days)
    purge = Purge()
    stale_tickets = (
        await session.exec(
            select(Complaint).where(
                Complaint.status == ComplaintStatus.CLOSED,
                col(Complaint.closed_at) < cutoff,
                col(Complaint.chat_id).is_not(None)
                | col(Complaint.consent_id).is_not(None)
                | col(Complaint.photo_file_id).is_not(None),
            )
        )
    ).all()
    consent_ids = [c.consent_id for c in stale_tickets if c.consent_id is not None]
    for complaint in stale_tickets:
        complaint.chat_id = None
        complaint.consent_id = None
        complaint.photo_file_id = None
        session.add(complaint)
    purge.ticket_contacts = len(stale_tickets)
    await session.flush()
    if consent_ids:
        result = await session.exec(delete(Consent).where(col(Consent.id).in_(consent_ids)))
        purge.consents += int(result.rowcount or 0)
    result = await session.exec(delete(Consent).where(col(Consent.withdrawn_at) < cutoff))
    purge.consents += int(result.rowcount or 0)

    purge.draft_user_ids = list(
        (
            await session.exec(select(UserData.user_id).where(col(UserData.updated_at) < cutoff))
        ).all()
    )
    if purge.draft_user_ids:
        await session.exec(delete(UserData).where(col(UserData.user_id).in_(purge.draft_user_ids)))
    purge.drafts = len(purge.draft_user_ids)
    result = await session.exec(
        delete(ConversationState).where(col(ConversationState.updated_at) < cutoff)
    )
    purge.conversation_states = int(result.rowcount or 0)
    result = await session.exec(delete(ActivationFailure).where(col(ActivationFailure.at) < cutoff))
    purge.activation_failures = int(result.rowcount or 0)
    result = await session.exec(delete(Delivery).where(col(Delivery.created_at) < cutoff))
    purge.deliveries = int(result.rowcount or 0)

    start_of_today = datetime.combine(now.astimezone(tz).date(), time(0), tzinfo=tz)
    result = await session.exec(
        update(SurveyResponse)
        .where(
            col(SurveyResponse.submitted_at) < start_of_today,
            func.length(SurveyResponse.respondent_hash) == RESPONDENT_HASH_LENGTH,
        )
        .values(respondent_hash=None)
    )
    purge.respondent_hashes = int(result.rowcount or 0)
    await session.flush()
    return purge

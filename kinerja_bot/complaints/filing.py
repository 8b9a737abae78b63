"""Filing a ticket and telling the unit: the one way every journey (the survey, `/adu`, a
reopened ticket) creates complaints and reaches the people who answer them."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup

from kinerja_bot.complaints.service import create_complaint, service_of, unit_contacts
from kinerja_bot.complaints.texts import TEXTS, service_label, status_name
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Complaint, Service, Unit, id_of, utcnow
from kinerja_bot.core.outbox import queue_notice
from kinerja_bot.core.rules.periods import format_date_id
from kinerja_bot.core.rules.skm import UNSUR_BY_CODE
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.telegram_ui import keyboard
from kinerja_bot.privacy import PURPOSE_COMPLAINT_CONTACT, record_consent

log = logging.getLogger(__name__)

# Two tickets filed at the same moment may pick the same number; the loser retries.
TICKET_ATTEMPTS = 5
# The outbox's jobs of the unit's notices (queue_notice): a new ticket (keyed by its number),
# a reopened one (keyed by the update that reopened it).
NEW_TICKET_JOB = "tiket-baru"
REOPENED_JOB = "tiket-dibuka"


def low_score_note(low_unsur: Iterable[str]) -> str | None:
    """The note a survey adds to its ticket: which unsur the citizen scored low."""
    names = ", ".join(UNSUR_BY_CODE[code].name for code in low_unsur)
    return TEXTS.get("catatan_survei", unsur=names) if names else None


def ticket_filed_text(complaint: Complaint, *, contact: bool) -> str:
    """What the citizen reads at once: the number, the status and the deadline."""
    return TEXTS.get(
        "tiket_dibuat",
        nomor=complaint.nomor,
        status=status_name(complaint.status),
        tenggat=format_date_id(complaint.due_date, with_weekday=True),
        kontak=TEXTS.get("kontak_ya" if contact else "kontak_tidak"),
    )


def contact_consent_view(prefix: str, retention_days: int) -> tuple[str, InlineKeyboardMarkup]:
    """The question whether to keep the chat id for the answer: `<prefix>:c:ya|tidak`. One
    text (and its version, recorded with the consent) for every way of filing a ticket."""
    rows = [
        [(TEXTS.get("tombol_setuju_kontak"), f"{prefix}:c:ya")],
        [(TEXTS.get("tombol_tanpa_kontak"), f"{prefix}:c:tidak")],
    ]
    return TEXTS.get("persetujuan_kontak", hari=retention_days), keyboard(rows)


def consent_version() -> str:
    return TEXTS.get("persetujuan_kontak_versi")


async def file_ticket(
    database: Database,
    settings: Settings,
    *,
    service_id: int | None,
    unit_id: int | None = None,
    text: str,
    contact_chat_id: int | None,
    consent_version: str,
    update_key: str,
    note: str | None = None,
    photo_file_id: str | None = None,
) -> Complaint | None:
    """Create the ticket (recording the consent when a chat id is kept) and, in the same
    transaction, queue the unit's notice (the caller wakes the courier); None if the service
    (or, for "lainnya" without a service, the unit) no longer exists. The update that files it
    (`update_key`) files one ticket: handled again after a kill, it gets the ticket filed the
    first time (whose notice was queued with it)."""
    complaint = None
    for attempt in range(TICKET_ATTEMPTS):
        try:
            async with database.session() as session:
                earlier = await session.exec(
                    select(Complaint).where(Complaint.update_key == update_key)
                )
                filed = earlier.first()
                if filed is not None:
                    return filed
                service = await session.get(Service, service_id) if service_id is not None else None
                if service_id is None:
                    found = unit_id is not None and await session.get(Unit, unit_id) is not None
                else:
                    found = service is not None
                if not found:
                    return None
                now = utcnow()
                consent_id = None
                if contact_chat_id is not None:
                    consent = await record_consent(
                        session,
                        telegram_id=contact_chat_id,
                        purpose=PURPOSE_COMPLAINT_CONTACT,
                        text_version=consent_version,
                        now=now,
                    )
                    consent_id = id_of(consent)
                complaint = await create_complaint(
                    session,
                    service=service,
                    unit_id=unit_id,
                    text=text,
                    now=now,
                    tz=settings.tz,
                    chat_id=contact_chat_id,
                    consent_id=consent_id,
                    note=note,
                    photo_file_id=photo_file_id,
                    update_key=update_key,
                )
                await queue_unit_notice(
                    session, settings, complaint, NEW_TICKET_JOB, complaint.nomor
                )
            break
        except IntegrityError:
            if attempt == TICKET_ATTEMPTS - 1:
                raise
            log.info("ticket number (or this update's ticket) taken, retrying")
    return complaint


async def queue_unit_notice(
    session: AsyncSession, settings: Settings, complaint: Complaint, job: str, period: str
) -> None:
    """Queue, in the caller's transaction, the notice of a new (`NEW_TICKET_JOB`) or reopened
    (`REOPENED_JOB`) ticket for the unit's complaint handlers (else its heads, else those of a
    parent unit, else the admins)."""
    service = await service_of(session, complaint)
    unit = await session.get(Unit, complaint.unit_id)
    recipients = await unit_contacts(session, complaint.unit_id) or list(
        settings.admin_telegram_ids
    )
    if job == REOPENED_JOB:
        text = TEXTS.get(
            "notifikasi_dibuka_kembali",
            nomor=complaint.nomor,
            layanan=service_label(service),
            tenggat=format_date_id(complaint.due_date),
        )
    else:
        text = TEXTS.get(
            "notifikasi_baru",
            nomor=complaint.nomor,
            layanan=service_label(service),
            unit=unit.nama if unit else "-",
            tenggat=format_date_id(complaint.due_date),
            teks=complaint.text,
        )
    markup = keyboard([[(TEXTS.get("tombol_lihat"), f"tkt:v:{id_of(complaint)}")]])
    for chat_id in recipients:
        await queue_notice(session, job, period, chat_id, [text], markup)

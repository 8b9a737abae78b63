"""Telling the citizen that their ticket is closed (SELESAI), with the button to reopen it while
the window of `reopen_until` is open. Queued in the outbox with the closing itself: sent right
after the commit, exactly once per closing (a kill included), paced, and a blocked chat is
recorded instead of raised."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.complaints.texts import TEXTS
from kinerja_bot.core.models import Complaint, id_of
from kinerja_bot.core.outbox import queue_notice
from kinerja_bot.core.rules.periods import format_date_id
from kinerja_bot.core.rules.workdays import reopen_until
from kinerja_bot.core.telegram_ui import keyboard

__all__ = ["CLOSED_JOB", "queue_closed_notice"]

CLOSED_JOB = "tiket-selesai"


async def queue_closed_notice(
    session: AsyncSession, tz: ZoneInfo, complaint: Complaint, *, automatic: bool
) -> bool:
    """Queue the closing notice for the citizen who left a contact, in the transaction that
    closed the ticket (False when nobody did). The outbox's period is the ticket and the moment
    it closed, so a ticket reopened and closed again is told again, and the same closing is
    not."""
    if complaint.chat_id is None or complaint.closed_at is None:
        return False
    text = TEXTS.get(
        "ditutup_otomatis_untuk_warga" if automatic else "ditutup_untuk_warga",
        nomor=complaint.nomor,
        batas=format_date_id(reopen_until(complaint.closed_at.astimezone(tz).date())),
    )
    markup = keyboard([[(TEXTS.get("tombol_buka_kembali"), f"tkt:bk:{id_of(complaint)}")]])
    period = f"{complaint.nomor}@{int(complaint.closed_at.timestamp())}"
    return await queue_notice(session, CLOSED_JOB, period, complaint.chat_id, [text], markup)

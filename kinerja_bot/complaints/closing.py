"""Telling the citizen that their ticket is closed (SELESAI), with the button to reopen it while
the window of `reopen_until` is open. Through the outbox: exactly once per closing, paced, and
a blocked chat is recorded instead of raised."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Bot

from kinerja_bot.complaints.texts import TEXTS
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Complaint, id_of
from kinerja_bot.core.outbox import DeliveryReport, Outgoing, deliver_all
from kinerja_bot.core.rules.periods import format_date_id
from kinerja_bot.core.rules.workdays import reopen_until
from kinerja_bot.core.telegram_ui import keyboard

__all__ = ["CLOSED_JOB", "tell_citizen_closed"]

CLOSED_JOB = "tiket-selesai"


async def tell_citizen_closed(
    bot: Bot, database: Database, tz: ZoneInfo, complaint: Complaint, *, automatic: bool
) -> DeliveryReport | None:
    """Send the closing notice to the citizen who left a contact (None when nobody did). The
    outbox's period is the ticket and the moment it closed, so a ticket reopened and closed
    again is told again, and a rerun of the same closing is not."""
    if complaint.chat_id is None or complaint.closed_at is None:
        return None
    text = TEXTS.get(
        "ditutup_otomatis_untuk_warga" if automatic else "ditutup_untuk_warga",
        nomor=complaint.nomor,
        batas=format_date_id(reopen_until(complaint.closed_at.astimezone(tz).date())),
    )
    markup = keyboard([[(TEXTS.get("tombol_buka_kembali"), f"tkt:bk:{id_of(complaint)}")]])
    period = f"{complaint.nomor}@{int(complaint.closed_at.timestamp())}"
    return await deliver_all(
        bot, database, CLOSED_JOB, period, [Outgoing(complaint.chat_id, [text], markup)]
    )

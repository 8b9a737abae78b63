"""Telegram side of privacy: /privasi (what, why, how long, rights), /datasaya, /hapusdata.

/hapusdata asks first (buttons `prv:hapus` / `prv:batal`); the confirmation acts on the
account that presses it, and expires ten minutes after the question — a time kept in the user's
drafts on the server, never read from the button.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.models import utcnow
from kinerja_bot.core.telegram_ui import keyboard, show, stale
from kinerja_bot.core.texts import TextBook
from kinerja_bot.privacy.service import erase_personal_data, holdings, personal_data

TEXTS = TextBook(
    "privasi",
    {
        "privasi": ("hari",),
        "datasaya_keterangan": (),
        "datasaya_catatan_survei": (),
        "hapus_konfirmasi_warga": ("persetujuan", "tiket"),
        "hapus_konfirmasi_asn": ("nip", "nama", "persetujuan", "tiket"),
        "tombol_ya_hapus": (),
        "tombol_batal": (),
        "hapus_selesai_warga": ("persetujuan", "tiket"),
        "hapus_selesai_asn": ("nip", "persetujuan", "tiket"),
        "hapus_dibatalkan": (),
        "peringatan_kedaluwarsa": (),
    },
)

CONFIRMATION_VALID = timedelta(minutes=10)
ASKED_KEY = "hapusdata_ditanya"  # in user_data: when /hapusdata asked (POSIX seconds)
EXPORT_FILE = "data-saya.json"


async def privacy_notice(update: Update, context: BotContext) -> None:
    """/privasi: what is kept, why, for how long, and the user's rights."""
    if update.effective_message is not None:
        days = context.settings.personal_data_retention_days
        await update.effective_message.reply_text(TEXTS.get("privasi", hari=days))


async def my_data(update: Update, context: BotContext) -> None:
    """/datasaya: a JSON file with everything kept about this Telegram account."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    async with context.db.session() as session:
        data = await personal_data(
            session,
            user.id,
            now=utcnow(),
            tz=context.settings.tz,
            survey_note=TEXTS.get("datasaya_catatan_survei"),
        )
    content = await asyncio.to_thread(_encode, data)
    await message.reply_document(
        InputFile(content, filename=EXPORT_FILE), caption=TEXTS.get("datasaya_keterangan")
    )


def _encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")


async def ask_erase(update: Update, context: BotContext) -> None:
    """/hapusdata: say what will be deleted (and, for an ASN, what is kept by law); confirm."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or context.user_data is None:
        return
    async with context.db.session() as session:
        held = await holdings(session, user.id)
    if held.employee is not None:
        text = TEXTS.get(
            "hapus_konfirmasi_asn",
            nip=held.employee.nip,
            nama=held.employee.nama,
            persetujuan=held.consents,
            tiket=held.tickets,
        )
    else:
        text = TEXTS.get("hapus_konfirmasi_warga", persetujuan=held.consents, tiket=held.tickets)
    markup = keyboard(
        [
            [(TEXTS.get("tombol_ya_hapus"), "prv:hapus")],
            [(TEXTS.get("tombol_batal"), "prv:batal")],
        ]
    )
    context.user_data[ASKED_KEY] = utcnow().timestamp()
    await message.reply_text(text, reply_markup=markup)


async def confirm_erase(update: Update, context: BotContext) -> None:
    """Ya, hapus data saya: erase what belongs to the account that pressed it."""
    user = update.effective_user
    if user is None or context.user_data is None:
        return
    asked_at = context.user_data.pop(ASKED_KEY, None)
    age = utcnow().timestamp() - asked_at if isinstance(asked_at, int | float) else None
    if age is None or not 0 <= age <= CONFIRMATION_VALID.total_seconds():
        await stale(update, TEXTS.get("peringatan_kedaluwarsa"))
        return
    async with context.db.session() as session:
        erased = await erase_personal_data(session, user.id)
    # The in-memory copy of the drafts goes too, or the next write would bring it back.
    context.application.drop_user_data(user.id)
    if erased.employee is not None:
        text = TEXTS.get(
            "hapus_selesai_asn",
            nip=erased.employee.nip,
            persetujuan=erased.consents,
            tiket=erased.tickets,
        )
    else:
        text = TEXTS.get("hapus_selesai_warga", persetujuan=erased.consents, tiket=erased.tickets)
    await show(update, text)


async def cancel_erase(update: Update, context: BotContext) -> None:
    """Batal: nothing is deleted."""
    if context.user_data is not None:
        context.user_data.pop(ASKED_KEY, None)
    await show(update, TEXTS.get("hapus_dibatalkan"))


def build_privacy_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("privasi", privacy_notice),
        CommandHandler("datasaya", my_data),
        CommandHandler("hapusdata", ask_erase),
        CallbackQueryHandler(confirm_erase, pattern=r"^prv:hapus$"),
        CallbackQueryHandler(cancel_erase, pattern=r"^prv:batal$"),
    ]

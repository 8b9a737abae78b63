"""Apresiasi: **🙏 Apresiasi** on a /tim person page (for the week) or on one of its reports.

Conversation `apresiasi`, state WRITE (the typed note). The button's id is checked on the press
and again on saving: only the person's atasan or unit head may thank them, once a day.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.models import id_of, utcnow
from kinerja_bot.core.outbox import queue_notice
from kinerja_bot.core.people import current_person
from kinerja_bot.core.rules.periods import format_date_id, wib_today
from kinerja_bot.core.telegram_ui import (
    answer_with,
    callback_int,
    cancel_forgetting,
    conversation,
    conversation_timed_out,
    reply,
    take_press,
)
from kinerja_bot.core.texts import TextBook
from kinerja_bot.recognition.service import NOTE_LIMIT, NotAllowed, Subject, give, subject_of

TEXTS = TextBook(
    "apresiasi",
    {
        "tulis_minggu": ("nama", "batas"),
        "tulis_laporan": ("nama", "indikator", "tanggal", "batas"),
        "terlalu_panjang": ("batas",),
        "sedang_menulis": (),
        "terkirim": ("nama",),
        "tidak_terkirim": ("nama",),
        "masuk_minggu": ("pemberi", "catatan"),
        "masuk_laporan": ("pemberi", "indikator", "tanggal", "catatan"),
        "peringatan_tidak_boleh": (),
        "peringatan_sudah_hari_ini": (),
    },
)

WRITE = 0
DRAFT = "apresiasi"
NOTICE_JOB = "apresiasi"  # the outbox's job of the thanks to the receiver (queue_notice)


async def _subject(
    context: BotContext, update: Update, draft: dict[str, int | None]
) -> tuple[Any, Subject]:
    person = await current_person(update, context)
    if person is None or person.employee is None:
        raise NotAllowed("peringatan_tidak_boleh")
    async with context.db.session() as session:
        subject = await subject_of(
            session, person, employee_id=draft.get("pegawai"), report_id=draft.get("laporan")
        )
    return person.employee, subject


async def start_writing(update: Update, context: BotContext) -> int:
    query = update.callback_query
    item_id = callback_int(update)
    if query is None or query.data is None or item_id is None or context.user_data is None:
        return ConversationHandler.END
    draft: dict[str, int | None] = (
        {"laporan": item_id} if query.data.startswith("apr:lap:") else {"pegawai": item_id}
    )
    try:
        _, subject = await _subject(context, update, draft)
    except NotAllowed as refused:
        await take_press(update, TEXTS.get(refused.key))
        return ConversationHandler.END
    await take_press(update)
    context.user_data[DRAFT] = draft
    if subject.report is None:
        prompt = TEXTS.get("tulis_minggu", nama=subject.receiver.nama, batas=NOTE_LIMIT)
    else:
        prompt = TEXTS.get(
            "tulis_laporan",
            nama=subject.receiver.nama,
            indikator=subject.indicator or "-",
            tanggal=format_date_id(wib_today(subject.report.submitted_at)),
            batas=NOTE_LIMIT,
        )
    await reply(update, prompt)
    return WRITE


async def receive_note(update: Update, context: BotContext) -> int:
    message = update.effective_message
    if message is None or message.text is None or context.user_data is None:
        return ConversationHandler.END
    note = message.text.strip()
    if len(note) > NOTE_LIMIT:
        await reply(update, TEXTS.get("terlalu_panjang", batas=NOTE_LIMIT))
        return WRITE
    draft = context.user_data.pop(DRAFT, None) or {}
    try:
        giver, subject = await _subject(context, update, draft)
        receiver = subject.receiver
        async with context.db.session() as session:
            given = await give(session, giver, subject, note, utcnow())
            # Queued with the thanks, keyed by it: sent right after, once, a kill included.
            if receiver.telegram_id is not None:
                await queue_notice(
                    session,
                    NOTICE_JOB,
                    str(id_of(given)),
                    receiver.telegram_id,
                    [note_text(giver.nama, subject, note)],
                )
    except NotAllowed as refused:
        await reply(update, TEXTS.get(refused.key))
        return ConversationHandler.END
    reachable = receiver.telegram_id is not None
    if reachable:
        context.send_queued_notices()
    await reply(
        update, TEXTS.get("terkirim" if reachable else "tidak_terkirim", nama=receiver.nama)
    )
    return ConversationHandler.END


def note_text(pemberi: str, subject: Subject, note: str) -> str:
    """What the receiver reads: the thanks, and the report it is about, if any."""
    if subject.report is None:
        return TEXTS.get("masuk_minggu", pemberi=pemberi, catatan=note)
    return TEXTS.get(
        "masuk_laporan",
        pemberi=pemberi,
        indikator=subject.indicator or "-",
        tanggal=format_date_id(wib_today(subject.report.submitted_at)),
        catatan=note,
    )


def build_recognition_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """Apresiasi — state WRITE (the typed note)."""
    return [
        conversation(
            "apresiasi",
            entry_points=[CallbackQueryHandler(start_writing, pattern=r"^apr:(mg|lap):\d+$")],
            states={WRITE: [MessageHandler(filters.TEXT & ~filters.COMMAND, receive_note)]},
            fallbacks=[
                CommandHandler("batal", cancel_forgetting(DRAFT)),
                MessageHandler(filters.ALL, answer_with(TEXTS, "sedang_menulis")),
            ],
            on_timeout=conversation_timed_out,
        )
    ]

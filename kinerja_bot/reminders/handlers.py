"""The reminder's snooze button and /cuti.

/cuti states: FIRST_DAY (typed date) → LAST_DAY (typed date) → saved. Leave already declared
is listed with a **Hapus** button each.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from kinerja_bot.context import BotContext
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.general import conversation_timed_out, current_person, stale_button
from kinerja_bot.models import Delivery, DeliveryStatus, id_of, utcnow
from kinerja_bot.reminders.jobs import TEXTS as REMINDER_TEXTS
from kinerja_bot.reminders.service import (
    SNOOZE_JOB,
    add_leave,
    current_leaves,
    remove_leave,
    reported_this_week,
    snooze_period,
)
from kinerja_bot.rules.periods import (
    DateError,
    PeriodKind,
    current_period,
    format_date_id,
    parse_date_id,
)
from kinerja_bot.telegram_ui import (
    callback_int,
    cancel_forgetting,
    conversation,
    keyboard,
    reply,
    take_press,
)
from kinerja_bot.texts import TextBook

TEXTS = TextBook(
    "cuti",
    {
        "bukan_pegawai": (),
        "daftar_cuti": ("daftar",),
        "baris_cuti": ("mulai", "selesai"),
        "tidak_ada_cuti": (),
        "minta_mulai": (),
        "minta_selesai": ("mulai",),
        "tanggal_lampau": (),
        "selesai_sebelum_mulai": ("mulai",),
        "terlalu_lama": ("hari",),
        "tersimpan": ("mulai", "selesai"),
        "tombol_hapus": ("mulai", "selesai"),
        "peringatan_dihapus": (),
        "peringatan_bukan_milik": (),
        "tanggal_salah": ("alasan",),
    },
)

FIRST_DAY, LAST_DAY = range(2)
LEAVE_KEY = "cuti_mulai"
MAX_LEAVE_DAYS = 90


async def snooze(update: Update, context: BotContext) -> None:
    """Ingatkan 1 jam lagi: a pending delivery, due in SNOOZE_MINUTES, sent by the minute job."""
    person = await current_person(update, context)
    if person is None or person.employee is None:
        await take_press(update, REMINDER_TEXTS.get("bukan_pegawai"))
        return
    now = utcnow()
    today = now.astimezone(context.settings.tz).date()
    minutes = context.settings.snooze_minutes
    async with context.db.session() as session:
        if await reported_this_week(session, [id_of(person.employee)], today):
            await take_press(update, REMINDER_TEXTS.get("peringatan_sudah_melapor"))
            return
        week = current_period(PeriodKind.WEEK, today)
        try:
            async with session.begin_nested():
                session.add(
                    Delivery(
                        job=SNOOZE_JOB,
                        chat_id=person.telegram_id,
                        status=DeliveryStatus.PENDING,
                        period=snooze_period(week.label, now + timedelta(minutes=minutes)),
                    )
                )
        except IntegrityError:
            pass  # pressed twice within a minute: one snooze is enough
    await take_press(update, REMINDER_TEXTS.get("peringatan_ditunda", menit=minutes))


async def list_and_ask(update: Update, context: BotContext) -> int:
    """/cuti: show declared leave, ask for the first day of a new one."""
    person = await current_person(update, context)
    if person is None or person.employee is None:
        await reply(update, TEXTS.get("bukan_pegawai"))
        return ConversationHandler.END
    today = utcnow().astimezone(context.settings.tz).date()
    async with context.db.session() as session:
        leaves = await current_leaves(session, person.employee, today)
    if leaves:
        lines = "\n".join(
            TEXTS.get(
                "baris_cuti",
                mulai=format_date_id(leave.first_day),
                selesai=format_date_id(leave.last_day),
            )
            for leave in leaves
        )
        buttons = [
            [
                (
                    TEXTS.get(
                        "tombol_hapus",
                        mulai=leave.first_day.strftime("%d/%m"),
                        selesai=leave.last_day.strftime("%d/%m"),
                    ),
                    f"cuti:hapus:{leave.id}",
                )
            ]
            for leave in leaves
        ]
        await reply(update, TEXTS.get("daftar_cuti", daftar=lines), keyboard(buttons))
    else:
        await reply(update, TEXTS.get("tidak_ada_cuti"))
    await reply(update, TEXTS.get("minta_mulai"))
    return FIRST_DAY


async def receive_first_day(update: Update, context: BotContext) -> int:
    message = update.effective_message
    if message is None or message.text is None or context.user_data is None:
        return FIRST_DAY
    try:
        first = parse_date_id(message.text)
    except DateError as error:
        await reply(update, TEXTS.get("tanggal_salah", alasan=str(error)))
        return FIRST_DAY
    if first < utcnow().astimezone(context.settings.tz).date():
        await reply(update, TEXTS.get("tanggal_lampau"))
        return FIRST_DAY
    context.user_data[LEAVE_KEY] = first.isoformat()
    await reply(update, TEXTS.get("minta_selesai", mulai=format_date_id(first)))
    return LAST_DAY


async def receive_last_day(update: Update, context: BotContext) -> int:
    message = update.effective_message
    person = await current_person(update, context)
    if message is None or message.text is None or context.user_data is None or person is None:
        return LAST_DAY
    if person.employee is None or LEAVE_KEY not in context.user_data:
        await reply(update, TEXTS.get("bukan_pegawai"))
        return ConversationHandler.END
    first = date.fromisoformat(context.user_data[LEAVE_KEY])
    try:
        last = parse_date_id(message.text)
    except DateError as error:
        await reply(update, TEXTS.get("tanggal_salah", alasan=str(error)))
        return LAST_DAY
    if last < first:
        await reply(update, TEXTS.get("selesai_sebelum_mulai", mulai=format_date_id(first)))
        return LAST_DAY
    if (last - first).days + 1 > MAX_LEAVE_DAYS:
        await reply(update, TEXTS.get("terlalu_lama", hari=MAX_LEAVE_DAYS))
        return LAST_DAY
    async with context.db.session() as session:
        await add_leave(session, person.employee, first, last)
    context.user_data.pop(LEAVE_KEY, None)
    await reply(
        update, TEXTS.get("tersimpan", mulai=format_date_id(first), selesai=format_date_id(last))
    )
    return ConversationHandler.END


async def delete_leave(update: Update, context: BotContext) -> None:
    """Hapus under a listed leave (only one's own)."""
    leave_id = callback_int(update)
    if leave_id is None:
        await stale_button(update, context)
        return
    person = await current_person(update, context)
    removed = False
    if person is not None and person.employee is not None:
        async with context.db.session() as session:
            removed = await remove_leave(session, person.employee, leave_id)
    await take_press(
        update, TEXTS.get("peringatan_dihapus" if removed else "peringatan_bukan_milik")
    )


def build_leave_conversation() -> ConversationHandler[BotContext]:
    """/cuti — states FIRST_DAY, LAST_DAY (typed dates)."""
    typed = filters.TEXT & ~filters.COMMAND
    return conversation(
        "cuti",
        entry_points=[CommandHandler("cuti", list_and_ask)],
        states={
            FIRST_DAY: [MessageHandler(typed, receive_first_day)],
            LAST_DAY: [MessageHandler(typed, receive_last_day)],
        },
        fallbacks=[
            CommandHandler("batal", cancel_forgetting(LEAVE_KEY, book=GENERAL, key="batal_selesai"))
        ],
        on_timeout=conversation_timed_out,
    )


def build_reminder_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        build_leave_conversation(),
        CallbackQueryHandler(snooze, pattern=r"^ingat:tunda$"),
        CallbackQueryHandler(delete_leave, pattern=r"^cuti:hapus:\d+$"),
    ]

"""/cuti: declare leave so that reminders skip those days; list and delete one's own.

States: FIRST_DAY (typed date) → LAST_DAY (typed date) → saved. Leave already declared
is listed with a **Hapus** button each.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.drafts import DraftSlot
from kinerja_bot.core.guards import alert_with, is_asn, only, refuse_with
from kinerja_bot.core.models import Leave, utcnow
from kinerja_bot.core.people import Person
from kinerja_bot.core.rules.periods import (
    DateError,
    format_date_id,
    parse_date_id,
)
from kinerja_bot.core.telegram_ui import (
    callback_int,
    cancel_forgetting,
    conversation,
    conversation_timed_out,
    keyboard,
    reply,
    stale,
    take_press,
)
from kinerja_bot.core.texts import TextBook
from kinerja_bot.leave.service import add_leave, current_leaves, remove_leave

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
MAX_LEAVE_DAYS = 90


class LeaveDraft(TypedDict):
    first_day: str  # ISO date, JSON-safe


LEAVE_DRAFT = DraftSlot[LeaveDraft]("cuti.v2")
not_an_asn = refuse_with(TEXTS, "bukan_pegawai", ConversationHandler.END)


def leave_list_view(leaves: list[Leave]) -> tuple[str, InlineKeyboardMarkup | None]:
    """Declared leave, one Hapus button each; or that there is none."""
    if not leaves:
        return TEXTS.get("tidak_ada_cuti"), None
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
    return TEXTS.get("daftar_cuti", daftar=lines), keyboard(buttons)


@only(is_asn, not_an_asn)
async def list_and_ask(update: Update, context: BotContext, person: Person) -> int:
    """/cuti: show declared leave, ask for the first day of a new one."""
    today = utcnow().astimezone(context.settings.tz).date()
    async with context.db.session() as session:
        leaves = await current_leaves(session, person.asn, today)
    await reply(update, *leave_list_view(leaves))
    await reply(update, TEXTS.get("minta_mulai"))
    return FIRST_DAY


async def receive_first_day(update: Update, context: BotContext) -> int:
    message = update.effective_message
    if message is None or message.text is None:
        return FIRST_DAY
    try:
        first = parse_date_id(message.text)
    except DateError as error:
        await reply(update, TEXTS.get("tanggal_salah", alasan=str(error)))
        return FIRST_DAY
    if first < utcnow().astimezone(context.settings.tz).date():
        await reply(update, TEXTS.get("tanggal_lampau"))
        return FIRST_DAY
    LEAVE_DRAFT.new(context, {"first_day": first.isoformat()})
    await reply(update, TEXTS.get("minta_selesai", mulai=format_date_id(first)))
    return LAST_DAY


@only(is_asn, not_an_asn)
async def receive_last_day(update: Update, context: BotContext, person: Person) -> int:
    message, draft = update.effective_message, LEAVE_DRAFT.get(context)
    if message is None or message.text is None:
        return LAST_DAY
    if draft is None:
        return await not_an_asn(update, context)
    first = date.fromisoformat(draft["first_day"])
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
        await add_leave(session, person.asn, first, last)
    LEAVE_DRAFT.drop(context)
    await reply(
        update, TEXTS.get("tersimpan", mulai=format_date_id(first), selesai=format_date_id(last))
    )
    return ConversationHandler.END


@only(is_asn, alert_with(TEXTS, "peringatan_bukan_milik"))
async def delete_leave(update: Update, context: BotContext, person: Person) -> None:
    """Hapus under a listed leave (only one's own)."""
    leave_id = callback_int(update)
    if leave_id is None:
        await stale(update)
        return
    async with context.db.session() as session:
        removed = await remove_leave(session, person.asn, leave_id)
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
        fallbacks=[CommandHandler("batal", cancel_forgetting(LEAVE_DRAFT.key))],
        on_timeout=conversation_timed_out,
    )


def build_leave_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        build_leave_conversation(),
        CallbackQueryHandler(delete_leave, pattern=r"^cuti:hapus:\d+$"),
    ]

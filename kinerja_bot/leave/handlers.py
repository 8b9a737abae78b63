"""/cuti: declare leave so that reminders skip those days; list and withdraw one's own.

States: DAYS (typed: `besok`, `11/12`, `11/12–13/12`, … see core/rules/leave_days) → [LAST_DAY
(typed, or Hanya 1 hari) when one day was typed] → KIND (cuti tahunan / sakit / dinas luar /
lainnya) → saved with the atasan's notice (queued in the outbox, sent right after). Leave
running or to come is listed with a **Tarik** button each (withdraw: the whole leave if it has
not started, else the days still to come).
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict

from sqlmodel.ext.asyncio.session import AsyncSession
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
from kinerja_bot.core.models import Employee, Leave, LeaveKind, id_of, utcnow
from kinerja_bot.core.outbox import queue_notice
from kinerja_bot.core.people import Person
from kinerja_bot.core.rules.leave_days import DayRangeError, parse_last_day, parse_leave_days
from kinerja_bot.core.rules.periods import format_date_id
from kinerja_bot.core.telegram_ui import (
    COMMON_TEXTS,
    answer_with,
    callback_int,
    cancel_forgetting,
    conversation,
    conversation_timed_out,
    keyboard,
    reply,
    stale,
    take_press,
)
from kinerja_bot.core.texts import Markup, TextBook
from kinerja_bot.core.vocabulary import leave_kind_label
from kinerja_bot.leave.service import (
    add_leave,
    current_leaves,
    linked_atasan,
    withdraw_leave,
)

TEXTS = TextBook(
    "cuti",
    {
        "bukan_pegawai": (),
        "daftar_cuti": ("daftar",),
        "baris_cuti": ("jenis", "tanggal"),
        "rentang": ("mulai", "selesai"),
        "tidak_ada_cuti": (),
        "minta_tanggal": (),
        "minta_selesai": ("mulai",),
        "tombol_sehari": ("tanggal",),
        "tidak_dikenal": (),
        "tanggal_tidak_ada": (),
        "terbalik": (),
        "tanggal_lampau": (),
        "terlalu_lama": ("hari",),
        "minta_jenis": ("tanggal", "hari"),
        "tombol_jenis": ("jenis",),
        "tersimpan": ("jenis", "tanggal", "atasan"),
        "atasan_diberi_tahu": ("nama",),
        "kabar_atasan": ("nama", "jenis", "tanggal", "hari"),
        "kabar_atasan_ditarik": ("nama", "jenis", "tanggal"),
        "kabar_atasan_dipersingkat": ("nama", "jenis", "tanggal", "sampai"),
        "tombol_tarik": ("mulai", "selesai"),
        "peringatan_ditarik": (),
        "peringatan_dipersingkat": ("sampai",),
        "peringatan_bukan_milik": (),
    },
)

DAYS, LAST_DAY, KIND = range(3)
NOTICE_JOB = "kabar-cuti"  # the outbox's job of the atasan's notices (queue_notice)
MAX_LEAVE_DAYS = 90


class LeaveDraft(TypedDict):
    first_day: str  # ISO dates, JSON-safe
    last_day: str


LEAVE_DRAFT = DraftSlot[LeaveDraft]("cuti.v3")
not_an_asn = refuse_with(TEXTS, "bukan_pegawai", ConversationHandler.END)


def today_in(context: BotContext) -> date:
    return utcnow().astimezone(context.settings.tz).date()


def short(day: date) -> str:
    return day.strftime("%d/%m")


def span(first: date, last: date) -> str:
    """`1 Desember 2026`, or `28 Desember 2026 – 2 Januari 2027`."""
    if first == last:
        return format_date_id(first)
    return TEXTS.get("rentang", mulai=format_date_id(first), selesai=format_date_id(last))


def leave_list_view(leaves: list[Leave]) -> tuple[str, InlineKeyboardMarkup | None]:
    """Declared leave, one Tarik button each; or that there is none."""
    if not leaves:
        return TEXTS.get("tidak_ada_cuti"), None
    lines = "\n".join(
        TEXTS.get(
            "baris_cuti",
            jenis=leave_kind_label(leave.kind),
            tanggal=span(leave.first_day, leave.last_day),
        )
        for leave in leaves
    )
    buttons = [
        [
            (
                TEXTS.get(
                    "tombol_tarik", mulai=short(leave.first_day), selesai=short(leave.last_day)
                ),
                f"cuti:hapus:{leave.id}",
            )
        ]
        for leave in leaves
    ]
    return TEXTS.get("daftar_cuti", daftar=Markup(lines)), keyboard(buttons)


@only(is_asn, not_an_asn)
async def list_and_ask(update: Update, context: BotContext, person: Person) -> int:
    """/cuti: show declared leave, ask for the days of a new one."""
    async with context.db.session() as session:
        leaves = await current_leaves(session, person.asn, today_in(context))
    await reply(update, *leave_list_view(leaves))
    await reply(update, TEXTS.get("minta_tanggal"))
    return DAYS


async def refuse_days(update: Update, first: date, last: date, today: date) -> bool:
    """Say why these days cannot be a leave; False when they can."""
    if first < today:
        await reply(update, TEXTS.get("tanggal_lampau"))
    elif (last - first).days + 1 > MAX_LEAVE_DAYS:
        await reply(update, TEXTS.get("terlalu_lama", hari=MAX_LEAVE_DAYS))
    else:
        return False
    return True


async def receive_days(update: Update, context: BotContext) -> int:
    """One day (then: until when?) or a whole range (then: which kind?)."""
    message, today = update.effective_message, today_in(context)
    if message is None or message.text is None:
        return DAYS
    try:
        first, last = parse_leave_days(message.text, today)
    except DayRangeError as error:
        await reply(update, TEXTS.get(error.code))
        return DAYS
    if await refuse_days(update, first, last, today):
        return DAYS
    draft = LEAVE_DRAFT.new(context, {"first_day": first.isoformat(), "last_day": last.isoformat()})
    if first == last:
        one_day = keyboard([[(TEXTS.get("tombol_sehari", tanggal=short(first)), "cuti:sehari")]])
        await reply(update, TEXTS.get("minta_selesai", mulai=format_date_id(first)), one_day)
        return LAST_DAY
    return await ask_kind(update, draft)


async def receive_last_day(update: Update, context: BotContext) -> int:
    message, draft, today = update.effective_message, LEAVE_DRAFT.get(context), today_in(context)
    if message is None or message.text is None:
        return LAST_DAY
    if draft is None:
        return await not_an_asn(update, context)
    first = date.fromisoformat(draft["first_day"])
    try:
        last = parse_last_day(message.text, first, today)
    except DayRangeError as error:
        await reply(update, TEXTS.get(error.code))
        return LAST_DAY
    if await refuse_days(update, first, last, today):
        return LAST_DAY
    draft["last_day"] = last.isoformat()
    return await ask_kind(update, draft)


async def only_one_day(update: Update, context: BotContext) -> int:
    """Hanya 1 hari: the day typed is the whole leave."""
    draft = LEAVE_DRAFT.get(context)
    await take_press(update)
    if draft is None:
        return await not_an_asn(update, context)
    return await ask_kind(update, draft)


async def ask_kind(update: Update, draft: LeaveDraft) -> int:
    first, last = date.fromisoformat(draft["first_day"]), date.fromisoformat(draft["last_day"])
    buttons = [
        (TEXTS.get("tombol_jenis", jenis=leave_kind_label(kind)), f"cuti:jenis:{kind.value}")
        for kind in LeaveKind
    ]
    await reply(
        update,
        TEXTS.get("minta_jenis", tanggal=span(first, last), hari=(last - first).days + 1),
        keyboard([buttons[:2], buttons[2:]]),
    )
    return KIND


async def queue_for_atasan(
    session: AsyncSession, asn: Employee, period: str, key: str, **values: Any
) -> str:
    """Queue a notice about the ASN's leave for their atasan, in the caller's transaction
    (sent by the courier right after the commit, exactly once: the same `period` queued
    again, by an update handled again after a kill, is not queued twice). The atasan's name,
    or an empty string when there is nobody to tell (no atasan, or not linked)."""
    atasan = await linked_atasan(session, asn)
    if atasan is None or atasan.telegram_id is None:
        return ""
    text = TEXTS.get(key, nama=asn.nama, **values)
    await queue_notice(session, NOTICE_JOB, period, atasan.telegram_id, [text])
    return atasan.nama


@only(is_asn, not_an_asn)
async def choose_kind(update: Update, context: BotContext, person: Person) -> int:
    """The kind, then save it with the atasan's notice, confirm, and send the notice. The
    confirmation does not wait for Telegram to deliver the notice (under Bot API faults the
    ASN once waited, or never heard)."""
    draft, query = LEAVE_DRAFT.get(context), update.callback_query
    await take_press(update)
    if draft is None or query is None or query.data is None:
        return await not_an_asn(update, context)
    kind = LeaveKind(query.data.rsplit(":", 1)[-1])
    first, last = date.fromisoformat(draft["first_day"]), date.fromisoformat(draft["last_day"])
    days = {"jenis": leave_kind_label(kind), "tanggal": span(first, last)}
    async with context.db.session() as session:
        leave = await add_leave(session, person.asn, first, last, kind)
        told = await queue_for_atasan(
            session,
            person.asn,
            f"cuti-{id_of(leave)}",
            "kabar_atasan",
            hari=(last - first).days + 1,
            **days,
        )
    context.send_queued_notices()
    LEAVE_DRAFT.drop(context)
    atasan = TEXTS.get("atasan_diberi_tahu", nama=told) if told else ""
    await reply(update, TEXTS.get("tersimpan", atasan=Markup(atasan), **days))
    return ConversationHandler.END


@only(is_asn, alert_with(TEXTS, "peringatan_bukan_milik"))
async def withdraw(update: Update, context: BotContext, person: Person) -> None:
    """Tarik under a listed leave (only one's own): all of it, or the days still to come;
    the atasan's notice is queued with the change."""
    leave_id = callback_int(update)
    if leave_id is None:
        await stale(update)
        return
    async with context.db.session() as session:
        withdrawn = await withdraw_leave(session, person.asn, leave_id, today_in(context))
        if withdrawn is None:
            answer = TEXTS.get("peringatan_bukan_milik")
        else:
            leave, kept = withdrawn.leave, withdrawn.kept_until
            days = {
                "jenis": leave_kind_label(leave.kind),
                "tanggal": span(leave.first_day, leave.last_day),
            }
            if kept is None:
                answer = TEXTS.get("peringatan_ditarik")
                key = "kabar_atasan_ditarik"
            else:
                answer = TEXTS.get("peringatan_dipersingkat", sampai=format_date_id(kept))
                key = "kabar_atasan_dipersingkat"
                days["sampai"] = format_date_id(kept)
            await queue_for_atasan(session, person.asn, f"tarik-{leave_id}", key, **days)
    if withdrawn is not None:
        context.send_queued_notices()
    await take_press(update, answer)


def build_leave_conversation() -> ConversationHandler[BotContext]:
    """/cuti — states DAYS, LAST_DAY (typed, or Hanya 1 hari), KIND (buttons; typed text is
    asked to press one). /cuti inside it starts over; other commands go to their own handlers."""
    typed = filters.TEXT & ~filters.COMMAND
    return conversation(
        "cuti",
        entry_points=[CommandHandler("cuti", list_and_ask)],
        states={
            DAYS: [MessageHandler(typed, receive_days)],
            LAST_DAY: [
                CallbackQueryHandler(only_one_day, pattern=r"^cuti:sehari$"),
                MessageHandler(typed, receive_last_day),
            ],
            KIND: [
                CallbackQueryHandler(choose_kind, pattern=r"^cuti:jenis:[a-z_]+$"),
                MessageHandler(~filters.COMMAND, answer_with(COMMON_TEXTS, "pilih_tombol")),
            ],
        },
        fallbacks=[
            CommandHandler("batal", cancel_forgetting(LEAVE_DRAFT.key)),
            # /cuti again starts over (what a person typing it means), not "unknown command".
            CommandHandler("cuti", list_and_ask),
            CallbackQueryHandler(
                alert_with(COMMON_TEXTS, "peringatan_tombol_langkah_lalu"),
                pattern=r"^cuti:(sehari|jenis:)",
            ),
            # A sticker or photo where a date is expected.
            MessageHandler(~filters.COMMAND & ~filters.TEXT, answer_with(TEXTS, "tidak_dikenal")),
        ],
        on_timeout=conversation_timed_out,
    )


def build_leave_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    # `cuti:hapus` kept as the data of Tarik: buttons on lists sent before still work.
    return [
        build_leave_conversation(),
        CallbackQueryHandler(withdraw, pattern=r"^cuti:hapus:\d+$"),
    ]

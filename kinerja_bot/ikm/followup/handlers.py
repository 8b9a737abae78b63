"""/rtl: a unit head sees the open RTL actions of the units they lead this year and marks them
in progress or done with a button; "Catat tindakan baru" records one.

Recording states: UNIT (only for the head of several units) → UNSUR (buttons U1…U9) →
ACTION (typed) → OWNER (typed) → DEADLINE (typed date, not in the past) → saved against the
current year's SKM period. `kinerja-bot rtl tambah` records against any period.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict

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
from kinerja_bot.core.drafts import DraftSlot
from kinerja_bot.core.models import FollowUpAction, FollowUpStatus, Unit, id_of, utcnow
from kinerja_bot.core.organisation import unit_tree_ids
from kinerja_bot.core.people import Person, current_person
from kinerja_bot.core.rules.formatting import format_percent_id
from kinerja_bot.core.rules.periods import DateError, format_date_id, parse_date_id, wib_today
from kinerja_bot.core.rules.skm import UNSUR, UNSUR_BY_CODE
from kinerja_bot.core.telegram_ui import (
    cancel_forgetting,
    conversation,
    conversation_timed_out,
    keyboard,
    reply,
    show,
    stale,
    take_press,
    update_key,
)
from kinerja_bot.core.texts import Markup, TextBook
from kinerja_bot.ikm.followup.service import (
    TINDAKAN_MAX_CHARS,
    actions_of,
    add_action,
    progress_of,
    set_status,
)

TEXTS = TextBook(
    "rtl",
    {
        "tidak_berhak": (),
        "judul": ("tahun",),
        "baris": ("nomor", "unsur", "nama", "tindakan", "tenggat", "status", "terlambat"),
        "terlambat": (),
        "kemajuan": ("selesai", "jumlah", "persen"),
        "kosong": (),
        "petunjuk": (),
        "tombol_berjalan": ("nomor",),
        "tombol_selesai": ("nomor",),
        "peringatan_bukan_wewenang": (),
        "tombol_baru": (),
        "pilih_unit": (),
        "pilih_unsur": ("unit",),
        "minta_tindakan": ("unsur", "nama", "batas"),
        "minta_pj": (),
        "minta_tenggat": (),
        "terlalu_panjang": ("panjang", "batas"),
        "tanggal_salah": ("alasan",),
        "tanggal_lampau": (),
        "tersimpan": ("nomor", "unsur", "tindakan", "pj", "tenggat", "periode"),
    },
)
UNIT, UNSUR_STATE, ACTION, OWNER, DEADLINE = range(5)


class ActionDraft(TypedDict, total=False):
    """A new RTL action being recorded; keys named after the FollowUpAction columns."""

    unit_id: int
    unit_name: str
    unsur: str
    tindakan: str
    penanggung_jawab: str


DRAFT = DraftSlot[ActionDraft]("rtl_baru.v2")
OWNER_MAX_CHARS = 200
PREFIX = "rtl"
STATUS_CODES = {"b": FollowUpStatus.IN_PROGRESS, "s": FollowUpStatus.DONE}


async def led_units(context: BotContext, person: Person) -> set[int]:
    async with context.db.session() as session:
        units: set[int] = set()
        for root in person.head_of_units:
            units |= await unit_tree_ids(session, root)
        return units


async def overview(
    context: BotContext, units: set[int], today: date
) -> tuple[str, list[list[tuple[str, str]]]]:
    """The open actions of this year with their buttons, and the share done."""
    async with context.db.session() as session:
        actions = [
            a
            for a in await actions_of(session, units)
            if a.period.startswith(str(today.year)) and a.status != FollowUpStatus.DONE
        ]
        progress = await progress_of(session, units, today.year)
    lines = [TEXTS.get("judul", tahun=today.year)]
    rows: list[list[tuple[str, str]]] = []
    for action in actions:
        lines.append(line_of(action, today))
        number = id_of(action)
        buttons = []
        if action.status != FollowUpStatus.IN_PROGRESS:
            buttons.append((TEXTS.get("tombol_berjalan", nomor=number), f"{PREFIX}:{number}:b"))
        buttons.append((TEXTS.get("tombol_selesai", nomor=number), f"{PREFIX}:{number}:s"))
        rows.append(buttons)
    if not actions:
        lines.append(TEXTS.get("kosong"))
    if progress.share is not None:
        share = format_percent_id(progress.share * 100, 0)
        lines.append(
            TEXTS.get("kemajuan", selesai=progress.done, jumlah=progress.total, persen=share)
        )
    lines.append(TEXTS.get("petunjuk"))
    rows.append([(TEXTS.get("tombol_baru"), f"{PREFIX}:baru")])
    return "\n\n".join(lines), rows


def line_of(action: FollowUpAction, today: date) -> str:
    late = action.tenggat < today
    return TEXTS.get(
        "baris",
        nomor=id_of(action),
        unsur=action.unsur,
        nama=UNSUR_BY_CODE[action.unsur].name,
        tindakan=action.tindakan,
        tenggat=format_date_id(action.tenggat),
        status=action.status,
        terlambat=Markup(TEXTS.get("terlambat")) if late else "",
    )


async def rtl_command(update: Update, context: BotContext) -> None:
    """/rtl for unit heads."""
    person = await current_person(update, context)
    message = update.effective_message
    if person is None or message is None:
        return
    if not person.head_of_units:
        await message.reply_text(TEXTS.get("tidak_berhak"))
        return
    text, rows = await overview(context, await led_units(context, person), wib_today())
    await message.reply_text(text, reply_markup=keyboard(rows) if rows else None)


async def status_pressed(update: Update, context: BotContext) -> None:
    """rtl:<id>:b|s — only for an action of a unit the presser leads."""
    query = update.callback_query
    person = await current_person(update, context)
    if query is None or query.data is None or person is None:
        return
    _, number, code = query.data.split(":")
    units = await led_units(context, person)
    async with context.db.session() as session:
        action = await session.get(FollowUpAction, int(number))
        if action is None or action.unit_id not in units or code not in STATUS_CODES:
            await stale(update, TEXTS.get("peringatan_bukan_wewenang"))
            return
        await set_status(session, int(number), STATUS_CODES[code], utcnow())
    text, rows = await overview(context, units, wib_today())
    await show(update, text, keyboard(rows) if rows else None)


async def start_recording(update: Update, context: BotContext) -> int:
    """Catat tindakan baru: the unit (when the head leads several), then the unsur."""
    person = await current_person(update, context)
    if person is None or not person.head_of_units:
        await stale(update, TEXTS.get("peringatan_bukan_wewenang"))
        return ConversationHandler.END
    await take_press(update)
    async with context.db.session() as session:
        units = [await session.get(Unit, unit_id) for unit_id in sorted(person.head_of_units)]
    led = [unit for unit in units if unit is not None]
    DRAFT.new(context, {})
    if len(led) == 1:
        return await ask_unsur(update, context, led[0])
    rows = [[(unit.nama[:60], f"{PREFIX}:u:{id_of(unit)}")] for unit in led]
    await reply(update, TEXTS.get("pilih_unit"), keyboard(rows))
    return UNIT


async def ask_unsur(update: Update, context: BotContext, unit: Unit) -> int:
    draft = DRAFT.get(context)
    if draft is None:
        return ConversationHandler.END
    draft["unit_id"], draft["unit_name"] = id_of(unit), unit.nama
    rows = [[(f"{u.code} {u.name}"[:60], f"{PREFIX}:x:{u.code}")] for u in UNSUR]
    await reply(update, TEXTS.get("pilih_unsur", unit=unit.nama), keyboard(rows))
    return UNSUR_STATE


async def unit_chosen(update: Update, context: BotContext) -> int:
    person = await current_person(update, context)
    query = update.callback_query
    if person is None or query is None or query.data is None:
        return UNIT
    unit_id = int(query.data.rsplit(":", 1)[1])
    if unit_id not in person.head_of_units:
        await stale(update, TEXTS.get("peringatan_bukan_wewenang"))
        return UNIT
    await take_press(update)
    async with context.db.session() as session:
        unit = await session.get(Unit, unit_id)
    if unit is None:
        return ConversationHandler.END
    return await ask_unsur(update, context, unit)


async def unsur_chosen(update: Update, context: BotContext) -> int:
    query = update.callback_query
    draft = DRAFT.get(context)
    if query is None or query.data is None or draft is None or "unit_id" not in draft:
        await stale(update)
        return UNSUR_STATE
    code = query.data.rsplit(":", 1)[1]
    if code not in UNSUR_BY_CODE:
        await stale(update)
        return UNSUR_STATE
    await take_press(update)
    draft["unsur"] = code
    await reply(
        update,
        TEXTS.get(
            "minta_tindakan", unsur=code, nama=UNSUR_BY_CODE[code].name, batas=TINDAKAN_MAX_CHARS
        ),
    )
    return ACTION


def _typed(update: Update) -> str | None:
    message = update.effective_message
    if message is None or message.text is None:
        return None
    return message.text.strip()


async def action_typed(update: Update, context: BotContext) -> int:
    text = _typed(update)
    draft = DRAFT.get(context)
    if not text or draft is None:
        return ACTION
    if len(text) > TINDAKAN_MAX_CHARS:
        await reply(
            update, TEXTS.get("terlalu_panjang", panjang=len(text), batas=TINDAKAN_MAX_CHARS)
        )
        return ACTION
    draft["tindakan"] = text
    await reply(update, TEXTS.get("minta_pj"))
    return OWNER


async def owner_typed(update: Update, context: BotContext) -> int:
    text = _typed(update)
    draft = DRAFT.get(context)
    if not text or draft is None:
        return OWNER
    if len(text) > OWNER_MAX_CHARS:
        await reply(update, TEXTS.get("terlalu_panjang", panjang=len(text), batas=OWNER_MAX_CHARS))
        return OWNER
    draft["penanggung_jawab"] = text
    await reply(update, TEXTS.get("minta_tenggat"))
    return DEADLINE


async def deadline_typed(update: Update, context: BotContext) -> int:
    text = _typed(update)
    person = await current_person(update, context)
    draft = DRAFT.get(context)
    if not text or draft is None or person is None:
        return DEADLINE
    try:
        deadline = parse_date_id(text)
    except DateError as error:
        await reply(update, TEXTS.get("tanggal_salah", alasan=str(error)))
        return DEADLINE
    today = wib_today()
    if deadline < today:
        await reply(update, TEXTS.get("tanggal_lampau"))
        return DEADLINE
    if draft["unit_id"] not in person.head_of_units:  # no longer the head
        DRAFT.drop(context)
        await reply(update, TEXTS.get("tidak_berhak"))
        return ConversationHandler.END
    period = str(today.year)
    async with context.db.session() as session:
        action = await add_action(
            session,
            unit_id=draft["unit_id"],
            period=period,
            unsur=draft["unsur"],
            tindakan=draft["tindakan"],
            penanggung_jawab=draft["penanggung_jawab"],
            tenggat=deadline,
            now=utcnow(),
            update_key=update_key(update),
        )
    DRAFT.drop(context)
    await reply(
        update,
        TEXTS.get(
            "tersimpan",
            nomor=id_of(action),
            unsur=action.unsur,
            tindakan=action.tindakan,
            pj=action.penanggung_jawab,
            tenggat=format_date_id(deadline),
            periode=period,
        ),
    )
    return ConversationHandler.END


def build_recording_conversation() -> ConversationHandler[BotContext]:
    """Catat tindakan baru — states UNIT, UNSUR_STATE, ACTION, OWNER, DEADLINE."""
    typed = filters.TEXT & ~filters.COMMAND
    return conversation(
        "rtl",
        entry_points=[CallbackQueryHandler(start_recording, pattern=rf"^{PREFIX}:baru$")],
        states={
            UNIT: [CallbackQueryHandler(unit_chosen, pattern=rf"^{PREFIX}:u:\d+$")],
            UNSUR_STATE: [CallbackQueryHandler(unsur_chosen, pattern=rf"^{PREFIX}:x:U\d$")],
            ACTION: [MessageHandler(typed, action_typed)],
            OWNER: [MessageHandler(typed, owner_typed)],
            DEADLINE: [MessageHandler(typed, deadline_typed)],
        },
        fallbacks=[CommandHandler("batal", cancel_forgetting(DRAFT.key))],
        on_timeout=conversation_timed_out,
    )


def build_followup_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        build_recording_conversation(),
        CommandHandler("rtl", rtl_command),
        CallbackQueryHandler(status_pressed, pattern=rf"^{PREFIX}:\d+:[a-z]$"),
    ]

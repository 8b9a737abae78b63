"""/rtl: a unit head sees the open RTL actions of the units they lead this year and marks them
in progress or done with a button. New actions are recorded with `kinerja-bot rtl tambah`."""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.models import FollowUpAction, FollowUpStatus, id_of, utcnow
from kinerja_bot.core.organisation import unit_tree_ids
from kinerja_bot.core.people import Person, current_person
from kinerja_bot.core.rules.formatting import format_percent_id
from kinerja_bot.core.rules.periods import format_date_id, wib_today
from kinerja_bot.core.rules.skm import UNSUR_BY_CODE
from kinerja_bot.core.telegram_ui import keyboard, show, stale
from kinerja_bot.core.texts import Markup, TextBook
from kinerja_bot.followup.service import actions_of, progress_of, set_status

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
    },
)
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


def build_followup_handlers() -> list[
    CommandHandler[BotContext, None] | CallbackQueryHandler[BotContext, None]
]:
    return [
        CommandHandler("rtl", rtl_command),
        CallbackQueryHandler(status_pressed, pattern=rf"^{PREFIX}:\d+:[a-z]$"),
    ]

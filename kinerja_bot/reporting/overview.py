"""/kinerja: my indicators with target, realisation to date, achievement, status, last report
and latest feedback, a page at a time. Also the progress wording other journeys reuse."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.models import Employee, Feedback, utcnow
from kinerja_bot.core.people import current_person
from kinerja_bot.core.rules.periods import wib_today
from kinerja_bot.core.telegram_ui import callback_int, keyboard
from kinerja_bot.reporting.presentation import describe, wib_date
from kinerja_bot.reporting.progress import IndicatorProgress, indicator_progress
from kinerja_bot.reporting.service import latest_feedback
from kinerja_bot.reporting.texts import PROGRESS_TEXTS as TEXTS

PAGE_SIZE = 5


def render_page(
    employee: Employee,
    items: list[IndicatorProgress],
    feedback: dict[int, tuple[Feedback, Employee]],
    page: int,
    year: int,
) -> tuple[str, InlineKeyboardMarkup | None]:
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    parts = [
        TEXTS.get("judul", nama=employee.nama, tahun=year, halaman=page + 1, jumlah_halaman=pages)
    ]
    for progress in items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        block = describe(progress)
        latest = feedback.get(progress.indicator.id or 0)
        if latest is not None:
            note, author = latest
            block += "\n" + TEXTS.get(
                "umpan_balik", dari=author.nama, tanggal=wib_date(note.created_at), isi=note.text
            )
        parts.append(block)
    navigation = []
    if page > 0:
        navigation.append((TEXTS.get("tombol_sebelumnya"), f"kin:hal:{page - 1}"))
    if page < pages - 1:
        navigation.append((TEXTS.get("tombol_berikutnya"), f"kin:hal:{page + 1}"))
    return "\n\n".join(parts), keyboard([navigation]) if navigation else None


async def my_page(
    context: BotContext, employee: Employee, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    now = utcnow()
    today = wib_today(now)
    async with context.db.session() as session:
        progress = await indicator_progress(session, [employee.id or 0], today.year, today)
        feedback = await latest_feedback(session, employee)
    items = progress.get(employee.id or 0, [])
    if not items:
        return TEXTS.get("tidak_ada_indikator", tahun=today.year), None
    return render_page(employee, items, feedback, page, today.year)


async def show_performance(update: Update, context: BotContext) -> None:
    """/kinerja: the first page."""
    person = await current_person(update, context)
    if person is None or update.effective_message is None:
        return
    if person.employee is None:
        await update.effective_message.reply_text(TEXTS.get("bukan_pegawai"))
        return
    text, markup = await my_page(context, person.employee, 0)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ / ▶ on a /kinerja message: show another page in place."""
    query = update.callback_query
    page = callback_int(update)
    person = await current_person(update, context)
    if query is None or page is None or person is None:
        return
    if person.employee is None:
        await query.answer(TEXTS.get("bukan_pegawai")[:200], show_alert=True)
        return
    await query.answer()
    text, markup = await my_page(context, person.employee, page)
    await query.edit_message_text(text, reply_markup=markup)


def build_overview_handlers() -> list[
    CommandHandler[BotContext, None] | CallbackQueryHandler[BotContext, None]
]:
    return [
        CommandHandler("kinerja", show_performance),
        CallbackQueryHandler(turn_page, pattern=r"^kin:hal:\d+$"),
    ]

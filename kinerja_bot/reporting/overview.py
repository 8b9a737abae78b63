"""/kinerja: my indicators with target, realisation to date, achievement, status, last report
and latest feedback, a page at a time. Also the progress wording other journeys reuse."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.guards import alert_with, is_asn, only, refuse_with
from kinerja_bot.core.models import Direction, Employee, Feedback, utcnow
from kinerja_bot.core.people import Person
from kinerja_bot.core.rules.periods import wib_today
from kinerja_bot.core.telegram_ui import callback_int, keyboard, reply, show, stale
from kinerja_bot.core.vocabulary import WORDS
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
    shown = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    for progress in shown:
        block = describe(progress)
        latest = feedback.get(progress.indicator.id or 0)
        if latest is not None:
            note, author = latest
            block += "\n" + TEXTS.get(
                "umpan_balik", dari=author.nama, tanggal=wib_date(note.created_at), isi=note.text
            )
        parts.append(block)
    if any(p.indicator.arah == Direction.LOWER_IS_BETTER for p in shown):
        parts.append(WORDS.get("arah_turun_penjelasan"))
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


@only(is_asn, refuse_with(TEXTS, "bukan_pegawai"))
async def show_performance(update: Update, context: BotContext, person: Person) -> None:
    """/kinerja: the first page."""
    await reply(update, *await my_page(context, person.asn, 0))


@only(is_asn, alert_with(TEXTS, "bukan_pegawai"))
async def turn_page(update: Update, context: BotContext, person: Person) -> None:
    """◀ / ▶ on a /kinerja message: show another page in place."""
    page = callback_int(update)
    if page is None:
        await stale(update)
        return
    await show(update, *await my_page(context, person.asn, page))


def build_overview_handlers() -> list[
    CommandHandler[BotContext, None] | CallbackQueryHandler[BotContext, None]
]:
    return [
        CommandHandler("kinerja", show_performance),
        CallbackQueryHandler(turn_page, pattern=r"^kin:hal:\d+$"),
    ]

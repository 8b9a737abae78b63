"""/kinerja: my indicators with target, realisation to date, achievement, status, last report
and latest feedback, a page at a time. Also the progress wording other journeys reuse."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from kinerja_bot.context import BotContext
from kinerja_bot.general import current_person, stale_button
from kinerja_bot.models import Employee, Feedback, utcnow
from kinerja_bot.reporting.progress import IndicatorProgress, indicator_progress
from kinerja_bot.reporting.service import latest_feedback
from kinerja_bot.rules.formatting import format_number_id, format_percent_id
from kinerja_bot.rules.periods import format_date_id, wib_today
from kinerja_bot.telegram_ui import callback_int, keyboard
from kinerja_bot.texts import TextBook

TEXTS = TextBook(
    "kinerja",
    {
        "bukan_pegawai": (),
        "tidak_ada_indikator": ("tahun",),
        "judul": ("nama", "tahun", "halaman", "jumlah_halaman"),
        "indikator": (
            "nama",
            "jenis",
            "target",
            "realisasi",
            "satuan",
            "capaian",
            "status",
            "terakhir",
        ),
        "umpan_balik": ("dari", "tanggal", "isi"),
        "belum_ada_laporan": (),
        "belum_terukur": (),
        "tombol_sebelumnya": (),
        "tombol_berikutnya": (),
    },
    data=("status",),
)

PAGE_SIZE = 5


def wib_date(moment: datetime) -> str:
    return format_date_id(wib_today(moment))


def describe(progress: IndicatorProgress) -> str:
    """One indicator's standing, as every journey words it."""
    indicator = progress.indicator
    status_labels: dict[str, str] = TEXTS.data("status")
    return TEXTS.get(
        "indikator",
        nama=indicator.nama,
        jenis=indicator.jenis,
        target=format_number_id(indicator.target, 2, trim=True),
        realisasi=(
            "-"
            if progress.realisation is None
            else format_number_id(progress.realisation, 2, trim=True)
        ),
        satuan=indicator.satuan,
        capaian=(
            TEXTS.get("belum_terukur")
            if progress.achievement_pct is None
            else format_percent_id(progress.achievement_pct, 2)
        ),
        status=status_labels.get(str(progress.status), TEXTS.get("belum_terukur")),
        terakhir=(
            wib_date(progress.last_report_at)
            if progress.last_report_at
            else TEXTS.get("belum_ada_laporan")
        ),
    )


def achievement_label(progress: IndicatorProgress) -> str:
    """The short achievement shown on buttons: `45,2%` or `–`."""
    if progress.achievement_pct is None:
        return "–"
    return format_percent_id(progress.achievement_pct, 1, trim=True)


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
    if page is None:
        await stale_button(update, context)
        return
    person = await current_person(update, context)
    if query is None or person is None:
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

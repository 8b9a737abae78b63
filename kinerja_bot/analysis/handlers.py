"""/analisis: the needs analysis of the units a head leads (admins: the whole city), with a
chart of the top needs and a one-screen summary to drill into a unit and a need (`browse`).
`/analisis [periode] [KODE_UNIT]`, in any order; default period: the current triwulan. On a
need's page, a head (or admin) gets a button per proposed course to offer it to the people
concerned (see `offering`)."""

from __future__ import annotations

import io
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from kinerja_bot.analysis import browse
from kinerja_bot.analysis.needs import NeedsReport
from kinerja_bot.analysis.offering import CALLBACK_PREFIX, find_proposal, send_offer
from kinerja_bot.analysis.render import TEXTS, render_needs_chart
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.guards import alert_with, is_head_or_admin, only
from kinerja_bot.core.models import Unit, id_of
from kinerja_bot.core.organisation import unit_by_kode
from kinerja_bot.core.people import Person, current_person, may_see_unit
from kinerja_bot.core.rules.periods import (
    Period,
    PeriodError,
    PeriodKind,
    current_period,
    parse_period,
    wib_today,
)
from kinerja_bot.core.telegram_ui import callback_int, reply, show, stale

refused = alert_with(TEXTS, "peringatan_bukan_kepala")


def _split_args(args: list[str]) -> tuple[str | None, str | None]:
    """(period text, unit code) from the arguments: whatever starts with a digit is a period."""
    period = next((a for a in args if a[:1].isdigit()), None)
    unit = next((a for a in args if not a[:1].isdigit()), None)
    return period, unit


async def _allowed_unit(context: BotContext, person: Person, kode: str) -> Unit | None:
    """The unit with this code if the person may see it."""
    async with context.db.session() as session:
        unit = await unit_by_kode(session, kode.strip().upper()) or await unit_by_kode(
            session, kode.strip()
        )
        if unit is None or not await may_see_unit(session, person, id_of(unit)):
            return None
        return unit


async def needs_analysis(update: Update, context: BotContext) -> None:
    """/analisis: check the role and the scope, then the chart and the summary."""
    person = await current_person(update, context)
    if person is None or update.effective_chat is None:
        return
    if not is_head_or_admin(person):
        await reply(update, TEXTS.get("bukan_kepala"))
        return
    period_text, kode = _split_args(list(context.args or []))
    try:
        period: Period = (
            parse_period(period_text)
            if period_text
            else current_period(PeriodKind.QUARTER, wib_today())
        )
    except PeriodError as error:
        await reply(update, TEXTS.get("periode_salah", pesan=str(error)))
        return
    root = 0
    if kode is not None:
        unit = await _allowed_unit(context, person, kode)
        if unit is None:
            await reply(update, TEXTS.get("unit_di_luar", kode=kode))
            return
        root = id_of(unit)
    async with context.db.session() as session:
        report = await browse.report_for(session, person, period, root)
    if report is None:
        await reply(update, TEXTS.get("bukan_kepala"))
        return
    chart = await render_needs_chart(report)
    if chart is not None:
        caption = TEXTS.get("grafik_keterangan", periode=period.title)
        await update.effective_chat.send_photo(io.BytesIO(chart), caption=caption)
    await reply(update, *browse.summary_view(report, root))


async def _pressed_report(
    update: Update, context: BotContext, person: Person
) -> tuple[NeedsReport, int, list[str]] | None:
    """The report a browse button names (`ana:X:<period>:<root>:…`), checked again; None after
    answering the press (stale, or not theirs)."""
    query = update.callback_query
    parts = (query.data or "").split(":") if query else []
    root = callback_int(update, 3)
    if len(parts) < 4 or root is None:
        await stale(update)
        return None
    try:
        period = parse_period(parts[2])
    except PeriodError:
        await stale(update)
        return None
    async with context.db.session() as session:
        report = await browse.report_for(session, person, period, root)
    if report is None:
        await refused(update, context)
        return None
    return report, root, parts[4:]


@only(is_head_or_admin, refused)
async def browse_pressed(update: Update, context: BotContext, person: Person) -> None:
    """A press inside /analisis: the summary page, a unit, a need, thanks or development."""
    found = await _pressed_report(update, context, person)
    query = update.callback_query
    if found is None or query is None:
        return
    report, root, rest = found
    action = (query.data or "").split(":")[1]
    if action == "a":
        await show(update, *browse.appreciation_view(report, root))
        return
    if action == "e":
        await show(update, *browse.effect_view(report, root))
        return
    number = int(rest[0]) if rest and rest[0].isdigit() and len(rest[0]) < 10 else None
    if action == "l" and number is not None:
        await show(update, *browse.summary_view(report, root, number))
        return
    unit = browse.find_unit(report, number) if number is not None else None
    if unit is None:
        await stale(update)
        return
    if action == "u":
        await show(update, *browse.unit_view(report, root, unit))
        return
    need = browse.find_need(unit, rest[1]) if len(rest) == 2 else None
    if need is None:
        await stale(update)
        return
    await show(update, *browse.need_view(report, root, unit, need))


@only(is_head_or_admin, refused)
async def offer_pressed(update: Update, context: BotContext, person: Person) -> None:
    """Tawarkan ke N orang: send the course to the people concerned by the need, once each."""
    query = update.callback_query
    parts = (query.data or "").split(":") if query else []
    unit_id, offer_id = callback_int(update, 2), callback_int(update, 5)
    if query is None or len(parts) != 6 or unit_id is None or offer_id is None:
        await stale(update)
        return
    try:
        period = parse_period(parts[3])
    except PeriodError:
        await stale(update)
        return
    async with context.db.session() as session:
        unit = await session.get(Unit, unit_id)
        if unit is None or not await may_see_unit(session, person, unit_id):
            await refused(update, context)
            return
        proposal = await find_proposal(session, unit, period, parts[4], offer_id, today=wib_today())
    if proposal is None:
        await stale(update)
        return
    await query.answer()
    sent, unreachable = await send_offer(context.bot, context.db, proposal)
    if sent.sent == 0 and sent.skipped > 0 and not sent.failed and not sent.blocked:
        await reply(update, TEXTS.get("sudah_ditawarkan", nama=proposal.offer.nama))
        return
    await reply(
        update,
        TEXTS.get(
            "tawaran_terkirim",
            nama=proposal.offer.nama,
            terkirim=sent.sent,
            sudah=sent.skipped,
            tak_terjangkau=unreachable + len(sent.blocked) + sent.failed,
        ),
    )


def build_analysis_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("analisis", needs_analysis),
        CallbackQueryHandler(offer_pressed, pattern=rf"^{CALLBACK_PREFIX}:"),
        CallbackQueryHandler(browse_pressed, pattern=rf"^{browse.PREFIX}:[lukae]:"),
    ]

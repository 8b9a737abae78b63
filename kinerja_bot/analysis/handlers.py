"""/analisis: the needs analysis of the units a head leads (admins: the whole city), with a
chart of the top needs. `/analisis [periode] [KODE_UNIT]`, in any order; default period: the
current triwulan. Under the analysis, a head (or admin) gets a button per proposed course
to offer it to the people concerned (see `offering`)."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from kinerja_bot.analysis.delivery import prepare_needs_delivery, send_needs_delivery
from kinerja_bot.analysis.offering import (
    CALLBACK_PREFIX,
    find_proposal,
    offer_keyboard,
    send_offer,
)
from kinerja_bot.analysis.render import TEXTS
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.guards import alert_with, is_head_or_admin, only
from kinerja_bot.core.models import Unit, id_of
from kinerja_bot.core.organisation import unit_by_kode, unit_tree_ids
from kinerja_bot.core.people import Person, current_person
from kinerja_bot.core.rules.periods import (
    Period,
    PeriodError,
    PeriodKind,
    current_period,
    parse_period,
    wib_today,
)
from kinerja_bot.core.telegram_ui import callback_int, keyboard, reply, stale


def _split_args(args: list[str]) -> tuple[str | None, str | None]:
    """(period text, unit code) from the arguments: whatever starts with a digit is a period."""
    period = next((a for a in args if a[:1].isdigit()), None)
    unit = next((a for a in args if not a[:1].isdigit()), None)
    return period, unit


async def _may_see(session: AsyncSession, person: Person, unit: Unit) -> bool:
    """Admins see any unit, heads the trees of the units they lead."""
    if person.is_admin:
        return True
    for root in person.head_of_units:
        if id_of(unit) in await unit_tree_ids(session, root):
            return True
    return False


async def _allowed_unit(context: BotContext, person: Person, kode: str) -> Unit | None:
    """The unit with this code if the person may see it."""
    async with context.db.session() as session:
        unit = await unit_by_kode(session, kode.strip().upper()) or await unit_by_kode(
            session, kode.strip()
        )
        if unit is None or not await _may_see(session, person, unit):
            return None
        return unit


async def needs_analysis(update: Update, context: BotContext) -> None:
    """/analisis: check the role and the scope, then send the chart and the ranked needs."""
    person = await current_person(update, context)
    if person is None or update.effective_chat is None:
        return
    if not is_head_or_admin(person):
        await reply(update, TEXTS.get("bukan_kepala"))
        return
    period_text, kode = _split_args(list(context.args or []))
    today = wib_today()
    try:
        period: Period = (
            parse_period(period_text) if period_text else current_period(PeriodKind.QUARTER, today)
        )
    except PeriodError as error:
        await reply(update, TEXTS.get("periode_salah", pesan=str(error)))
        return
    unit = None
    if kode is not None:
        unit = await _allowed_unit(context, person, kode)
        if unit is None:
            await reply(update, TEXTS.get("unit_di_luar", kode=kode))
            return
    async with context.db.session() as session:
        if unit is not None or person.is_admin:
            delivery = await prepare_needs_delivery(
                session, period, today=today, unit_id=id_of(unit) if unit else None
            )
        else:
            delivery = await prepare_needs_delivery(
                session, period, today=today, unit_ids=person.head_of_units
            )
    await send_needs_delivery(context.bot, update.effective_chat.id, delivery)
    if (offers := offer_keyboard(delivery.report)) is not None:
        text, rows = offers
        await reply(update, text, keyboard(rows))


@only(is_head_or_admin, alert_with(TEXTS, "peringatan_bukan_kepala"))
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
        if unit is None or not await _may_see(session, person, unit):
            await alert_with(TEXTS, "peringatan_bukan_kepala")(update, context)
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
    ]

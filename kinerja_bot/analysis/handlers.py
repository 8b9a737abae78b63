"""/analisis: the needs analysis of the units a head leads (admins: the whole city), with a
chart of the top needs. `/analisis [periode] [KODE_UNIT]`, in any order; default period: the
current triwulan."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from kinerja_bot.analysis.delivery import prepare_needs_delivery, send_needs_delivery
from kinerja_bot.analysis.render import TEXTS
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.guards import is_head_or_admin
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
from kinerja_bot.core.telegram_ui import reply


def _split_args(args: list[str]) -> tuple[str | None, str | None]:
    """(period text, unit code) from the arguments: whatever starts with a digit is a period."""
    period = next((a for a in args if a[:1].isdigit()), None)
    unit = next((a for a in args if not a[:1].isdigit()), None)
    return period, unit


async def _allowed_unit(context: BotContext, person: Person, kode: str) -> Unit | None:
    """The unit with this code if the person may see it: admins any, heads their own trees."""
    async with context.db.session() as session:
        unit = await unit_by_kode(session, kode.strip().upper()) or await unit_by_kode(
            session, kode.strip()
        )
        if unit is None:
            return None
        if person.is_admin:
            return unit
        for root in person.head_of_units:
            if id_of(unit) in await unit_tree_ids(session, root):
                return unit
    return None


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


def build_analysis_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [CommandHandler("analisis", needs_analysis)]

"""/ikm: unit heads see the IKM of the units they lead in detail; admins a summary or a unit."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.models import Unit, id_of
from kinerja_bot.core.organisation import unit_by_kode, unit_tree_ids
from kinerja_bot.core.people import unit_of_work
from kinerja_bot.core.rules.formatting import format_number_id
from kinerja_bot.core.rules.periods import Period, PeriodError, parse_period
from kinerja_bot.core.texts import Markup
from kinerja_bot.ikm.report import build_report, count_text, default_period, messages_of
from kinerja_bot.ikm.tally import ikm_by_unit
from kinerja_bot.ikm.texts import TEXTS


def parse_arguments(args: list[str], default: Period) -> tuple[Period, str | None]:
    """`/ikm [PERIODE] [KODE_UNIT]` in either order; a bad period raises PeriodError.

    An argument that starts with four digits is a period (`2026-13` is a mistake to report,
    not a unit code); anything else is a unit code.
    """
    period, unit = default, None
    for arg in args[:2]:
        if arg[:4].isdigit():
            period = parse_period(arg)
        else:
            unit = arg
    return period, unit


async def ikm_handler(update: Update, context: BotContext) -> None:
    """/ikm [PERIODE] [KODE_UNIT]: heads see their units in detail; admins a summary or a unit."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    try:
        period, unit_kode = parse_arguments(context.args or [], default_period(context.settings))
    except PeriodError as error:
        await message.reply_text(TEXTS.get("ikm_periode_salah", pesan=str(error)))
        return
    async with unit_of_work(update, context) as (session, person):
        if person is None:
            return
        led: set[int] = set()
        for head_of in person.head_of_units:
            led |= await unit_tree_ids(session, head_of)
        asked = await unit_by_kode(session, unit_kode) if unit_kode else None
        own = sorted(
            unit.kode
            for unit in [await session.get(Unit, unit_id) for unit_id in person.head_of_units]
            if unit is not None
        )
    if not person.is_admin and not person.head_of_units:
        await message.reply_text(TEXTS.get("ikm_tidak_berhak"))
        return
    if unit_kode is not None and (asked is None or not (person.is_admin or id_of(asked) in led)):
        await message.reply_text(TEXTS.get("ikm_unit_bukan_wewenang", kode=unit_kode[:32]))
        return
    if asked is not None:
        blocks = await _report(context, period, asked.kode)
    elif person.is_admin:
        blocks = await admin_summary(context, period)
    else:
        blocks = []
        for kode in own:
            part = await _report(context, period, kode)
            blocks += part if not blocks else part[1:]  # one title for all
    for text in messages_of(blocks):
        await message.reply_text(text)


async def _report(context: BotContext, period: Period, unit_kode: str) -> list[str]:
    return await build_report(
        context.db, context.settings, period, unit_kode=unit_kode, service_kode=None, book=TEXTS
    )


async def admin_summary(context: BotContext, period: Period) -> list[str]:
    """One line per unit, for admins without a unit code."""
    async with context.db.session() as session:
        report = await ikm_by_unit(session, period, context.settings.tz)
    if not report:
        return [TEXTS.get("ikm_judul", periode=period.title), TEXTS.get("ikm_kosong")]
    lines = []
    for ratings in report:
        result = ratings.total.result
        if result.ikm is not None and result.mutu is not None:
            outcome = TEXTS.get(
                "ikm_ringkas_nilai", ikm=format_number_id(result.ikm, 2), mutu=result.mutu.value
            )
        elif result.too_few_respondents:
            outcome = TEXTS.get("ikm_ringkas_belum")
        else:
            outcome = TEXTS.get("ikm_ringkas_unsur_kosong")
        lines.append(
            TEXTS.get(
                "ikm_ringkas",
                unit=ratings.unit.nama,
                kode=ratings.unit.kode,
                responden=count_text(result.respondents),
                hasil=Markup(outcome),
            )
        )
    return [
        TEXTS.get("ikm_judul", periode=period.title),
        "\n".join(lines),
        TEXTS.get("ikm_petunjuk_rinci", periode=period.label),
    ]


def build_ikm_handlers() -> list[CommandHandler[BotContext, None]]:
    return [CommandHandler("ikm", ikm_handler)]

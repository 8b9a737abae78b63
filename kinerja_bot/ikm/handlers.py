"""/ikm on one phone screen: unit heads see the units they lead, admins every unit (or one
unit's tree with a code) — a line per unit with a button each, a unit's services with a
button each, a service in full (NRR per unsur), ◀ back at every level, and everything as an
.xlsx attachment (`xlsx:ikm:…`, written by the exports feature as `kinerja-bot ekspor skm`).

Callback data, recomputed and checked at each press: `ikm:l:<period>:<root>:<page>` the list,
`ikm:u:<period>:<root>:<unit>` a unit, `ikm:s:<period>:<root>:<unit>:<n>` its n-th service.
`root` is the unit asked for with `/ikm KODE`, or 0 for what the person sees by default.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.guards import alert_with, is_head_or_admin, only
from kinerja_bot.core.models import id_of
from kinerja_bot.core.organisation import unit_by_kode
from kinerja_bot.core.people import Person, unit_of_work, visible_units
from kinerja_bot.core.rules.formatting import format_number_id
from kinerja_bot.core.rules.periods import Period, PeriodError, parse_period
from kinerja_bot.core.telegram_ui import (
    PAGE_SIZE,
    Button,
    back_button,
    callback_int,
    keyboard,
    page_row,
    paginate,
    reply,
    shorten,
    show,
    stale,
)
from kinerja_bot.core.texts import BUTTON_LABEL_LIMIT, Markup
from kinerja_bot.ikm.report import count_text, default_period, rating_lines
from kinerja_bot.ikm.tally import Rating, UnitRatings, ikm_by_unit
from kinerja_bot.ikm.texts import TEXTS

PREFIX = "ikm"
XLSX_PREFIX = "xlsx:ikm"  # handled by the exports feature
refused = alert_with(TEXTS, "peringatan_bukan_wewenang")
View = tuple[str, InlineKeyboardMarkup]


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


def outcome(rating: Rating) -> str:
    """ "IKM 88,12 (A)", or why there is none."""
    result = rating.result
    if result.ikm is not None and result.mutu is not None:
        return TEXTS.get(
            "ikm_ringkas_nilai", ikm=format_number_id(result.ikm, 2), mutu=result.mutu.value
        )
    if result.too_few_respondents:
        return TEXTS.get("ikm_ringkas_belum")
    return TEXTS.get("ikm_ringkas_unsur_kosong")


def _line(name: str, kode: str, rating: Rating) -> str:
    return TEXTS.get(
        "ikm_ringkas",
        unit=name,
        kode=kode,
        responden=count_text(rating.result.respondents),
        hasil=Markup(outcome(rating)),
    )


def _label(text: str) -> str:
    return shorten(str(text), BUTTON_LABEL_LIMIT)


def summary_view(period: Period, units: list[UnitRatings], root: int, page: int = 0) -> View:
    """A line per unit (a page of them) with its button, and the spreadsheet."""
    scope = f"{period.label}:{root}"
    lines = [TEXTS.get("ikm_judul", periode=period.title)]
    rows: list[list[Button]] = []
    if not units:
        lines.append(TEXTS.get("ikm_kosong"))
    shown, page, pages = paginate(units, page)
    for ratings in shown:
        lines.append(_line(ratings.unit.nama, ratings.unit.kode, ratings.total))
        rows.append([(_label(ratings.unit.nama), f"{PREFIX}:u:{scope}:{id_of(ratings.unit)}")])
    if nav := page_row(TEXTS, page, pages, f"{PREFIX}:l:{scope}:{{}}"):
        rows.append(nav)
        lines.append(TEXTS.get("ikm_halaman", halaman=page + 1, jumlah=pages))
    if units:
        lines.append(TEXTS.get("ikm_petunjuk_tombol"))
    rows.append([(TEXTS.get("tombol_xlsx"), f"{XLSX_PREFIX}:{scope}")])
    return "\n".join(lines), keyboard(rows)


def unit_view(period: Period, units: list[UnitRatings], root: int, ratings: UnitRatings) -> View:
    """A unit: a line per service with its button, the whole unit; ◀ back to the list."""
    scope = f"{period.label}:{root}"
    lines = [TEXTS.get("ikm_unit", unit=ratings.unit.nama, kode=ratings.unit.kode)]
    rows: list[list[Button]] = []
    for number, service in enumerate(ratings.services):
        lines.append(_line(service.nama, service.kode, service))
        data = f"{PREFIX}:s:{scope}:{id_of(ratings.unit)}:{number}"
        rows.append([(_label(service.nama), data)])
    if len(ratings.services) > 1:
        lines.append(_line(TEXTS.get("ikm_total_unit_ringkas"), ratings.unit.kode, ratings.total))
    page = units.index(ratings) // PAGE_SIZE
    rows.append(back_button(TEXTS.get("kembali_daftar"), f"{PREFIX}:l:{scope}:{page}"))
    return "\n".join(lines), keyboard(rows)


def service_view(root: int, period: Period, ratings: UnitRatings, service: Rating) -> View:
    """One service in full: respondents, IKM and mutu, the sample, NRR per unsur."""
    heading = TEXTS.get("ikm_layanan", layanan=service.nama, kode=service.kode)
    lines = [TEXTS.get("ikm_unit", unit=ratings.unit.nama, kode=ratings.unit.kode)]
    lines += rating_lines(TEXTS, service, heading)
    back = f"{PREFIX}:u:{period.label}:{root}:{id_of(ratings.unit)}"
    label = TEXTS.get("kembali_unit", unit=shorten(ratings.unit.nama, 40))
    return "\n".join(lines), keyboard([back_button(label, back)])


async def _ratings(
    context: BotContext, person: Person, period: Period, root: int
) -> list[UnitRatings] | None:
    """The units the person may see under `root` (0: by default), rated; None if not theirs."""
    async with context.db.session() as session:
        allowed, scope = await visible_units(session, person, root)
        if not allowed:
            return None
        return await ikm_by_unit(session, period, context.settings.tz, unit_ids=scope)


async def ikm_handler(update: Update, context: BotContext) -> None:
    """/ikm [PERIODE] [KODE_UNIT]: the summary of the units the person may see."""
    message = update.effective_message
    if message is None:
        return
    try:
        period, unit_kode = parse_arguments(context.args or [], default_period(context.settings))
    except PeriodError as error:
        await message.reply_text(TEXTS.get("ikm_periode_salah", pesan=str(error)))
        return
    async with unit_of_work(update, context) as (session, person):
        if person is None:
            return
        asked = await unit_by_kode(session, unit_kode) if unit_kode else None
        allowed, _ = await visible_units(session, person, id_of(asked)) if asked else (True, None)
    if not is_head_or_admin(person):
        await message.reply_text(TEXTS.get("ikm_tidak_berhak"))
        return
    if unit_kode is not None and (asked is None or not allowed):
        await message.reply_text(TEXTS.get("ikm_unit_bukan_wewenang", kode=unit_kode[:32]))
        return
    root = id_of(asked) if asked is not None else 0
    units = await _ratings(context, person, period, root)
    await reply(update, *summary_view(period, units or [], root))


@only(is_head_or_admin, refused)
async def ikm_pressed(update: Update, context: BotContext, person: Person) -> None:
    """A press inside /ikm: a page of units, a unit, a service."""
    query = update.callback_query
    parts = (query.data or "").split(":") if query else []
    root, number = callback_int(update, 3), callback_int(update, 4)
    if len(parts) < 5 or root is None or number is None:
        await stale(update)
        return
    try:
        period = parse_period(parts[2])
    except PeriodError:
        await stale(update)
        return
    units = await _ratings(context, person, period, root)
    if units is None:
        await refused(update, context)
        return
    if parts[1] == "l":
        await show(update, *summary_view(period, units, root, number))
        return
    ratings = next((u for u in units if id_of(u.unit) == number), None)
    if ratings is None:
        await stale(update)
        return
    if parts[1] == "u":
        await show(update, *unit_view(period, units, root, ratings))
        return
    index = callback_int(update, 5)
    if len(parts) != 6 or index is None or index >= len(ratings.services):
        await stale(update)
        return
    await show(update, *service_view(root, period, ratings, ratings.services[index]))


def build_ikm_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("ikm", ikm_handler),
        CallbackQueryHandler(ikm_pressed, pattern=rf"^{PREFIX}:[lus]:"),
    ]

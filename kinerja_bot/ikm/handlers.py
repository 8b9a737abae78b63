"""The IKM report, written the same way by `/ikm` (unit heads, admins) and `kinerja-bot ikm`.

Per service and per unit: respondents, NRR per unsur, IKM (2 decimals), mutu with its name,
and whether the respondents reach the Krejcie & Morgan sample for the yearly service users.
Fewer than 5 responses show "belum cukup data" and no score at all (no NRR either).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from telegram import Update
from telegram.ext import CommandHandler

from kinerja_bot.core.cli_common import TEXTS as CLI_TEXTS
from kinerja_bot.core.cli_common import CliError, with_database
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Unit, id_of, utcnow
from kinerja_bot.core.organisation import unit_by_kode, unit_tree_ids
from kinerja_bot.core.people import identify
from kinerja_bot.core.rules.formatting import format_number_id
from kinerja_bot.core.rules.periods import Period, PeriodError, current_period, parse_period
from kinerja_bot.core.rules.skm import MIN_RESPONSES_FOR_SCORE, UNSUR_BY_CODE, UNSUR_CODES
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import MESSAGE_LIMIT, Markup, TextBook
from kinerja_bot.ikm.tally import Rating, UnitRatings, ikm_by_unit, ikm_for_unit_tree
from kinerja_bot.survey.service import service_by_kode
from kinerja_bot.survey.texts import IKM_REPORT_KEYS, TEXTS

CLI_BOOK = TextBook(
    "warga_cli",
    {
        **IKM_REPORT_KEYS,
        "unknown_service": ("kode",),
        "qr_need_target": (),
        "qr_bad_suffix": ("akhiran",),
        "qr_bad_code": ("kode",),
        "qr_no_services": ("kode",),
        "qr_written": ("jumlah", "file"),
        "qr_card_title": (),
        "qr_card_instructions": (),
        "qr_card_footer": (),
        "role_added": ("nama", "nip", "peran", "unit"),
        "role_exists": ("nama", "nip", "peran", "unit"),
        "role_removed": ("nama", "nip", "peran", "unit"),
        "role_missing": ("nama", "nip", "peran", "unit"),
        "role_need_nip": (),
        "role_list_line": ("unit", "kode", "peran", "nama", "nip", "akun"),
        "role_list_empty": (),
        "role_not_linked": (),
        "role_name_kepala": (),
        "role_name_pengelola_pengaduan": (),
        "retention_done": (
            "hari",
            "kontak",
            "persetujuan",
            "draf",
            "status",
            "gagal",
            "kiriman",
            "hash",
        ),
    },
    html=False,
)


def _count(number: int) -> str:
    return format_number_id(number, 0)


INDENT = "  "


def rating_lines(book: TextBook, rating: Rating, heading: str, depth: int = 0) -> list[str]:
    """Respondents, IKM and mutu (or "belum cukup data"), sample adequacy, NRR per unsur;
    the details indented under the heading (texts cannot start with spaces, so code indents)."""
    result = rating.result
    pad, inner = INDENT * depth, INDENT * (depth + 1)
    lines = [heading, book.get("ikm_responden", responden=_count(result.respondents))]
    if result.ikm is not None and result.mutu is not None:
        lines.append(
            book.get(
                "ikm_nilai",
                ikm=format_number_id(result.ikm, 2),
                mutu=result.mutu.value,
                mutu_nama=result.mutu.label,
            )
        )
    else:
        lines.append(book.get("ikm_belum_cukup", minimal=MIN_RESPONSES_FOR_SCORE))
    basis = (
        book.get("ikm_dasar_populasi", populasi=_count(rating.population))
        if rating.population is not None
        else book.get("ikm_populasi_tidak_diketahui")
    )
    sample = "ikm_sampel_cukup" if rating.adequate else "ikm_sampel_kurang"
    lines.append(book.get(sample, minimal=_count(rating.required), dasar=Markup(basis)))
    unsur: list[str] = []
    if result.ikm is not None:
        lines.append(book.get("ikm_unsur_judul"))
        unsur = [
            book.get(
                "ikm_unsur",
                kode=code,
                nama=UNSUR_BY_CODE[code].name,
                nrr=format_number_id(result.nrr[code], 2),
            )
            for code in UNSUR_CODES
            if code in result.nrr
        ]
    return (
        [pad + lines[0]]
        + [inner + line for line in lines[1:]]
        + [inner + INDENT + line for line in unsur]
    )


def unit_block(book: TextBook, ratings: UnitRatings) -> str:
    """One unit: each service, then the whole unit when it has more than one service."""
    lines = [book.get("ikm_unit", unit=ratings.unit.nama, kode=ratings.unit.kode)]
    for service in ratings.services:
        heading = book.get("ikm_layanan", layanan=service.nama, kode=service.kode)
        lines += rating_lines(book, service, heading, depth=1)
    if len(ratings.services) > 1:
        lines += rating_lines(book, ratings.total, book.get("ikm_total_unit"), depth=1)
    return "\n".join(lines)


def report_blocks(
    book: TextBook, period: Period, report: Iterable[UnitRatings], tree_total: Rating | None
) -> list[str]:
    """The title, one block per unit, and the total over a unit tree when asked for."""
    blocks = [book.get("ikm_judul", periode=period.title)]
    units = list(report)
    if not units:
        return [*blocks, book.get("ikm_kosong")]
    blocks += [unit_block(book, ratings) for ratings in units]
    if tree_total is not None:
        heading = book.get("ikm_total_pohon", unit=tree_total.nama)
        blocks.append("\n".join(rating_lines(book, tree_total, heading)))
    return blocks


def messages_of(blocks: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack blocks into as few messages as fit Telegram's limit; a block too long for one
    message is split between its lines."""
    messages: list[str] = []
    current = ""

    def add(piece: str, separator: str) -> None:
        nonlocal current
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
            return
        if current:
            messages.append(current)
        current = piece[:limit]

    for block in blocks:
        if len(block) <= limit:
            add(block, "\n\n")
            continue
        for number, line in enumerate(block.split("\n")):
            add(line, "\n\n" if number == 0 else "\n")
    if current:
        messages.append(current)
    return messages


async def build_report(
    database: Database,
    settings: Settings,
    period: Period,
    *,
    unit_kode: str | None,
    service_kode: str | None,
    book: TextBook,
) -> list[str]:
    """The report's blocks for a unit tree (or every unit) and optionally one service."""
    async with database.session() as session:
        unit_ids: set[int] | None = None
        root = None
        if unit_kode is not None:
            root = await unit_by_kode(session, unit_kode)
            if root is None:
                raise CliError(CLI_TEXTS.get("unknown_unit", kode=unit_kode))
            unit_ids = await unit_tree_ids(session, id_of(root))
        if service_kode is not None and await service_by_kode(session, service_kode) is None:
            raise CliError(CLI_BOOK.get("unknown_service", kode=service_kode))
        report = await ikm_by_unit(
            session, period, settings.tz, unit_ids=unit_ids, service_kode=service_kode
        )
        tree_total = None
        if root is not None and service_kode is None and len(report) > 1:
            tree_total = await ikm_for_unit_tree(session, period, id_of(root), settings.tz)
    return report_blocks(book, period, report, tree_total)


def default_period(settings: Settings) -> Period:
    return current_period("tahun", utcnow().astimezone(settings.tz).date())


def ikm_command(
    settings: Settings, *, periode: str | None, unit: str | None, layanan: str | None
) -> None:
    """`kinerja-bot ikm [--periode P] [--unit KODE] [--layanan KODE]`: print the report."""
    try:
        period = parse_period(periode) if periode else default_period(settings)
    except PeriodError as error:
        raise CliError(str(error)) from None

    async def work(database: Database) -> list[str]:
        return await build_report(
            database, settings, period, unit_kode=unit, service_kode=layanan, book=CLI_BOOK
        )

    blocks = asyncio.run(with_database(settings, work))
    print("\n\n".join(blocks))


# --- /ikm in the bot --------------------------------------------------------------------------


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
    async with context.db.session() as session:
        person = await identify(session, user.id, context.settings)
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
        else:
            outcome = TEXTS.get("ikm_ringkas_belum")
        lines.append(
            TEXTS.get(
                "ikm_ringkas",
                unit=ratings.unit.nama,
                kode=ratings.unit.kode,
                responden=_count(result.respondents),
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

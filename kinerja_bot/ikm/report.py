"""The IKM report, written the same way by `/ikm` (unit heads, admins) and `kinerja-bot ikm`.

Per service and per unit: respondents, NRR per unsur, IKM (2 decimals), mutu with its name,
and whether the respondents reach the Krejcie & Morgan sample for the yearly service users.
Fewer than 5 responses show "belum cukup data" and no score at all (no NRR either).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from kinerja_bot.core.cli_common import TEXTS as COMMON_CLI_TEXTS
from kinerja_bot.core.cli_common import CliError, with_database
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import id_of, utcnow
from kinerja_bot.core.organisation import service_by_kode, unit_by_kode, unit_tree_ids
from kinerja_bot.core.rules.formatting import format_number_id
from kinerja_bot.core.rules.periods import Period, PeriodError, current_period, parse_period
from kinerja_bot.core.rules.skm import MIN_RESPONSES_FOR_SCORE, UNSUR_BY_CODE, UNSUR_CODES
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import Markup, TextBook
from kinerja_bot.ikm.tally import Rating, UnitRatings, ikm_by_unit, ikm_for_unit_tree
from kinerja_bot.ikm.texts import CLI_TEXTS


def count_text(number: int) -> str:
    return format_number_id(number, 0)


INDENT = "  "


def rating_lines(book: TextBook, rating: Rating, heading: str, depth: int = 0) -> list[str]:
    """Respondents, IKM and mutu (or "belum cukup data"), sample adequacy, NRR per unsur;
    the details indented under the heading (texts cannot start with spaces, so code indents)."""
    result = rating.result
    pad, inner = INDENT * depth, INDENT * (depth + 1)
    lines = [heading, book.get("ikm_responden", responden=count_text(result.respondents))]
    if result.ikm is not None and result.mutu is not None:
        lines.append(
            book.get(
                "ikm_nilai",
                ikm=format_number_id(result.ikm, 2),
                mutu=result.mutu.value,
                mutu_nama=result.mutu.label,
            )
        )
    elif result.too_few_respondents:
        lines.append(book.get("ikm_belum_cukup", minimal=MIN_RESPONSES_FOR_SCORE))
    else:
        lines.append(book.get("ikm_unsur_kosong", unsur=", ".join(result.unanswered)))
    basis = (
        book.get("ikm_dasar_populasi", populasi=count_text(rating.population))
        if rating.population is not None
        else book.get("ikm_populasi_tidak_diketahui")
    )
    sample = "ikm_sampel_cukup" if rating.adequate else "ikm_sampel_kurang"
    lines.append(book.get(sample, minimal=count_text(rating.required), dasar=Markup(basis)))
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
    book: TextBook,
    period: Period,
    report: Iterable[UnitRatings],
    tree_total: Rating | None,
    *,
    channel: str | None = None,
) -> list[str]:
    """The title, one block per unit, and the total over a unit tree when asked for."""
    blocks = [book.get("ikm_judul", periode=period.title)]
    if channel is not None:
        blocks[0] += "\n" + book.get("ikm_kanal", kanal=channel)
    units = list(report)
    if not units:
        return [*blocks, book.get("ikm_kosong")]
    blocks += [unit_block(book, ratings) for ratings in units]
    if tree_total is not None:
        heading = book.get("ikm_total_pohon", unit=tree_total.nama)
        blocks.append("\n".join(rating_lines(book, tree_total, heading)))
    return blocks


async def build_report(
    database: Database,
    settings: Settings,
    period: Period,
    *,
    unit_kode: str | None,
    service_kode: str | None,
    book: TextBook,
    channel: str | None = None,
) -> list[str]:
    """The report's blocks for a unit tree (or every unit) and optionally one service."""
    async with database.session() as session:
        unit_ids: set[int] | None = None
        root = None
        if unit_kode is not None:
            root = await unit_by_kode(session, unit_kode)
            if root is None:
                raise CliError(COMMON_CLI_TEXTS.get("unknown_unit", kode=unit_kode))
            unit_ids = await unit_tree_ids(session, id_of(root))
        if service_kode is not None and await service_by_kode(session, service_kode) is None:
            raise CliError(CLI_TEXTS.get("unknown_service", kode=service_kode))
        report = await ikm_by_unit(
            session,
            period,
            settings.tz,
            unit_ids=unit_ids,
            service_kode=service_kode,
            channel=channel,
        )
        tree_total = None
        if root is not None and service_kode is None and len(report) > 1:
            tree_total = await ikm_for_unit_tree(
                session, period, id_of(root), settings.tz, channel=channel
            )
    return report_blocks(book, period, report, tree_total, channel=channel)


def default_period(settings: Settings) -> Period:
    return current_period("tahun", utcnow().astimezone(settings.tz).date())


def ikm_command(
    settings: Settings,
    *,
    periode: str | None,
    unit: str | None,
    layanan: str | None,
    kanal: str | None = None,
) -> None:
    """`kinerja-bot ikm [--periode P] [--unit KODE] [--layanan KODE] [--kanal K]`: print the
    report (all channels together, or only the one asked for)."""
    try:
        period = parse_period(periode) if periode else default_period(settings)
    except PeriodError as error:
        raise CliError(str(error)) from None

    async def work(database: Database) -> list[str]:
        return await build_report(
            database,
            settings,
            period,
            unit_kode=unit,
            service_kode=layanan,
            book=CLI_TEXTS,
            channel=kanal,
        )

    blocks = asyncio.run(with_database(settings, work))
    print("\n\n".join(blocks))

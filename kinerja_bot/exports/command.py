"""`kinerja-bot ekspor laporan|skm|tiket|analisis|evaluasi|pengembangan|berprestasi --periode P
[--unit KODE] -o FILE`."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from pathlib import Path

from kinerja_bot.analysis.berprestasi import unit_candidates
from kinerja_bot.analysis.needs import build_needs_report
from kinerja_bot.analysis.sources import scope_of, units_in
from kinerja_bot.core.cli_common import TEXTS as CLI_TEXTS
from kinerja_bot.core.cli_common import CliError, with_database, writable
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import id_of
from kinerja_bot.core.organisation import unit_by_kode
from kinerja_bot.core.rules.periods import Period, PeriodError, PeriodKind, parse_period
from kinerja_bot.core.settings import Settings
from kinerja_bot.development import development_by_person
from kinerja_bot.evaluation import NotAnEvaluationPeriod, parse_evaluation_period
from kinerja_bot.exports.datasets import (
    berprestasi_table,
    development_tables,
    needs_table,
    reports_table,
    skm_tables,
    tickets_table,
)
from kinerja_bot.exports.evaluation_pack import (
    EvaluationPack,
    evaluation_packs,
    write_evaluation_file,
)
from kinerja_bot.exports.texts import TEXTS
from kinerja_bot.exports.workbook import ExportFormatError, Table, output_format, write_tables

KINDS = ("laporan", "skm", "tiket", "analisis", "evaluasi", "pengembangan", "berprestasi")


async def _unit_id(database: Database, kode: str | None) -> int | None:
    if kode is None:
        return None
    async with database.session() as session:
        found = await unit_by_kode(session, kode)
    if found is None:
        raise CliError(CLI_TEXTS.get("unknown_unit", kode=kode))
    return id_of(found)


async def build_tables(
    database: Database, kind: str, period: Period, unit_id: int | None, today: date
) -> list[Table]:
    """The sheets of one export (not `evaluasi`, which has its own form layout)."""
    async with database.session() as session:
        scope = await scope_of(session, unit_id)
        if kind == "laporan":
            return [await reports_table(session, period, scope=scope)]
        if kind == "skm":
            return await skm_tables(session, period, scope=scope)
        if kind == "tiket":
            return [await tickets_table(session, period, scope=scope, today=today)]
        if kind == "pengembangan":
            people = await development_by_person(session, period.start.year, scope, today)
            return development_tables(people)
        if kind == "berprestasi":
            # Each unit's own staff, so nobody is listed twice.
            candidates = [
                person
                for unit in sorted(await units_in(session, scope), key=lambda u: u.nama)
                for person in await unit_candidates(
                    session, unit, period, today=today, scope={id_of(unit)}
                )
            ]
            return [berprestasi_table(candidates)]
        report = await build_needs_report(session, unit_id, period, today=today)
        return [needs_table(report)]


def _period(kind: str, text: str) -> Period:
    try:
        period = parse_evaluation_period(text) if kind == "evaluasi" else parse_period(text)
    except NotAnEvaluationPeriod:
        raise CliError(TEXTS.get("periode_evaluasi", periode=text)) from None
    except PeriodError as error:
        raise CliError(str(error)) from None
    # The 20 JP are owed per year, and the AKPK plans a year.
    if kind == "pengembangan" and period.kind is not PeriodKind.YEAR:
        raise CliError(TEXTS.get("periode_tahun", periode=text))
    return period


def export_command(
    settings: Settings, *, kind: str, period: str, unit: str | None, output: str
) -> None:
    """Build one export and write it to `output` (.xlsx or .csv)."""
    target = Path(output)
    try:
        output_format(target)
    except ExportFormatError:
        raise CliError(TEXTS.get("format_tidak_didukung", file=output)) from None
    writable(target)
    chosen = _period(kind, period)
    today = datetime.now(settings.tz).date()

    if kind == "evaluasi":

        async def packs(database: Database) -> list[EvaluationPack]:
            unit_id = await _unit_id(database, unit)
            async with database.session() as session:
                scope = await scope_of(session, unit_id)
                return await evaluation_packs(session, chosen, today=today, scope=scope)

        found = asyncio.run(with_database(settings, packs))
        write_evaluation_file(target, found)
        print(TEXTS.get("evaluasi_ditulis", jumlah=len(found), periode=chosen.title, file=output))
        return

    async def tables(database: Database) -> list[Table]:
        return await build_tables(database, kind, chosen, await _unit_id(database, unit), today)

    built = asyncio.run(with_database(settings, tables))
    write_tables(target, built)
    print(
        TEXTS.get(
            "ditulis", jumlah=len(built[0].rows), jenis=kind, periode=chosen.title, file=output
        )
    )

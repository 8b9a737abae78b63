"""`kinerja-bot laporan-skm --periode P --unit KODE -o FILE.pdf`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from kinerja_bot.core.cli_common import TEXTS as COMMON_CLI_TEXTS
from kinerja_bot.core.cli_common import CliError, with_database, writable
from kinerja_bot.core.db import Database
from kinerja_bot.core.organisation import unit_by_kode
from kinerja_bot.core.rules.periods import PeriodError, parse_period, wib_today
from kinerja_bot.core.settings import Settings
from kinerja_bot.skm_report.content import ReportContent, report_content
from kinerja_bot.skm_report.pdf import TEXTS, write_report


def report_command(settings: Settings, *, periode: str, unit: str, output: str) -> None:
    """Read the figures, then render the PDF after the database work (reportlab is CPU work)."""
    path = Path(output)
    if path.suffix.lower() != ".pdf":
        raise CliError(TEXTS.get("akhiran_salah", akhiran=path.suffix or output))
    writable(path)
    try:
        period = parse_period(periode)
    except PeriodError as error:
        raise CliError(str(error)) from None

    async def work(database: Database) -> ReportContent:
        async with database.session() as session:
            found = await unit_by_kode(session, unit)
            if found is None:
                raise CliError(COMMON_CLI_TEXTS.get("unknown_unit", kode=unit))
            return await report_content(session, found, period, settings.tz)

    content = asyncio.run(with_database(settings, work))
    pages = write_report(path, content, wib_today())
    print(
        TEXTS.get(
            "berkas_ditulis",
            unit=content.unit.nama,
            periode=period.title,
            file=str(path),
            halaman=pages,
        )
    )

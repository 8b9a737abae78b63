"""`kinerja-bot analisis [--periode P] [--unit KODE]`: the needs analysis in the terminal."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from kinerja_bot.analysis.needs import build_needs_report
from kinerja_bot.analysis.render import plain, render_needs_report
from kinerja_bot.core.cli_common import TEXTS as CLI_TEXTS
from kinerja_bot.core.cli_common import CliError, with_database
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import id_of
from kinerja_bot.core.organisation import unit_by_kode
from kinerja_bot.core.rules.periods import (
    Period,
    PeriodError,
    PeriodKind,
    current_period,
    parse_period,
)
from kinerja_bot.core.settings import Settings


def period_argument(text: str | None, today: date) -> Period:
    """The --periode value, or the current triwulan; a bad value is a CliError."""
    if text is None:
        return current_period(PeriodKind.QUARTER, today)
    try:
        return parse_period(text)
    except PeriodError as error:
        raise CliError(str(error)) from None


async def needs_text(database: Database, period: Period, unit: str | None, today: date) -> str:
    """Every need of every unit in scope, as plain text."""
    async with database.session() as session:
        unit_id = None
        if unit is not None:
            found = await unit_by_kode(session, unit)
            if found is None:
                raise CliError(CLI_TEXTS.get("unknown_unit", kode=unit))
            unit_id = id_of(found)
        report = await build_needs_report(session, unit_id, period, today=today)
    return "\n\n".join(plain(text) for text in render_needs_report(report, per_unit=None))


def analysis_command(settings: Settings, *, period: str | None, unit: str | None) -> None:
    today = datetime.now(settings.tz).date()
    chosen = period_argument(period, today)

    async def work(database: Database) -> str:
        return await needs_text(database, chosen, unit, today)

    print(asyncio.run(with_database(settings, work)))

"""Scheduled work on tickets: escalating late ones (`escalation`) every working day, and
closing answered tickets nobody replied to.

`auto_close_job` is nightly upkeep; `close_stale_command` runs the same from the admin CLI.
Both are idempotent.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from kinerja_bot.complaints.closing import queue_closed_notice
from kinerja_bot.complaints.escalation import run_escalation
from kinerja_bot.complaints.service import close_stale_tickets
from kinerja_bot.complaints.texts import TEXTS
from kinerja_bot.core.cli_common import with_database
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.db import Database
from kinerja_bot.core.jobs import ScheduledJob, Upkeep
from kinerja_bot.core.models import Complaint, utcnow
from kinerja_bot.core.rules.periods import PeriodKind
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.timetable import Rule, daily


async def close_stale(database: Database, settings: Settings, now: datetime) -> list[Complaint]:
    """Close every answered ticket 10 working days past its answer and queue the closing
    notice of each citizen who left a contact (one transaction)."""
    async with database.session() as session:
        closed = await close_stale_tickets(
            session,
            now.astimezone(settings.tz).date(),
            now=now,
            tz=settings.tz,
            note=TEXTS.get("catatan_tutup_otomatis"),
        )
        for complaint in closed:
            await queue_closed_notice(session, settings.tz, complaint, automatic=True)
        return closed


async def auto_close_job(context: BotContext) -> None:
    """Job: close stale answered tickets; the courier tells each citizen who left a contact."""
    if await close_stale(context.db, context.settings, utcnow()):
        context.send_queued_notices()


def close_stale_command(settings: Settings) -> int:
    """For the CLI (`jalankan`): close stale tickets now; returns how many were closed.

    The citizens' notices are queued; the bot's courier sends them (`kabar-antre`).
    """

    async def work(database: Database) -> int:
        return len(await close_stale(database, settings, utcnow()))

    count: int = asyncio.run(with_database(settings, work))
    return count


JOBS = (
    ScheduledJob(
        "eskalasi",
        lambda s: daily(s.schedule_escalation, Rule.WORKING_DAYS),
        PeriodKind.WEEK,
        run_escalation,
    ),
)
UPKEEP: tuple[Upkeep, ...] = (auto_close_job,)

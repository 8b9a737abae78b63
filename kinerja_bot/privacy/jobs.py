"""The retention job: personal data kept longer than PERSONAL_DATA_RETENTION_DAYS is removed.

`retention_job` is a job callback for the scheduler (daily); `retention_command` is
`kinerja-bot retensi`. Both are idempotent.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from kinerja_bot.core.cli_common import with_database
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.db import Database
from kinerja_bot.core.jobs import Upkeep
from kinerja_bot.core.models import utcnow
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook
from kinerja_bot.privacy.service import Purge, purge_expired_personal_data

RETENTION_TEXTS = TextBook(
    "retensi_cli",
    {
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


async def purge(database: Database, settings: Settings, now: datetime) -> Purge:
    async with database.session() as session:
        return await purge_expired_personal_data(
            session, now=now, days=settings.personal_data_retention_days, tz=settings.tz
        )


async def retention_job(context: BotContext) -> None:
    """Job: purge expired personal data, including the running bot's copy of old drafts."""
    result = await purge(context.db, context.settings, utcnow())
    for user_id in result.draft_user_ids:
        context.application.drop_user_data(user_id)


def describe(result: Purge, days: int) -> str:
    return RETENTION_TEXTS.get(
        "retention_done",
        hari=days,
        kontak=result.ticket_contacts,
        persetujuan=result.consents,
        draf=result.drafts,
        status=result.conversation_states,
        gagal=result.activation_failures,
        kiriman=result.deliveries,
        hash=result.respondent_hashes,
    )


def retention_command(settings: Settings) -> None:
    """`kinerja-bot retensi`: run the retention job now and print what it removed.

    Run from the CLI, drafts that the running bot holds in memory are removed from the
    database only; the bot's own job also drops its in-memory copy.
    """

    async def work(database: Database) -> Purge:
        return await purge(database, settings, utcnow())

    result = asyncio.run(with_database(settings, work))
    print(describe(result, settings.personal_data_retention_days))


UPKEEP: tuple[Upkeep, ...] = (retention_job,)

"""`kinerja-bot jalankan JOB [--ulang]` and `kinerja-bot jadwal`."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot

from kinerja_bot.core.cli_common import CliError, with_database
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import utcnow
from kinerja_bot.core.outbox import DeliveryReport, JobServices, Pacer
from kinerja_bot.core.rules.periods import format_date_id
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook
from kinerja_bot.scheduling.registry import JOBS_BY_NAME, run_job, upcoming

TEXTS = TextBook(
    "jadwal",
    {
        "butuh_token": (),
        "hasil": ("job", "terkirim", "dilewati", "gagal", "diblokir"),
        "ulang": ("job",),
        "judul_jadwal": ("zona",),
        "baris_jadwal": ("job", "waktu"),
        "tidak_terjadwal": ("job",),
    },
    html=False,
)

log = logging.getLogger(__name__)


def run_command(settings: Settings, name: str, *, force: bool) -> None:
    """Run one job now, with the same exactly-once guarantees as the schedule."""
    if settings.telegram_bot_token is None:
        raise CliError(TEXTS.get("butuh_token"))
    job = JOBS_BY_NAME[name]
    if force:
        log.warning("forced resend of %s requested from the CLI", name)
        print(TEXTS.get("ulang", job=name))

    async def work(database: Database) -> DeliveryReport:
        assert settings.telegram_bot_token is not None
        bot = Bot(
            settings.telegram_bot_token.get_secret_value(),
            base_url=settings.base_url,
            base_file_url=settings.base_file_url,
        )
        async with bot:
            services = JobServices(bot, database, settings, Pacer())
            return await run_job(job, services, utcnow(), force=force)

    report: DeliveryReport = asyncio.run(with_database(settings, work))
    print(
        TEXTS.get(
            "hasil",
            job=name,
            terkirim=report.sent,
            dilewati=report.skipped,
            gagal=report.failed,
            diblokir=len(report.blocked),
        )
    )


def schedule_command(settings: Settings) -> None:
    """Print every job's next run in local time."""
    print(TEXTS.get("judul_jadwal", zona=settings.tz_name))
    for name, when in upcoming(settings, utcnow()):
        if when is None:
            print(TEXTS.get("tidak_terjadwal", job=name))
            continue
        local = when.astimezone(settings.tz)
        waktu = f"{format_date_id(local.date(), with_weekday=True)} {local:%H:%M}"
        print(TEXTS.get("baris_jadwal", job=name, waktu=waktu))

"""`kinerja-bot jalankan JOB [--ulang]` and `kinerja-bot jadwal`."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram import Bot

from kinerja_bot.core.cli_common import CliError, database_folder_exists, with_database
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import utcnow
from kinerja_bot.core.outbox import DeliveryReport, JobServices, Pacer
from kinerja_bot.core.rules.periods import format_date_id
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook
from kinerja_bot.scheduling.preview import Preview, chart_folder, plain, preview_job
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
        "pratinjau_judul": ("job", "jumlah"),
        "pratinjau_kosong": ("job",),
        "pratinjau_penerima": ("penerima",),
        "pratinjau_chat": ("chat",),
        "pratinjau_tombol": ("tombol",),
        "pratinjau_gambar": ("file",),
        "pratinjau_berkas": ("file",),
        "pratinjau_folder": ("folder",),
    },
    html=False,
)

log = logging.getLogger(__name__)


def run_command(settings: Settings, name: str, *, force: bool, preview: bool = False) -> None:
    """Run one job now, with the same exactly-once guarantees as the schedule."""
    if preview:
        preview_command(settings, name)
        return
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


def preview_command(settings: Settings, name: str) -> None:
    """Print what the job would send to whom now; charts and files go to a fresh folder."""

    async def work() -> Preview:
        database_folder_exists(settings.database_url)
        return await preview_job(JOBS_BY_NAME[name], settings, utcnow())

    found = asyncio.run(work())
    if not found.messages:
        print(TEXTS.get("pratinjau_kosong", job=name))
        return
    recipients = len({sent.chat_id for sent in found.messages})
    print(TEXTS.get("pratinjau_judul", job=name, jumlah=recipients))
    folder: Path | None = None
    for number, sent in enumerate(found.messages, start=1):
        who = found.names.get(sent.chat_id)
        chat = TEXTS.get("pratinjau_chat", chat=sent.chat_id)
        print()
        print(TEXTS.get("pratinjau_penerima", penerima=f"{who} ({chat})" if who else chat))
        if sent.photo is not None:
            folder = folder or chart_folder(name)
            path = folder / f"{number:03d}-{sent.chat_id}.png"
            path.write_bytes(sent.photo)
            print(TEXTS.get("pratinjau_gambar", file=str(path)))
        if sent.document is not None:
            folder = folder or chart_folder(name)
            path = folder / f"{number:03d}-{sent.chat_id}-{sent.filename or 'berkas'}"
            path.write_bytes(sent.document)
            print(TEXTS.get("pratinjau_berkas", file=str(path)))
        if sent.text:
            print(plain(sent.text))
        if sent.buttons:
            print(TEXTS.get("pratinjau_tombol", tombol=" | ".join(sent.buttons)))
    if folder is not None:
        print()
        print(TEXTS.get("pratinjau_folder", folder=str(folder)))


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

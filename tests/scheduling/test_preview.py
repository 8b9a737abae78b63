"""`kinerja-bot jalankan NAME --pratinjau`: what a job would send to whom, as the user reads
it, with charts saved to files — no token, nothing sent, nothing recorded."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from kinerja_bot.cli import main
from kinerja_bot.core.db import Database
from kinerja_bot.core.jobs import ScheduledJob
from kinerja_bot.core.outbox import DeliveryReport, Document, JobServices, Outgoing, deliver_all
from kinerja_bot.core.rules.periods import WIB, PeriodKind
from kinerja_bot.core.settings import Settings, get_settings
from kinerja_bot.reminders.jobs import TEXTS as REMINDERS
from kinerja_bot.scheduling import commands
from kinerja_bot.scheduling.commands import TEXTS
from kinerja_bot.scheduling.preview import plain, preview_job
from kinerja_bot.scheduling.registry import JOBS, JOBS_BY_NAME
from tests.factories import add_employee, add_indicator, add_unit

THURSDAY_9 = datetime(2026, 12, 3, 9, 0, tzinfo=WIB).astimezone(UTC)
SITI = 9100001


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table."""
    async with database.engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(row) for row in (await connection.execute(select(table))).all()), key=repr
            )
            for table in SQLModel.metadata.sorted_tables
        }


async def staff(database: Database) -> None:
    unit = await add_unit(database, "DISDUKCAPIL")
    siti = await add_employee(database, unit, nama="Siti Rahmawati", telegram_id=SITI)
    await add_indicator(database, siti, tahun=2026, kode="IKI-1")


async def test_the_reminder_preview_shows_the_text_and_buttons_and_records_nothing(
    settings: Settings, database: Database
) -> None:
    await staff(database)
    before = await snapshot(database)

    found = await preview_job(JOBS_BY_NAME["pengingat"], settings, THURSDAY_9)
    again = await preview_job(JOBS_BY_NAME["pengingat"], settings, THURSDAY_9)

    (message,) = found.messages
    assert message.chat_id == SITI and found.names == {SITI: "Siti Rahmawati"}
    expected = REMINDERS.get(
        "pengingat", nama="Siti Rahmawati", minggu="30 November 2026 – 6 Desember 2026"
    )
    assert message.text is not None and plain(message.text) == plain(expected)
    assert "<" not in plain(message.text)
    assert len(message.buttons) == 2
    assert len(again.messages) == 1  # the first preview left no "already reminded" behind
    assert await snapshot(database) == before


async def test_every_job_previews_without_a_token_and_leaves_the_database_as_it_was(
    database: Database, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    await staff(database)
    before = await snapshot(database)
    for job in JOBS:
        await asyncio.to_thread(main, ["jalankan", job.name, "--pratinjau"])
        out = capsys.readouterr().out
        assert out.startswith(
            (
                TEXTS.get("pratinjau_kosong", job=job.name),
                TEXTS.get("pratinjau_judul", job=job.name, jumlah=1).split(":")[0],
            )
        ), job.name
    assert await snapshot(database) == before


PNG = b"\x89PNG\r\n\x1a\n-a-chart"


SHEET = Document(b"PK-a-spreadsheet", "daftar.xlsx", "Daftar lengkap")


async def with_chart(services: JobServices, now: datetime, *, force: bool) -> DeliveryReport:
    """A job that sends a text with HTML, a chart and a file through the outbox, as real ones
    do."""
    message = Outgoing(
        SITI, ["<b>Grafik</b> &amp; angka"], photo=PNG, caption="Keterangan", document=SHEET
    )
    return await deliver_all(services.bot, services.database, "uji", "2026-W49", [message])


async def test_a_chart_and_a_document_are_saved_to_files_and_their_paths_printed(
    database: Database,
    cli_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await staff(database)
    job = ScheduledJob("uji", lambda s: s.schedule_summary, PeriodKind.WEEK, with_chart)
    monkeypatch.setitem(commands.JOBS_BY_NAME, "uji", job)
    before = await snapshot(database)

    await asyncio.to_thread(commands.preview_command, get_settings(), "uji")

    lines = capsys.readouterr().out.splitlines()
    assert TEXTS.get("pratinjau_penerima", penerima=f"Siti Rahmawati (chat {SITI})") in lines
    assert "Grafik & angka" in lines
    before_path, after_path = TEXTS.get("pratinjau_gambar", file="\x00").split("\x00")
    (shown,) = [line for line in lines if line.startswith(before_path)]
    path = Path(shown.removeprefix(before_path).removesuffix(after_path))
    assert await asyncio.to_thread(path.read_bytes) == PNG
    before_path, after_path = TEXTS.get("pratinjau_berkas", file="\x00").split("\x00")
    (shown,) = [line for line in lines if line.startswith(before_path)]
    sheet = Path(shown.removeprefix(before_path).removesuffix(after_path))
    assert sheet.name.endswith(SHEET.filename) and sheet.parent == path.parent
    assert await asyncio.to_thread(sheet.read_bytes) == SHEET.content
    assert SHEET.caption in lines
    assert lines[-1] == TEXTS.get("pratinjau_folder", folder=str(path.parent))
    assert await snapshot(database) == before  # the delivery row is gone with the rollback

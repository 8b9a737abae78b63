"""Benchmark: 3,000 reminders through the fake Bot API while it enforces Telegram's limits.

The fake answers 429 past 30 messages in any sliding second (and past 1 per second to one
chat). Prints messages per second achieved and the number of 429s. Goal: at least 27 per
second (90 % of the limit) with no 429 at all.

    .venv/bin/python benchmarks/broadcast_bench.py [--count 3000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import datetime
from pathlib import Path

from telegram import Bot

from kinerja_bot.core.db import Database
from kinerja_bot.core.migrate import upgrade
from kinerja_bot.core.models import Employee, Indicator, Unit
from kinerja_bot.core.outbox import JobServices, Pacer
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.core.settings import load_settings
from kinerja_bot.reminders.jobs import run_reminders
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from kinerja_bot.testing.transports import FakeBotAPIServer

THURSDAY_9 = datetime(2026, 12, 3, 9, tzinfo=WIB)
FIRST_CHAT = 70_000_000


async def populate(database: Database, count: int) -> None:
    """`count` linked ASN, each with one indicator and no report this week."""
    async with database.session() as session:
        unit = Unit(kode="BENCH", nama="Unit Benchmark")
        session.add(unit)
        await session.flush()
        employees = [
            Employee(
                nip=f"1980010120050110{n:05d}"[-18:],
                nama=f"Pegawai {n}",
                jabatan="Staf",
                unit_id=unit.id,
                telegram_id=FIRST_CHAT + n,
            )
            for n in range(count)
        ]
        session.add_all(employees)
        await session.flush()
        session.add_all(
            Indicator(
                kode=f"B-{e.id}",
                employee_id=e.id,
                tahun=2026,
                rhk="-",
                nama="Indikator",
                aspek="kuantitas",
                satuan="dokumen",
                target=100,
            )
            for e in employees
        )


async def main(count: int, database_url: str) -> None:
    settings = load_settings(
        _env_file=None, database_url=database_url, telegram_bot_token="123456:BENCH"
    )
    database = Database(database_url)
    await populate(database, count)
    api = FakeBotAPI(token="123456:BENCH")
    for n in range(count):
        api.user(FIRST_CHAT + n)
    api.enforce_rate_limits(per_second=30, per_chat_per_second=1)
    async with FakeBotAPIServer(api) as server:
        bot = Bot(api.token, base_url=server.base_url, base_file_url=server.base_file_url)
        async with bot:
            services = JobServices(bot, database, settings, Pacer())
            started = time.perf_counter()
            report = await run_reminders(services, THURSDAY_9)
            elapsed = time.perf_counter() - started
    await database.dispose()
    delivered = sum(len(api.sent_to(FIRST_CHAT + n)) for n in range(count))
    print(f"reminders sent:        {report.sent} (delivered {delivered}, failed {report.failed})")
    print(f"time:                  {elapsed:.1f} s")
    print(f"messages per second:   {report.sent / elapsed:.2f} (goal ≥ 27, limit 30)")
    print(f"429 answers:           {api.too_many_requests} (goal 0)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        asyncio.run(main(args.count, url))

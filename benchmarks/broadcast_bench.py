"""Benchmark: 3,000 reminders through the fake Bot API while it enforces Telegram's limits.

The fake answers 429 past 30 messages in any sliding second (and past 1 per second to one
chat); every call takes 100 ms of round-trip. Figures: `broadcast_msgs_per_s` (goal ≥ 27,
90 % of the limit), `broadcast_429`, `broadcast_lost` (recipients without their reminder) and
`broadcast_duplicates` (recipients who got it more than once), all three goal 0. SQLite in a
temporary folder; with BENCH_DATABASE_URL also `broadcast_msgs_per_s_postgres`.
`pacer_msgs_per_s` is the pacer alone: 30 senders, each send a 100 ms sleep, no database and
no Bot API; the ceiling the pacing puts on a broadcast whatever else costs time.

    .venv/bin/python -m benchmarks.broadcast_bench [--quick]
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import datetime
from pathlib import Path

from telegram import Bot

from benchmarks.common import (
    FIRST_USER,
    TOKEN,
    Figures,
    LatentRequest,
    add_staff,
    bench_settings,
    fresh_postgres,
    fresh_sqlite,
    main,
    postgres_url,
)
from kinerja_bot.core.db import Database
from kinerja_bot.core.outbox import WORKERS, JobServices, Pacer
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.reminders.jobs import run_reminders
from kinerja_bot.testing.fake_bot_api import FakeBotAPI

THURSDAY_9 = datetime(2026, 12, 3, 9, tzinfo=WIB)
ROUND_TRIP = 0.1


async def broadcast(database_url: str, count: int) -> Figures:
    database = Database(database_url)
    await add_staff(database, count)
    api = FakeBotAPI(token=TOKEN)
    chats = range(FIRST_USER, FIRST_USER + count)
    for chat in chats:
        api.user(chat)
    api.enforce_rate_limits(per_second=30, per_chat_per_second=1)
    bot = Bot(TOKEN, request=LatentRequest(api, ROUND_TRIP))
    async with bot:
        services = JobServices(bot, database, bench_settings(database_url), Pacer())
        started = time.perf_counter()
        report = await run_reminders(services, THURSDAY_9)
        elapsed = time.perf_counter() - started
    await database.dispose()
    received = [len(api.sent_to(chat)) for chat in chats]
    return {
        "broadcast_msgs_per_s": round(report.sent / elapsed, 2),
        "broadcast_429": api.too_many_requests,
        "broadcast_lost": sum(1 for n in received if n == 0),
        "broadcast_duplicates": sum(1 for n in received if n > 1),
    }


async def pacer_alone(count: int) -> float:
    pacer = Pacer()
    chats = iter(range(count))

    async def sender() -> None:
        for chat in chats:
            async with pacer.turn(chat):
                await asyncio.sleep(ROUND_TRIP)

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(WORKERS)))
    return count / (time.perf_counter() - started)


def run(quick: bool = False) -> Figures:
    count = 600 if quick else 3000
    with tempfile.TemporaryDirectory(prefix="kinerja-broadcast-") as folder:
        figures = asyncio.run(broadcast(fresh_sqlite(Path(folder), "broadcast"), count))
    figures["pacer_msgs_per_s"] = round(asyncio.run(pacer_alone(300)), 2)
    database_url = postgres_url()
    if database_url is not None:
        on_postgres = asyncio.run(broadcast(fresh_postgres(database_url), count))
        figures["broadcast_msgs_per_s_postgres"] = on_postgres["broadcast_msgs_per_s"]
    return figures


if __name__ == "__main__":
    main(run)

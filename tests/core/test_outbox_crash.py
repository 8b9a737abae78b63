"""A broadcast killed with SIGKILL at any moment and run again, at once or later, gives every
recipient every part exactly once; only a part in flight at a kill (Telegram may have accepted
it before the row said so) may arrive once more. Plus the claim of one part, on its own."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from telegram import Bot

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Delivery, DeliveryStatus
from kinerja_bot.core.outbox import (
    CLAIM_LEASE,
    WORKERS,
    Busy,
    Claimed,
    Finished,
    Outgoing,
    Pacer,
    claim_part,
    deliver_all,
    open_row,
    record_part,
)
from kinerja_bot.core.settings import Settings
from kinerja_bot.testing import TINY_PNG
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from kinerja_bot.testing.protocol import Reply, Upload
from kinerja_bot.testing.transports import FakeBotAPIServer
from tests.conftest import FakeClock

ROOT = Path(__file__).resolve().parents[2]
CHATS = list(range(7000, 7040))
JOB, PERIOD = "ringkasan", "2026-W49"
PARTS = ("teks 1", "teks 2", "grafik")  # the weekly summary: text split in two, then the chart


def summaries() -> list[Outgoing]:
    return [
        Outgoing(chat, [f"Ringkasan {chat} bagian 1", f"Ringkasan {chat} bagian 2"], photo=TINY_PNG)
        for chat in CHATS
    ]


async def broadcast(database_url: str, base_url: str, token: str) -> None:
    """One run of the broadcast, as the bot or `kinerja-bot jalankan` does it. Its pacer runs
    on a fake clock: waiting out a dead sender's claim takes no real time."""
    clock = FakeClock()
    database = Database(database_url)
    async with Bot(token, base_url=base_url) as bot:
        await deliver_all(
            bot, database, JOB, PERIOD, summaries(), pacer=Pacer(clock=clock, sleep=clock.sleep)
        )
    await database.dispose()


def main() -> None:
    """The broadcast in a process of its own: `python -c '...; main()' URL BASE_URL TOKEN`."""
    asyncio.run(broadcast(*sys.argv[1:4]))


def part_of(message: SentMessage) -> str:
    if message.kind == "photo":
        return "grafik"
    return "teks 1" if (message.text or "").endswith("bagian 1") else "teks 2"


class KillingAPI(FakeBotAPI):
    """Kills the sending process (SIGKILL) at its n-th send: before Telegram stores it, or
    after storing it but before the sender hears back (the reply is lost)."""

    def __init__(self, token: str) -> None:
        super().__init__(token=token)
        self.sends = 0
        self.kill_at: int | None = None
        self.after_accepting = False
        self.victim: int | None = None

    async def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, Upload] | None = None,
    ) -> Reply:
        if not method.startswith("send"):
            return await super().call(method, params, files)
        self.sends += 1
        if self.sends != self.kill_at:
            return await super().call(method, params, files)
        if self.after_accepting:
            await super().call(method, params, files)
        assert self.victim is not None
        os.kill(self.victim, signal.SIGKILL)
        self.kill_at = None
        await asyncio.Event().wait()  # the sender is gone: nobody reads a reply
        raise AssertionError("unreachable")


async def run_process(
    api: KillingAPI, url: str, base_url: str, kill: tuple[int, bool] | None
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from tests.core.test_outbox_crash import main; main()",
        url,
        base_url,
        api.token,
        cwd=ROOT,
    )
    api.victim = process.pid
    api.sends = 0
    api.kill_at, api.after_accepting = kill if kill else (None, False)
    code = await process.wait()
    assert code == (-signal.SIGKILL if kill else 0)


async def left_sending(database: Database) -> list[Delivery]:
    async with database.session() as session:
        rows = await session.exec(select(Delivery).where(Delivery.status == DeliveryStatus.SENDING))
        return list(rows.all())


def sends(api: FakeBotAPI) -> int:
    return len(api.calls("sendMessage")) + len(api.calls("sendPhoto"))


# Kill points: (n-th send of that run, whether Telegram had accepted it), one run after another.
KILLS = {
    "first send, accepted": [(1, True)],
    "mid-broadcast, not accepted, then the rerun killed too": [(35, False), (20, True)],
    "photos under way, accepted": [(100, True)],
}


@pytest.mark.parametrize("kills", KILLS.values(), ids=KILLS.keys())
async def test_a_killed_broadcast_rerun_at_once_and_later_sends_every_part_once(
    settings: Settings, database: Database, kills: list[tuple[int, bool]]
) -> None:
    assert settings.telegram_bot_token is not None
    api = KillingAPI(settings.telegram_bot_token.get_secret_value())
    for chat in CHATS:
        api.user(chat)
    in_flight_at_kills: Counter[tuple[int, str]] = Counter()
    async with FakeBotAPIServer(api) as server:
        for kill in kills:
            await run_process(api, settings.database_url, server.base_url, kill)
            in_flight = await left_sending(database)
            # Claimed only in their turn: no more rows mid-send than senders at work.
            assert len(in_flight) <= WORKERS
            in_flight_at_kills.update((row.chat_id, PARTS[row.parts_sent]) for row in in_flight)
        await run_process(api, settings.database_url, server.base_url, None)  # at once
        before_later = sends(api)
        await broadcast(settings.database_url, server.base_url, api.token)  # later
        assert sends(api) == before_later

    for chat in CHATS:
        received = [part_of(message) for message in api.sent_to(chat)]
        assert set(received) == set(PARTS), chat
        assert received == sorted(received, key=PARTS.index), chat  # in order
        for part, count in Counter(received).items():
            assert count <= 1 + in_flight_at_kills[(chat, part)], (chat, part, count)
    async with database.session() as session:
        rows = (await session.exec(select(Delivery))).all()
    assert len(rows) == len(CHATS)
    assert {(row.status, row.parts_sent) for row in rows} == {(DeliveryStatus.SENT, len(PARTS))}


# --- The claim of one part -------------------------------------------------------------------


async def test_two_senders_claiming_one_part_at_once_only_one_gets_it(
    database: Database,
) -> None:
    pacer = Pacer()
    row_id = await open_row(database, JOB, PERIOD, CHATS[0], force=False, now=pacer.now())
    assert row_id is not None
    assert await open_row(database, JOB, PERIOD, CHATS[0], force=False, now=pacer.now()) == row_id
    claims = await asyncio.gather(
        *(claim_part(database, row_id, 3, now=pacer.now()) for _ in range(2))
    )
    assert sorted(type(claim).__name__ for claim in claims) == ["Busy", "Claimed"]
    busy = next(claim for claim in claims if isinstance(claim, Busy))
    assert busy.until - pacer.now() > CLAIM_LEASE / 2  # held by the winner's fresh claim


async def test_a_message_goes_on_from_its_next_part_and_a_lapsed_claim_is_taken_over(
    database: Database,
) -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    row_id = await open_row(database, JOB, PERIOD, CHATS[0], force=False, now=pacer.now())
    assert row_id is not None
    assert await claim_part(database, row_id, 3, now=pacer.now()) == Claimed(0)
    await record_part(database, row_id, 0, 3, 11, now=pacer.now())
    assert await claim_part(database, row_id, 3, now=pacer.now()) == Claimed(1)
    # The sender dies with part 1 in flight: its claim holds for the lease, then lapses.
    assert isinstance(await claim_part(database, row_id, 3, now=pacer.now()), Busy)
    await clock.sleep(CLAIM_LEASE.total_seconds() + 1)
    assert await claim_part(database, row_id, 3, now=pacer.now()) == Claimed(1)
    await record_part(database, row_id, 1, 3, 12, now=pacer.now())
    assert await claim_part(database, row_id, 3, now=pacer.now()) == Claimed(2)
    await record_part(database, row_id, 2, 3, 13, now=pacer.now())
    assert await claim_part(database, row_id, 3, now=pacer.now()) == Finished()
    async with database.session() as session:
        row = await session.get(Delivery, row_id)
    assert row is not None
    assert (row.status, row.parts_sent, row.message_id) == (DeliveryStatus.SENT, 3, 11)

    assert await open_row(database, JOB, PERIOD, CHATS[0], force=False, now=pacer.now()) is None
    forced = await open_row(database, JOB, PERIOD, CHATS[0], force=True, now=pacer.now())
    assert forced == row_id
    assert await claim_part(database, forced, 3, now=pacer.now()) == Claimed(0)

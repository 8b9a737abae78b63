"""Broadcasts against the fake Bot API: Telegram's limits kept, 429/502/403 absorbed, every
message delivered exactly once, reruns send nothing new — all on a controlled clock."""

from __future__ import annotations

import pytest
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Delivery, DeliveryStatus
from kinerja_bot.core.outbox import (
    CLAIM_LEASE,
    PER_CHAT_SECONDS,
    Outgoing,
    deliver_all,
    split_blocks,
)
from kinerja_bot.core.settings import Settings
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from tests.conftest import FakeClock, job_services

CHATS = list(range(5000, 5040))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limited_api(settings: Settings, clock: FakeClock) -> FakeBotAPI:
    assert settings.telegram_bot_token is not None
    api = FakeBotAPI(token=settings.telegram_bot_token.get_secret_value(), clock=clock)
    for chat in CHATS:
        api.user(chat)
    return api


def messages(text: str = "Pengingat") -> list[Outgoing]:
    return [Outgoing(chat, [f"{text} {chat}"]) for chat in CHATS]


async def statuses(database: Database) -> dict[int, str]:
    async with database.session() as session:
        return {d.chat_id: d.status for d in (await session.exec(select(Delivery))).all()}


async def test_faults_are_absorbed_and_each_message_arrives_once(
    settings: Settings, database: Database, limited_api: FakeBotAPI, clock: FakeClock
) -> None:
    api = limited_api
    api.enforce_rate_limits(per_second=30, per_chat_per_second=1)
    api.inject_fault("sendMessage", 429, times=2, retry_after=3)
    api.inject_fault("sendMessage", 502, times=3)
    blocked = CHATS[7]
    api.inject_fault("sendMessage", 403, chat_id=blocked, times=None)
    async with job_services(settings, database, api, clock) as services:
        report = await deliver_all(
            services.bot, database, "pengingat", "2026-W49#1", messages(), pacer=services.pacer
        )
        await clock.sleep(PER_CHAT_SECONDS)  # past the first run's pacing
        after_first = clock()
        again = await deliver_all(
            services.bot, database, "pengingat", "2026-W49#1", messages(), pacer=services.pacer
        )
    assert report.sent == len(CHATS) - 1 and report.failed == 0
    assert report.blocked == [blocked]
    assert clock() == after_first  # the rerun skipped every finished row without pacing
    for chat in CHATS:
        assert len(api.sent_to(chat)) == (0 if chat == blocked else 1), chat
    assert api.too_many_requests == 2  # only the injected ones, none from pacing
    stored = await statuses(database)
    assert stored[blocked] == DeliveryStatus.BLOCKED
    assert {s for c, s in stored.items() if c != blocked} == {DeliveryStatus.SENT}
    assert again.sent == 0 and again.skipped == len(CHATS)


async def test_one_recipient_meeting_every_injected_fault_is_still_sent(
    settings: Settings, database: Database, limited_api: FakeBotAPI, clock: FakeClock
) -> None:
    """Which sender meets the injected faults depends on which request arrives first, which
    depends on how busy the machine is; the outcome must not. Here one recipient meets them
    all: 429s are flow control, not failed attempts, so it is still sent."""
    api = limited_api
    unlucky = CHATS[3]
    api.inject_fault("sendMessage", 429, chat_id=unlucky, times=2, retry_after=3)
    api.inject_fault("sendMessage", 502, chat_id=unlucky, times=3)
    async with job_services(settings, database, api, clock) as services:
        report = await deliver_all(
            services.bot, database, "pengingat", "2026-W49#1", messages(), pacer=services.pacer
        )
    assert report.sent == len(CHATS) and report.failed == 0
    assert len(api.sent_to(unlucky)) == 1


async def test_pacing_stays_under_telegrams_limits(
    settings: Settings, database: Database, limited_api: FakeBotAPI, clock: FakeClock
) -> None:
    api = limited_api
    api.enforce_rate_limits(per_second=30, per_chat_per_second=1)
    started = clock()
    async with job_services(settings, database, api, clock) as services:
        two_parts = [Outgoing(chat, ["bagian 1", "bagian 2"]) for chat in CHATS]
        report = await deliver_all(
            services.bot, database, "ringkasan", "2026-W49", two_parts, pacer=services.pacer
        )
    assert report.sent == len(CHATS)
    assert api.too_many_requests == 0
    elapsed = clock() - started
    assert elapsed >= (2 * len(CHATS)) / 30  # no faster than Telegram allows
    # (throughput against the real clock is measured by benchmarks/broadcast_bench.py)


async def test_force_resends_and_a_dead_senders_claim_is_sent_once_it_lapses(
    settings: Settings, database: Database, limited_api: FakeBotAPI, clock: FakeClock
) -> None:
    api = limited_api
    one = [Outgoing(CHATS[0], ["Halo"])]
    async with job_services(settings, database, api, clock) as services:
        await deliver_all(services.bot, database, "eskalasi", "ADU-1", one, pacer=services.pacer)
        forced = await deliver_all(
            services.bot, database, "eskalasi", "ADU-1", one, force=True, pacer=services.pacer
        )
        assert forced.sent == 1 and len(api.sent_to(CHATS[0])) == 2

        async with database.session() as session:  # a sender died while sending to CHATS[1]
            session.add(
                Delivery(
                    job="eskalasi",
                    period="ADU-2",
                    chat_id=CHATS[1],
                    status=DeliveryStatus.SENDING,
                    claimed_at=services.pacer.now(),
                )
            )
        fresh = [Outgoing(CHATS[1], ["Halo"])]
        started = clock()
        retried = await deliver_all(
            services.bot, database, "eskalasi", "ADU-2", fresh, pacer=services.pacer
        )
    # The rerun waited for the dead sender's claim to lapse, then sent the message once.
    assert retried.sent == 1 and len(api.sent_to(CHATS[1])) == 1
    assert clock() - started >= CLAIM_LEASE.total_seconds()


def test_long_text_is_split_between_blocks() -> None:
    blocks = [f"<b>Blok {n}</b>\n" + "baris\n" * 150 for n in range(8)]
    parts = split_blocks(blocks, limit=4096)
    assert len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    assert "".join(parts).count("<b>Blok") == 8
    assert all(p.count("<b>") == p.count("</b>") for p in parts)

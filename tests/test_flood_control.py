"""Flood control: too many updates too fast are dropped after one "pelan-pelan" message."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest
from telegram.error import RetryAfter

from kinerja_bot.core.db import Database
from kinerja_bot.core.flood_control import (
    FLOOD_GROUP,
    NOTICE_GAP_SECONDS,
    TEXTS,
    FloodGuard,
    FloodHandler,
    PatientRateLimiter,
)
from kinerja_bot.core.outbox import SCHEDULED
from kinerja_bot.core.settings import ConfigError, Settings, load_settings
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from tests.conftest import FakeClock, running_bot

USER = 5880001
ADMIN = 900001


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_window_slides_and_one_refusal_per_burst_is_announced() -> None:
    clock = Clock()
    guard = FloodGuard(limit=3, window=10, clock=clock)
    assert [guard.admit(USER) for _ in range(3)] == [True, True, True]
    assert guard.admit(USER) is False
    assert guard.first_refusal(USER) is True
    assert guard.wait_seconds(USER) == 10
    clock.now += 4
    assert guard.admit(USER) is False
    assert guard.first_refusal(USER) is False  # told once per burst
    assert guard.admit(USER + 1) is True  # others are not affected
    clock.now += 11
    assert guard.admit(USER) is True
    assert guard.first_refusal(USER + 2) is True


def test_idle_users_are_forgotten_once_a_window_has_passed() -> None:
    clock = Clock()
    guard = FloodGuard(limit=3, window=10, clock=clock)
    for user in range(5):
        guard.admit(user)
    clock.now += 5
    guard.admit(99)
    assert set(guard._hits) == {0, 1, 2, 3, 4, 99}  # all still within their window
    clock.now += 6
    guard.admit(100)
    assert set(guard._hits) == {99, 100}


async def test_a_flooding_user_is_slowed_and_others_are_not(
    settings: Settings, database: Database, api: FakeBotAPI
) -> None:
    limited = settings.model_copy(update={"user_message_limit": 3})
    async with running_bot(limited, database, api) as bot:
        (flood,) = [h for h in bot.application.handlers[FLOOD_GROUP] if isinstance(h, FloodHandler)]
        clock = Clock()
        flood.guard.clock = clock
        for _ in range(3):
            (reply,) = await bot.say(USER, "/batal")
            assert reply.plain_text == GENERAL.get("batal_kosong")
        (reply,) = await bot.say(USER, "/batal")
        assert reply.plain_text == TEXTS.get("pelan_pelan", detik=30)
        bot.api.send_text(USER, "/batal")  # dropped without a word
        (reply,) = await bot.say(USER + 1, "/batal")  # another user is served meanwhile
        assert reply.plain_text == GENERAL.get("batal_kosong")
        for _ in range(5):
            (reply,) = await bot.say(ADMIN, "/batal")  # admins are never limited
        clock.now += 31
        (reply,) = await bot.say(USER, "/batal")
        assert reply.plain_text == GENERAL.get("batal_kosong")
        assert len(bot.api.sent_to(USER)) == 5  # 3 answers, "pelan-pelan", this one: no more

        # A flood of button presses is answered (so the client stops spinning), once with text.
        clock.now += 100
        for _ in range(3):
            bot.api.press_button(USER, reply, "lapor:lama:1", check=False)
        await bot.api.wait_until(lambda: len(bot.api.answered_callbacks) == 3)
        bot.api.press_button(USER, reply, "lapor:lama:1", check=False)
        bot.api.press_button(USER, reply, "lapor:lama:1", check=False)
        await bot.api.wait_until(lambda: len(bot.api.answered_callbacks) == 5)
        assert bot.api.answered_callbacks[3]["text"] == TEXTS.get(
            "peringatan_pelan_pelan", detik=30
        )
        assert "text" not in bot.api.answered_callbacks[4]
    assert bot.errors == []


def test_limits_are_settings_with_clear_errors() -> None:
    settings = load_settings(
        _env_file=None, user_message_limit="5", user_message_window_seconds="2"
    )
    assert (settings.user_message_limit, settings.user_message_window_seconds) == (5, 2)
    with pytest.raises(ConfigError, match="USER_MESSAGE_LIMIT"):
        load_settings(_env_file=None, user_message_limit="0")
    with pytest.raises(ConfigError, match="SURVEY_DAILY_LIMIT"):
        load_settings(_env_file=None, survey_daily_limit="nol")
    with pytest.raises(ConfigError, match="PERSONAL_DATA_RETENTION_DAYS"):
        load_settings(_env_file=None, personal_data_retention_days="0")
    assert load_settings(_env_file=None, respondent_hash_secret="").respondent_hash_secret is None


# --- The bot's own calls: PatientRateLimiter, on a clock that moves only when it waits --------


class TelegramCalls:
    """The callback a rate limiter wraps: records (time, chat, text) of every message sent;
    answers 429 to the first `refusals` calls."""

    def __init__(self, clock: FakeClock, refusals: int = 0) -> None:
        self.clock = clock
        self.refusals = refusals
        self.sent: list[tuple[float, Any, str]] = []

    async def __call__(self, endpoint: str, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if self.refusals:
            self.refusals -= 1
            raise RetryAfter(timedelta(seconds=3))
        self.sent.append((self.clock.now, data["chat_id"], data["text"]))
        return {"ok": True}

    def replies(self) -> list[tuple[float, Any]]:
        return [(at, chat) for at, chat, text in self.sent if text == REPLY]

    def notices(self) -> list[tuple[float, Any]]:
        return [(at, chat) for at, chat, text in self.sent if text == TEXTS.get("sedang_ramai")]


REPLY = "Bantuan"


async def send_all(limiter: PatientRateLimiter, calls: TelegramCalls, chats: list[Any]) -> None:
    """Every chat gets a reply, all asked for at once."""
    requests = [{"chat_id": chat, "text": REPLY} for chat in chats]
    await asyncio.gather(
        *(
            limiter.process_request(calls, ("sendMessage", data), {}, "sendMessage", data, None)
            for data in requests
        )
    )


def limiter_on(clock: FakeClock, **options: Any) -> PatientRateLimiter:
    return PatientRateLimiter(clock=clock, sleep=clock.sleep, **options)


async def test_sends_are_paced_overall_and_per_group_in_arrival_order() -> None:
    clock = FakeClock()
    limiter, calls = limiter_on(clock, per_second=10), TelegramCalls(clock)
    await send_all(limiter, calls, [*range(1, 21), -100, -100])
    times = [at for at, _ in calls.replies()]
    assert [chat for _, chat in calls.replies()][:20] == list(range(1, 21))  # first come
    assert all(later - earlier >= 0.1 - 1e-9 for earlier, later in pairwise(times))
    group = [at for at, chat in calls.replies() if chat == -100]
    assert group[1] - group[0] >= 3  # 20 a minute in one group


async def test_edits_in_private_chats_are_not_paced_like_messages_sent() -> None:
    """A press costs a keyboard removal and the next question: only the question is a message
    Telegram counts in its 30 a second. In a group an edit still waits its turn."""
    clock = FakeClock()
    limiter, calls = limiter_on(clock, per_second=10), TelegramCalls(clock)
    started = clock.now

    async def edit(chat: int) -> None:
        data = {"chat_id": chat, "message_id": 1, "text": "edit"}
        await limiter.process_request(
            calls, ("editMessageReplyMarkup", data), {}, "editMessageReplyMarkup", data, None
        )

    sends = asyncio.create_task(send_all(limiter, calls, list(range(1, 21))))
    for _ in range(2):  # send_all starts its tasks; they line up
        await asyncio.sleep(0)
    assert limiter.waiting >= 19  # two seconds' worth of messages in line (one may be out)
    await asyncio.gather(edit(7), edit(-100), edit(-100))
    await sends
    edited_at = [(at, chat) for at, chat, text in calls.sent if text == "edit"]
    assert edited_at[0][1] == 7 and edited_at[0][0] < calls.replies()[2][0]  # not in line
    assert calls.replies()[-1][0] >= started + 1.9  # the messages were paced
    in_group = [at for at, chat in edited_at if chat == -100]
    assert in_group[1] - in_group[0] >= 3  # in a group: paced like a message


async def test_a_429_holds_the_queue_and_the_call_goes_again_never_dropped() -> None:
    clock = FakeClock()
    limiter, calls = limiter_on(clock, per_second=30), TelegramCalls(clock, refusals=5)
    await send_all(limiter, calls, list(range(1, 31)))
    assert sorted(chat for _, chat in calls.replies()) == list(range(1, 31))  # all 30 sent
    assert clock.now - 1_000 >= 5 * 3  # each refusal held everything for its retry_after
    assert limiter.pace < 30  # and slowed the pace down


async def test_only_users_waiting_long_for_a_reply_are_told_it_is_busy_once() -> None:
    clock = FakeClock()
    waiting_users = set(range(1, 101))
    limiter = limiter_on(
        clock, per_second=10, notice_after=2, awaiting_reply=waiting_users.__contains__
    )
    calls = TelegramCalls(clock)
    await send_all(limiter, calls, [*range(1, 101), 5000])  # 5000: a broadcast recipient
    notices = calls.notices()
    noticed = [chat for _, chat in notices]
    assert noticed == list(range(21, 101))  # their turn was more than 2 s away, at 10 a second
    replied_at = dict((chat, at) for at, chat in calls.replies())
    assert all(replied_at[chat] >= at + NOTICE_GAP_SECONDS for at, chat in notices)
    assert notices[-1][0] < replied_at[21]  # the notices went ahead of the queue
    assert sorted(replied_at) == [*range(1, 101), 5000]


async def test_scheduled_messages_wait_behind_every_reply() -> None:
    clock = FakeClock()
    limiter, calls = limiter_on(clock, per_second=10), TelegramCalls(clock)

    async def scheduled(chat: int) -> None:
        SCHEDULED.set(True)  # as the outbox does around each send (this task's context only)
        data = {"chat_id": chat, "text": REPLY}
        await limiter.process_request(calls, ("sendMessage", data), {}, "sendMessage", data, None)

    broadcast = [asyncio.create_task(scheduled(chat)) for chat in range(5001, 5021)]
    await asyncio.gather(*broadcast[:3])  # the broadcast has begun
    await send_all(limiter, calls, list(range(1, 6)))  # five users ask for something meanwhile
    await asyncio.gather(*broadcast)
    order = [chat for _, chat, _ in calls.sent]
    first_reply = order.index(1)
    assert order[first_reply : first_reply + 5] == [1, 2, 3, 4, 5]  # straight after asking
    assert first_reply < 10 and order[-1] > 5000  # ahead of most of the broadcast
    assert sorted(order) == [*range(1, 6), *range(5001, 5021)]  # nothing dropped

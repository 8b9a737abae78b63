"""Flood control: too many updates too fast are dropped after one "pelan-pelan" message."""

from __future__ import annotations

import pytest

from kinerja_bot.core.db import Database
from kinerja_bot.core.flood_control import FLOOD_GROUP, TEXTS, FloodGuard, FloodHandler
from kinerja_bot.core.settings import ConfigError, Settings, load_settings
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from tests.conftest import running_bot

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


def test_idle_users_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kinerja_bot.core.flood_control.PRUNE_ABOVE", 5)
    clock = Clock()
    guard = FloodGuard(limit=3, window=10, clock=clock)
    for user in range(5):
        guard.admit(user)
    clock.now += 20
    guard.admit(99)
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

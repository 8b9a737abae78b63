"""A conversation left idle for 30 minutes is closed (core/idle_conversations.py): the user is
told once, it is gone from memory and from the database, and it is never closed while the
user's own update is being handled."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select
from telegram.error import Forbidden
from telegram.ext._utils.trackingdict import TrackingDict

from kinerja_bot.core.db import Database
from kinerja_bot.core.idle_conversations import (
    IdleClosingConversation,
    close_idle_conversations,
    open_conversations,
)
from kinerja_bot.core.models import ConversationState
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.update_processing import PerUserOrderedProcessor
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from tests.conftest import FakeClock, RunningBot, idle_for, running_bot
from tests.factories import add_employee, add_indicator, add_unit

ASN = 7200001


@pytest.fixture(autouse=True)
async def asn(database: Database) -> None:
    """Someone with an indicator to report on: /lapor is the conversation used here."""
    unit = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    employee = await add_employee(database, unit, nama="Siti Rahmawati", telegram_id=ASN)
    await add_indicator(database, employee, nama="Jumlah KTP-el dicetak", target=1200)


def timeouts_told(api: FakeBotAPI) -> int:
    return sum(message.plain_text == GENERAL.get("habis_waktu") for message in api.sent_to(ASN))


async def stored_conversations(database: Database) -> list[str]:
    async with database.session() as session:
        return list((await session.exec(select(ConversationState.name))).all())


def lapor(bot: RunningBot) -> IdleClosingConversation:
    (handler,) = [
        handler
        for group in bot.application.handlers.values()
        for handler in group
        if isinstance(handler, IdleClosingConversation) and handler.name == "lapor"
    ]
    return handler


async def test_each_step_starts_the_30_minutes_again(
    bot: RunningBot, idle_clock: FakeClock
) -> None:
    (choose,) = await bot.say(ASN, "/lapor")
    await idle_for(bot, idle_clock, 20)
    bot.api.press_button(ASN, choose, label=choose.button_labels[0])
    await bot.api.next_message(ASN)
    await idle_for(bot, idle_clock, 20)  # 40 minutes since /lapor, 20 since the step
    assert timeouts_told(bot.api) == 0
    await idle_for(bot, idle_clock, 11)
    assert timeouts_told(bot.api) == 1
    await idle_for(bot, idle_clock, 31)  # closed once, told once
    assert timeouts_told(bot.api) == 1


async def test_a_conversation_the_user_ended_is_not_timed_out(
    bot: RunningBot, idle_clock: FakeClock
) -> None:
    await bot.say(ASN, "/lapor")
    (done,) = await bot.say(ASN, "/batal")
    assert done.plain_text == GENERAL.get("batal_selesai")
    await idle_for(bot, idle_clock, 31)
    assert timeouts_told(bot.api) == 0


async def test_the_timeout_waits_for_the_users_own_update_and_then_lets_it_be(
    bot: RunningBot, database: Database, idle_clock: FakeClock
) -> None:
    (choose,) = await bot.say(ASN, "/lapor")
    processor = bot.application.update_processor
    assert isinstance(processor, PerUserOrderedProcessor)
    await bot.api.wait_until(lambda: not processor.is_busy(ASN))  # /lapor is done with
    # An earlier update of the user's still being handled holds their turn.
    release = asyncio.Event()
    earlier = asyncio.create_task(processor.in_turn(ASN, release.wait()))
    await asyncio.sleep(0)
    # The user takes a step 31 minutes after /lapor; it waits for its turn, and so does the
    # check that found the conversation idle.
    idle_clock.now += 31 * 60
    bot.api.press_button(ASN, choose, label=choose.button_labels[0])
    await bot.api.wait_until(lambda: processor.is_busy(ASN))
    check = asyncio.create_task(close_idle_conversations(bot.application))
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(earlier, check)
    # The step went on; the conversation is open, idle only from the step on.
    assert "Realisasi" in (await bot.api.next_message(ASN)).plain_text
    assert timeouts_told(bot.api) == 0
    assert await stored_conversations(database) == ["lapor"]
    await idle_for(bot, idle_clock, 31)
    assert timeouts_told(bot.api) == 1
    assert await stored_conversations(database) == []


async def test_a_conversation_restored_at_a_restart_is_closed_after_30_idle_minutes(
    settings: Settings, database: Database, api: FakeBotAPI, idle_clock: FakeClock
) -> None:
    async with running_bot(settings, database, api) as first:
        await first.say(ASN, "/lapor")
        await first.handled.wait(api.last_update_id)
    idle_clock.now += 24 * 3600  # the bot was down for a day
    async with running_bot(settings, database, api) as second:
        # Before, a restored conversation stayed open until the user wrote again. Now its
        # 30 minutes start when the first check after the start finds it.
        await close_idle_conversations(second.application)
        idle_clock.now += 29 * 60
        await close_idle_conversations(second.application)
        assert timeouts_told(api) == 0
        idle_clock.now += 2 * 60
        await close_idle_conversations(second.application)
        assert (await api.next_message(ASN)).plain_text == GENERAL.get("habis_waktu")
    assert await stored_conversations(database) == []
    async with running_bot(settings, database, api) as third:
        (after,) = await third.say(ASN, "120")
        assert after.plain_text == GENERAL.get("teks_tidak_dipahami")
    assert first.errors == second.errors == third.errors == []


async def test_the_conversation_ends_even_if_the_user_blocked_the_bot(
    bot: RunningBot, database: Database, idle_clock: FakeClock
) -> None:
    await bot.say(ASN, "/lapor")
    bot.api.inject_fault("sendMessage", 403, chat_id=ASN)
    await idle_for(bot, idle_clock, 31)
    assert timeouts_told(bot.api) == 0
    assert [type(error) for error in bot.errors] == [Forbidden]  # logged by the error handler
    bot.errors.clear()
    assert await stored_conversations(database) == []
    await idle_for(bot, idle_clock, 31)  # not tried again
    assert bot.errors == []


async def test_open_conversations_is_ptbs_own_record_of_them(
    bot: RunningBot, database: Database
) -> None:
    """`open_conversations` is the one place reaching into PTB's ConversationHandler: this
    fails if a PTB upgrade renames or reshapes what it reads."""
    await bot.say(ASN, "/lapor")
    await bot.handled.wait(bot.api.last_update_id)
    conversations = open_conversations(lapor(bot))
    assert isinstance(conversations, TrackingDict)  # what update_persistence writes
    assert list(conversations) == [(ASN, ASN)]  # per chat and user, in a private chat
    assert await stored_conversations(database) == ["lapor"]
    conversations.pop((ASN, ASN))
    await bot.application.update_persistence()
    assert await stored_conversations(database) == []
    (after,) = await bot.say(ASN, "120")
    assert after.plain_text == GENERAL.get("teks_tidak_dipahami")

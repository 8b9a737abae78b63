"""Calls whose answer nobody reads (`telegram_ui.unread`): the same request and the same
errors as a call whose answer is read, only Telegram's answer is not read into a Message."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Message
from telegram.error import BadRequest

from kinerja_bot.app import build_application
from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.telegram_ui import unread
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from kinerja_bot.testing.transports import FakeRequest

USER = 8200001


async def test_an_unread_call_sends_the_same_request_and_fails_the_same(
    settings: Settings, database: Database, api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.user(USER, "Rudi")
    read_messages: list[dict[str, Any]] = []
    de_json = Message.de_json

    def reading(data: dict[str, Any], bot: Any = None) -> Message:
        read_messages.append(data)
        return de_json(data, bot)

    monkeypatch.setattr(Message, "de_json", reading)
    bot = build_application(settings, request=FakeRequest(api), database=database).bot
    async with bot:
        first = await bot.send_message(USER, "<b>Halo</b>")
        assert len(read_messages) == 1
        await unread(bot.send_message(USER, "<b>Halo</b>"))
        with pytest.raises(BadRequest, match="not modified"):
            await unread(bot.edit_message_text("<b>Halo</b>", USER, first.message_id))
        assert len(read_messages) == 1  # nothing read while unread
        last = await bot.send_message(USER, "lagi")  # and read again after

    assert isinstance(last, Message) and len(read_messages) == 2
    sent = api.calls("sendMessage")
    assert sent[0].params == sent[1].params  # the Defaults' parse mode (HTML) included
    assert [m.plain_text for m in api.sent_to(USER)] == ["Halo", "Halo", "lagi"]

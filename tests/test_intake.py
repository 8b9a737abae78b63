"""What reaches the features at all: only new messages and button presses in private chats.

Groups and channels get nothing personal, edited messages drive nothing, and an update the
library cannot read is skipped without stopping anyone else (see docs/reliability.md)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlmodel import select

from kinerja_bot.app import build_application
from kinerja_bot.core.db import Database
from kinerja_bot.core.inbox import repeat_of
from kinerja_bot.core.models import Employee, InboxUpdate
from kinerja_bot.core.settings import Settings
from kinerja_bot.general import GROUP_NOTICES, TEXTS, GroupNotices
from kinerja_bot.privacy.handlers import TEXTS as PRIVACY
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from kinerja_bot.testing.transports import FakeRequest
from tests.conftest import RunningBot
from tests.factories import add_employee, add_indicator, add_unit

ASN = 8100001
CITIZEN = 8100002
GROUP = -1008100
CHANNEL = -1008200
NAME = "Siti Rahmawati"


@pytest.fixture(autouse=True)
def fresh_group_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with groups that have not heard the notice yet."""
    monkeypatch.setattr(GROUP_NOTICES, "_last", {})


@pytest.fixture
async def siti(database: Database) -> Employee:
    unit = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    siti = await add_employee(database, unit, nama=NAME, telegram_id=ASN)
    await add_indicator(database, siti, nama="Jumlah KTP-el dicetak", target=1200)
    return siti


async def settled(bot: RunningBot) -> None:
    """Wait until every queued update was fetched and fully processed."""
    processor = bot.application.update_processor
    for _ in range(2000):
        queue_empty = bot.application.update_queue.empty() and not bot.api.pending_updates
        if queue_empty and processor.current_concurrent_updates == 0:
            return
        await asyncio.sleep(0.005)
    raise TimeoutError("updates still being processed")


async def test_a_group_gets_only_a_pointer_to_the_private_chat(
    bot: RunningBot, siti: Employee
) -> None:
    bot.api.group(GROUP, "Grup Disdukcapil")
    for command in ("/datasaya", "/kinerja", "/tim", "/analisis", "/lapor", "/start"):
        bot.api.send_group_text(GROUP, ASN, command)
    bot.api.send_group_text(GROUP, ASN, f"/datasaya@{bot.api.bot.username}")
    # One user's updates run in order: once this private reply is there, the group's are done.
    (help_reply,) = await bot.say(ASN, "/bantuan")

    (notice,) = bot.api.sent_to(GROUP)  # once per interval, however many messages
    assert notice.plain_text == TEXTS.get(
        "hanya_chat_pribadi", tautan=f"https://t.me/{bot.api.bot.username}"
    )
    assert NAME not in notice.plain_text and siti.nip not in notice.plain_text
    assert bot.api.sent_to(ASN) == [help_reply]  # nothing started in private either


async def test_a_group_hears_the_notice_again_after_the_interval() -> None:
    now = [0.0]
    notices = GroupNotices(interval=600, clock=lambda: now[0])
    assert notices.due(GROUP) and not notices.due(GROUP)
    now[0] = 599
    assert not notices.due(GROUP) and notices.due(GROUP - 1)
    now[0] = 600
    assert notices.due(GROUP)


async def test_a_button_pressed_in_a_group_is_refused(bot: RunningBot, siti: Employee) -> None:
    bot.api.group(GROUP, "Grup Disdukcapil")
    (choose,) = await bot.say(ASN, "/lapor")
    # The same keyboard forwarded into a group (as a client could show it there).
    choose.chat_id = GROUP
    query = bot.api.press_button(ASN, choose, label=choose.button_labels[0])
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer["text"] == TEXTS.get("peringatan_hanya_chat_pribadi")
    await settled(bot)
    assert bot.api.sent_to(GROUP) == []


async def test_channel_posts_are_ignored(bot: RunningBot) -> None:
    bot.api.send_channel_post(CHANNEL, "/terbang")
    bot.api.send_channel_post(CHANNEL, "/datasaya")
    await settled(bot)
    assert bot.api.sent_to(CHANNEL) == []


async def test_an_edited_command_does_not_run(bot: RunningBot) -> None:
    first = bot.api.send_text(CITIZEN, "halo")
    await bot.api.next_message(CITIZEN)
    bot.api.edit_text(first, "/hapusdata")
    (reply,) = await bot.api.wait_for_messages(CITIZEN)
    assert reply.plain_text == TEXTS.get("pesan_diubah")
    assert reply.button_labels == []
    await settled(bot)
    assert all(
        PRIVACY.get("tombol_ya_hapus") not in message.button_labels
        for message in bot.api.sent_to(CITIZEN)
    )


UNREADABLE = {
    "message": {
        "message_id": 99,
        "date": 0,
        "chat": {"id": ASN, "type": "private"},
        "from": NAME,  # a User must be an object: PTB cannot read this
        "text": NAME,
    }
}


async def test_a_batch_is_read_once_stored_and_an_update_fetched_again_comes_empty(
    settings: Settings, database: Database, api: FakeBotAPI
) -> None:
    """What getUpdates hands PTB: each update as read, an unreadable one bare (its content
    neither stored nor handled), and, the same batch fetched again, only empty repeats."""
    api.send_text(CITIZEN, "/bantuan")
    readable = api.pending_updates[-1]
    unreadable = api.push_update(UNREADABLE)
    bot = build_application(settings, request=FakeRequest(api), database=database).bot
    async with bot:
        first = await bot.get_updates(timeout=0)
        again = await bot.get_updates(timeout=0)  # no offset given: the same batch

    assert [u.update_id for u in first] == [readable["update_id"], unreadable["update_id"]]
    assert first[0].message is not None and first[0].message.text == "/bantuan"
    assert first[1].to_dict() == {"update_id": unreadable["update_id"]}
    assert all(not u.api_kwargs for u in first)
    assert [u.to_dict() for u in again] == [repeat_of(u.update_id) for u in first]
    async with database.session() as session:
        stored = {row.update_id: row.data for row in (await session.exec(select(InboxUpdate)))}
    assert stored == {
        readable["update_id"]: readable,
        unreadable["update_id"]: {"update_id": unreadable["update_id"]},
    }


async def test_an_unreadable_update_is_skipped_and_everyone_else_is_served(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    secret_text = "NIP 198504122010011001 Siti Rahmawati"
    bot.api.send_text(CITIZEN, "/bantuan")
    bot.api.push_update(
        {
            "message": {
                "message_id": 99,
                "date": 0,
                "chat": {"id": ASN, "type": "private"},
                "from": secret_text,  # a User must be an object: PTB cannot read this
                "text": secret_text,
            }
        }
    )
    bot.api.send_text(ASN, "/bantuan")
    await bot.api.wait_for_messages(CITIZEN)
    await bot.api.wait_for_messages(ASN)
    await settled(bot)

    assert bot.api.pending_updates == []  # the offset moved past the broken update
    skipped = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in skipped] == ["Skipped update 2: unreadable (TypeError)"]
    assert "198504122010011001" not in caplog.text and "Rahmawati" not in caplog.text

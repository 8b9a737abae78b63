"""The update inbox: stored before confirmed, handled once, marked after handling, pruned."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import select
from telegram import Bot, Update

from kinerja_bot.core.db import Database
from kinerja_bot.core.inbox import KEEP, Inbox, repeat_of
from kinerja_bot.core.models import InboxUpdate, utcnow
from kinerja_bot.core.settings import Settings
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from tests.conftest import Handled, database_fails, running_bot
from tests.test_runner import HELP_UPDATE, serving_webhook

BOT = Bot("123456:TEST-TOKEN")


def text_update(update_id: int, text: str = "halo") -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": 77, "type": "private"},
            "from": {"id": 77, "is_bot": False, "first_name": "Rudi"},
            "text": text,
        },
    }


async def rows(database: Database) -> dict[int, InboxUpdate]:
    async with database.session() as session:
        return {row.update_id: row for row in (await session.exec(select(InboxUpdate))).all()}


async def test_an_update_already_in_the_inbox_is_not_taken_again(database: Database) -> None:
    inbox = Inbox(database)
    assert await inbox.receive([text_update(5), text_update(6)]) == {5, 6}
    assert await inbox.receive([text_update(6), text_update(7)]) == {7}
    await inbox.done(Update.de_json(text_update(6), BOT))
    assert await inbox.receive([text_update(6)]) == set()  # handled, and still remembered
    stored = await rows(database)
    assert sorted(stored) == [5, 6, 7]
    assert stored[5].data == text_update(5)


async def test_unfinished_updates_come_back_oldest_first_and_handled_ones_keep_no_text(
    database: Database,
) -> None:
    inbox = Inbox(database)
    await inbox.receive([text_update(9), text_update(8)])
    await inbox.receive([text_update(10)])
    await inbox.done(Update.de_json(text_update(9), BOT))
    assert [u["update_id"] for u in await inbox.unfinished()] == [8, 10]
    handled = (await rows(database))[9]
    assert handled.done_at is not None
    async with database.engine.connect() as connection:  # SQL NULL, not the JSON text 'null'
        cleared = await connection.execute(
            text("SELECT update_id FROM inboxupdate WHERE data IS NULL")
        )
        assert cleared.scalars().all() == [9]


async def test_a_repeat_marks_nothing_the_update_it_repeats_may_still_run(
    database: Database,
) -> None:
    inbox = Inbox(database)
    await inbox.receive([text_update(3)])
    await inbox.done(Update.de_json(repeat_of(3), BOT))
    assert [u["update_id"] for u in await inbox.unfinished()] == [3]


async def test_many_marks_at_once_are_all_written(database: Database) -> None:
    inbox = Inbox(database)
    await inbox.receive([text_update(n) for n in range(1, 41)])
    await asyncio.gather(*(inbox.done(Update.de_json(text_update(n), BOT)) for n in range(1, 41)))
    assert await inbox.unfinished() == []


async def test_prune_forgets_old_handled_ids_and_gives_up_old_unfinished_ones(
    database: Database,
) -> None:
    inbox = Inbox(database)
    await inbox.receive([text_update(n) for n in (1, 2, 3, 4)])
    for n in (1, 3):
        await inbox.done(Update.de_json(text_update(n), BOT))
    long_ago = utcnow() - KEEP - timedelta(hours=1)
    async with database.session() as session:
        for row in (await session.exec(select(InboxUpdate))).all():
            if row.update_id in (1, 2):
                row.received_at = long_ago
                row.done_at = long_ago if row.done_at else None
                session.add(row)
    assert await inbox.prune() == 2
    assert sorted(await rows(database)) == [3, 4]


async def test_a_polled_update_arriving_again_is_answered_once(
    settings: Settings, database: Database, api: FakeBotAPI
) -> None:
    api.user(4242, "Rudi")
    async with running_bot(settings, database, api) as bot:
        api.send_text(4242, "/bantuan")
        sent = api.pending_updates[-1]
        first = await api.next_message(4242)
        api.push_update(sent)  # the same update again (Telegram did not hear the offset)
        api.send_text(4242, "/bantuan")
        await bot.handled.wait(api.last_update_id)
    answers = api.sent_to(4242)
    assert [m.plain_text for m in answers] == [first.plain_text] * 2


async def test_a_webhook_update_posted_again_is_answered_once(
    settings: Settings, database: Database, api: FakeBotAPI
) -> None:
    api.user(4242, "Rudi")
    body = json.dumps(HELP_UPDATE).encode()
    async with serving_webhook(settings, database, api) as hook:
        handled = Handled(hook.application)
        assert await hook.post(body) == 200
        await api.next_message(4242)
        assert await hook.post(body) == 200  # Telegram did not get the first 200: sent again
        later = json.dumps(HELP_UPDATE | {"update_id": 2}).encode()
        assert await hook.post(later) == 200
        await handled.wait(2)
    assert len(api.sent_to(4242)) == 2


async def test_updates_received_while_the_database_was_away_are_stored_once_it_is_back(
    database: Database,
) -> None:
    """Handled unstored during an outage (users told "gangguan" at once); stored as soon as
    the database answers, so that a kill while the bot still works through them does not
    lose them (the soak lost them at a kill 2 s after its 10-s cut) — except the ones
    handled meanwhile, which must not come back."""
    inbox = Inbox(database)
    with database_fails(inbox.database, on="INSERT INTO inboxupdate"):
        assert await inbox.receive([text_update(1), text_update(2)]) == {1, 2}
    await inbox.done(Update.de_json(text_update(1), BOT))
    assert [u["update_id"] for u in await inbox.unfinished()] == [2]

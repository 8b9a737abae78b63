"""The persistence on PTB's hottest path: one transaction per run, only what changed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from copy import deepcopy
from typing import Any

from sqlalchemy import event
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import ConversationState, UserData
from kinerja_bot.core.persistence import DatabasePersistence, UserDrafts

USER = 7300001
KEY = (USER, USER)


@contextmanager
def counted(database: Database) -> Iterator[dict[str, int]]:
    """Statements run and transactions committed while the block runs."""
    counts = {"statements": 0, "commits": 0}

    def statement(*_: Any) -> None:
        counts["statements"] += 1

    def commit(*_: Any) -> None:
        counts["commits"] += 1

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


async def on_disk(database: Database) -> tuple[dict[int, Any], dict[str, Any]]:
    async with database.session() as session:
        drafts = {row.user_id: row.data for row in (await session.exec(select(UserData))).all()}
        states = {row.key: row.state for row in (await session.exec(select(ConversationState)))}
    return drafts, states


async def test_a_run_is_one_transaction_and_unchanged_data_costs_nothing(
    database: Database,
) -> None:
    persistence = DatabasePersistence(database)
    assert await persistence.get_user_data() == {}
    assert await persistence.get_conversations("lapor") == {}

    with counted(persistence.database) as counts:  # a run as PTB makes it: its writes gathered
        await asyncio.gather(
            persistence.update_user_data(USER, {"lapor": {"step": 2}}),
            persistence.update_conversation("lapor", KEY, 2),
            persistence.update_user_data(USER + 1, {}),  # no drafts, never had any
        )
    assert counts == {"statements": 2, "commits": 1}
    assert await on_disk(database) == ({USER: {"lapor": {"step": 2}}}, {f"[{USER}, {USER}]": 2})

    with counted(persistence.database) as counts:  # the same again: nothing to write
        await asyncio.gather(
            persistence.update_user_data(USER, {"lapor": {"step": 2}}),
            persistence.update_conversation("lapor", KEY, 2),
        )
    assert counts == {"statements": 0, "commits": 0}

    await asyncio.gather(  # a new step, upserted over the rows there
        persistence.update_user_data(USER, {"lapor": {"step": 3}}),
        persistence.update_conversation("lapor", KEY, 3),
    )
    assert await on_disk(database) == ({USER: {"lapor": {"step": 3}}}, {f"[{USER}, {USER}]": 3})

    await asyncio.gather(  # the conversation ended and its draft dropped
        persistence.update_user_data(USER, {}),
        persistence.update_conversation("lapor", KEY, None),
    )
    assert await on_disk(database) == ({}, {})
    await persistence.flush()


async def test_a_burst_of_users_is_written_with_one_statement_of_each_kind(
    database: Database,
) -> None:
    """Under a burst one run carries many users' writes: each kind is one executemany."""
    persistence = DatabasePersistence(database)
    await persistence.get_user_data()
    await persistence.get_conversations("lapor")
    users = range(USER, USER + 40)
    await asyncio.gather(
        *(persistence.update_user_data(user, {"lapor": {"step": 1}}) for user in users),
        *(persistence.update_conversation("lapor", (user, user), 1) for user in users),
    )

    ending, going_on = users[:10], users[10:]
    with counted(persistence.database) as counts:
        await asyncio.gather(
            *(persistence.update_user_data(user, {}) for user in ending),
            *(persistence.update_conversation("lapor", (user, user), None) for user in ending),
            *(persistence.update_user_data(user, {"lapor": {"step": 2}}) for user in going_on),
            *(persistence.update_conversation("lapor", (user, user), 2) for user in going_on),
        )
    assert counts == {"statements": 4, "commits": 1}
    assert await on_disk(database) == (
        {user: {"lapor": {"step": 2}} for user in going_on},
        {f"[{user}, {user}]": 2 for user in going_on},
    )
    await persistence.flush()


async def test_what_is_stored_is_known_after_a_restart(database: Database) -> None:
    first = DatabasePersistence(database)
    await first.get_user_data()
    await first.get_conversations("lapor")
    await first.update_user_data(USER, {"lapor": {"step": 2}})
    await first.update_conversation("lapor", KEY, 2)
    await first.flush()

    restarted = DatabasePersistence(database)
    assert await restarted.get_user_data() == {USER: {"lapor": {"step": 2}}}
    assert await restarted.get_conversations("lapor") == {KEY: 2}
    with counted(restarted.database) as counts:
        await restarted.update_user_data(USER, {"lapor": {"step": 2}})
        await restarted.update_conversation("lapor", KEY, 2)
    assert counts["statements"] == 0
    await restarted.update_user_data(USER, {})  # the stored draft is removed, not forgotten
    await restarted.update_conversation("lapor", KEY, None)
    assert await on_disk(database) == ({}, {})
    await restarted.flush()


async def test_ptbs_copy_of_a_users_drafts_is_what_gets_stored(database: Database) -> None:
    """PTB deep-copies user_data before each write; the copy is the drafts as they were."""
    persistence = DatabasePersistence(database)
    await persistence.get_user_data()
    drafts = UserDrafts({"lapor": {"step": 2, "bukti": ["a"]}})
    copy = deepcopy(drafts)
    drafts["lapor"]["step"] = 3  # the handler of the next update goes on
    drafts["lapor"]["bukti"].append("b")

    await persistence.update_user_data(USER, copy)
    assert await on_disk(database) == ({USER: {"lapor": {"step": 2, "bukti": ["a"]}}}, {})
    await persistence.update_user_data(USER, deepcopy(UserDrafts()))  # all drafts gone
    assert await on_disk(database) == ({}, {})
    await persistence.flush()

"""PTB persistence in our own database: conversation states and per-user drafts survive restarts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Table, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Executable
from sqlalchemy.types import TypeDecorator
from sqlmodel import select
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from kinerja_bot.core.db import Database, is_sqlite
from kinerja_bot.core.models import ConversationState, UserData, utcnow

UD = dict[Any, Any]
Empty = dict[Any, Any]
StateKey = tuple[str, str]
# The writes go to the tables, not through the ORM: SQLAlchemy's ORM path for an INSERT or
# DELETE of a mapped class (bulk persistence) cost about as much again as the statement.
DRAFTS: Table = UserData.__table__  # type: ignore[attr-defined]
STATES: Table = ConversationState.__table__  # type: ignore[attr-defined]
# Runs take turns under PTB's lock, so one connection serves them; a second covers the reads
# at start. A pool of their own: every update waits for its run, which must not queue behind
# the handlers' sessions under a burst (core/db.py, `Turns`).
POOL_SIZE = 2


class _EncodedJSON(TypeDecorator[str]):
    """A JSON column's value given as the JSON text already encoded (a draft is encoded once,
    to tell whether it changed): written as is instead of encoded a second time."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


class UserDrafts(dict[Any, Any]):
    """A user's `user_data` (the application's context type).

    PTB deep-copies it before every write it asks of the persistence, which only encodes the
    copy to JSON: so the copy is that JSON, made at once. Copying drafts field by field (a
    draft is a dict subclass: `copy` rebuilds it the slow way) was about 4 % of the event
    loop's CPU (docs/performance.md, fix 17)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _EncodedDrafts:
        return _EncodedDrafts(self)


class _EncodedDrafts(dict[Any, Any]):
    """What PTB hands the persistence for a `UserDrafts`: the drafts with their JSON."""

    def __init__(self, drafts: UD) -> None:
        super().__init__(drafts)
        self.encoded = _encoded(drafts)


@dataclass
class _Batch:
    """The writes of one persistence run, committed together in one transaction."""

    statements: list[tuple[Executable, dict[str, Any]]] = field(default_factory=list)
    # What the in-memory view of the tables becomes once the transaction has committed.
    on_commit: list[Callable[[], object]] = field(default_factory=list)
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class DatabasePersistence(BasePersistence[UD, Empty, Empty]):
    """Stores conversations and user_data; chat, bot and callback data are not persisted.

    The application calls `update_persistence` after every update, with that user's data
    marked (see `app.persist_now`), so a killed process loses at most the update it was
    handling. That is PTB's hottest path, so a run costs one transaction at most: the writes
    PTB asks for in one run (a draft, a conversation state or two) are gathered into one
    batch, each an upsert, and a write of what the database already holds costs nothing.

    What is stored is known from the start (`get_user_data`, `get_conversations`) and kept
    up to date by every commit; only erasure (/hapusdata) and retention remove rows behind
    its back, and both mean to: an unchanged draft is then not written again.
    """

    def __init__(self, database: Database) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=60,
        )
        self.database = database.own_pool(POOL_SIZE)
        self._owns_pool = self.database is not database
        self._stored_drafts: dict[int, str] = {}  # user id → the JSON of the stored row
        self._stored_states: dict[StateKey, object] = {}
        self._batch: _Batch | None = None
        # Built once and given each row as parameters: SQLAlchemy then compiles each only
        # once too (an upsert's `excluded` columns are a fresh alias of the table every time
        # one is built), and skips building a statement and its cache key per write.
        self._upsert_draft = self._upsert(DRAFTS, ["user_id"], ["data", "updated_at"]).values(
            data=bindparam("data", type_=_EncodedJSON())
        )
        self._upsert_state = self._upsert(STATES, ["name", "key"], ["state", "updated_at"])
        self._delete_draft = delete(DRAFTS).where(DRAFTS.c.user_id == bindparam("user_id"))
        self._delete_state = delete(STATES).where(
            STATES.c.name == bindparam("name"), STATES.c.key == bindparam("key")
        )
        self._commits: set[asyncio.Task[None]] = set()  # referenced while they run

    async def get_user_data(self) -> dict[int, UD]:
        async with self.database.session() as session:
            rows = (await session.exec(select(UserData))).all()
        self._stored_drafts = {row.user_id: _encoded(row.data) for row in rows}
        return {row.user_id: UserDrafts(deepcopy(row.data)) for row in rows}

    async def update_user_data(self, user_id: int, data: UD) -> None:
        """Store a user's drafts; nothing is kept for a user without any (the Telegram id is
        personal data, UU 27/2022)."""
        stored = self._stored_drafts.get(user_id)
        if not data:
            if stored is not None:
                await self.drop_user_data(user_id)
            return
        encoded = data.encoded if isinstance(data, _EncodedDrafts) else _encoded(data)
        if encoded == stored:
            return
        row = {"user_id": user_id, "data": encoded, "updated_at": utcnow()}
        await self._write(
            self._upsert_draft, row, lambda: self._stored_drafts.__setitem__(user_id, encoded)
        )

    async def drop_user_data(self, user_id: int) -> None:
        await self._write(
            self._delete_draft,
            {"user_id": user_id},
            lambda: self._stored_drafts.pop(user_id, None),
        )

    async def refresh_user_data(self, user_id: int, user_data: UD) -> None:
        """The database is the only writer's store; nothing to refresh."""

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self.database.session() as session:
            rows = (
                await session.exec(select(ConversationState).where(ConversationState.name == name))
            ).all()
        for row in rows:
            self._stored_states[(name, row.key)] = row.state
        return {tuple(json.loads(row.key)): row.state for row in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        where = (name, json.dumps(list(key)))
        stored = self._stored_states.get(where)
        if new_state == stored:  # unchanged, or ended and never stored
            return
        if new_state is None:
            await self._write(
                self._delete_state,
                {"name": name, "key": where[1]},
                lambda: self._stored_states.pop(where, None),
            )
            return
        row = {"name": name, "key": where[1], "state": new_state, "updated_at": utcnow()}
        await self._write(
            self._upsert_state, row, lambda: self._stored_states.__setitem__(where, new_state)
        )

    def _upsert(
        self, table: Table, keys: list[str], values: list[str]
    ) -> sqlite.Insert | postgresql.Insert:
        """INSERT … ON CONFLICT DO UPDATE: one statement, whether the row is there or not."""
        dialect = sqlite if is_sqlite(self.database.engine) else postgresql
        statement = dialect.insert(table)
        return statement.on_conflict_do_update(
            index_elements=keys, set_={name: statement.excluded[name] for name in values}
        )

    async def _write(
        self, statement: Executable, parameters: dict[str, Any], on_commit: Callable[[], object]
    ) -> None:
        """Join the writes of this persistence run and wait until their transaction committed.

        PTB starts a run's writes together (`asyncio.gather`): the first opens the batch and
        commits it once the others have had their first step, i.e. joined it."""
        batch = self._batch
        if batch is None:
            batch = self._batch = _Batch()
            asyncio.get_running_loop().call_soon(self._commit_soon, batch)
        batch.statements.append((statement, parameters))
        batch.on_commit.append(on_commit)
        await asyncio.shield(batch.done)

    def _commit_soon(self, batch: _Batch) -> None:
        self._batch = None
        task = asyncio.ensure_future(self._commit(batch))
        self._commits.add(task)
        task.add_done_callback(self._commits.discard)

    async def _commit(self, batch: _Batch) -> None:
        try:
            async with self.database.session() as session:
                connection = await session.connection()
                for statement, rows in _by_statement(batch.statements):
                    await connection.execute(statement, rows)
        except Exception as error:
            batch.done.set_exception(error)
            return
        for change in batch.on_commit:
            change()
        batch.done.set_result(None)

    # Chat, bot and callback data are not stored (store_data says so); PTB still needs the API.
    async def get_chat_data(self) -> dict[int, Empty]:
        return {}

    async def update_chat_data(self, chat_id: int, data: Empty) -> None:
        """Not persisted."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Not persisted."""

    async def refresh_chat_data(self, chat_id: int, chat_data: Empty) -> None:
        """Not persisted."""

    async def get_bot_data(self) -> Empty:
        return {}

    async def update_bot_data(self, data: Empty) -> None:
        """Not persisted."""

    async def refresh_bot_data(self, bot_data: Empty) -> None:
        """Not persisted."""

    async def get_callback_data(self) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        """Not persisted."""

    async def flush(self) -> None:
        """Every write is already committed: at shutdown, close the persistence's own pool."""
        if self._owns_pool:
            await self.database.dispose()


def _by_statement(
    writes: list[tuple[Executable, dict[str, Any]]],
) -> list[tuple[Executable, list[dict[str, Any]]]]:
    """A batch's rows grouped by statement, each group executed as one `executemany`.

    Under a burst one run carries the writes of a few hundred users: executed one by one,
    each cost SQLAlchemy's per-statement work and a hand-over to the database's thread
    (docs/performance.md, fix 16). Regrouping keeps the outcome: PTB's run names each draft
    and each conversation key once, so no row is written twice."""
    groups: dict[Executable, list[dict[str, Any]]] = {}
    for statement, parameters in writes:
        groups.setdefault(statement, []).append(parameters)
    return list(groups.items())


def _encoded(data: UD) -> str:
    """A draft as the JSON column stores it, to tell whether it changed."""
    return json.dumps(data, default=str)

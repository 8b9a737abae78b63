"""PTB persistence in our own database: conversation states and per-user drafts survive restarts."""

from __future__ import annotations

import json
from copy import deepcopy
from typing import Any

from sqlmodel import col, delete, select
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import ConversationState, UserData, utcnow

UD = dict[Any, Any]
Empty = dict[Any, Any]


class DatabasePersistence(BasePersistence[UD, Empty, Empty]):
    """Stores conversations and user_data; chat, bot and callback data are not persisted.

    Writes go straight to the database, so `flush` has nothing left to do; the application
    calls `update_persistence` after every update, with that user's data marked (see
    `app.persist_now`), so a killed process loses at most the update it was handling.
    """

    def __init__(self, database: Database) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=60,
        )
        self.database = database

    async def get_user_data(self) -> dict[int, UD]:
        async with self.database.session() as session:
            rows = (await session.exec(select(UserData))).all()
        return {row.user_id: deepcopy(row.data) for row in rows}

    async def update_user_data(self, user_id: int, data: UD) -> None:
        """Store a user's drafts; nothing is kept for a user without any (the Telegram id is
        personal data, UU 27/2022)."""
        async with self.database.session() as session:
            row = await session.get(UserData, user_id)
            if not data:
                if row is not None:
                    await session.delete(row)
            elif row is None:
                session.add(UserData(user_id=user_id, data=deepcopy(data)))
            elif row.data != data:
                row.data = deepcopy(data)
                row.updated_at = utcnow()
                session.add(row)

    async def drop_user_data(self, user_id: int) -> None:
        async with self.database.session() as session:
            await session.exec(delete(UserData).where(col(UserData.user_id) == user_id))

    async def refresh_user_data(self, user_id: int, user_data: UD) -> None:
        """The database is the only writer's store; nothing to refresh."""

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self.database.session() as session:
            rows = (
                await session.exec(select(ConversationState).where(ConversationState.name == name))
            ).all()
        return {tuple(json.loads(row.key)): row.state for row in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        encoded_key = json.dumps(list(key))
        async with self.database.session() as session:
            row = (
                await session.exec(
                    select(ConversationState).where(
                        ConversationState.name == name, ConversationState.key == encoded_key
                    )
                )
            ).first()
            if new_state is None:
                if row is not None:
                    await session.delete(row)
            elif row is None:
                session.add(ConversationState(name=name, key=encoded_key, state=new_state))
            elif row.state != new_state:
                row.state = new_state
                row.updated_at = utcnow()
                session.add(row)

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
        """Every write is already committed."""

"""Updates of different users run concurrently; each user's own updates run strictly in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from kinerja_bot.core.inbox import Inbox

T = TypeVar("T")


def ordering_key(update: object) -> int | None:
    """The user (or, failing that, the chat) whose updates must not overtake each other."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None


class PerUserOrderedProcessor(BaseUpdateProcessor):
    """PTB's concurrent processing, serialised per user by a FIFO lock per key.

    Tasks are created in arrival order and reach the lock without awaiting anything first,
    so a user's second message waits for the first to finish while other users go on.
    """

    def __init__(self, max_concurrent_updates: int = 256, *, inbox: Inbox | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.inbox = inbox
        self._locks: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}  # what holds or awaits each lock: updates and timeouts
        self._waiting: dict[int, int] = {}  # updates only: their users expect an answer

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle the update in its user's turn; then (every handler group done, persistence
        included) mark it handled in the inbox."""
        key = ordering_key(update)
        if key is None:
            await coroutine
            await self._done(update)
            return
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            await self.in_turn(key, coroutine)
            await self._done(update)
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                del self._waiting[key]

    async def in_turn(self, key: int, work: Awaitable[T]) -> T:
        """Run `work` in the user's turn: after their updates already here, before the next.
        Besides updates, the closing of an idle conversation (core/idle_conversations.py)."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._queued[key] = self._queued.get(key, 0) + 1
        try:
            async with lock:
                return await work
        finally:
            self._queued[key] -= 1
            if self._queued[key] == 0:
                del self._queued[key]
                del self._locks[key]

    def is_busy(self, key: object) -> bool:
        """Whether an update of this user (or chat) is being handled or waiting: they expect
        an answer (a conversation being closed for idleness does not count)."""
        return key in self._waiting

    async def _done(self, update: object) -> None:
        if self.inbox is not None:
            await self.inbox.done(update)

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """The last marks of handled updates are written."""
        if self.inbox is not None:
            await self.inbox.flush()

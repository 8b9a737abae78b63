"""Flood control: a user who sends too much too fast is slowed down, once told, then ignored.

A `TypeHandler` in its own group before every feature (see app.py) counts each user's updates
(messages and button presses) in a sliding window: more than USER_MESSAGE_LIMIT within
USER_MESSAGE_WINDOW_SECONDS and the update is dropped (`ApplicationHandlerStop`). The first
dropped update of a burst gets one "pelan-pelan" answer; the rest are dropped silently (a
dropped button press is still answered, without text, so the client stops spinning). Dropped
updates count too, so a user who keeps flooding stays paused until they slow down.

The counters live in memory, per process: a restart forgets them, and with several bot
processes each counts its own share. That is enough for its purpose (keeping one person from
tying up the bot and the database); the Bot API's own limits still apply on top. Admins
(ADMIN_TELEGRAM_IDS) are never limited.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook

TEXTS = TextBook("batas_pesan", {"pelan_pelan": ("detik",), "peringatan_pelan_pelan": ("detik",)})

# Its own handler group, before every feature (group 0) and before anything tests add at -1.
FLOOD_GROUP = -100
# Forget idle users once this many are tracked, so memory stays bounded.
PRUNE_ABOVE = 10_000


@dataclass
class FloodGuard:
    """Sliding-window counter per user: `admit` says whether an update may go on."""

    limit: int
    window: float
    clock: Callable[[], float] = time.monotonic
    _hits: dict[int, deque[float]] = field(default_factory=dict)
    _warned: set[int] = field(default_factory=set)

    def admit(self, user_id: int) -> bool:
        """Count one update of this user; False when it is over the limit."""
        now = self.clock()
        hits = self._hits.setdefault(user_id, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        hits.append(now)
        if len(self._hits) > PRUNE_ABOVE:
            self._prune(now)
        if len(hits) <= self.limit:
            self._warned.discard(user_id)
            return True
        return False

    def first_refusal(self, user_id: int) -> bool:
        """True once per burst: the moment to tell the user to slow down."""
        if user_id in self._warned:
            return False
        self._warned.add(user_id)
        return True

    def wait_seconds(self, user_id: int) -> int:
        """Seconds until the user is below the limit again (at least 1)."""
        hits = self._hits.get(user_id)
        if not hits or len(hits) <= self.limit:
            return 1
        # Admitted again once at most limit − 1 earlier hits remain in the window.
        last_to_expire = hits[len(hits) - self.limit]
        return max(1, math.ceil(last_to_expire + self.window - self.clock()))

    def _prune(self, now: float) -> None:
        idle = [
            user for user, hits in self._hits.items() if not hits or hits[-1] <= now - self.window
        ]
        for user in idle:
            del self._hits[user]
            self._warned.discard(user)


class FloodHandler(TypeHandler[Update, BotContext, None]):
    """The handler to register in its own group before every feature; `guard` holds the counts."""

    __slots__ = ("guard", "settings")

    def __init__(self, settings: Settings, guard: FloodGuard | None = None) -> None:
        self.settings = settings
        self.guard = guard or FloodGuard(
            settings.user_message_limit, settings.user_message_window_seconds
        )
        super().__init__(Update, self.slow_down)

    async def slow_down(self, update: Update, context: BotContext) -> None:
        """Drop the update of a user over the limit; tell them once per burst."""
        user = update.effective_user
        if user is None or self.settings.is_admin(user.id) or self.guard.admit(user.id):
            return
        seconds = self.guard.wait_seconds(user.id)
        first = self.guard.first_refusal(user.id)
        if update.callback_query is not None:
            alert = TEXTS.get("peringatan_pelan_pelan", detik=seconds) if first else None
            await update.callback_query.answer(alert, show_alert=first)
        elif update.effective_chat is not None and first:
            await context.bot.send_message(
                update.effective_chat.id, TEXTS.get("pelan_pelan", detik=seconds)
            )
        raise ApplicationHandlerStop

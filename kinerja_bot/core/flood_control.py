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

The other direction, the bot's own calls, goes through `PatientRateLimiter` (see app.py): one
queue paced to Telegram's limits in which every reply waits its turn; nothing is dropped.
Scheduled messages (the outbox's sends) wait in a lane of their own behind every reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import ApplicationHandlerStop, BaseRateLimiter, TypeHandler

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.outbox import SCHEDULED
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook

TEXTS = TextBook(
    "batas_pesan",
    {"pelan_pelan": ("detik",), "peringatan_pelan_pelan": ("detik",), "sedang_ramai": ()},
)

log = logging.getLogger(__name__)

# Its own handler group, before every feature (group 0) and before anything tests add at -1.
FLOOD_GROUP = -100


@dataclass
class FloodGuard:
    """Sliding-window counter per user: `admit` says whether an update may go on."""

    limit: int
    window: float
    clock: Callable[[], float] = time.monotonic
    _hits: dict[int, deque[float]] = field(default_factory=dict)
    _warned: set[int] = field(default_factory=set)
    _next_prune: float | None = None

    def admit(self, user_id: int) -> bool:
        """Count one update of this user; False when it is over the limit."""
        now = self.clock()
        hits = self._hits.setdefault(user_id, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        hits.append(now)
        # Once a window, forget the users idle for a whole window: their counts are empty
        # anyway, and a city's worth of them would each keep a deque.
        if self._next_prune is None:
            self._next_prune = now + self.window
        elif now >= self._next_prune:
            self._prune(now)
            self._next_prune = now + self.window
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


# --- Outgoing: the bot's own calls wait their turn ---------------------------------------------

# Telegram: about 30 messages a second overall, 20 a minute in one group or channel.
MESSAGES_PER_SECOND = 30
# The calls that send a message, paced to those limits. Edits and deletions in a private chat
# are not messages sent: a button press costs a keyboard removal and the next question, and
# pacing both halved the replies a second (the soak: p50 5 s, most /lapor walks given up).
SENDS = ("send", "copy", "forward")
GROUP_INTERVAL_SECONDS = 3.0
# A user whose reply is further away than this is told once that it is busy.
NOTICE_AFTER_SECONDS = 8.0
# After that notice, the reply keeps one second's distance (Telegram's pace within one chat).
NOTICE_GAP_SECONDS = 1.0
# Telegram's real limit moves: after a 429 the pace drops to this share, then grows back by
# one call a second every second.
SLOWDOWN = 0.7
# Calls waiting at once; more wait to join the queue (nothing is refused).
QUEUE_LIMIT = 1000
# How often the queue looks again when every waiting chat is resting.
IDLE_SECONDS = 0.05

ApiCall = Callable[..., Coroutine[Any, Any, Any]]


@dataclass
class _Turn:
    chat_id: int | str
    granted: asyncio.Future[None]


class PatientRateLimiter(BaseRateLimiter[int]):
    """Telegram's limits for the bot's own calls, without ever giving up on one.

    Every message sent (`SENDS`), and every call in a group or channel, waits for its turn in
    one first-come queue: at most `per_second` calls a second, and in a group or channel one
    per `group_interval`; an edit or deletion in a private chat only waits out a 429. A 429
    holds the whole queue for its `retry_after`, slows the pace (Telegram's real limit can be
    lower), and the call goes again, first in line; it is never dropped (PTB's
    `AIORateLimiter` gives up after its retries, and the reply is lost). Scheduled messages
    (sent by the outbox, `SCHEDULED`) queue in a lane of their own, served only when no reply
    is ready to go: a broadcast to the whole city never keeps a user waiting for an answer.
    At most `queue_limit` calls wait; more wait to join. A user who is waiting for an answer
    (`awaiting_reply(chat_id)`) and whose turn is more than `notice_after` seconds away is told
    once, ahead of the queue, that it is busy ("sedang ramai").
    """

    def __init__(
        self,
        *,
        per_second: float = MESSAGES_PER_SECOND,
        group_interval: float = GROUP_INTERVAL_SECONDS,
        notice_after: float = NOTICE_AFTER_SECONDS,
        queue_limit: int = QUEUE_LIMIT,
        awaiting_reply: Callable[[int | str], bool] = lambda chat_id: False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second
        self.pace = per_second
        self.group_interval = group_interval
        self.notice_after = notice_after
        self.awaiting_reply = awaiting_reply
        self._clock = clock
        self._sleep = sleep
        self._room = asyncio.Semaphore(queue_limit)
        self._urgent: deque[_Turn] = deque()
        self._queue: deque[_Turn] = deque()
        self._scheduled: deque[_Turn] = deque()
        self._chat_free_at: dict[int | str, float] = {}
        self._held_until = 0.0
        self._noticed: set[int | str] = set()
        self._dispatcher: asyncio.Task[None] | None = None

    async def initialize(self) -> None:
        """Nothing to open: the queue starts with the first call."""

    async def shutdown(self) -> None:
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            await asyncio.gather(self._dispatcher, return_exceptions=True)
            self._dispatcher = None

    async def process_request(
        self,
        callback: ApiCall,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        chat_id = data.get("chat_id")
        if chat_id is None:  # answers to button presses, getMe, …: not limited per message
            return await callback(*args, **kwargs)
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # "@channel" stays a name
        if isinstance(chat_id, int) and chat_id > 0 and not endpoint.startswith(SENDS):
            return await self._unpaced(callback, args, kwargs)
        first = False
        try:
            while True:
                async with self._room:
                    turn = self._line_up(chat_id, first=first, scheduled=SCHEDULED.get())
                    if self._wait_is_long(chat_id):
                        await self._tell_busy(chat_id, callback, kwargs)
                    await turn.granted
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as pause:
                    self._hold(pause)
                    first = True  # it goes again, first in line
        finally:
            self._noticed.discard(chat_id)

    async def _unpaced(self, callback: ApiCall, args: Any, kwargs: dict[str, Any]) -> Any:
        """An edit or a deletion in a private chat: no message sent, so not paced to Telegram's
        30 messages a second; it still waits out a 429 (and one it gets holds the queue)."""
        while True:
            held = self._held_until - self._clock()
            if held > 0:
                await self._sleep(held)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as pause:
                self._hold(pause)

    @property
    def waiting(self) -> int:
        """Calls a reply lining up now waits behind (scheduled messages wait behind it)."""
        return len(self._urgent) + len(self._queue)

    def _line_up(
        self,
        chat_id: int | str,
        *,
        first: bool = False,
        urgent: bool = False,
        scheduled: bool = False,
    ) -> _Turn:
        turn = _Turn(chat_id, asyncio.get_running_loop().create_future())
        lane = self._urgent if urgent else self._scheduled if scheduled else self._queue
        if first:
            lane.appendleft(turn)
        else:
            lane.append(turn)
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch(), name="telegram-send-queue")
        return turn

    def _wait_is_long(self, chat_id: int | str) -> bool:
        if chat_id in self._noticed or not self.awaiting_reply(chat_id):
            return False
        held = max(0.0, self._held_until - self._clock())
        return held + self.waiting / self.pace > self.notice_after

    async def _tell_busy(
        self, chat_id: int | str, callback: ApiCall, kwargs: dict[str, Any]
    ) -> None:
        """The "sedang ramai" notice, ahead of the queue; a failure only costs the notice.
        The chat's reply waits until the notice is out (see `_dispatch`), then a moment more."""
        self._noticed.add(chat_id)
        notice = self._line_up(chat_id, urgent=True)
        await notice.granted
        try:
            await callback(
                "sendMessage",
                {"chat_id": chat_id, "text": TEXTS.get("sedang_ramai"), "parse_mode": "HTML"},
                **kwargs,
            )
        except TelegramError as error:
            log.info("Busy notice to chat %s not sent: %s", chat_id, type(error).__name__)
        finally:
            self._chat_free_at[chat_id] = self._clock() + NOTICE_GAP_SECONDS

    def _hold(self, pause: RetryAfter) -> None:
        retry_after = pause.retry_after
        seconds = (
            retry_after.total_seconds()
            if isinstance(retry_after, timedelta)
            else float(retry_after)
        )
        self._held_until = max(self._held_until, self._clock() + seconds)
        self.pace = max(1.0, self.pace * SLOWDOWN)
        log.info(
            "429 from Telegram: the send queue waits %.1f s, then %.0f a second", seconds, self.pace
        )

    async def _dispatch(self) -> None:
        """Grant turns one by one: first-come (notices first), skipping chats still resting."""
        while self._urgent or self._queue or self._scheduled:
            now = self._clock()
            if self._held_until > now:
                await self._sleep(self._held_until - now)
                continue
            turn, urgent = self._next_ready(now)
            if turn is None:
                await self._sleep(IDLE_SECONDS)  # until a resting chat may go again
                continue
            if urgent:  # a notice: the chat's reply waits until it is out
                self._chat_free_at[turn.chat_id] = math.inf
            elif isinstance(turn.chat_id, str) or turn.chat_id < 0:
                self._chat_free_at[turn.chat_id] = now + self.group_interval
            turn.granted.set_result(None)
            if len(self._chat_free_at) > QUEUE_LIMIT:
                self._chat_free_at = {c: t for c, t in self._chat_free_at.items() if t > now}
            await self._sleep(1 / self.pace)
            self.pace = min(self.per_second, self.pace + 1 / self.pace)

    def _next_ready(self, now: float) -> tuple[_Turn | None, bool]:
        """The first turn whose chat may go now (notices, replies, then scheduled messages),
        and whether it is a notice."""
        lanes = ((True, self._urgent), (False, self._queue), (False, self._scheduled))
        for urgent, lane in lanes:
            for turn in list(lane):
                if turn.granted.done():  # its caller gave up (cancelled)
                    lane.remove(turn)
                elif self._chat_free_at.get(turn.chat_id, now) <= now:
                    lane.remove(turn)
                    return turn, urgent
        return None, False

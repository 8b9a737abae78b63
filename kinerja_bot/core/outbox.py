"""Deliver scheduled messages exactly once per (job, period, recipient), within Telegram's limits.

Each recipient's row in `delivery` is written before sending (claimed, `mengirim`) and after
(`terkirim`, `gagal` or `diblokir`). A rerun skips what was sent; `force` (the CLI's `--ulang`)
sends again. A 429 waits its `retry_after`; 5xx and network errors are retried with backoff;
403 (the user blocked the bot) marks the recipient unreachable and the run goes on.

The one gap no bot can close: if the process dies after Telegram accepted a message and
before the row says so, the row stays `mengirim`; after `STALE_CLAIM` it is sent again
(at least once rather than lost).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select, update
from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Delivery, DeliveryStatus, utcnow
from kinerja_bot.core.settings import Settings

log = logging.getLogger(__name__)

# Telegram allows about 30 messages a second to different chats and 1 a second to one chat;
# stay just under both, measured over a sliding second.
MESSAGES_PER_SECOND = 29
WINDOW_SECONDS = 1.0
PER_CHAT_SECONDS = 1.05
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (1.0, 2.0, 4.0, 8.0)
STALE_CLAIM = timedelta(minutes=10)
# Enough concurrent senders that Telegram's latency, not we, is never the bottleneck.
WORKERS = 30


@dataclass
class Outgoing:
    """One recipient's message: text parts (each ≤ 4096 characters), then an optional photo."""

    chat_id: int
    parts: Sequence[str]
    markup: InlineKeyboardMarkup | None = None  # on the last text part
    photo: bytes | None = None
    caption: str | None = None


@dataclass
class DeliveryReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    blocked: list[int] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.skipped += other.skipped
        self.failed += other.failed
        self.blocked += other.blocked


class Pacer:
    """Spaces sends: at most `per_second` in any sliding window, one per chat per interval.

    Telegram counts a message when it arrives, which is after we start sending it, so a send
    occupies the window from the moment it starts until a second after it has finished.
    The clock and sleep are injectable, so tests run with a controlled clock.
    """

    def __init__(
        self,
        per_second: int = MESSAGES_PER_SECOND,
        per_chat_seconds: float = PER_CHAT_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second
        self.per_chat_seconds = per_chat_seconds
        self.clock = clock
        self.sleep = sleep
        self._finished: deque[float] = deque()
        self._in_flight = 0
        self._last_to: dict[int, float] = {}
        self._lock = asyncio.Lock()

    async def _wait_turn(self, chat_id: int) -> None:
        async with self._lock:
            while True:
                now = self.clock()
                while self._finished and now - self._finished[0] >= WINDOW_SECONDS:
                    self._finished.popleft()
                waits = [self._last_to.get(chat_id, -1e9) + self.per_chat_seconds - now]
                if len(self._finished) + self._in_flight >= self.per_second:
                    oldest = self._finished[0] if self._finished else now
                    waits.append(max(oldest + WINDOW_SECONDS - now, 0.01))
                wait = max(waits)
                if wait <= 0:
                    self._in_flight += 1
                    self._last_to[chat_id] = now
                    return
                await self.sleep(wait)

    @asynccontextmanager
    async def turn(self, chat_id: int) -> AsyncIterator[None]:
        """Wait until one more message to `chat_id` keeps within both limits, then send it."""
        await self._wait_turn(chat_id)
        try:
            yield
        finally:
            finished = self.clock()
            self._in_flight -= 1
            self._finished.append(finished)
            self._last_to[chat_id] = finished

    async def hold(self, seconds: float) -> None:
        """Telegram asked us to pause (429): nobody sends until it has passed."""
        async with self._lock:
            await self.sleep(seconds)


@dataclass
class JobServices:
    """What a scheduled job needs, in the bot process and in the CLI alike."""

    bot: Bot
    database: Database
    settings: Settings
    pacer: Pacer


async def claim(
    database: Database, job: str, period: str, chat_id: int, *, force: bool, now: datetime
) -> Delivery | None:
    """Take the recipient's row for sending, or None when it must not be sent (again)."""
    async with database.session() as session:
        try:
            async with session.begin_nested():
                row = Delivery(
                    job=job,
                    period=period,
                    chat_id=chat_id,
                    status=DeliveryStatus.SENDING,
                    claimed_at=now,
                    created_at=now,
                )
                session.add(row)
            return row
        except IntegrityError:
            pass
        retryable = [DeliveryStatus.PENDING, DeliveryStatus.FAILED]
        if force:
            retryable += [DeliveryStatus.SENT, DeliveryStatus.BLOCKED]
        condition = col(Delivery.status).in_(retryable) | (
            (col(Delivery.status) == DeliveryStatus.SENDING)
            & (col(Delivery.claimed_at) < now - STALE_CLAIM)
        )
        taken = await session.exec(
            update(Delivery)
            .where(
                col(Delivery.job) == job,
                col(Delivery.period) == period,
                col(Delivery.chat_id) == chat_id,
            )
            .where(condition)
            .values(status=DeliveryStatus.SENDING, claimed_at=now)
        )
        if taken.rowcount != 1:
            return None
        return (
            await session.exec(
                select(Delivery).where(
                    Delivery.job == job, Delivery.period == period, Delivery.chat_id == chat_id
                )
            )
        ).one()


async def record(
    database: Database,
    row: Delivery,
    status: DeliveryStatus,
    attempts: int,
    message_id: int | None = None,
    error: str | None = None,
) -> None:
    async with database.session() as session:
        stored = await session.get(Delivery, row.id)
        if stored is None:
            return
        stored.status = status
        stored.attempts += attempts
        stored.error = error
        if status is DeliveryStatus.SENT:
            stored.sent_at = utcnow()
            stored.message_id = message_id
        session.add(stored)


async def send_parts(bot: Bot, pacer: Pacer, outgoing: Outgoing) -> int:
    """Send every part of one message, each after its turn; returns the first message id.

    The parse mode is explicit: the CLI's plain Bot has no defaults."""
    first: int | None = None
    for index, text in enumerate(outgoing.parts):
        last = index == len(outgoing.parts) - 1
        async with pacer.turn(outgoing.chat_id):
            sent = await bot.send_message(
                outgoing.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=outgoing.markup if last else None,
            )
        first = first or sent.message_id
    if outgoing.photo is not None:
        async with pacer.turn(outgoing.chat_id):
            sent = await bot.send_photo(outgoing.chat_id, outgoing.photo, caption=outgoing.caption)
        first = first or sent.message_id
    assert first is not None
    return first


async def deliver_one(
    bot: Bot,
    database: Database,
    pacer: Pacer,
    job: str,
    period: str,
    outgoing: Outgoing,
    *,
    force: bool = False,
) -> DeliveryReport:
    """Claim, send with retries, record. Never raises for Telegram's refusals."""
    row = await claim(database, job, period, outgoing.chat_id, force=force, now=utcnow())
    if row is None:
        return DeliveryReport(skipped=1)
    attempts, error = 0, ""
    while attempts < MAX_ATTEMPTS:
        attempts += 1
        try:
            message_id = await send_parts(bot, pacer, outgoing)
        except RetryAfter as pause:
            seconds = pause.retry_after
            wait = seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)
            log.warning("429 from Telegram: pausing %.1f s", wait)
            await pacer.hold(wait)
            error = f"429 retry_after {wait:g}"
            continue
        except Forbidden as refusal:
            await record(database, row, DeliveryStatus.BLOCKED, attempts, error=str(refusal))
            return DeliveryReport(blocked=[outgoing.chat_id])
        except BadRequest as refusal:
            await record(database, row, DeliveryStatus.FAILED, attempts, error=str(refusal))
            return DeliveryReport(failed=1)
        except (NetworkError, TelegramError) as trouble:
            error = str(trouble)
            await pacer.sleep(BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])
            continue
        await record(database, row, DeliveryStatus.SENT, attempts, message_id=message_id)
        return DeliveryReport(sent=1)
    await record(database, row, DeliveryStatus.FAILED, attempts, error=error)
    return DeliveryReport(failed=1)


async def deliver_all(
    bot: Bot,
    database: Database,
    job: str,
    period: str,
    messages: Sequence[Outgoing],
    *,
    force: bool = False,
    pacer: Pacer | None = None,
    workers: int = WORKERS,
) -> DeliveryReport:
    """Deliver every message with a few concurrent senders sharing one pacer."""
    pacer = pacer or Pacer()
    queue: asyncio.Queue[Outgoing] = asyncio.Queue()
    for outgoing in messages:
        queue.put_nowait(outgoing)
    report = DeliveryReport()

    async def worker() -> None:
        while not queue.empty():
            outgoing = queue.get_nowait()
            report.add(await deliver_one(bot, database, pacer, job, period, outgoing, force=force))

    await asyncio.gather(*(worker() for _ in range(max(1, min(workers, len(messages))))))
    log.info("%s %s: %s", job, period, report)
    return report


def split_blocks(blocks: Sequence[str], limit: int = 4096) -> list[str]:
    """Join self-contained blocks into messages under `limit`; a block too long on its own is
    cut at line ends (each line is self-contained HTML in our texts)."""
    messages: list[str] = []
    current = ""
    pieces: list[str] = []
    for block in blocks:
        if len(block) <= limit:
            pieces.append(block)
            continue
        line_chunk = ""
        for line in block.splitlines():
            candidate = f"{line_chunk}\n{line}" if line_chunk else line
            if len(candidate) > limit and line_chunk:
                pieces.append(line_chunk)
                candidate = line[:limit]
            line_chunk = candidate
        if line_chunk:
            pieces.append(line_chunk)
    for piece in pieces:
        candidate = f"{current}\n\n{piece}" if current else piece
        if len(candidate) > limit:
            messages.append(current)
            current = piece
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages

"""Deliver scheduled messages exactly once per (job, period, recipient), within Telegram's limits.

A message is one row in `delivery`; its parts (text messages, then the photo, then the document)
go out in order.
Each part is claimed (`mengirim`, `claimed_at`) right before it waits for the pacer's turn,
and recorded (`parts_sent`) as soon as Telegram accepted it. A claim is a compare-and-set on
the row, so two senders never send the same part. A rerun goes on from the
first part not yet accepted and skips finished rows; `force` (the CLI's `--ulang`) sends again.
A 429 waits its `retry_after` and is not counted as a failed attempt (Telegram said "later",
not "no"); 5xx and network errors are retried with backoff, `MAX_ATTEMPTS` in all; 403 (the
user blocked the bot) marks the recipient unreachable and the run goes on.

A claim covers the wait for a turn (sent on only while younger than half of `CLAIM_LEASE`)
and one request, which ends within the other half. A claim older than that was left
by a sender that died: the part is sent again. So after a crash at any moment, a rerun at once
or later delivers every part; only a part Telegram accepted in the instant before the crash
(before its row said so) arrives twice. A rerun that meets a live claim waits for it to end.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Delivery, DeliveryStatus, id_of, utcnow
from kinerja_bot.core.settings import Settings

log = logging.getLogger(__name__)

# Telegram allows about 30 messages a second to different chats and 1 a second to one chat;
# stay just under both.
MESSAGES_PER_SECOND = 29
PER_CHAT_SECONDS = 1.05
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (1.0, 2.0, 4.0, 8.0)
# Longer than one request can take (PTB's connect + media write + read + pool timeouts).
CLAIM_LEASE = timedelta(minutes=2)
# Enough concurrent senders that Telegram's latency, not we, is never the bottleneck.
WORKERS = 30
# True while a scheduled message is on its way: in the bot process, the rate limiter of its
# Bot API calls (`flood_control.PatientRateLimiter`) lets every waiting reply go first.
SCHEDULED = ContextVar("scheduled_send", default=False)


@dataclass(frozen=True)
class Document:
    """A file sent with a message (e.g. the full list behind a summary, as .xlsx)."""

    content: bytes
    filename: str
    caption: str | None = None  # HTML, as every text of the books


@dataclass(frozen=True)
class TelegramFile:
    """A file Telegram holds already (a user sent it: its file id), sent on as a photo or a
    document, e.g. a certificate the atasan is asked to verify."""

    file_id: str
    kind: str  # "photo" or "document"


@dataclass
class Outgoing:
    """One recipient's message: text parts (each ≤ 4096 characters), then an optional photo,
    then an optional document, then an optional file Telegram holds."""

    chat_id: int
    parts: Sequence[str]
    markup: InlineKeyboardMarkup | None = None  # on the file if there is one, else the last text
    photo: bytes | None = None
    caption: str | None = None  # of the photo or of the file
    document: Document | None = None
    file: TelegramFile | None = None


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
    """Spaces sends: one start every 1/`per_second` of a second, one per chat per interval.

    Telegram counts a message when it arrives, a round-trip share after it started; sends
    started evenly spaced arrive evenly spaced, so no second ever holds more than
    `per_second` (plus one for timer jitter, which the limit just under Telegram's leaves
    room for). This pacer once counted each send from its start until a second after its
    end instead, holding every send in the window for its round-trip as well: throughput
    fell to per_second / (1 + round-trip). A chat's next message keeps its distance from the
    end of the previous one, which has surely arrived.
    The clock and sleep are injectable, so tests run with a controlled clock; `now()` is the
    wall time on that clock, which claims are stamped and judged by.
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
        self._origin = (utcnow(), clock())
        self._next_start = clock()
        self._last_to: dict[int, float] = {}
        self._lock = asyncio.Lock()

    def now(self) -> datetime:
        wall, started = self._origin
        return wall + timedelta(seconds=self.clock() - started)

    async def _wait_turn(self, chat_id: int) -> None:
        async with self._lock:
            while True:
                now = self.clock()
                wait = max(
                    self._next_start - now,
                    self._last_to.get(chat_id, -1e9) + self.per_chat_seconds - now,
                )
                if wait <= 0:
                    # Spaced from this start, even when it came late (a busy event loop
                    # oversleeps): catching up would bunch sends, and bunched arrivals are
                    # what Telegram answers with 429.
                    self._next_start = max(self._next_start, now) + 1 / self.per_second
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
            self._last_to[chat_id] = self.clock()

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


# --- The row of one message, and the claim of one part --------------------------------------

DONE = (DeliveryStatus.SENT, DeliveryStatus.BLOCKED, DeliveryStatus.SKIPPED)
RETRYABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


@dataclass(frozen=True)
class Claimed:
    """This sender may send part `part` now."""

    part: int


@dataclass(frozen=True)
class Busy:
    """Another sender holds the part until `until` (then its claim has lapsed)."""

    until: datetime


@dataclass(frozen=True)
class Finished:
    """Nothing is left to send: every part went out, or the row was closed."""


async def open_row(
    database: Database, job: str, period: str, chat_id: int, *, force: bool, now: datetime
) -> int | None:
    """The id of the recipient's row, created unclaimed if new; `force` starts it over. None
    when the row is finished: a rerun skips it without waiting for a pacing turn."""
    async with database.session() as session:
        try:
            async with session.begin_nested():
                row = Delivery(job=job, period=period, chat_id=chat_id, created_at=now)
                session.add(row)
            return id_of(row)
        except IntegrityError:
            pass
        where = (
            col(Delivery.job) == job,
            col(Delivery.period) == period,
            col(Delivery.chat_id) == chat_id,
        )
        if force:
            await session.exec(
                update(Delivery)
                .where(*where)
                .where(col(Delivery.status) != DeliveryStatus.SENDING)
                .values(status=DeliveryStatus.PENDING, parts_sent=0)
            )
        row = (await session.exec(select(Delivery).where(*where))).one()
        return None if row.status in DONE else id_of(row)


async def claim_part(
    database: Database, row_id: int, parts: int, *, now: datetime
) -> Claimed | Busy | Finished:
    """Take the row's next unsent part for sending now (compare-and-set on the row)."""
    async with database.session() as session:
        open_or_lapsed = col(Delivery.status).in_(RETRYABLE) | (
            (col(Delivery.status) == DeliveryStatus.SENDING)
            & (col(Delivery.claimed_at) < now - CLAIM_LEASE)
        )
        taken = await session.exec(
            update(Delivery)
            .where(col(Delivery.id) == row_id, col(Delivery.parts_sent) < parts)
            .where(open_or_lapsed)
            .values(status=DeliveryStatus.SENDING, claimed_at=now)
        )
        row = await session.get(Delivery, row_id, populate_existing=True)
        if row is None:  # erased meanwhile (/hapusdata): nothing to send
            return Finished()
        if taken.rowcount == 1:
            return Claimed(row.parts_sent)
        if row.status == DeliveryStatus.SENDING and row.claimed_at is not None:
            return Busy(row.claimed_at + CLAIM_LEASE)
        if row.status in DONE or row.parts_sent >= parts:
            return Finished()
        return Busy(now)  # changed between our update and read: look again


async def record_part(
    database: Database, row_id: int, part: int, parts: int, message_id: int, *, now: datetime
) -> None:
    """Telegram accepted `part`: the row goes on from the next one, or is done."""
    last = part == parts - 1
    values: dict[str, object] = {
        "parts_sent": part + 1,
        "status": DeliveryStatus.SENT if last else DeliveryStatus.PENDING,
        "error": None,
    }
    if part == 0:
        values["message_id"] = message_id
    if last:
        values["sent_at"] = now
    async with database.session() as session:
        await session.exec(
            update(Delivery)
            .where(col(Delivery.id) == row_id, col(Delivery.parts_sent) == part)
            .values(attempts=Delivery.attempts + 1, **values)
        )


async def release(
    database: Database, row_id: int, status: DeliveryStatus, error: str | None
) -> None:
    """The part was not sent: hand the row back (`menunggu`) or close it (`gagal`, `diblokir`)."""
    async with database.session() as session:
        await session.exec(
            update(Delivery)
            .where(col(Delivery.id) == row_id)
            .values(status=status, error=error, attempts=Delivery.attempts + 1)
        )


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


PartSender = Callable[[Bot], Awaitable[Message]]


def part_senders(outgoing: Outgoing) -> list[PartSender]:
    """One call per part, in order. The parse mode is explicit: the CLI's plain Bot has no
    defaults."""
    chat_id = outgoing.chat_id

    def text_part(text: str, markup: InlineKeyboardMarkup | None) -> PartSender:
        async def send(bot: Bot) -> Message:
            return await bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
            )

        return send

    def photo_part(photo: bytes, caption: str | None) -> PartSender:
        async def send(bot: Bot) -> Message:
            return await bot.send_photo(chat_id, photo, caption=caption)

        return send

    def file_part(file: TelegramFile) -> PartSender:
        async def send(bot: Bot) -> Message:
            sender = bot.send_photo if file.kind == "photo" else bot.send_document
            return await sender(
                chat_id,
                file.file_id,
                caption=outgoing.caption,
                parse_mode=ParseMode.HTML,
                reply_markup=outgoing.markup,
            )

        return send

    def document_part(document: Document) -> PartSender:
        async def send(bot: Bot) -> Message:
            return await bot.send_document(
                chat_id,
                document.content,
                filename=document.filename,
                caption=document.caption,
                parse_mode=ParseMode.HTML,
            )

        return send

    last = len(outgoing.parts) - 1 if outgoing.file is None else None
    senders = [
        text_part(text, outgoing.markup if index == last else None)
        for index, text in enumerate(outgoing.parts)
    ]
    if outgoing.photo is not None:
        senders.append(photo_part(outgoing.photo, outgoing.caption))
    if outgoing.document is not None:
        senders.append(document_part(outgoing.document))
    if outgoing.file is not None:
        senders.append(file_part(outgoing.file))
    return senders


async def attempt(send: PartSender, bot: Bot) -> Message | TelegramError:
    scheduled = SCHEDULED.set(True)
    try:
        return await send(bot)
    except TelegramError as error:
        return error
    finally:
        SCHEDULED.reset(scheduled)


def describe(error: TelegramError) -> str:
    if isinstance(error, RetryAfter):
        return f"429 retry_after {pause_seconds(error):g}"
    return str(error)


def pause_seconds(pause: RetryAfter) -> float:
    seconds = pause.retry_after
    return seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)


async def deliver_one(
    bot: Bot,
    database: Database,
    pacer: Pacer,
    job: str,
    period: str,
    outgoing: Outgoing,
    *,
    force: bool = False,
    max_attempts: int = MAX_ATTEMPTS,
) -> DeliveryReport:
    """Send each part not sent yet: claim it in its turn, send it, record it; retry what
    failed (`max_attempts` in all, then the row is left `gagal`, which a rerun takes up).
    Never raises for Telegram's refusals."""
    senders = part_senders(outgoing)
    last = len(senders) - 1
    chat_id = outgoing.chat_id
    row_id = await open_row(database, job, period, chat_id, force=force, now=pacer.now())
    if row_id is None:
        return DeliveryReport(skipped=1)
    sent_any, failures = False, 0
    while True:
        # Claimed before its turn, so the request starts the moment the turn comes (the
        # pacer counts starts). The turn is about a second away, unless Telegram asked for a
        # pause: a claim grown older than half its lease is not sent on; it lapses, then
        # this sender (or a rerun) takes it again.
        claimed_at = pacer.now()
        claim = await claim_part(database, row_id, len(senders), now=claimed_at)
        if isinstance(claim, Claimed):
            async with pacer.turn(chat_id):
                fresh = pacer.now() - claimed_at < CLAIM_LEASE / 2
                if fresh:
                    result = await attempt(senders[claim.part], bot)
            if not fresh:
                continue
        if isinstance(claim, Finished):
            return DeliveryReport(sent=1) if sent_any else DeliveryReport(skipped=1)
        if isinstance(claim, Busy):
            await pacer.sleep(max((claim.until - pacer.now()).total_seconds(), 0.0) + 0.001)
            continue
        if isinstance(result, Message):
            await record_part(
                database, row_id, claim.part, len(senders), result.message_id, now=pacer.now()
            )
            sent_any, failures = True, 0
            if claim.part == last:
                return DeliveryReport(sent=1)
            continue
        if isinstance(result, Forbidden):
            await release(database, row_id, DeliveryStatus.BLOCKED, str(result))
            return DeliveryReport(blocked=[chat_id])
        if isinstance(result, BadRequest):
            await release(database, row_id, DeliveryStatus.FAILED, str(result))
            return DeliveryReport(failed=1)
        if isinstance(result, RetryAfter):  # flow control, not a failure of this message
            await release(database, row_id, DeliveryStatus.PENDING, describe(result))
            log.warning("429 from Telegram: pausing %.1f s", pause_seconds(result))
            await pacer.hold(pause_seconds(result))
            continue
        failures += 1
        if failures >= max_attempts:
            await release(database, row_id, DeliveryStatus.FAILED, describe(result))
            return DeliveryReport(failed=1)
        await release(database, row_id, DeliveryStatus.PENDING, describe(result))
        await pacer.sleep(BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS)) - 1])


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


# --- Notices queued by handlers ---------------------------------------------------------------
# A handler whose effect someone else must hear of (the atasan, of a leave) stores the notice
# in the same transaction as the effect (`queue_notice`), answers its own user at once, and
# wakes the `Courier`, which sends it right after the commit through the same rows, claims and
# pacing as a scheduled message: exactly once, a kill included. A notice Telegram refused for
# now is tried again by the minute check (and by the check at start) for a day.

NOTICE_ATTEMPTS_PER_PASS = 3  # 1 s and 2 s apart: a passing hiccup does not wait a minute
NOTICE_MAX_ATTEMPTS = 30
NOTICE_KEEP = timedelta(days=1)


async def queue_notice(
    session: AsyncSession,
    job: str,
    period: str,
    chat_id: int,
    parts: Sequence[str],
    markup: InlineKeyboardMarkup | None = None,
    *,
    file: TelegramFile | None = None,
    caption: str | None = None,
) -> bool:
    """Store a notice in the caller's transaction (`markup` under its last part: the `file`,
    captioned `caption`, when there is one); False when (job, period, chat_id) was queued
    before: an update handled again after a kill queues nothing new."""
    content: dict[str, Any] = {"parts": [str(part) for part in parts]}
    if markup is not None:
        content["markup"] = markup.to_dict()
    if file is not None:
        content["file"] = {"file_id": file.file_id, "kind": file.kind}
        content["caption"] = None if caption is None else str(caption)
    notice = Delivery(job=job, period=period, chat_id=chat_id, content=content, created_at=utcnow())
    try:
        async with session.begin_nested():
            session.add(notice)
    except IntegrityError:
        return False
    return True


async def notices_due(database: Database, now: datetime) -> list[Delivery]:
    """Queued notices not delivered yet, oldest first; one whose claim is live is left to its
    sender (or, if that sender died, to a check after the claim has lapsed)."""
    async with database.session() as session:
        rows = await session.exec(
            select(Delivery)
            .where(
                col(Delivery.content).is_not(None),
                col(Delivery.created_at) >= now - NOTICE_KEEP,
                col(Delivery.attempts) < NOTICE_MAX_ATTEMPTS,
                col(Delivery.status).in_(RETRYABLE)
                | (
                    (col(Delivery.status) == DeliveryStatus.SENDING)
                    & (col(Delivery.claimed_at) < now - CLAIM_LEASE)
                ),
            )
            .order_by(col(Delivery.id))
        )
        return list(rows.all())


async def deliver_notices(services: JobServices) -> DeliveryReport:
    """Send every queued notice that is due: each chat's in the order they were queued,
    the chats side by side (the pacer keeps the limits)."""
    rows = await notices_due(services.database, services.pacer.now())
    report = DeliveryReport()

    async def send(row: Delivery) -> None:
        content = row.content or {}
        stored = content.get("markup")
        markup = InlineKeyboardMarkup.de_json(stored, None) if stored else None
        file = content.get("file")
        outgoing = Outgoing(
            row.chat_id,
            content.get("parts", []),
            markup,
            caption=content.get("caption"),
            file=TelegramFile(**file) if file else None,
        )
        report.add(
            await deliver_one(
                services.bot,
                services.database,
                services.pacer,
                row.job,
                row.period,
                outgoing,
                max_attempts=NOTICE_ATTEMPTS_PER_PASS,
            )
        )

    async def send_in_order(chat_rows: list[Delivery]) -> None:
        for row in chat_rows:
            await send(row)

    # Chats side by side; within a chat in the order queued (e.g. "Siti withdrew" before the
    # request of the one who moved up from the waiting list), as one person reads them.
    by_chat: dict[int, list[Delivery]] = {}
    for row in rows:
        by_chat.setdefault(row.chat_id, []).append(row)
    await asyncio.gather(*(send_in_order(chat_rows) for chat_rows in by_chat.values()))
    if rows:
        log.info("queued notices: %s", report)
    return report


class Courier:
    """Delivers queued notices in the bot process, one pass at a time: `wake` after a commit
    that queued one (and from the minute check) starts a pass, or, during a pass, makes
    another follow it, so a notice queued meanwhile is not left for the next minute."""

    def __init__(
        self,
        services: Callable[[], JobServices],
        spawn: Callable[[Coroutine[Any, Any, None]], object],
    ) -> None:
        self._services = services
        self._spawn = spawn  # the application's create_task: stopping waits for the pass
        self._running = False
        self._again = False

    def wake(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        self._spawn(self._passes())

    async def _passes(self) -> None:
        try:
            while True:
                self._again = False
                try:
                    await deliver_notices(self._services())
                except Exception as error:  # the database is away: the minute check retries
                    log.warning("queued notices not sent now (%s)", type(error).__name__)
                if not self._again:
                    return
        finally:
            self._running = False


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

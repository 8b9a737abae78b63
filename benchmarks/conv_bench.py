"""Benchmark: users completing /lapor at once, against a bare PTB echo bot on the same feed.

Each of `users` linked ASN walks the whole /lapor journey (8 updates: the command, choosing
the indicator, the realisation, the link, the obstacle button and text, "no support", send)
through the in-process fake Bot API, polled by the bot as in production. Figures:

- `conv_updates_per_s_concurrent`, `reply_p50_ms`, `reply_p99_ms`: every user at once while
  each Bot API call takes 50 ms (the reply time is from the update's arrival in getUpdates
  until the bot is done with it, answer sent and state written);
- `conv_updates_per_s_sequential`: a few users one after another with the same latency;
  `conv_speedup` is the ratio;
- `reply_p50_ms_paced`, `reply_p99_ms_paced`: the same 500 users and latency at a person's
  pace: they arrive within `ARRIVAL_SECONDS` and take 1 to 3 seconds over each answer. All at
  once with no pause, every user waits for the other 499 at every step (the figures above
  measure the bot saturated: by Little's law the mean reply is users / throughput); paced,
  the bot has time to spare and the figures are the wait a person sees at that load;
- `inproc_updates_per_s`: every user at once without latency (the bot's own cost);
  `echo_floor_updates_per_s` the same feed to a bare PTB echo bot (one answer per update);
  `overhead_vs_echo` is the ratio of their costs per update (process CPU time);
- `cpu_ms_per_update`, `echo_cpu_ms_per_update`: process CPU time per update in the
  no-latency runs;
- `conv_errors`, `conv_reports_missing`: updates that failed (reached the error handler) and
  users whose report was not saved, over the four runs: the figures count only with these.

Outgoing calls are not paced here (the fake enforces no limits): the figures measure the bot,
not Telegram's 30 messages a second (see docs/performance.md). SQLite in a temporary folder;
with BENCH_DATABASE_URL the no-latency run is repeated on PostgreSQL (`inproc_..._postgres`).

    .venv/bin/python -m benchmarks.conv_bench [--quick]
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from sqlmodel import func, select
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from benchmarks.common import (
    FIRST_USER,
    TOKEN,
    Figures,
    LatentRequest,
    add_staff,
    bench_settings,
    fresh_postgres,
    fresh_sqlite,
    main,
    percentile,
    postgres_url,
)
from kinerja_bot.app import build_application
from kinerja_bot.core.collector import settle_after_start
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import ProgressReport
from kinerja_bot.reporting.texts import TEXTS
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage

LATENCY = 0.05
STEPS = 8
# The paced run: arrivals spread over this many seconds, each answer taking THINK seconds.
ARRIVAL_SECONDS = 5.0
THINK = (1.0, 3.0)


@dataclass
class Feed:
    """Pushes each user's updates and waits until the application is done with each one."""

    api: FakeBotAPI
    done: dict[int, asyncio.Future[None]] = field(default_factory=dict)
    reply_seconds: list[float] = field(default_factory=list)
    # Seconds a user takes before each update (the paced run); None: no pause at all.
    think: Callable[[int, int], float] | None = None
    steps_sent: dict[int, int] = field(default_factory=dict)

    def watch(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        process = application.process_update

        async def process_and_record(update: object) -> None:
            try:
                await process(update)
            finally:
                if isinstance(update, Update):
                    waiter = self.done.get(update.update_id)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(None)

        application.process_update = process_and_record  # type: ignore[method-assign]

    async def send(self, user: int, push: Callable[[], object]) -> SentMessage | None:
        """Push one update of `user`, wait until it is handled; their latest message then."""
        if self.think is not None:
            step = self.steps_sent[user] = self.steps_sent.get(user, -1) + 1
            await asyncio.sleep(self.think(user, step))
        waiter = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        push()
        self.done[self.api.last_update_id] = waiter
        async with asyncio.timeout(120):
            await waiter
        self.reply_seconds.append(time.perf_counter() - started)
        sent = self.api.sent_to(user)
        return sent[-1] if sent else None


async def lapor(feed: Feed, user: int) -> None:
    """One ASN's whole /lapor journey, as tests/reporting/test_lapor.py walks it."""
    api = feed.api
    choose = await feed.send(user, lambda: api.send_text(user, "/lapor"))
    assert choose is not None and choose.buttons, choose
    await feed.send(user, lambda: api.press_button(user, choose, label=choose.button_labels[0]))
    await feed.send(user, lambda: api.send_text(user, "12"))
    obstacle = await feed.send(
        user, lambda: api.send_text(user, "https://drive.example.go.id/bukti")
    )
    assert obstacle is not None
    await feed.send(user, lambda: api.press_button(user, obstacle, label="Sarana-prasarana"))
    support = await feed.send(user, lambda: api.send_text(user, "Printer blanko macet dua hari"))
    assert support is not None
    summary = await feed.send(
        user, lambda: api.press_button(user, support, label=TEXTS.get("tombol_tidak_ada"))
    )
    assert summary is not None
    await feed.send(user, lambda: api.press_button(user, summary, "lapor:kirim", check=False))


async def echo_journey(feed: Feed, user: int) -> None:
    """The same shape of feed (texts and button presses) to the echo bot."""
    api = feed.api
    last = await feed.send(user, lambda: api.send_text(user, "/lapor"))
    for step in range(1, STEPS):
        assert last is not None
        if step in (1, 4, 6, 7):
            push = partial(api.press_button, user, last, "x", check=False)
        else:
            push = partial(api.send_text, user, f"pesan {step}")
        last = await feed.send(user, push)


async def echo_text(update: Update, context: Any) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


async def echo_press(update: Update, context: Any) -> None:
    assert update.callback_query is not None and update.effective_chat is not None
    await update.callback_query.answer()
    await context.bot.send_message(update.effective_chat.id, update.callback_query.data or "")


def echo_application(api: FakeBotAPI, latency: float) -> Application[Any, Any, Any, Any, Any, Any]:
    """A bare PTB bot: concurrent updates, one answer per update, nothing else."""
    request = LatentRequest(api, latency)
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(request)
        .get_updates_request(LatentRequest(api, latency))
        .concurrent_updates(256)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo_text))
    application.add_handler(CallbackQueryHandler(echo_press))
    return application


Journey = Callable[[Feed, int], Awaitable[None]]


async def stopped(journey: Awaitable[None]) -> BaseException | None:
    """The journey's end: None, or the exception that stopped it."""
    try:
        await journey
    except Exception as error:
        return error
    return None


def person_pace(first_user: int, users: int) -> Callable[[int, int], float]:
    """Users arriving evenly within ARRIVAL_SECONDS, then THINK seconds before each answer
    (the same draw for the same user and step in every run)."""

    def think(user: int, step: int) -> float:
        if step == 0:
            return (user - first_user) * ARRIVAL_SECONDS / users
        return random.Random(user * STEPS + step).uniform(*THINK)

    return think


async def drive(
    application: Application[Any, Any, Any, Any, Any, Any],
    api: FakeBotAPI,
    journey: Journey,
    users: range,
    *,
    at_once: bool,
    paced: bool = False,
) -> tuple[float, float, list[float]]:
    """Seconds of wall and CPU time for every user's journey, and each update's reply time."""
    feed = Feed(api, think=person_pace(users.start, len(users)) if paced else None)
    feed.watch(application)
    for user in users:
        api.user(user)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            started, cpu = time.perf_counter(), time.process_time()
            if at_once:
                ended = await asyncio.gather(
                    *(journey(feed, user) for user in users), return_exceptions=True
                )
            else:
                ended = [await stopped(journey(feed, user)) for user in users]
            # A user the bot failed (told "gangguan") cannot go on: counted by the caller
            # (errors, missing reports); anything else is the benchmark's own bug.
            for outcome in ended:
                if isinstance(outcome, BaseException) and not isinstance(
                    outcome, AssertionError | LookupError
                ):
                    raise outcome
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            await application.updater.stop()
            await application.stop()
    return elapsed, cpu, feed.reply_seconds


@dataclass
class Outcome:
    """A run of the bot: wall and CPU seconds, each reply's seconds, and what went wrong."""

    wall: float
    cpu: float
    replies: list[float]
    errors: int  # exceptions that reached the error handler (users told "gangguan"/"galat")
    missing: int  # users whose report was not saved at the end


async def kinerja_run(
    url: str, users: range, latency: float, *, at_once: bool, paced: bool = False
) -> Outcome:
    settings = bench_settings(url)
    database = Database(url, settings.database_timeouts)
    await add_staff(database, len(users), first_user=users.start)
    api = FakeBotAPI(token=TOKEN)
    application = build_application(
        settings, request=LatentRequest(api, latency), database=database, rate_limit=False
    )
    settle_after_start()  # as post_init does once the bot has started (not run here)
    errors: list[object] = []

    async def count(update: object, context: Any) -> None:
        errors.append(context.error)

    application.add_error_handler(count)
    wall, cpu, replies = await drive(application, api, lapor, users, at_once=at_once, paced=paced)
    async with Database(url).session() as session:
        saved = (await session.exec(select(func.count()).select_from(ProgressReport))).one()
    return Outcome(wall, cpu, replies, len(errors), len(users) - saved)


async def echo_run(users: range, latency: float) -> tuple[float, float, list[float]]:
    api = FakeBotAPI(token=TOKEN)
    return await drive(echo_application(api, latency), api, echo_journey, users, at_once=True)


def run(quick: bool = False) -> Figures:
    users = range(FIRST_USER, FIRST_USER + (100 if quick else 500))
    sequential_users = range(FIRST_USER, FIRST_USER + (3 if quick else 10))
    updates = len(users) * STEPS
    with tempfile.TemporaryDirectory(prefix="kinerja-conv-") as temporary:
        folder = Path(temporary)
        latent = asyncio.run(
            kinerja_run(fresh_sqlite(folder, "latent"), users, LATENCY, at_once=True)
        )
        one_by_one = asyncio.run(
            kinerja_run(fresh_sqlite(folder, "seq"), sequential_users, LATENCY, at_once=False)
        )
        paced = asyncio.run(
            kinerja_run(fresh_sqlite(folder, "paced"), users, LATENCY, at_once=True, paced=True)
        )
        inproc = asyncio.run(kinerja_run(fresh_sqlite(folder, "inproc"), users, 0.0, at_once=True))
        echo_wall, echo_cpu, _ = asyncio.run(echo_run(users, 0.0))
    concurrent = updates / latent.wall
    sequential = len(sequential_users) * STEPS / one_by_one.wall
    figures: Figures = {
        "conv_updates_per_s_concurrent": round(concurrent, 1),
        "conv_updates_per_s_sequential": round(sequential, 1),
        "conv_speedup": round(concurrent / sequential, 1),
        "reply_p50_ms": round(percentile(latent.replies, 0.50) * 1000),
        "reply_p99_ms": round(percentile(latent.replies, 0.99) * 1000),
        "reply_p50_ms_paced": round(percentile(paced.replies, 0.50) * 1000),
        "reply_p99_ms_paced": round(percentile(paced.replies, 0.99) * 1000),
        "inproc_updates_per_s": round(updates / inproc.wall, 1),
        "echo_floor_updates_per_s": round(updates / echo_wall, 1),
        # Cost is CPU time: on a shared machine wall time also counts everyone else's work.
        "overhead_vs_echo": round(inproc.cpu / echo_cpu, 1),
        "cpu_ms_per_update": round(inproc.cpu / updates * 1000, 2),
        "echo_cpu_ms_per_update": round(echo_cpu / updates * 1000, 2),
        # Figures of a bot that failed some users would flatter it: how many, next to them.
        "conv_errors": sum(run.errors for run in (latent, one_by_one, paced, inproc)),
        "conv_reports_missing": sum(run.missing for run in (latent, one_by_one, paced, inproc)),
    }
    database_url = postgres_url()
    if database_url is not None:
        on_postgres = asyncio.run(
            kinerja_run(fresh_postgres(database_url), users, 0.0, at_once=True)
        )
        figures["inproc_updates_per_s_postgres"] = round(updates / on_postgres.wall, 1)
        figures["conv_errors_postgres"] = on_postgres.errors
        figures["conv_reports_missing_postgres"] = on_postgres.missing
    return figures


if __name__ == "__main__":
    main(run)

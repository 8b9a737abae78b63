"""Shared fixtures: a fresh database per test (SQLite, or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import AnyHttpUrl
from sqlalchemy import event, text
from sqlmodel import SQLModel
from telegram import Bot, Update

from kinerja_bot.app import build_application
from kinerja_bot.core import (
    idle_conversations,
    models,  # noqa: F401  (registers the tables)
)
from kinerja_bot.core.context import KinerjaApplication
from kinerja_bot.core.db import Database
from kinerja_bot.core.outbox import JobServices, Pacer
from kinerja_bot.core.settings import Settings, load_settings
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from kinerja_bot.testing.transports import FakeBotAPIServer

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgres")
_postgres_schema_ready = False


def database_url(tmp_path: Path) -> str:
    return POSTGRES_URL if ON_POSTGRES else f"sqlite:///{tmp_path / 'test.db'}"


async def _fresh_schema(database: Database) -> None:
    global _postgres_schema_ready
    async with database.engine.begin() as connection:
        if ON_POSTGRES and _postgres_schema_ready:
            tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            await connection.run_sync(SQLModel.metadata.drop_all)
            await connection.run_sync(SQLModel.metadata.create_all)
            _postgres_schema_ready = ON_POSTGRES


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for tests: never read the developer's .env."""
    return load_settings(
        _env_file=None,
        database_url=database_url(tmp_path),
        telegram_bot_token="123456:TEST-TOKEN",
        admin_telegram_ids="900001",
        bot_username="KinerjaTangselBot",
    )


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    """An empty database with the current schema."""
    database = Database(settings.database_url)
    await _fresh_schema(database)
    try:
        yield database
    finally:
        await database.dispose()


@contextmanager
def database_fails(database: Database, *, on: str) -> Iterator[list[str]]:
    """The next statement containing `on` (say "INSERT INTO progressreport") fails like a
    dropped connection, with the driver's own error; yields the statements that failed.
    Name the table: persistence and jobs use the database at any moment too."""
    failed: list[str] = []

    def fail(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        if on.upper() in statement.upper() and not failed:
            failed.append(statement)
            raise database.engine.dialect.loaded_dbapi.OperationalError("connection lost")

    event.listen(database.engine.sync_engine, "before_cursor_execute", fail)
    try:
        yield failed
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", fail)


@contextmanager
def counted_statements(database: Database) -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)


# --- The bot, running against the local fake Bot API over HTTP -------------------------------


class Handled:
    """Ids of the updates the application has finished with, however it ended (answered,
    stopped at intake or by flood control, failed): a test can wait until the bot is done
    with what a user sent without knowing what, if anything, it will answer."""

    def __init__(self, application: KinerjaApplication) -> None:
        self.ids: set[int] = set()
        self.change = asyncio.Event()
        process = application.process_update

        async def process_and_record(update: object) -> None:
            try:
                await process(update)
            finally:
                if isinstance(update, Update):
                    self.ids.add(update.update_id)
                self.change.set()
                self.change = asyncio.Event()

        application.process_update = process_and_record  # type: ignore[method-assign]

    async def wait(self, update_id: int) -> None:
        async with asyncio.timeout(30):
            while update_id not in self.ids:
                await self.change.wait()


@dataclass
class RunningBot:
    """The real application, polling the fake Bot API; `errors` are what PTB caught."""

    api: FakeBotAPI
    application: KinerjaApplication
    errors: list[BaseException] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.handled = Handled(self.application)

    async def say(self, user_id: int, text: str, *, replies: int = 1) -> list[SentMessage]:
        """The user sends a text; returns the bot's next `replies` messages to them."""
        self.api.send_text(user_id, text)
        return await self.api.wait_for_messages(user_id, replies)

    async def press(self, user_id: int, message: SentMessage, label: str) -> dict[str, Any]:
        """The user presses the button with this label; returns the callback query."""
        return self.api.press_button(user_id, message, label=label)


@asynccontextmanager
async def running_bot(
    settings: Settings, database: Database, api: FakeBotAPI
) -> AsyncIterator[RunningBot]:
    """Start the whole bot against `api` (over HTTP on 127.0.0.1); stop it on exit."""
    async with FakeBotAPIServer(api) as server:
        bot_settings = settings.model_copy(
            update={"telegram_base_url": AnyHttpUrl(server.base_url)}
        )
        application = build_application(bot_settings, database=database)
        running = RunningBot(api, application)

        async def record(update: object, context: Any) -> None:
            running.errors.append(context.error)

        application.add_error_handler(record)
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0, timeout=1)
            try:
                yield running
            finally:
                await application.updater.stop()
                await application.stop()


# Seen as text, these mean HTML was escaped twice (a value escaped again, or our own tags
# escaped): a failure unless a user typed that very text in the test.
ESCAPED_TWICE_SIGNS = (
    "&lt;",
    "&gt;",
    "&amp;",
    "&quot;",
    "&#",
    "</b>",
    "</i>",
    "</code>",
    "</a>",
    "</u>",
)


def escaped_twice(api: FakeBotAPI) -> list[str]:
    """What users read (messages, buttons, pop-ups) showing markup that no user typed."""
    typed = "\n".join(api.typed)
    return [
        text
        for text in api.shown()
        if any(sign in text and sign not in typed for sign in ESCAPED_TWICE_SIGNS)
    ]


@pytest.fixture
def api(settings: Settings) -> Iterator[FakeBotAPI]:
    """The fake Bot API; the test fails if users were shown markup they did not type."""
    assert settings.telegram_bot_token is not None
    fake = FakeBotAPI(token=settings.telegram_bot_token.get_secret_value())
    yield fake
    shown = escaped_twice(fake)
    assert shown == [], f"HTML escaped twice: {shown}"


@pytest.fixture
async def bot(settings: Settings, database: Database, api: FakeBotAPI) -> AsyncIterator[RunningBot]:
    """The running bot; the test fails if PTB caught any exception while it ran."""
    async with running_bot(settings, database, api) as running:
        yield running
    assert running.errors == [], f"the bot raised: {running.errors!r}"


# --- Scheduled jobs with a controlled clock -------------------------------------------------


# Enough turns of the event loop for a request to the in-process fake Bot API to arrive.
YIELDS_BEFORE_TIME_MOVES = 20


class FakeClock:
    """Monotonic time that only moves when someone sleeps: no real waiting in tests."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Wake `seconds` after the call, as a real clock would: concurrent sleepers overlap
        (their time is not added up), and work already under way, such as a message on its
        way to the fake Bot API, happens before the time moves on; once made it arrived a
        whole sleep late and two seconds' sends were counted in one."""
        wake_at = self.now + max(0.0, seconds)
        for _ in range(YIELDS_BEFORE_TIME_MOVES):
            await asyncio.sleep(0)
        self.now = max(self.now, wake_at)


@pytest.fixture
def idle_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock idle conversations are timed by (core/idle_conversations.py), moved by the
    test with `idle_for`."""
    clock = FakeClock()
    monkeypatch.setattr(idle_conversations, "clock", clock)
    return clock


async def idle_for(bot: RunningBot, clock: FakeClock, minutes: float) -> None:
    """Once the bot has handled what the users sent, they stay silent for `minutes`; then the
    minute's check for idle conversations runs (scheduling.registry books it every minute)."""
    await bot.handled.wait(bot.api.last_update_id)
    clock.now += minutes * 60
    await idle_conversations.close_idle_conversations(bot.application)


@asynccontextmanager
async def job_services(
    settings: Settings, database: Database, api: FakeBotAPI, clock: FakeClock
) -> AsyncIterator[JobServices]:
    """What a scheduled job gets, talking to `api` over HTTP, paced by `clock`."""
    async with FakeBotAPIServer(api) as server:
        bot = Bot(api.token, base_url=server.base_url, base_file_url=server.base_file_url)
        async with bot:
            yield JobServices(bot, database, settings, Pacer(clock=clock, sleep=clock.sleep))

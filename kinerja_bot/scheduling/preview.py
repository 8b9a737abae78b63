"""`kinerja-bot jalankan NAME --pratinjau`: what a job would send to whom, sending nothing and
recording nothing.

The job runs as it would (same code, same rules) with two stand-ins: a bot that notes each
message instead of calling Telegram, and a database whose sessions all join one outer
transaction that is rolled back at the end — so delivery rows, escalation marks and any other
change the job makes vanish. No token is needed.
"""

from __future__ import annotations

import asyncio
import html
import re
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncTransaction
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, Chat, InlineKeyboardMarkup, Message

from kinerja_bot.core.db import Database, is_sqlite
from kinerja_bot.core.jobs import ScheduledJob
from kinerja_bot.core.models import Employee, utcnow
from kinerja_bot.core.outbox import JobServices, Pacer
from kinerja_bot.core.settings import Settings

PREVIEW_TOKEN = "0:pratinjau"  # never sent anywhere: the preview bot makes no request


@dataclass
class Sent:
    """One message as the recipient would get it."""

    chat_id: int
    text: str | None = None
    buttons: list[str] = field(default_factory=list)
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None


class RecordingBot(Bot):
    """Notes every message instead of sending it, and answers as Telegram would."""

    def __init__(self) -> None:
        super().__init__(PREVIEW_TOKEN)
        with self._unfrozen():  # PTB freezes its objects after __init__
            self.sent: list[Sent] = []

    def _accepted(self, chat_id: int | str) -> Message:
        chat = Chat(int(chat_id), Chat.PRIVATE)
        return Message(message_id=len(self.sent), date=utcnow(), chat=chat)

    async def send_message(
        self, chat_id: int | str, text: str, *args: Any, **kwargs: Any
    ) -> Message:
        markup = kwargs.get("reply_markup")
        buttons = (
            [b.text for row in markup.inline_keyboard for b in row]
            if isinstance(markup, InlineKeyboardMarkup)
            else []
        )
        self.sent.append(Sent(int(chat_id), text=text, buttons=buttons))
        return self._accepted(chat_id)

    async def send_photo(  # type: ignore[override]
        self, chat_id: int | str, photo: bytes | IO[bytes], *args: Any, **kwargs: Any
    ) -> Message:
        content = photo if isinstance(photo, bytes) else photo.read()
        self.sent.append(Sent(int(chat_id), text=kwargs.get("caption"), photo=content))
        return self._accepted(chat_id)

    async def send_document(  # type: ignore[override]
        self, chat_id: int | str, document: bytes | IO[bytes], *args: Any, **kwargs: Any
    ) -> Message:
        content = document if isinstance(document, bytes) else document.read()
        caption, filename = kwargs.get("caption"), kwargs.get("filename")
        self.sent.append(Sent(int(chat_id), text=caption, document=content, filename=filename))
        return self._accepted(chat_id)


class RolledBackDatabase(Database):
    """Every session joins one outer transaction (each as a savepoint), rolled back by
    `dispose`. Sessions take turns on the one connection; a task may nest its own."""

    def __init__(self, database_url: str) -> None:
        super().__init__(database_url)
        if is_sqlite(self.engine):
            # pysqlite opens transactions lazily and would break savepoints: let SQLAlchemy
            # say BEGIN itself (the SQLAlchemy documentation's recipe for aiosqlite).
            event.listen(self.engine.sync_engine, "connect", _sqlite_manual_transactions)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
        self._connection: AsyncConnection | None = None
        self._outer: AsyncTransaction | None = None
        self._turn = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None

    async def start(self) -> None:
        self._connection = await self.engine.connect()
        self._outer = await self._connection.begin()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        assert self._connection is not None, "start() first"
        me = asyncio.current_task()
        if self._holder is me:
            async with self._savepoint() as session:
                yield session
            return
        async with self._turn:
            self._holder = me
            try:
                async with self._savepoint() as session:
                    yield session
            finally:
                self._holder = None

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[AsyncSession]:
        session = AsyncSession(
            bind=self._connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        finally:
            await session.close()

    async def dispose(self) -> None:
        if self._outer is not None:
            await self._outer.rollback()
        if self._connection is not None:
            await self._connection.close()
        await super().dispose()


def _sqlite_manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """A message as the user reads it: without HTML tags, entities resolved."""
    return html.unescape(_TAG.sub("", text))


@dataclass(frozen=True)
class Preview:
    messages: list[Sent]
    names: dict[int, str]  # chat id → the employee's name, when the chat is linked


async def preview_job(job: ScheduledJob, settings: Settings, now: datetime) -> Preview:
    """Run `job` with the recording bot on a database that is rolled back afterwards."""
    database = RolledBackDatabase(settings.database_url)
    bot = RecordingBot()
    try:
        await database.start()
        await job.run(JobServices(bot, database, settings, Pacer()), now, force=False)
        chats = {sent.chat_id for sent in bot.sent}
        async with database.session() as session:
            statement = select(Employee).where(Employee.telegram_id.in_(chats))  # type: ignore[union-attr]
            names = {e.telegram_id: e.nama for e in (await session.exec(statement)).all()}
    finally:
        await database.dispose()
    return Preview(bot.sent, {k: v for k, v in names.items() if k is not None})


def chart_folder(job: str) -> Path:
    """A fresh folder for the preview's charts and files (only made when there is one)."""
    return Path(tempfile.mkdtemp(prefix=f"pratinjau-{job}-"))

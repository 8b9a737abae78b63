"""A database that stops answering: users hear so within seconds, and the bot recovers by itself.

On PostgreSQL the bot talks to the database through a proxy that can stall every connection
(a hung server or network); on SQLite another connection holds the write lock (a long import).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import make_url

from kinerja_bot.activation.service import issue_codes
from kinerja_bot.core.db import Database, is_unavailable
from kinerja_bot.core.models import Employee, utcnow
from kinerja_bot.core.settings import Settings
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from kinerja_bot.testing.stall import StallingProxy
from tests.conftest import ON_POSTGRES, running_bot
from tests.factories import add_employee, add_unit

USER = 6600001
# The promise is "within 5 s"; the margin keeps a busy test machine from failing the test.
PROMISED_SECONDS = 5
MARGIN_SECONDS = 5


class Outage:
    """Makes the bot's database stop answering (`begin`) and answer again (`end`)."""

    def __init__(self, proxy: StallingProxy | None, sqlite_path: str | None) -> None:
        self.proxy = proxy
        self.sqlite_path = sqlite_path
        self._lock: sqlite3.Connection | None = None

    def begin(self) -> None:
        if self.proxy is not None:
            self.proxy.stall()
        else:
            assert self.sqlite_path is not None
            self._lock = sqlite3.connect(self.sqlite_path, isolation_level=None)
            self._lock.execute("BEGIN IMMEDIATE")  # holds the write lock until `end`

    def end(self) -> None:
        if self.proxy is not None:
            self.proxy.resume()
        elif self._lock is not None:
            self._lock.execute("ROLLBACK")
            self._lock.close()


@asynccontextmanager
async def database_with_outages(settings: Settings) -> AsyncIterator[tuple[Database, Outage]]:
    """The bot's own database connection, with the bot's timeouts, and a way to stall it."""
    url = make_url(settings.database_url)
    if not ON_POSTGRES:
        database = Database(settings.database_url, settings.database_timeouts)
        yield database, Outage(None, str(url.database))
        await database.dispose()
        return
    async with StallingProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        through_proxy = url.set(host=proxy.host, port=proxy.port)
        database = Database(
            through_proxy.render_as_string(hide_password=False), settings.database_timeouts
        )
        outage = Outage(proxy, None)
        try:
            yield database, outage
        finally:
            outage.end()
            await database.dispose()


async def test_a_stalled_database_is_told_within_seconds_and_the_bot_recovers(
    settings: Settings, database: Database, api: FakeBotAPI
) -> None:
    unit = await add_unit(database, "DISDUKCAPIL")
    siti = await add_employee(database, unit, nama="Siti Rahmawati")
    async with database.session() as session:
        (issued,) = await issue_codes(session, [siti], utcnow(), 14)

    async with (
        database_with_outages(settings) as (bot_database, outage),
        running_bot(settings, bot_database, api) as bot,
    ):
        await bot.say(USER, "/start")  # the pool holds a working connection now
        outage.begin()
        api.send_text(USER, f"/start aktivasi-{issued.kode}")
        (told,) = await api.wait_for_messages(USER, timeout=PROMISED_SECONDS + MARGIN_SECONDS)
        assert told.plain_text == GENERAL.get("gangguan")
        outage.end()
        (linked,) = await bot.say(USER, f"/start aktivasi-{issued.kode}")
        assert "Selamat datang, Siti Rahmawati!" in linked.plain_text

    assert bot.errors and all(is_unavailable(error) for error in bot.errors)
    async with database.session() as session:
        fresh = await session.get(Employee, siti.id)
    assert fresh is not None and fresh.telegram_id == USER

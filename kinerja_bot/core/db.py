"""The database: one async engine per process, a session per unit of work."""

from __future__ import annotations

import asyncio
import os
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import QueuePool
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.sqlite_driver import use_one_hop_connections


def async_url(database_url: str) -> str:
    """Map the operator's URL (`sqlite:///x.db`, `postgresql://…`) to its async driver."""
    url = make_url(database_url.replace("postgres://", "postgresql://", 1))
    if url.drivername in ("sqlite", "sqlite+pysqlite"):
        url = url.set(drivername="sqlite+aiosqlite")
    elif url.drivername in ("postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        url = url.set(drivername="postgresql+asyncpg")
    return url.render_as_string(hide_password=False)


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


@dataclass(frozen=True)
class Timeouts:
    """How long the bot waits for the database, in seconds, before it gives up and tells the
    user to try again: opening a connection, one statement (on SQLite: waiting for the write
    lock), and waiting for a free connection of the pool while no session finishes (`Turns`:
    under a burst a session waits its turn for as long as the others make progress). At most a
    pool wait and then a connect or a statement add up: with the defaults (2 s each) a user
    hears back within 4 s of the database getting stuck."""

    connect: float
    statement: float
    pool: float


# Without the bot's settings (the CLI, benchmarks): long imports may take their time.
SQLITE_BUSY_SECONDS = 10.0


def _sqlite_pragmas(busy_seconds: float, dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the bot read while the CLI imports; the busy timeout makes writers queue.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# SQLite connections, all kept open. SQLAlchemy's default (5, plus 10 overflow connections
# closed after each burst) opened ~57 connections, each with its pragmas, in a benchmark run
# of 4,000 updates. And SQLite has one writer at a time: 15 connections writing at once wait in
# its busy handler, which polls rather than queues, and under a burst some waited past their
# busy timeout ("database is locked", measured with 15 kept open). Five serve one writer well;
# more sessions wait for a connection in the pool, first come first served.
SQLITE_POOL_SIZE = 5
# PostgreSQL connections of the handlers' pool, all kept open: SQLAlchemy's default (5, plus
# 10 overflow connections closed after each burst) connected again at every burst. The inbox
# and the persistence have pools of their own (`own_pool`); with those, a bot process holds at
# most 19 of PostgreSQL's 100 (its default `max_connections`).
POSTGRES_POOL_SIZE = 15


def _pool_options(url: str) -> dict[str, Any]:
    database = make_url(url).database
    if url.startswith("sqlite") and database and database != ":memory:":  # a file: a queue pool
        return {"pool_size": SQLITE_POOL_SIZE, "max_overflow": 0}
    if url.startswith("postgresql"):
        return {"pool_size": POSTGRES_POOL_SIZE, "max_overflow": 0}
    return {}


def _timeout_options(url: str, timeouts: Timeouts) -> dict[str, Any]:
    """Engine options that bound every wait for the database (see `Timeouts`)."""
    if url.startswith("sqlite"):
        return {}
    return {
        "pool_timeout": timeouts.pool,
        "connect_args": {
            "timeout": timeouts.connect,
            "command_timeout": timeouts.statement,
            # The server gives up too, so a statement cut off on our side does not run on.
            "server_settings": {"statement_timeout": str(int(timeouts.statement * 1000))},
        },
    }


def private_file(path: Path) -> Path:
    """Make `path` a file only its owner may read or write (0600), creating it empty if need
    be: for files with personal data or live activation codes."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
    return path


def create_engine(
    database_url: str, timeouts: Timeouts | None = None, **kwargs: Any
) -> AsyncEngine:
    """Create the process's engine; SQLite connections get WAL, foreign keys and a busy timeout
    (and cross to their thread once per statement: core/sqlite_driver.py), and the database
    file (with its WAL and shared-memory files, which SQLite creates with the same mode) is
    readable by its owner only. With `timeouts` (the bot) no wait for the
    database is longer than they allow.

    Errors never quote the statement's parameters: they are what users typed (NIP, names, phone
    numbers, report texts) and would land in the log with the traceback.
    """
    url = async_url(database_url)
    options = _pool_options(url) | (_timeout_options(url, timeouts) if timeouts else {}) | kwargs
    engine = create_async_engine(url, hide_parameters=True, **options)
    if timeouts and not is_sqlite(engine):
        event.listen(engine.sync_engine, "invalidate", _drop_at_once)
    if is_sqlite(engine):
        event.listen(engine.sync_engine, "do_connect", use_one_hop_connections)
        busy = timeouts.statement if timeouts else SQLITE_BUSY_SECONDS
        event.listen(engine.sync_engine, "connect", partial(_sqlite_pragmas, busy))
        database = engine.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database)
            if path.parent.is_dir():  # else SQLite cannot open it either: the caller is told
                private_file(path)
    return engine


def _drop_at_once(dbapi_connection: Any, _record: Any, error: BaseException | None) -> None:
    """A connection discarded after an error is cut at once: the polite goodbye SQLAlchemy
    would send next waits two more seconds on a database that does not answer."""
    if error is not None and dbapi_connection is not None:
        dbapi_connection.driver_connection.terminate()


def is_unavailable(error: BaseException) -> bool:
    """Whether an error means the database did not answer in time or could not be reached
    (as opposed to a bug or a constraint): the user is asked to try again shortly."""
    if isinstance(error, exc.DBAPIError):
        return error.connection_invalidated or isinstance(
            error, (exc.OperationalError, exc.InterfaceError)
        )
    return isinstance(error, (exc.TimeoutError, TimeoutError, ConnectionError))


class Turns:
    """Sessions wait here for one of the pool's connections, first come first served, for as
    long as sessions keep finishing: a wait gives up (TimeoutError, the user is asked to try
    again) only after `patience` seconds in which no session finished, i.e. when the database
    is stuck, not when it is merely busy.

    SQLAlchemy's pool wait (`pool_timeout`) cannot tell the two apart: under a burst of 500
    users at once, 256 updates in flight queued for 15 connections, sessions waited longer than
    the 2 s it allows although the database answered every statement, and those users were told
    "gangguan" (9 of 100 users, 142 of 500 in the benchmark). A task that holds a turn and opens
    another session (nested) goes straight to the pool, so it cannot wait for itself."""

    def __init__(
        self,
        size: int,
        patience: float | None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._free = size
        self._patience = patience
        self._sleep = sleep
        self._queue: deque[asyncio.Future[None]] = deque()
        self._finished = 0  # sessions that completed: the database is making progress
        self._watch: asyncio.Task[None] | None = None
        self._holders: dict[asyncio.Task[Any] | None, int] = {}

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        me = asyncio.current_task()
        if me not in self._holders:
            await self._wait()
        self._holders[me] = self._holders.get(me, 0) + 1
        try:
            yield
            self._finished += 1
        finally:
            self._holders[me] -= 1
            if not self._holders[me]:
                del self._holders[me]
                self._release()

    async def _wait(self) -> None:
        if self._free and not self._queue:
            self._free -= 1
            return
        # One future per waiter, handed the turn in order; one watch for all of them.
        turn = asyncio.get_running_loop().create_future()
        self._queue.append(turn)
        if self._patience is not None and self._watch is None:
            self._watch = asyncio.create_task(self._watch_progress(self._patience))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._release()  # handed over as the waiter was cancelled: pass it on
            raise

    def _release(self) -> None:
        while self._queue:
            turn = self._queue.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1

    async def _watch_progress(self, patience: float) -> None:
        """While sessions wait: after each period of patience in which none finished, every
        waiting session gives up."""
        try:
            while self._queue:
                seen = self._finished
                await self._sleep(patience)
                if self._finished == seen:
                    waiting, self._queue = self._queue, deque()
                    for turn in waiting:
                        if not turn.done():
                            turn.set_exception(
                                TimeoutError(f"no database session finished in {patience} s")
                            )
        finally:
            self._watch = None


class Database:
    """The engine and its session factory, opened at start and disposed at shutdown."""

    def __init__(
        self, database_url: str, timeouts: Timeouts | None = None, **engine_options: Any
    ) -> None:
        self.url, self.timeouts = database_url, timeouts
        self.engine = create_engine(database_url, timeouts, **engine_options)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        pool = self.engine.pool
        self._turns = (
            Turns(pool.size(), timeouts.pool if timeouts else None)
            if isinstance(pool, QueuePool)
            else None
        )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session for one unit of work, committed on success and rolled back on error;
        it waits its turn for a connection (`Turns`)."""
        if self._turns is None:
            async with self._session() as session:
                yield session
            return
        async with self._turns.turn(), self._session() as session:
            yield session

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    def own_pool(self, size: int) -> Database:
        """The same database through a pool of `size` connections of its own, for writes that
        must not wait behind everyone else's (SQLite: this one, its writes take turns anyway)."""
        if is_sqlite(self.engine):
            return self
        return Database(self.url, self.timeouts, pool_size=size, max_overflow=0)

    async def dispose(self) -> None:
        await self.engine.dispose()


def is_missing_table(error: BaseException) -> bool:
    """The schema is not there: a database nobody has migrated yet (SQLite "no such table",
    PostgreSQL "relation … does not exist")."""
    text = str(getattr(error, "orig", error)).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)

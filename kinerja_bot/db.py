"""The database: one async engine per process, a session per unit of work."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession


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


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the bot read while the CLI imports; the busy timeout makes writers queue.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def private_file(path: Path) -> Path:
    """Make `path` a file only its owner may read or write (0600), creating it empty if need
    be: for files with personal data or live activation codes."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
    return path


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    """Create the process's engine; SQLite connections get WAL, foreign keys and a busy timeout,
    and the database file (with its WAL and shared-memory files, which SQLite creates with the
    same mode) is readable by its owner only."""
    engine = create_async_engine(async_url(database_url), **kwargs)
    if is_sqlite(engine):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        database = engine.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            private_file(Path(database))
    return engine


class Database:
    """The engine and its session factory, opened at start and disposed at shutdown."""

    def __init__(self, database_url: str) -> None:
        self.engine = create_engine(database_url)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session for one unit of work, committed on success and rolled back on error."""
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def dispose(self) -> None:
        await self.engine.dispose()

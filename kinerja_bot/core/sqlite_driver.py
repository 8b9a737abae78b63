"""aiosqlite connections that cross to their thread once per statement, not four times.

aiosqlite runs each connection in a thread of its own and hands it every call: SQLAlchemy's
adapter makes four per statement (open a cursor, execute, fetch the rows, close the cursor),
one per commit, and one more per rollback when a connection goes back to the pool, even after
a commit. Each hand-over wakes the thread and then the event loop (a GIL switch each way): at
about five statements per update that was a seventh of the bot's CPU (docs/performance.md).

Here a statement's cursor is opened, executed, read to the end and closed in ONE call on the
connection's thread, and a commit or rollback with no transaction open (a read-only session;
every rollback on the pool's return after a commit) is skipped: sqlite3 does nothing for it
either. The database is still never touched from the event loop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite

Row = tuple[Any, ...]
Outcome = tuple[Any, int, int | None, list[Row]]  # description, rowcount, lastrowid, rows


class OneHopCursor:
    """What SQLAlchemy's aiosqlite adapter needs of a cursor; the rows are read with the
    statement, so fetching and closing cost no hand-over."""

    arraysize = 1

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Row] = []

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        """Nothing is left open."""

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> OneHopCursor:
        self._took(await self._connection.run(_execute, sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneHopCursor:
        self._took(await self._connection.run(_execute_many, sql, list(parameters)))
        return self

    def _took(self, outcome: Outcome) -> None:
        self.description, self.rowcount, self.lastrowid, self._rows = outcome

    async def fetchall(self) -> list[Row]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        count = size or self.arraysize
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        """Closed on the thread already."""


class OneHopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors are `OneHopCursor`s."""

    def cursor(self) -> OneHopCursor:  # type: ignore[override]
        return OneHopCursor(self)

    async def run(self, function: Any, *args: Any) -> Any:
        """`function(sqlite3_connection, *args)` on the connection's thread."""
        return await self._execute(function, self._conn, *args)

    async def commit(self) -> None:
        if self._open_transaction():
            await super().commit()

    async def rollback(self) -> None:
        if self._open_transaction():
            await super().rollback()

    def _open_transaction(self) -> bool:
        # Read from the event loop: a flag of the connection, valid while no statement of it
        # runs, which is the case (its session waits for each statement).
        return self._connection is None or self._connection.in_transaction


def _outcome(cursor: sqlite3.Cursor) -> Outcome:
    try:
        rows = cursor.fetchall() if cursor.description is not None else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _execute(connection: sqlite3.Connection, sql: str, parameters: Sequence[Any]) -> Outcome:
    return _outcome(connection.execute(sql, parameters))


def _execute_many(
    connection: sqlite3.Connection, sql: str, parameters: list[Sequence[Any]]
) -> Outcome:
    return _outcome(connection.executemany(sql, parameters))


def connect(database: str, **kwargs: Any) -> OneHopConnection:
    """What `aiosqlite.connect` does, with the one-hop connection (SQLAlchemy awaits it)."""
    connection = OneHopConnection(partial(sqlite3.connect, database, **kwargs), 64)
    connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
    return connection


def use_one_hop_connections(
    _dialect: Any, _record: Any, _args: list[Any], options: dict[str, Any]
) -> None:
    """The engine's `do_connect` hook: SQLAlchemy's adapter connects through `connect`, with
    the arguments it derived from the URL."""
    options["async_creator_fn"] = connect

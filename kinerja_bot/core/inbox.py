"""The update inbox: every update is stored before Telegram is told it arrived, and handled
exactly once, a kill of the process included.

PTB confirms a `getUpdates` batch (with the next poll's offset) as soon as it has queued it,
not once it is handled: a kill loses every update confirmed but unfinished. So:

- `receive` stores a batch (id and JSON) in ONE statement, before the batch goes to PTB (and
  so before the next poll confirms it); ids already stored are left out of what is handled:
  an update arriving again (a poll answer that timed out, a webhook redelivery) runs once.
  While the database is unreachable the batch goes on unstored: its users are told
  "gangguan" at once instead of waiting for the database. It is stored as soon as the
  database answers again (by the writer of the marks, every second until then), unless it
  was handled meanwhile: a kill after the outage, with the bot still working through its
  backlog, no longer loses what came in during it (the soak lost them at a kill 2 s after a
  10-s cut); a kill during the outage still may;
- `done` marks an update handled, after every handler group ran (see update_processing);
  marks arriving while one write is under way are written together by the next, so under
  load one statement serves many updates, and a mark is on disk before `done` returns;
- at start, `unfinished` gives the updates stored but not marked, in update_id order, to be
  handled before anything new (`refeed`).

A kill may repeat the updates whose handling was under way (their mark not yet written), never
one whose mark was. A handled update keeps only its id (the message text is personal data);
`prune` (nightly upkeep) removes ids older than a day, and gives up on an update that was
never finished within a day (one that kills the process at every start must not do so
forever).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, null, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update

from kinerja_bot.core.db import Database, is_unavailable
from kinerja_bot.core.models import InboxUpdate, utcnow

log = logging.getLogger(__name__)

# Telegram redelivers a webhook update for a while and a poll answer until it is confirmed:
# an id is remembered for a day after it was handled.
KEEP = timedelta(days=1)
FLUSH_SECONDS = 5.0
POOL_SIZE = 2  # storing a batch and writing marks, side by side
# An update already in the inbox that arrives again is handed to PTB without content, so that
# the poll's offset moves past it; this key (kept by PTB in `api_kwargs`) says so.
REPEAT = "kinerja_repeat"


def repeat_of(update_id: int) -> dict[str, Any]:
    """What PTB gets instead of an update that was received before: nothing to handle."""
    return {"update_id": update_id, REPEAT: True}


@dataclass
class _Marks:
    """Update ids waiting to be marked handled, and the write that will mark them."""

    ids: set[int] = field(default_factory=set)
    written: asyncio.Future[None] | None = None


class Inbox:
    """The ledger of received updates in the database."""

    def __init__(self, database: Database) -> None:
        # A pool of its own: a mark that waits behind the handlers' connections lets a kill
        # repeat an update whose handling was long over (the soak repeated /cuti this way).
        self.database = database.own_pool(POOL_SIZE)
        self._owns_pool = self.database is not database
        self._marks = _Marks()
        # Updates received while the database was away, by id: stored by the writer.
        self._unstored: dict[int, dict[str, Any]] = {}
        self._writer: asyncio.Task[None] | None = None
        # Built once and given the batch's rows as parameters: SQLAlchemy sends them as one
        # multi-row INSERT all the same ("insertmanyvalues") but compiles the statement once;
        # with the rows written into it (`.values(rows)`), each batch was compiled anew.
        dialect = sqlite if self.database.engine.dialect.name == "sqlite" else postgresql
        table: Table = InboxUpdate.__table__  # type: ignore[attr-defined]
        self._store = (
            dialect.insert(table)
            .on_conflict_do_nothing(index_elements=["update_id"])
            .returning(table.c.update_id)
        )
        # The same for the marks, on the table rather than the mapped class: through the ORM
        # each mark ran SQLAlchemy's bulk-update path (resolving the class's columns, aliasing
        # the table), several times the Python of the statement itself.
        self._done = (
            update(table)
            .where(table.c.update_id.in_(bindparam("ids", expanding=True)))
            .values(done_at=bindparam("done_at", type_=table.c.done_at.type), data=null())
        )  # data: SQL NULL, not JSON 'null'

    async def receive(self, updates: Iterable[Mapping[str, Any]]) -> set[int]:
        """Store the updates not stored before, in one statement; returns their ids.

        A database that cannot store them cannot serve them either: they are passed on
        unstored (every id returned), so that their users are told of the trouble
        ("gangguan") rather than kept waiting; a kill meanwhile may lose them, as before."""
        rows = [
            {"update_id": item["update_id"], "data": dict(item), "received_at": utcnow()}
            for item in updates
        ]
        if not rows:
            return set()
        try:
            async with self.database.session() as session:
                return await self._insert(session, rows)
        except Exception as error:
            if not is_unavailable(error):
                raise
            log.warning(
                "%d updates handled without the inbox (%s)", len(rows), type(error).__name__
            )
            self._unstored.update((row["update_id"], row) for row in rows)
            self._start_writer()
            return {row["update_id"] for row in rows}

    async def _insert(self, session: AsyncSession, rows: list[dict[str, Any]]) -> set[int]:
        """Store the updates not stored before; returns the ids it stored."""
        connection = await session.connection()
        return set((await connection.execute(self._store, rows)).scalars())

    async def done(self, update: object) -> None:
        """Mark an update handled; returns once the mark is written (or its write failed,
        logged: the mark goes with the next write). A repeat (`repeat_of`) marks nothing: the
        update it repeats may still be running."""
        if not isinstance(update, Update) or update.api_kwargs.get(REPEAT):
            return
        update_id = update.update_id
        marks = self._marks
        marks.ids.add(update_id)
        if marks.written is None:
            marks.written = asyncio.get_running_loop().create_future()
        self._start_writer()
        await asyncio.shield(marks.written)

    def _start_writer(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name="inbox-marks")

    async def _write(self) -> None:
        """Write the waiting marks (and store what came in unstored), batch after batch,
        until nothing is left. One task does both, in order: an update handled before it
        could be stored is never stored as unfinished (it would be handled again)."""
        while self._marks.ids or self._unstored:
            marks, self._marks = self._marks, _Marks()
            unstored = {i: row for i, row in self._unstored.items() if i not in marks.ids}
            self._unstored = {}
            try:
                await self._mark(marks.ids, list(unstored.values()))
            except Exception as error:
                log.warning(
                    "%d handled updates not marked yet, %d received not stored yet (%s)",
                    len(marks.ids),
                    len(unstored),
                    type(error).__name__,
                )
                self._marks.ids |= marks.ids
                self._unstored = {**unstored, **self._unstored}
                await asyncio.sleep(1)  # the database is away: the next attempt waits a little
            finally:
                if marks.written is not None:
                    marks.written.set_result(None)

    async def _mark(self, ids: set[int], unstored: list[dict[str, Any]]) -> None:
        async with self.database.session() as session:
            if unstored:
                await self._insert(session, unstored)
            if ids:
                connection = await session.connection()
                await connection.execute(self._done, {"ids": list(ids), "done_at": utcnow()})

    async def flush(self) -> None:
        """At shutdown: wait a little for the marks still being written (those not written
        are handled again at the next start), then close the inbox's own pool."""
        if self._writer is not None:
            await asyncio.wait({self._writer}, timeout=FLUSH_SECONDS)
            self._writer.cancel()
        if self._owns_pool:
            await self.database.dispose()

    async def unfinished(self) -> list[dict[str, Any]]:
        """The updates stored but never marked handled, oldest first."""
        async with self.database.session() as session:
            rows = await session.exec(
                select(InboxUpdate.data)
                .where(col(InboxUpdate.done_at).is_(None))
                .order_by(col(InboxUpdate.update_id))
            )
            return [data for data in rows if isinstance(data, dict)]

    async def next_update_id(self) -> int:
        """One more than the highest update id remembered (1 when none is)."""
        async with self.database.session() as session:
            highest = (await session.exec(select(func.max(InboxUpdate.update_id)))).one()
        return (highest or 0) + 1

    async def prune(self) -> int:
        """Forget handled updates after KEEP, and give up on ones unfinished for as long."""
        cutoff = utcnow() - KEEP
        async with self.database.session() as session:
            abandoned = await session.exec(
                delete(InboxUpdate).where(
                    col(InboxUpdate.done_at).is_(None), col(InboxUpdate.received_at) < cutoff
                )
            )
            handled = await session.exec(
                delete(InboxUpdate).where(col(InboxUpdate.done_at) < cutoff)
            )
        if abandoned.rowcount:
            log.warning("Gave up %d updates never finished within a day", abandoned.rowcount)
        return int(abandoned.rowcount or 0) + int(handled.rowcount or 0)

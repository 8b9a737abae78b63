"""The database on every update's path: who is talking in one statement; on SQLite, one
hand-over to the connection's thread per statement and none for an empty commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import UnitRole, UnitRoleKind
from kinerja_bot.core.people import identify
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.sqlite_driver import OneHopConnection
from tests.conftest import ON_POSTGRES
from tests.factories import add_employee, add_unit

USER = 7310001


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_who_is_talking_is_one_statement_with_every_role(
    database: Database, settings: Settings
) -> None:
    unit, other = await add_unit(database, "A"), await add_unit(database, "B")
    boss = await add_employee(database, unit, telegram_id=USER)
    await add_employee(database, unit, atasan=boss)
    async with database.session() as session:
        session.add(UnitRole(unit_id=unit.id, employee_id=boss.id, role=UnitRoleKind.HEAD))
        session.add(
            UnitRole(unit_id=other.id, employee_id=boss.id, role=UnitRoleKind.COMPLAINT_HANDLER)
        )
    staff = await add_employee(database, unit, telegram_id=USER + 1)

    with statements(database) as seen:
        async with database.session() as session:
            person = await identify(session, USER, settings)
            plain = await identify(session, USER + 1, settings)
            citizen = await identify(session, USER + 2, settings)

    assert len(seen) == 3  # one each
    assert person.employee is not None and person.employee.id == boss.id
    assert person.roles == {"warga", "asn", "atasan", "kepala", "pengaduan"}
    assert (person.head_of_units, person.complaint_units) == ({unit.id}, {other.id})
    assert plain.employee is not None and plain.employee.id == staff.id
    assert plain.roles == {"warga", "asn"}
    assert citizen.employee is None and citizen.roles == {"warga"}


@pytest.mark.skipif(ON_POSTGRES, reason="aiosqlite's thread hand-overs: SQLite only")
async def test_sqlite_hands_a_statement_to_its_thread_once(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with database.session() as session:  # the pool's connection, opened
        await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    handed: list[object] = []
    hand_over = OneHopConnection._execute

    async def counted(self: OneHopConnection, function: Any, *args: Any) -> Any:
        handed.append(function)
        return await hand_over(self, function, *args)

    monkeypatch.setattr(OneHopConnection, "_execute", counted)

    async with database.session() as session:  # a read: no transaction to commit or roll back
        rows = (await session.exec(text("SELECT 1 UNION SELECT 2"))).all()  # type: ignore[call-overload]
    assert sorted(rows) == [(1,), (2,)]
    assert len(handed) == 1

    handed.clear()
    async with database.session() as session:  # a write: the statement, then the commit
        await session.exec(text("CREATE TABLE scratch (n INTEGER)"))  # type: ignore[call-overload]
        await session.exec(text("INSERT INTO scratch VALUES (1), (2)"))  # type: ignore[call-overload]
    assert len(handed) == 3
    async with database.session() as session:
        assert (await session.exec(text("SELECT count(*) FROM scratch"))).one() == (2,)  # type: ignore[call-overload]

"""The same leave declared again is recorded once (an update handled again after a kill)."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Leave, LeaveKind
from kinerja_bot.leave.service import add_leave
from tests.factories import add_employee, add_unit


async def test_the_same_dates_twice_are_one_leave_other_dates_another(database: Database) -> None:
    unit = await add_unit(database, "DISDUKCAPIL")
    siti = await add_employee(database, unit)
    for first, last in ((date(2099, 1, 1), date(2099, 1, 3)),) * 2 + (
        (date(2099, 1, 1), date(2099, 1, 4)),
    ):
        async with database.session() as session:
            await add_leave(session, siti, first, last, LeaveKind.ANNUAL)
    async with database.session() as session:
        leaves = (await session.exec(select(Leave))).all()
    assert sorted((leave.first_day, leave.last_day) for leave in leaves) == [
        (date(2099, 1, 1), date(2099, 1, 3)),
        (date(2099, 1, 1), date(2099, 1, 4)),
    ]

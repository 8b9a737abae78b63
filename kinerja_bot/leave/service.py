"""Declared leave (cuti, sakit, dinas luar): who is away on a day, and one's own list."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import Employee, Leave, id_of


async def on_leave(session: AsyncSession, day: date) -> set[int]:
    """Ids of employees whose declared leave covers `day`."""
    rows = await session.exec(
        select(Leave.employee_id).where(Leave.first_day <= day, Leave.last_day >= day)
    )
    return set(rows.all())


async def add_leave(session: AsyncSession, employee: Employee, first: date, last: date) -> Leave:
    """Record a leave; the same dates declared again are the same leave (an update handled
    again after a kill, see core/inbox.py, must not record it twice)."""
    same = await session.exec(
        select(Leave).where(
            Leave.employee_id == employee.id, Leave.first_day == first, Leave.last_day == last
        )
    )
    existing = same.first()
    if existing is not None:
        return existing
    leave = Leave(employee_id=id_of(employee), first_day=first, last_day=last)
    session.add(leave)
    await session.flush()
    return leave


async def current_leaves(session: AsyncSession, employee: Employee, today: date) -> list[Leave]:
    """Leave that is running or still to come."""
    rows = await session.exec(
        select(Leave)
        .where(Leave.employee_id == employee.id, Leave.last_day >= today)
        .order_by(col(Leave.first_day))
    )
    return list(rows.all())


async def remove_leave(session: AsyncSession, employee: Employee, leave_id: int) -> bool:
    """Delete one of the employee's own leaves; False for anybody else's."""
    leave = await session.get(Leave, leave_id)
    if leave is None or leave.employee_id != employee.id:
        return False
    await session.delete(leave)
    return True

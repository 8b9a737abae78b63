"""Declared leave (cuti tahunan, sakit, dinas luar, lainnya): who is away on a day, one's own
list, withdrawing, and who the atasan is to tell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import Employee, Leave, LeaveKind, id_of


async def on_leave(session: AsyncSession, day: date) -> set[int]:
    """Ids of employees whose declared leave, of any kind, covers `day`."""
    rows = await session.exec(
        select(Leave.employee_id).where(Leave.first_day <= day, Leave.last_day >= day)
    )
    return set(rows.all())


async def add_leave(
    session: AsyncSession, employee: Employee, first: date, last: date, kind: LeaveKind
) -> Leave:
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
    leave = Leave(employee_id=id_of(employee), first_day=first, last_day=last, kind=kind)
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


@dataclass(frozen=True)
class Withdrawn:
    leave: Leave  # as it was declared
    kept_until: date | None  # the last day kept (already taken), or None: deleted entirely


async def withdraw_leave(
    session: AsyncSession, employee: Employee, leave_id: int, today: date
) -> Withdrawn | None:
    """Withdraw one of the employee's own leaves that has not ended: leave not yet started
    (or starting today: the ASN is at work after all) is deleted; leave under way keeps the days
    already taken and ends yesterday. None for anybody else's, or leave that is over."""
    leave = await session.get(Leave, leave_id)
    if leave is None or leave.employee_id != employee.id or leave.last_day < today:
        return None
    declared = Leave.model_validate(leave.model_dump())
    if leave.first_day >= today:
        await session.delete(leave)
        return Withdrawn(declared, None)
    leave.last_day = today - timedelta(days=1)
    session.add(leave)
    return Withdrawn(declared, leave.last_day)


async def linked_atasan(session: AsyncSession, employee: Employee) -> Employee | None:
    """The employee's atasan, if there is one who can be reached on Telegram."""
    if employee.atasan_id is None:
        return None
    atasan = await session.get(Employee, employee.atasan_id)
    if atasan is None or not atasan.active or atasan.telegram_id is None:
        return None
    return atasan

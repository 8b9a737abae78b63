"""RTL actions on the database: record, update the status, list, and the share done."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import FollowUpAction, FollowUpStatus
from kinerja_bot.core.rules.skm import UNSUR_BY_CODE

TINDAKAN_MAX_CHARS = 1000


class UnknownUnsur(ValueError):
    """Not an SKM unsur code."""


async def add_action(
    session: AsyncSession,
    *,
    unit_id: int,
    period: str,
    unsur: str,
    tindakan: str,
    penanggung_jawab: str,
    tenggat: date,
    now: datetime,
    update_key: str | None = None,
) -> FollowUpAction:
    """Record one planned action on one unsur of a unit's SKM period; once per update
    (`update_key`, from the bot: the same update handled again after a kill finds it)."""
    code = unsur.strip().upper()
    if code not in UNSUR_BY_CODE:
        raise UnknownUnsur(unsur)
    if update_key is not None:
        earlier = await session.exec(
            select(FollowUpAction).where(FollowUpAction.update_key == update_key)
        )
        recorded = earlier.first()
        if recorded is not None:
            return recorded
    action = FollowUpAction(
        unit_id=unit_id,
        period=period,
        unsur=code,
        tindakan=tindakan.strip(),
        penanggung_jawab=penanggung_jawab.strip(),
        tenggat=tenggat,
        status=FollowUpStatus.PLANNED,
        created_at=now,
        updated_at=now,
        update_key=update_key,
    )
    session.add(action)
    await session.flush()
    return action


async def set_status(
    session: AsyncSession, action_id: int, status: FollowUpStatus, now: datetime
) -> FollowUpAction | None:
    """Move an action to `status` (any of the three, so a mistake can be undone); None if the
    action does not exist. `done_at` is when it was marked done, cleared when reopened."""
    action = await session.get(FollowUpAction, action_id)
    if action is None:
        return None
    if action.status != status:
        action.status = status
        action.done_at = now if status is FollowUpStatus.DONE else None
        action.updated_at = now
        session.add(action)
        await session.flush()
    return action


async def actions_of(
    session: AsyncSession, unit_ids: Iterable[int], period: str | None = None
) -> list[FollowUpAction]:
    """The actions of these units (of one SKM period if given), by unsur then deadline."""
    statement = select(FollowUpAction).where(col(FollowUpAction.unit_id).in_(list(unit_ids)))
    if period is not None:
        statement = statement.where(FollowUpAction.period == period)
    statement = statement.order_by(
        col(FollowUpAction.unsur), col(FollowUpAction.tenggat), col(FollowUpAction.id)
    )
    return list((await session.exec(statement)).all())


async def due_soon(session: AsyncSession, today: date, days: int) -> list[FollowUpAction]:
    """Actions not done whose deadline is at most `days` days away (or already past)."""
    statement = (
        select(FollowUpAction)
        .where(
            col(FollowUpAction.status) != FollowUpStatus.DONE,
            col(FollowUpAction.tenggat) <= today + timedelta(days=days),
        )
        .order_by(col(FollowUpAction.tenggat), col(FollowUpAction.id))
    )
    return list((await session.exec(statement)).all())


@dataclass(frozen=True)
class Progress:
    """How many RTL actions there are and how many are done."""

    done: int
    total: int

    @property
    def share(self) -> float | None:
        """Done / total (0–1), None without actions."""
        return self.done / self.total if self.total else None


async def progress_of(session: AsyncSession, unit_ids: Iterable[int], year: int) -> Progress:
    """The actions of these units for the SKM periods of one year (`2026`, `2026-S1`, …)."""
    statement = (
        select(FollowUpAction.status, func.count())
        .where(
            col(FollowUpAction.unit_id).in_(list(unit_ids)),
            col(FollowUpAction.period).startswith(f"{year:04d}"),
        )
        .group_by(col(FollowUpAction.status))
    )
    counts = dict((await session.exec(statement)).all())
    return Progress(
        done=int(counts.get(FollowUpStatus.DONE.value, 0)), total=int(sum(counts.values()))
    )

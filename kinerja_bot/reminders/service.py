"""Who gets a reminder and weeks without a report, as plain functions on a session."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    Delivery,
    DeliveryStatus,
    Employee,
    Indicator,
    ProgressReport,
    id_of,
)
from kinerja_bot.core.outbox import CLAIM_LEASE
from kinerja_bot.core.rules.periods import week_start
from kinerja_bot.leave import on_leave

REMINDER_JOB = "pengingat"
SNOOZE_JOB = "pengingat-tunda"
MAX_REMINDERS_PER_WEEK = 2


async def reported_this_week(
    session: AsyncSession, employee_ids: Iterable[int], day: date
) -> set[int]:
    rows = await session.exec(
        select(ProgressReport.employee_id).where(
            col(ProgressReport.employee_id).in_(list(employee_ids)),
            ProgressReport.week_start == week_start(day),
        )
    )
    return set(rows.all())


async def reminders_sent(session: AsyncSession, week_label: str) -> dict[int, int]:
    """Scheduled reminders already delivered this week, per chat."""
    rows = await session.exec(
        select(Delivery.chat_id, func.count())
        .where(
            Delivery.job == REMINDER_JOB,
            col(Delivery.period).startswith(f"{week_label}#"),
            Delivery.status == DeliveryStatus.SENT,
        )
        .group_by(col(Delivery.chat_id))
    )
    return {chat_id: count for chat_id, count in rows.all()}


async def reminder_recipients(
    session: AsyncSession, day: date, week_label: str, slot_period: str
) -> list[Employee]:
    """Linked ASN with indicators this year, no report this week, not on leave today, and
    fewer than two reminders this week (the one for this slot does not count against it)."""
    with_indicators = select(Indicator.employee_id).where(Indicator.tahun == day.year)
    candidates = (
        await session.exec(
            select(Employee)
            .where(
                Employee.active,
                col(Employee.telegram_id).is_not(None),
                col(Employee.id).in_(with_indicators),
            )
            .order_by(col(Employee.id))
        )
    ).all()
    ids = [id_of(e) for e in candidates]
    reported = await reported_this_week(session, ids, day)
    resting = await on_leave(session, day)
    sent = await reminders_sent(session, week_label)
    this_slot = set(
        (
            await session.exec(
                select(Delivery.chat_id).where(
                    Delivery.job == REMINDER_JOB,
                    Delivery.period == slot_period,
                    Delivery.status == DeliveryStatus.SENT,
                )
            )
        ).all()
    )
    return [
        e
        for e in candidates
        if e.id not in reported
        and e.id not in resting
        and (sent.get(e.telegram_id or 0, 0) < MAX_REMINDERS_PER_WEEK or e.telegram_id in this_slot)
    ]


async def weeks_without_report(
    session: AsyncSession, employee_ids: Iterable[int], day: date, weeks: int = 2
) -> set[int]:
    """Employees with no report in each of the last `weeks` reporting weeks up to `day`'s."""
    ids = list(employee_ids)
    since = week_start(day) - timedelta(weeks=weeks - 1)
    rows = await session.exec(
        select(ProgressReport.employee_id).where(
            col(ProgressReport.employee_id).in_(ids), ProgressReport.week_start >= since
        )
    )
    return set(ids) - set(rows.all())


def snooze_period(week_label: str, due: datetime) -> str:
    """The delivery key of a snoozed reminder: its week and when it is due (ISO, UTC)."""
    return f"{week_label}@{due.strftime('%Y-%m-%dT%H:%M')}"


def snooze_due(period: str) -> datetime:
    return datetime.strptime(period.split("@", 1)[1], "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)


async def snooze_waiting(session: AsyncSession, chat_id: int) -> bool:
    """Whether a snoozed reminder for this chat is still to be sent: one is enough (a press
    handled again after a kill, a minute later, would otherwise snooze twice)."""
    rows = await session.exec(
        select(Delivery.id).where(
            Delivery.job == SNOOZE_JOB,
            Delivery.chat_id == chat_id,
            col(Delivery.status).in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
        )
    )
    return rows.first() is not None


async def snoozes_due(session: AsyncSession, now: datetime) -> list[Delivery]:
    """Snoozed reminders whose time has come, and those a sender that died left mid-send."""
    waiting = col(Delivery.status) == DeliveryStatus.PENDING
    interrupted = (col(Delivery.status) == DeliveryStatus.SENDING) & (
        col(Delivery.claimed_at) < now - CLAIM_LEASE
    )
    rows = await session.exec(
        select(Delivery).where(Delivery.job == SNOOZE_JOB).where(waiting | interrupted)
    )
    return [row for row in rows.all() if snooze_due(row.period) <= now]


async def employees_by_chat(session: AsyncSession, chat_ids: list[int]) -> dict[int, Employee]:
    """Linked employees by their Telegram chat id."""
    rows = await session.exec(select(Employee).where(col(Employee.telegram_id).in_(chat_ids)))
    return {e.telegram_id: e for e in rows.all() if e.telegram_id is not None}

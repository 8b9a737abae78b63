"""Team queries and actions as plain functions on a session; every action checks that the
acting person really supervises the employee concerned."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    Delivery,
    DeliveryStatus,
    Employee,
    Evidence,
    Feedback,
    Indicator,
    ProgressReport,
    id_of,
)
from kinerja_bot.core.organisation import unit_tree_ids
from kinerja_bot.core.people import Person
from kinerja_bot.core.rules.periods import week_start
from kinerja_bot.reporting import IndicatorProgress, indicator_progress

NUDGE_JOB = "ingatkan-atasan"
THREAD_SHOWN = 5
FEEDBACK_LIMIT = 1000


async def supervised_unit_ids(session: AsyncSession, person: Person) -> set[int]:
    """Every unit in the trees this person heads."""
    units: set[int] = set()
    for unit_id in person.head_of_units:
        units |= await unit_tree_ids(session, unit_id)
    return units


async def may_supervise(session: AsyncSession, person: Person, employee: Employee) -> bool:
    """The direct atasan, or the head of a unit tree the employee works in (not oneself)."""
    if person.employee is None or employee.id == person.employee.id:
        return False
    if employee.atasan_id == person.employee.id:
        return True
    return employee.unit_id in await supervised_unit_ids(session, person)


async def team_members(
    session: AsyncSession, person: Person, *, whole_unit: bool
) -> list[Employee]:
    """Direct subordinates; with `whole_unit`, everyone in the trees this person heads."""
    if person.employee is None:
        return []
    condition = col(Employee.atasan_id) == person.employee.id
    if whole_unit and person.head_of_units:
        units = await supervised_unit_ids(session, person)
        condition = condition | col(Employee.unit_id).in_(units)
    statement = (
        select(Employee)
        .where(condition, Employee.active, Employee.id != person.employee.id)
        .order_by(col(Employee.nama))
    )
    return list((await session.exec(statement)).all())


@dataclass(frozen=True)
class MemberWeek:
    """One team member this week: their reports and where their indicators stand."""

    employee: Employee
    reports: list[ProgressReport]
    progress: list[IndicatorProgress] = field(default_factory=list)

    @property
    def reported(self) -> bool:
        return bool(self.reports)


async def team_week(
    session: AsyncSession, members: list[Employee], today: date
) -> list[MemberWeek]:
    """Reports of this reporting week (Monday–Sunday WIB) and indicator progress per member."""
    ids = [id_of(m) for m in members]
    monday = week_start(today)
    reports = (
        await session.exec(
            select(ProgressReport)
            .where(col(ProgressReport.employee_id).in_(ids), ProgressReport.week_start == monday)
            .order_by(col(ProgressReport.submitted_at))
        )
    ).all()
    progress = await indicator_progress(session, ids, today.year, today)
    by_member: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in reports:
        by_member[report.employee_id].append(report)
    return [
        MemberWeek(
            employee=member,
            reports=by_member.get(id_of(member), []),
            progress=progress.get(id_of(member), []),
        )
        for member in members
    ]


async def recent_reports(
    session: AsyncSession, employee: Employee, limit: int = 5
) -> list[tuple[ProgressReport, Indicator]]:
    """The employee's latest reports with their indicators, newest first."""
    rows = (
        await session.exec(
            select(ProgressReport, Indicator)
            .join(Indicator, col(ProgressReport.indicator_id) == col(Indicator.id))
            .where(ProgressReport.employee_id == employee.id)
            .order_by(col(ProgressReport.submitted_at).desc())
            .limit(limit)
        )
    ).all()
    return [(report, indicator) for report, indicator in rows]


@dataclass(frozen=True)
class ReportContext:
    report: ProgressReport
    indicator: Indicator
    owner: Employee


async def report_context(session: AsyncSession, report_id: int) -> ReportContext | None:
    row = (
        await session.exec(
            select(ProgressReport, Indicator, Employee)
            .join(Indicator, col(ProgressReport.indicator_id) == col(Indicator.id))
            .join(Employee, col(ProgressReport.employee_id) == col(Employee.id))
            .where(ProgressReport.id == report_id)
        )
    ).first()
    return None if row is None else ReportContext(*row)


async def may_discuss(session: AsyncSession, person: Person, context: ReportContext) -> bool:
    """The report's owner and whoever supervises them may write in its feedback thread."""
    if person.employee is not None and person.employee.id == context.owner.id:
        return True
    return await may_supervise(session, person, context.owner)


async def thread(session: AsyncSession, report_id: int) -> list[tuple[Feedback, Employee]]:
    """The feedback thread of a report, oldest first."""
    rows = (
        await session.exec(
            select(Feedback, Employee)
            .join(Employee, col(Feedback.author_id) == col(Employee.id))
            .where(Feedback.report_id == report_id)
            .order_by(col(Feedback.created_at), col(Feedback.id))
        )
    ).all()
    return [(feedback, author) for feedback, author in rows]


async def add_feedback(
    session: AsyncSession,
    author: Employee,
    context: ReportContext,
    text: str,
    now: datetime,
    update_key: str,
) -> Employee | None:
    """Store a message in the thread, once per update (`update_key`: the same update handled
    again after a kill finds it); returns who should receive it (the other side)."""
    earlier = await session.exec(select(Feedback.id).where(Feedback.update_key == update_key))
    if earlier.first() is None:
        session.add(
            Feedback(
                report_id=id_of(context.report),
                author_id=id_of(author),
                text=text,
                created_at=now,
                update_key=update_key,
            )
        )
        await session.flush()
    if author.id != context.owner.id:
        return context.owner
    # The owner answers whoever wrote to them last, or their atasan when they start the thread.
    others = [a for _, a in await thread(session, id_of(context.report)) if a.id != author.id]
    if others:
        return others[-1]
    return await session.get(Employee, context.owner.atasan_id) if context.owner.atasan_id else None


async def acknowledge(
    session: AsyncSession, person: Person, report_id: int, now: datetime
) -> ReportContext | None:
    """Mark a report read by a supervisor; None when this person may not."""
    context = await report_context(session, report_id)
    if context is None or person.employee is None:
        return None
    if not await may_supervise(session, person, context.owner):
        return None
    if context.report.acknowledged_at is None:
        context.report.acknowledged_at = now
        context.report.acknowledged_by_id = person.employee.id
        session.add(context.report)
    return context


async def claim_nudge(session: AsyncSession, chat_id: int, day: date) -> Delivery | None:
    """Record today's nudge for a chat before sending; None if one was already sent today."""
    delivery = Delivery(job=NUDGE_JOB, period=day.isoformat(), chat_id=chat_id)
    try:
        async with session.begin_nested():
            session.add(delivery)
    except IntegrityError:
        return None
    return delivery


def mark_delivered(delivery: Delivery, now: datetime, sent: bool) -> None:
    delivery.status = DeliveryStatus.SENT if sent else DeliveryStatus.FAILED
    delivery.attempts += 1
    delivery.sent_at = now if sent else None


async def evidence_of(session: AsyncSession, report_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The evidence of each report, shaped like a draft's `bukti`."""
    rows = (
        await session.exec(select(Evidence).where(col(Evidence.report_id).in_(report_ids)))
    ).all()
    return {
        row.report_id: {"kind": row.kind, "file_name": row.file_name, "content": row.content}
        for row in rows
    }

"""Effect of development: for each completed development tied to a need, the linked
indicators before the course and at the end of the analysed period.

An association, not proof: achievement moves for many reasons besides a course, so the
analysis shows the numbers side by side and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import Employee, LearningRecord, LearningStatus, ProgressReport, id_of
from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.core.rules.periods import WIB, Period
from kinerja_bot.development import DEVELOPMENT_REQUESTS
from kinerja_bot.reporting import IndicatorProgress, indicator_progress


@dataclass(frozen=True)
class IndicatorChange:
    """One linked indicator: pro-rata achievement (%) the day before the course ended and at
    the end of the period (None: no target or no report yet)."""

    name: str
    before_pct: float | None
    after_pct: float | None


@dataclass(frozen=True)
class DevelopmentEffect:
    person: str
    course: str
    completed_on: date
    asked_for_it: bool  # tied through a training request in /lapor (else: lagging indicators)
    changes: tuple[IndicatorChange, ...]


def linked_changes(
    before: Sequence[IndicatorProgress],
    after: Sequence[IndicatorProgress],
    *,
    asked_for_it: bool,
) -> tuple[IndicatorChange, ...]:
    """The indicators a development is tied to, before and after.

    Asked for (a training request in /lapor before completion): every indicator of the person
    that had a status before. Otherwise the indicators behind their pro-rata target before
    (tertinggal or perlu perhatian). None linked: the development was tied to no need.
    """
    after_by_id = {id_of(item.indicator): item for item in after}
    linked = [
        item
        for item in before
        if item.status is not None
        and (asked_for_it or item.status is not OnTrackStatus.SESUAI_JADWAL)
    ]
    return tuple(
        IndicatorChange(
            item.indicator.nama,
            item.prorata_pct,
            after_by_id[id_of(item.indicator)].prorata_pct
            if id_of(item.indicator) in after_by_id
            else None,
        )
        for item in linked
    )


async def development_effects(
    session: AsyncSession,
    employees: Sequence[Employee],
    after: dict[int, list[IndicatorProgress]],
    period: Period,
    as_of: date,
) -> list[DevelopmentEffect]:
    """Verified learning completed in the period (before `as_of`) by these people, each with
    its linked indicators; developments tied to no need are left out."""
    names = {id_of(e): e.nama for e in employees}
    records = (
        await session.exec(
            select(LearningRecord)
            .where(
                col(LearningRecord.employee_id).in_(list(names)),
                LearningRecord.status == LearningStatus.VERIFIED,
                LearningRecord.completed_on >= period.start,
                LearningRecord.completed_on < as_of,
            )
            .order_by(col(LearningRecord.completed_on), col(LearningRecord.id))
        )
    ).all()
    effects = []
    for record in records:
        day_before = record.completed_on - timedelta(days=1)
        before = await indicator_progress(
            session, [record.employee_id], period.start.year, day_before
        )
        asked = await _asked_for_development(session, record)
        changes = linked_changes(
            before.get(record.employee_id, []),
            after.get(record.employee_id, []),
            asked_for_it=asked,
        )
        if changes:
            effects.append(
                DevelopmentEffect(
                    names[record.employee_id], record.nama, record.completed_on, asked, changes
                )
            )
    return effects


async def _asked_for_development(session: AsyncSession, record: LearningRecord) -> bool:
    """Did the person ask for training or coaching in /lapor before completing it?"""
    statement = select(ProgressReport.id).where(
        ProgressReport.employee_id == record.employee_id,
        col(ProgressReport.dukungan_kategori).in_(DEVELOPMENT_REQUESTS),
        ProgressReport.submitted_at < datetime.combine(record.completed_on, time(0), WIB),
    )
    return (await session.exec(statement)).first() is not None

"""Where each indicator stands: realisation to date, achievement, on-track status.

One query serves /kinerja, /tim, the weekly summary, the evaluation and the needs analysis.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import select as columns
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import Aggregation, Direction, Indicator, ProgressReport, id_of
from kinerja_bot.core.rules.achievement import (
    OnTrackStatus,
    achievement_pct,
    prorata_achievement_pct,
    realisation_to_date,
    status_from_pct,
)


@dataclass(frozen=True)
class IndicatorProgress:
    """One indicator with its reports summed up as of a date."""

    indicator: Indicator
    realisation: float | None
    achievement_pct: float | None
    prorata_pct: float | None
    status: OnTrackStatus | None
    report_count: int
    last_report_at: datetime | None
    last_report_id: int | None


class Reported(Protocol):
    """What the progress of an indicator needs of each report."""

    @property
    def id(self) -> int | None: ...
    @property
    def week_start(self) -> date: ...
    @property
    def submitted_at(self) -> datetime: ...
    @property
    def realisasi(self) -> float: ...


@dataclass(frozen=True, slots=True)
class ReportFacts:
    id: int
    week_start: date
    submitted_at: datetime
    realisasi: float


def summarise(indicator: Indicator, reports: Sequence[Reported], as_of: date) -> IndicatorProgress:
    """Progress of one indicator from its reports (any order) as of `as_of`."""
    ordered = sorted(reports, key=lambda r: (r.week_start, r.submitted_at))
    aggregation, direction = Aggregation(indicator.cara_hitung), Direction(indicator.arah)
    realisation = realisation_to_date([r.realisasi for r in ordered], aggregation)
    last = ordered[-1] if ordered else None
    prorata = prorata_achievement_pct(
        realisation,
        indicator.target,
        as_of=as_of,
        year=indicator.tahun,
        aggregation=aggregation,
        direction=direction,
    )
    return IndicatorProgress(
        indicator=indicator,
        realisation=realisation,
        achievement_pct=(
            None
            if realisation is None
            else achievement_pct(realisation, indicator.target, direction)
        ),
        prorata_pct=prorata,
        status=None if prorata is None else status_from_pct(prorata),
        report_count=len(ordered),
        last_report_at=last.submitted_at if last else None,
        last_report_id=last.id if last else None,
    )


async def indicator_progress(
    session: AsyncSession, employee_ids: Iterable[int], year: int, as_of: date
) -> dict[int, list[IndicatorProgress]]:
    """Progress of every indicator of these employees in `year`, by employee id.

    Reports from weeks after `as_of` are ignored, so a past date shows the past.
    """
    ids = list(employee_ids)
    on_days = await indicator_progress_on_days(session, {i: [as_of] for i in ids}, year)
    return {employee_id: on_days[(employee_id, as_of)] for employee_id in ids}


async def indicator_progress_on_days(
    session: AsyncSession, days: Mapping[int, Collection[date]], year: int
) -> dict[tuple[int, date], list[IndicatorProgress]]:
    """Progress of every indicator of each employee in `year` as of each of their days, keyed
    by (employee id, day): two queries, however many people and days."""
    ids = list(days)
    latest = max((day for wanted in days.values() for day in wanted), default=None)
    if latest is None:
        return {}
    theirs = (col(Indicator.employee_id).in_(ids), Indicator.tahun == year)
    indicators = (
        await session.exec(
            select(Indicator)
            .where(*theirs)
            .order_by(col(Indicator.employee_id), col(Indicator.jenis).desc(), col(Indicator.kode))
        )
    ).all()
    # Only the columns the progress needs, not whole reports: a city's year of reports is
    # more than half a million rows, and building an ORM object for each took most of the
    # weekly summary's time. A subquery, not the list of indicator ids: a city's teams have
    # more indicators than a statement may have parameters.
    connection = await session.connection()
    reports = await connection.execute(
        columns(
            col(ProgressReport.indicator_id),
            col(ProgressReport.id),
            col(ProgressReport.week_start),
            col(ProgressReport.submitted_at),
            col(ProgressReport.realisasi),
        ).where(
            col(ProgressReport.indicator_id).in_(select(Indicator.id).where(*theirs)),
            col(ProgressReport.week_start) <= latest,
        )
    )
    by_indicator: dict[int, list[ReportFacts]] = defaultdict(list)
    for indicator_id, report_id, monday, submitted_at, realisasi in reports.all():
        if report_id is not None:
            by_indicator[indicator_id].append(
                ReportFacts(report_id, monday, submitted_at, realisasi)
            )
    result: dict[tuple[int, date], list[IndicatorProgress]] = {
        (employee_id, day): [] for employee_id, wanted in days.items() for day in wanted
    }
    for indicator in indicators:
        mine = by_indicator[id_of(indicator)]
        for day in days[indicator.employee_id]:
            due = [report for report in mine if report.week_start <= day]
            result[(indicator.employee_id, day)].append(summarise(indicator, due, day))
    return result


async def single_indicator_progress(
    session: AsyncSession, indicator_id: int, as_of: date
) -> IndicatorProgress:
    """Progress of one indicator (which must exist) as of `as_of`."""
    indicator = await session.get(Indicator, indicator_id)
    if indicator is None:
        raise LookupError(f"indicator {indicator_id} does not exist")
    reports = (
        await session.exec(
            select(ProgressReport).where(
                ProgressReport.indicator_id == indicator_id,
                col(ProgressReport.week_start) <= as_of,
            )
        )
    ).all()
    return summarise(indicator, reports, as_of)

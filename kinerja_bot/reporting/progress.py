"""Where each indicator stands: realisation to date, achievement, on-track status.

One query serves /kinerja, /tim, the weekly summary, the evaluation and the needs analysis.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func
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


@dataclass(frozen=True, slots=True)
class ReportTotals:
    """What the progress of an indicator needs of its reports: how many, the sum of their
    values oldest first, and the newest one."""

    count: int = 0
    total: float = 0.0
    last_realisasi: float | None = None
    last_id: int | None = None
    last_submitted_at: datetime | None = None


def summarise(indicator: Indicator, reports: ReportTotals, as_of: date) -> IndicatorProgress:
    """Progress of one indicator from its reports as of `as_of`."""
    aggregation, direction = Aggregation(indicator.cara_hitung), Direction(indicator.arah)
    realisation = realisation_to_date(reports.total, reports.last_realisasi, aggregation)
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
        report_count=reports.count,
        last_report_at=reports.last_submitted_at,
        last_report_id=reports.last_id,
    )


async def report_totals(
    session: AsyncSession, indicators: ColumnElement[bool], days: Collection[date]
) -> dict[int, list[tuple[date, ReportTotals]]]:
    """The totals of the reports of each indicator meeting `indicators` as of each of `days`
    (reports of a later week ignored), by indicator id: one statement.

    Each indicator gets a list of (week, totals as of that report) oldest first, and the
    totals as of a day are those of the last entry of that day's week or earlier
    (`totals_on`). With one day only the last report's totals come back (one row per
    indicator with a report); with several, those as of each report up to the last day.

    The database does the work: a city's year is more than half a million reports, and
    turning each into Python objects to add them up was most of the weekly summary's time.
    The sum is a running sum in time order, so it adds the same numbers in the same order as
    adding them up one by one would (a float sum depends on the order). The indicators are a
    subquery, not a list of ids: a city's teams have more indicators than a statement may
    have parameters.
    """
    report_id, indicator_id = col(ProgressReport.id), col(ProgressReport.indicator_id)
    realisasi, week = col(ProgressReport.realisasi), col(ProgressReport.week_start)
    in_time = (week, col(ProgressReport.submitted_at), report_id)
    # One window for all three (the frame changes only the sum), so the database sorts once.
    in_order: dict[str, Any] = {
        "partition_by": indicator_id,
        "order_by": in_time,
        "rows": (None, 0),
    }
    ranked = (
        columns(
            indicator_id,
            week,
            report_id,
            col(ProgressReport.submitted_at),
            realisasi,
            func.row_number().over(**in_order).label("position"),
            func.sum(realisasi).over(**in_order).label("total"),
            func.lead(report_id).over(**in_order).label("next"),
        )
        .where(indicator_id.in_(select(Indicator.id).where(indicators)), week <= max(days))
        .subquery()
    )
    statement = columns(
        ranked.c.indicator_id,
        ranked.c.week_start,
        ranked.c.position,
        ranked.c.total,
        ranked.c.realisasi,
        ranked.c.id,
        ranked.c.submitted_at,
    ).order_by(ranked.c.indicator_id, ranked.c.position)
    if len(days) == 1:
        statement = statement.where(ranked.c.next.is_(None))
    connection = await session.connection()
    history: dict[int, list[tuple[date, ReportTotals]]] = defaultdict(list)
    for key, monday, *totals in (await connection.execute(statement)).all():
        history[key].append((monday, ReportTotals(*totals)))
    return history


def totals_on(history: list[tuple[date, ReportTotals]], day: date) -> ReportTotals:
    """The totals as of `day` from an indicator's `report_totals`."""
    reported = bisect_right(history, day, key=lambda entry: entry[0])
    return history[reported - 1][1] if reported else ReportTotals()


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
    wanted = {day for theirs in days.values() for day in theirs}
    if not wanted:
        return {}
    theirs = col(Indicator.employee_id).in_(ids) & (col(Indicator.tahun) == year)
    indicators = (
        await session.exec(
            select(Indicator)
            .where(theirs)
            .order_by(col(Indicator.employee_id), col(Indicator.jenis).desc(), col(Indicator.kode))
        )
    ).all()
    history = await report_totals(session, theirs, wanted)
    result: dict[tuple[int, date], list[IndicatorProgress]] = {
        (employee_id, day): [] for employee_id, on in days.items() for day in on
    }
    for indicator in indicators:
        reports = history.get(id_of(indicator), [])
        for day in days[indicator.employee_id]:
            progress = summarise(indicator, totals_on(reports, day), day)
            result[(indicator.employee_id, day)].append(progress)
    return result


async def single_indicator_progress(
    session: AsyncSession, indicator_id: int, as_of: date
) -> IndicatorProgress:
    """Progress of one indicator (which must exist) as of `as_of`."""
    indicator = await session.get(Indicator, indicator_id)
    if indicator is None:
        raise LookupError(f"indicator {indicator_id} does not exist")
    history = await report_totals(session, col(Indicator.id) == indicator_id, [as_of])
    return summarise(indicator, totals_on(history.get(indicator_id, []), as_of), as_of)

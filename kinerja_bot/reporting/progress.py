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

from sqlalchemy import ColumnElement, Select, Subquery, bindparam, func
from sqlalchemy import select as columns
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select as Rows  # rows of several things from session.exec

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


def _ranked(indicators: ColumnElement[bool]) -> Subquery:
    """Each indicator meeting `indicators` with each of its reports up to the week of the
    `last_day` parameter (reports of a later week ignored; one row with no report when it has
    none), with the report's place in time order, the running sum of the values up to it and
    the id of the next one (None for the last).

    The database does the work: a city's year is more than half a million reports, and
    turning each into Python objects to add them up was most of the weekly summary's time.
    The sum is a running sum in time order, so it adds the same numbers in the same order as
    adding them up one by one would (a float sum depends on the order). The indicators are a
    condition, not a list of their ids: a city's teams have more indicators than a statement
    may have parameters.
    """
    report_id, realisasi = col(ProgressReport.id), col(ProgressReport.realisasi)
    week = col(ProgressReport.week_start)
    in_time = (week, col(ProgressReport.submitted_at), report_id)
    # One window for all three (the frame changes only the sum), so the database sorts once.
    in_order: dict[str, Any] = {
        "partition_by": col(Indicator.id),
        "order_by": in_time,
        "rows": (None, 0),
    }
    return (
        columns(
            col(Indicator.id).label("indicator_id"),
            week,
            report_id,
            col(ProgressReport.submitted_at),
            realisasi,
            func.count(report_id).over(**in_order).label("position"),
            func.sum(realisasi).over(**in_order).label("total"),
            func.lead(report_id).over(**in_order).label("next"),
        )
        .select_from(Indicator)
        .outerjoin(
            ProgressReport,
            (col(ProgressReport.indicator_id) == col(Indicator.id))
            & (week <= bindparam("last_day")),
        )
        .where(indicators)
        .subquery()
    )


def _totals(ranked: Subquery) -> tuple[ColumnElement[Any], ...]:
    """The columns of `ranked` that make a `ReportTotals`, in its order."""
    c = ranked.c
    return (c.position, c.total, c.realisasi, c.id, c.submitted_at)


def _with_last_totals(indicators: ColumnElement[bool]) -> Rows[*tuple[Any, ...]]:
    """The indicators meeting `indicators`, each with the totals of its reports as of the
    `last_day` parameter: one row each, one statement. The indicator is looked up by its key
    for each row of the window (the other way round, SQLite scans the window's rows for each
    indicator)."""
    ranked = _ranked(indicators)
    return (
        Rows(Indicator, *_totals(ranked))
        .select_from(ranked)
        .outerjoin(Indicator, col(Indicator.id) == ranked.c.indicator_id)
        .where(ranked.c.next.is_(None))
        .order_by(col(Indicator.employee_id), col(Indicator.jenis).desc(), col(Indicator.kode))
    )


def _history(indicators: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """The totals as of each report of the indicators meeting `indicators` up to the
    `last_day` parameter, by indicator oldest first."""
    ranked = _ranked(indicators)
    return (
        columns(ranked.c.indicator_id, ranked.c.week_start, *_totals(ranked))
        .where(ranked.c.id.is_not(None))
        .order_by(ranked.c.indicator_id, ranked.c.position)
    )


# The statements are built once, with parameters: building them (the window subquery's
# columns above all) and their cache keys at every call cost more Python than running them,
# and /lapor asks at three of its steps.
_THEIRS = col(Indicator.employee_id).in_(bindparam("employee_ids", expanding=True)) & (
    col(Indicator.tahun) == bindparam("year")
)
_THEIR_PROGRESS = _with_last_totals(_THEIRS)
_ONE_PROGRESS = _with_last_totals(col(Indicator.id) == bindparam("indicator_id"))
_THEIR_INDICATORS = (
    select(Indicator)
    .where(_THEIRS)
    .order_by(col(Indicator.employee_id), col(Indicator.jenis).desc(), col(Indicator.kode))
)
_THEIR_HISTORY = _history(_THEIRS)


def _summarised(row: Any, as_of: date) -> IndicatorProgress:
    """The progress of a row of `_with_last_totals`."""
    indicator, count, total, *last = row
    return summarise(indicator, ReportTotals(count, total or 0.0, *last), as_of)


def totals_on(history: list[tuple[date, ReportTotals]], day: date) -> ReportTotals:
    """The totals as of `day` from an indicator's history (week, totals as of that report),
    oldest first: those of the last entry of that day's week or earlier."""
    reported = bisect_right(history, day, key=lambda entry: entry[0])
    return history[reported - 1][1] if reported else ReportTotals()


async def indicator_progress(
    session: AsyncSession, employee_ids: Iterable[int], year: int, as_of: date
) -> dict[int, list[IndicatorProgress]]:
    """Progress of every indicator of these employees in `year`, by employee id: one
    statement, however many people.

    Reports from weeks after `as_of` are ignored, so a past date shows the past.
    """
    ids = list(employee_ids)
    result: dict[int, list[IndicatorProgress]] = {employee_id: [] for employee_id in ids}
    if not ids:
        return result
    rows = await session.exec(
        _THEIR_PROGRESS, params={"employee_ids": ids, "year": year, "last_day": as_of}
    )
    for row in rows:
        progress = _summarised(row, as_of)
        result[progress.indicator.employee_id].append(progress)
    return result


async def indicator_progress_on_days(
    session: AsyncSession, days: Mapping[int, Collection[date]], year: int
) -> dict[tuple[int, date], list[IndicatorProgress]]:
    """Progress of every indicator of each employee in `year` as of each of their days, keyed
    by (employee id, day): two queries, however many people and days."""
    wanted = {day for theirs in days.values() for day in theirs}
    if not wanted:
        return {}
    params = {"employee_ids": list(days), "year": year, "last_day": max(wanted)}
    indicators = (await session.exec(_THEIR_INDICATORS, params=params)).all()
    # Plain columns: the core connection spares the ORM's work on every row.
    connection = await session.connection()
    history: dict[int, list[tuple[date, ReportTotals]]] = defaultdict(list)
    for key, monday, *totals in await connection.execute(_THEIR_HISTORY, params):
        history[key].append((monday, ReportTotals(*totals)))
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
) -> IndicatorProgress | None:
    """Progress of one indicator as of `as_of` (None when there is no such indicator): one
    statement."""
    rows = await session.exec(
        _ONE_PROGRESS, params={"indicator_id": indicator_id, "last_day": as_of}
    )
    row = rows.first()
    return None if row is None else _summarised(row, as_of)

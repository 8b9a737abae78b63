"""Periodic evaluation as plain functions on a session: who an atasan rates, the basis of a
rating (indicator progress and the suggested rating hasil kerja), saving the decision, and the
predikat distribution of a unit.

Evaluation periods are the four triwulan and the year (`2026-Q4`, `2026`). Achievement comes
from `reporting.progress.indicator_progress` as of the assessment date (the end of the period,
or today while it runs): the capaian against the pro-rata target due by then, which for the
year is the whole yearly target. See docs/evaluation.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    Aggregation,
    Direction,
    Employee,
    Evaluation,
    IndicatorKind,
    Unit,
    UnitRating,
    id_of,
    utcnow,
)
from kinerja_bot.core.rules.achievement import prorata_target
from kinerja_bot.core.rules.periods import (
    Period,
    PeriodError,
    PeriodKind,
    current_period,
    parse_period,
)
from kinerja_bot.core.rules.predikat import (
    BERAKHLAK,
    DistributionWarning,
    IndicatorAchievement,
    OrganisationRating,
    Predikat,
    Rating,
    distribution_warning,
    predikat,
    suggest_result_rating,
)
from kinerja_bot.reporting import IndicatorProgress, indicator_progress

EVALUATION_KINDS = (PeriodKind.QUARTER, PeriodKind.YEAR)
# Longest note per BerAKHLAK value: e-Kinerja's feedback fields take a few sentences, and
# seven of them must fit in one Telegram message with the rest of the summary.
NOTE_MAX_CHARS = 400

# Short codes for ratings in callback data and drafts.
RATING_CODES: Mapping[str, Rating] = {
    "atas": Rating.DI_ATAS,
    "sesuai": Rating.SESUAI,
    "bawah": Rating.DI_BAWAH,
}
CODE_OF_RATING: Mapping[Rating, str] = {rating: code for code, rating in RATING_CODES.items()}
BERAKHLAK_CODES: tuple[str, ...] = tuple(code for code, _ in BERAKHLAK)


class NotAnEvaluationPeriod(ValueError):
    """A valid period that is not a triwulan or a year (a month, a week)."""


def parse_evaluation_period(text: str) -> Period:
    """A triwulan (`2026-Q4`) or a year (`2026`); PeriodError or NotAnEvaluationPeriod else."""
    period = parse_period(text)
    if period.kind not in EVALUATION_KINDS:
        raise NotAnEvaluationPeriod(text)
    return period


def offered_periods(today: date) -> list[Period]:
    """The periods /nilai offers on `today`: last triwulan, this triwulan, and the year.

    The yearly evaluation is due around the turn of the year, so the year is offered in the
    fourth triwulan (this year) and in the first (last year), not in between.
    """
    this_quarter = current_period(PeriodKind.QUARTER, today)
    previous_quarter = current_period(PeriodKind.QUARTER, _day_before(this_quarter.start))
    periods = [previous_quarter, this_quarter]
    if this_quarter.label.endswith("Q4"):
        periods.append(parse_period(str(today.year)))
    elif this_quarter.label.endswith("Q1"):
        periods.append(parse_period(str(today.year - 1)))
    return periods


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def assessment_date(period: Period, today: date) -> date:
    """The day achievement is measured on: the period's last day, or today if earlier."""
    return min(period.end, today)


def period_or_none(text: str) -> Period | None:
    try:
        return parse_evaluation_period(text)
    except (PeriodError, NotAnEvaluationPeriod):
        return None


# --- Who rates whom --------------------------------------------------------------------------


async def subordinates(session: AsyncSession, atasan_id: int) -> list[Employee]:
    """The active direct subordinates of an atasan, by name."""
    statement = (
        select(Employee)
        .where(Employee.atasan_id == atasan_id, Employee.active)
        .order_by(col(Employee.nama), col(Employee.nip))
    )
    return list((await session.exec(statement)).all())


async def subordinate(session: AsyncSession, atasan_id: int, employee_id: int) -> Employee | None:
    """The employee if, and only if, `atasan_id` is their atasan now (callback data lies)."""
    employee = await session.get(Employee, employee_id)
    if employee is None or employee.atasan_id != atasan_id or not employee.active:
        return None
    return employee


# --- The basis of a rating -------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationBasis:
    """What the atasan sees before rating: progress as of `as_of` and the bot's suggestion."""

    employee: Employee
    period: Period
    as_of: date
    progress: list[IndicatorProgress]
    suggested: Rating | None
    existing: Evaluation | None


def target_to_date(item: IndicatorProgress, as_of: date) -> float:
    """The part of the yearly target due by `as_of` (rules/achievement.prorata_target)."""
    indicator = item.indicator
    return prorata_target(
        indicator.target,
        as_of,
        indicator.tahun,
        Aggregation(indicator.cara_hitung),
        Direction(indicator.arah),
    )


def suggestion(progress: Iterable[IndicatorProgress]) -> Rating | None:
    """The suggested rating hasil kerja from the capaian against the pro-rata target."""
    return suggest_result_rating(
        [
            IndicatorAchievement(IndicatorKind(item.indicator.jenis), item.prorata_pct)
            for item in progress
        ]
    )


async def evaluation_basis(
    session: AsyncSession, employee: Employee, period: Period, today: date
) -> EvaluationBasis:
    as_of = assessment_date(period, today)
    employee_id = id_of(employee)
    progress = (await indicator_progress(session, [employee_id], period.start.year, as_of))[
        employee_id
    ]
    existing = (await evaluations_for(session, [employee_id], period.label)).get(employee_id)
    return EvaluationBasis(employee, period, as_of, progress, suggestion(progress), existing)


async def evaluations_for(
    session: AsyncSession, employee_ids: Iterable[int], period_label: str
) -> dict[int, Evaluation]:
    ids = list(employee_ids)
    if not ids:
        return {}
    rows = (
        await session.exec(
            select(Evaluation).where(
                col(Evaluation.employee_id).in_(ids), Evaluation.period == period_label
            )
        )
    ).all()
    return {row.employee_id: row for row in rows}


# --- Deciding --------------------------------------------------------------------------------


async def save_evaluation(
    session: AsyncSession,
    *,
    employee_id: int,
    period: Period,
    suggested: Rating | None,
    result_rating: Rating,
    behaviour_rating: Rating,
    notes: Mapping[str, str],
    decided_by_id: int,
    now: datetime,
) -> Evaluation:
    """Save (or replace) the evaluation of one employee for one period; the predikat follows
    from the matrix. A second decision for the same period replaces the first: the atasan may
    correct a rating until the evaluation is copied into e-Kinerja."""
    existing = (await evaluations_for(session, [employee_id], period.label)).get(employee_id)
    row = existing or Evaluation(
        employee_id=employee_id,
        period=period.label,
        result_rating=result_rating,
        behaviour_rating=behaviour_rating,
        predikat=predikat(result_rating, behaviour_rating),
        decided_by_id=decided_by_id,
    )
    row.suggested_result_rating = suggested.value if suggested else None
    row.result_rating = result_rating.value
    row.behaviour_rating = behaviour_rating.value
    row.behaviour_notes = {code: notes.get(code, "") for code in BERAKHLAK_CODES}
    row.predikat = predikat(result_rating, behaviour_rating).value
    row.decided_by_id = decided_by_id
    row.decided_at = now
    session.add(row)
    await session.flush()
    return row


# --- Distribution of predikat in a unit ------------------------------------------------------


@dataclass(frozen=True)
class DistributionCheck:
    """The predikat so far in one unit and period, and the distribution rules they break.

    `warnings` stays empty while the unit's own rating for the year is unknown (`rating` None)
    and until every active employee of the unit is evaluated: SE MenPANRB 3/2023's pattern is
    about the unit's complete distribution, and a half-rated unit always "breaks" it.
    """

    unit: Unit
    rating: OrganisationRating | None
    counts: Mapping[Predikat, int]
    evaluated: int
    headcount: int
    warnings: list[DistributionWarning]

    @property
    def complete(self) -> bool:
        return self.evaluated >= self.headcount


async def organisation_rating(
    session: AsyncSession, unit_id: int, year: int
) -> OrganisationRating | None:
    """The unit's own rating (predikat kinerja organisasi) of the year, if recorded."""
    statement = select(UnitRating.rating).where(
        UnitRating.unit_id == unit_id, UnitRating.tahun == year
    )
    found = (await session.exec(statement)).first()
    return OrganisationRating(found) if found is not None else None


async def set_organisation_rating(
    session: AsyncSession, unit_id: int, year: int, rating: OrganisationRating
) -> None:
    """Record (or replace) the unit's own rating of the year."""
    statement = select(UnitRating).where(UnitRating.unit_id == unit_id, UnitRating.tahun == year)
    row = (await session.exec(statement)).first() or UnitRating(
        unit_id=unit_id, tahun=year, rating=rating.value
    )
    row.rating = rating.value
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()


async def distribution_check(
    session: AsyncSession,
    unit_id: int,
    period_label: str,
    *,
    pending: tuple[int, Predikat] | None = None,
) -> DistributionCheck:
    """Predikat counts of the employees of one unit (the unit itself, not its sub-units) for a
    period, with `pending` = (employee id, predikat) counted as if already saved."""
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise LookupError(f"unit {unit_id} does not exist")
    rows = (
        await session.exec(
            select(Evaluation.employee_id, Evaluation.predikat)
            .join(Employee, col(Employee.id) == col(Evaluation.employee_id))
            .where(Employee.unit_id == unit_id, Evaluation.period == period_label)
        )
    ).all()
    by_employee: dict[int, str] = dict(rows)
    if pending is not None:
        by_employee[pending[0]] = pending[1].value
    counts: Counter[Predikat] = Counter(Predikat(value) for value in by_employee.values())
    headcount = (
        await session.exec(
            select(func.count())
            .select_from(Employee)
            .where(Employee.unit_id == unit_id, Employee.active)
        )
    ).one()
    rating = await organisation_rating(session, unit_id, parse_period(period_label).start.year)
    complete = len(by_employee) >= int(headcount)
    return DistributionCheck(
        unit=unit,
        rating=rating,
        counts=counts,
        evaluated=len(by_employee),
        headcount=int(headcount),
        warnings=distribution_warning(rating, counts) if rating is not None and complete else [],
    )

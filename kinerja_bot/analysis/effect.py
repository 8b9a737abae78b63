"""Effect of development: for each completed development tied to a need, the linked
indicators before the course and at the end of the analysed period, and — for a catalog course
that strengthens SKM unsur — the person's unit's score on those unsur before and after.

An association, not proof: achievement and satisfaction move for many reasons besides a
course, so the analysis shows the numbers side by side and says so.

Set-based: a fixed handful of queries for the whole analysis, however many people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    Employee,
    Enrolment,
    LearningRecord,
    LearningStatus,
    ProgressReport,
    Service,
    SurveyAnswer,
    SurveyResponse,
    TrainingOffer,
    id_of,
)
from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.core.rules.formatting import round_half_up
from kinerja_bot.core.rules.periods import WIB, Period
from kinerja_bot.core.rules.skm import (
    IKM_DECIMALS,
    MIN_RESPONSES_FOR_SCORE,
    UNSUR_BY_CODE,
    nrr,
)
from kinerja_bot.development import DEVELOPMENT_REQUESTS
from kinerja_bot.reporting import IndicatorProgress, indicator_progress_on_days

# The unit's SKM before a course: the answers of the 90 days before it ended.
UNSUR_BEFORE_DAYS = 90
# NRR (1–4) to the 25–100 scale of the IKM (PermenPANRB 14/2017: nilai konversi).
IKM_SCALE = 25


@dataclass(frozen=True)
class IndicatorChange:
    """One linked indicator: pro-rata achievement (%) the day before the course ended and at
    the end of the period (None: no target or no report yet)."""

    name: str
    before_pct: float | None
    after_pct: float | None


@dataclass(frozen=True)
class UnsurChange:
    """One SKM unsur a course strengthens: the person's unit's score on it (NRR × 25, like the
    IKM) from the answers before the course ended and after, with how many answered; None
    with fewer than MIN_RESPONSES_FOR_SCORE answers (not a survey yet)."""

    code: str
    name: str
    before: float | None
    after: float | None
    answered_before: int
    answered_after: int


@dataclass(frozen=True)
class DevelopmentEffect:
    person: str
    course: str
    completed_on: date
    asked_for_it: bool  # tied through a training request in /lapor (else: lagging indicators)
    changes: tuple[IndicatorChange, ...]
    unsur: tuple[UnsurChange, ...] = ()


def unsur_score(scores: Sequence[int]) -> float | None:
    """An unsur's score on the IKM scale, or None with too few answers."""
    value = nrr(scores)
    if value is None or len(scores) < MIN_RESPONSES_FOR_SCORE:
        return None
    return round_half_up(value * IKM_SCALE, IKM_DECIMALS)


def unsur_changes(
    codes: Sequence[str],
    before: Sequence[Mapping[str, int]],
    after: Sequence[Mapping[str, int]],
) -> tuple[UnsurChange, ...]:
    """The unsur a course strengthens, before and after, from the unit's responses (each a
    mapping unsur code → score 1–4). Unsur nobody answered on either side are left out."""
    result = []
    for code in codes:
        was = [response[code] for response in before if code in response]
        now = [response[code] for response in after if code in response]
        if code in UNSUR_BY_CODE and (was or now):
            result.append(
                UnsurChange(
                    code,
                    UNSUR_BY_CODE[code].name,
                    unsur_score(was),
                    unsur_score(now),
                    len(was),
                    len(now),
                )
            )
    return tuple(result)


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
    its linked indicators and SKM unsur; developments tied to no need are left out."""
    people = {id_of(e): e for e in employees}
    rows = (
        await session.exec(
            select(LearningRecord, TrainingOffer.unsur)
            .outerjoin(Enrolment, col(Enrolment.id) == LearningRecord.enrolment_id)
            .outerjoin(TrainingOffer, col(TrainingOffer.id) == Enrolment.offer_id)
            .where(
                col(LearningRecord.employee_id).in_(list(people)),
                LearningRecord.status == LearningStatus.VERIFIED,
                LearningRecord.completed_on >= period.start,
                LearningRecord.completed_on < as_of,
            )
            .order_by(col(LearningRecord.completed_on), col(LearningRecord.id))
        )
    ).all()
    if not rows:
        return []
    days: dict[int, set[date]] = defaultdict(set)
    for record, _ in rows:
        days[record.employee_id].add(_day_before(record))
    before = await indicator_progress_on_days(session, days, period.start.year)
    first_request = await _first_development_request(session, list(days))
    strengthened = {id_of(record): _codes(unsur) for record, unsur in rows}
    answers = await _unit_answers(
        session,
        {people[record.employee_id].unit_id for record, _ in rows if strengthened[id_of(record)]},
        {code for codes in strengthened.values() for code in codes},
        start=min(record.completed_on for record, _ in rows) - timedelta(UNSUR_BEFORE_DAYS),
        end=as_of,
    )
    effects = []
    for record, _ in rows:
        asked = _asked_before(first_request.get(record.employee_id), record.completed_on)
        changes = linked_changes(
            before.get((record.employee_id, _day_before(record)), []),
            after.get(record.employee_id, []),
            asked_for_it=asked,
        )
        codes = strengthened[id_of(record)]
        unsur: tuple[UnsurChange, ...] = ()
        if codes:
            unit_answers = answers.get(people[record.employee_id].unit_id, [])
            unsur = unsur_changes(
                codes,
                [scores for day, scores in unit_answers if _before_course(day, record)],
                [scores for day, scores in unit_answers if day >= record.completed_on],
            )
        if changes or unsur:
            effects.append(
                DevelopmentEffect(
                    people[record.employee_id].nama,
                    record.nama,
                    record.completed_on,
                    asked,
                    changes,
                    unsur,
                )
            )
    return effects


def _day_before(record: LearningRecord) -> date:
    return record.completed_on - timedelta(days=1)


def _before_course(day: date, record: LearningRecord) -> bool:
    return record.completed_on - timedelta(UNSUR_BEFORE_DAYS) <= day < record.completed_on


def _codes(unsur: str | None) -> tuple[str, ...]:
    """The ';'-separated unsur codes of a catalog offer, as imported."""
    return tuple(code.strip().upper() for code in (unsur or "").split(";") if code.strip())


def _asked_before(first_request: datetime | None, completed_on: date) -> bool:
    """Did the person ask for training or coaching in /lapor before completing it?"""
    return first_request is not None and first_request < datetime.combine(
        completed_on, time(0), WIB
    )


async def _first_development_request(
    session: AsyncSession, employee_ids: list[int]
) -> dict[int, datetime]:
    """When each person first asked for training or coaching in /lapor (one query)."""
    first = func.min(ProgressReport.submitted_at)
    rows = await session.exec(
        select(ProgressReport.employee_id, first)
        .where(
            col(ProgressReport.employee_id).in_(employee_ids),
            col(ProgressReport.dukungan_kategori).in_(DEVELOPMENT_REQUESTS),
        )
        .group_by(col(ProgressReport.employee_id))
    )
    return {employee_id: at for employee_id, at in rows.all() if at is not None}


async def _unit_answers(
    session: AsyncSession, unit_ids: set[int], codes: set[str], *, start: date, end: date
) -> dict[int, list[tuple[date, dict[str, int]]]]:
    """The answers on these unsur to the services of these units from `start` to `end`
    (WIB days, inclusive), per unit: (the WIB day, unsur → score) per response. One query."""
    if not unit_ids or not codes:
        return {}
    rows = await session.exec(
        select(SurveyResponse.id, SurveyResponse.submitted_at, Service.unit_id, SurveyAnswer)
        .join(Service, col(Service.id) == SurveyResponse.service_id)
        .join(SurveyAnswer, col(SurveyAnswer.response_id) == SurveyResponse.id)
        .where(
            col(Service.unit_id).in_(unit_ids),
            col(SurveyAnswer.unsur).in_(codes),
            col(SurveyResponse.submitted_at) >= datetime.combine(start, time(0), WIB),
            col(SurveyResponse.submitted_at)
            < datetime.combine(end + timedelta(days=1), time(0), WIB),
        )
    )
    responses: dict[int, tuple[int, date, dict[str, int]]] = {}
    for response_id, submitted_at, unit_id, answer in rows.all():
        _, _, scores = responses.setdefault(
            int(response_id or 0), (unit_id, submitted_at.astimezone(WIB).date(), {})
        )
        scores[answer.unsur] = answer.score
    found: dict[int, list[tuple[date, dict[str, int]]]] = defaultdict(list)
    for unit_id, day, scores in responses.values():
        found[unit_id].append((day, scores))
    return found

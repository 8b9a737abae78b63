"""The year's development per person, for BKPSDM: every activity with its JP (the SIASN
riwayat diklat record), ≥ 20 JP or not, and the AKPK input per unit: the competency gap (the
atasan's /kompetensi scores below 3 this year, and what the person asked for in /lapor), the
performance gap (indicators behind their pro-rata target),
and a proposed route (the best open catalog offer for those gaps).

Plain functions on a session; `exports` writes them as spreadsheets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    CompetencyAssessment,
    Employee,
    Enrolment,
    LearningRecord,
    TrainingOffer,
    Unit,
    id_of,
)
from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.development.matching import Match, NeedSignal, rank_for_all
from kinerja_bot.development.rules import CountedLearning, jp_total
from kinerja_bot.development.service import open_catalog, requests_by_person
from kinerja_bot.reporting import indicator_progress

BEHIND = (OnTrackStatus.TERTINGGAL, OnTrackStatus.PERLU_PERHATIAN)
# Format B.1.9 scores 1–5; 3 meets the standard of the position, below it is a gap.
COMPETENCY_STANDARD = 3


@dataclass(frozen=True)
class Activity:
    """One learning record, with its catalog offer when it came from one."""

    record: LearningRecord
    offer: TrainingOffer | None


@dataclass(frozen=True)
class PersonYear:
    employee: Employee
    unit: Unit
    total: float
    activities: list[Activity]
    requests: list[str]  # kesenjangan kompetensi, in the person's words
    competencies: dict[str, int]  # the atasan's latest score this year per CompetencyType
    behind: list[tuple[str, float | None]]  # kesenjangan kinerja: indicator, capaian/pro-rata
    proposal: Match | None  # the best open catalog offer for both gaps


async def development_by_person(
    session: AsyncSession, year: int, scope: Collection[int] | None, today: date
) -> list[PersonYear]:
    """Every active employee in scope (by unit, then name) with the year's development."""
    statement = select(Employee, Unit).join(Unit, col(Unit.id) == Employee.unit_id)
    statement = statement.where(Employee.active)
    if scope is not None:
        statement = statement.where(col(Employee.unit_id).in_(list(scope)))
    people = list(
        (await session.exec(statement.order_by(col(Unit.kode), col(Employee.nama)))).all()
    )
    ids = [id_of(e) for e, _ in people]
    activities = await _activities(session, ids, year)
    requests = await requests_by_person(session, ids, year)
    scores = await latest_competency_scores(session, ids, year)
    as_of = min(today, date(year, 12, 31))
    progress = await indicator_progress(session, ids, year, as_of)
    catalog = await open_catalog(session, today)
    result = []
    for employee, unit in people:
        employee_id = id_of(employee)
        mine = activities.get(employee_id, [])
        counted = [
            CountedLearning(a.record.jp, a.record.status, a.record.completed_on) for a in mine
        ]
        behind = [
            (p.indicator.nama, p.prorata_pct)
            for p in progress.get(employee_id, [])
            if p.status in BEHIND
        ]
        asked = requests.get(employee_id, [])
        signals = [NeedSignal(text) for text in [*asked, *(name for name, _ in behind)]]
        best = rank_for_all(signals, catalog, limit=1)
        result.append(
            PersonYear(
                employee,
                unit,
                jp_total(counted, year),
                mine,
                asked,
                scores.get(employee_id, {}),
                behind,
                best[0] if best else None,
            )
        )
    return result


def competency_gaps(scores: dict[str, int]) -> dict[str, int]:
    """The competencies scored below the standard of the position."""
    return {kind: score for kind, score in scores.items() if score < COMPETENCY_STANDARD}


async def latest_competency_scores(
    session: AsyncSession, employee_ids: list[int], year: int
) -> dict[int, dict[str, int]]:
    """Per person and competency, the latest /kompetensi score of a period of the year
    (a triwulan or the year itself), in one query."""
    rows = await session.exec(
        select(CompetencyAssessment)
        .where(
            col(CompetencyAssessment.employee_id).in_(employee_ids),
            col(CompetencyAssessment.period).startswith(str(year)),
        )
        .order_by(col(CompetencyAssessment.decided_at), col(CompetencyAssessment.id))
    )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows.all():
        found[row.employee_id][row.kompetensi] = row.score  # later rows win
    return found


async def _activities(
    session: AsyncSession, employee_ids: list[int], year: int
) -> dict[int, list[Activity]]:
    rows = await session.exec(
        select(LearningRecord, TrainingOffer)
        .outerjoin(Enrolment, col(Enrolment.id) == LearningRecord.enrolment_id)
        .outerjoin(TrainingOffer, col(TrainingOffer.id) == Enrolment.offer_id)
        .where(
            col(LearningRecord.employee_id).in_(employee_ids),
            col(LearningRecord.completed_on) >= date(year, 1, 1),
            col(LearningRecord.completed_on) <= date(year, 12, 31),
        )
        .order_by(col(LearningRecord.completed_on), col(LearningRecord.id))
    )
    found: dict[int, list[Activity]] = defaultdict(list)
    for record, offer in rows.all():
        found[record.employee_id].append(Activity(record, offer))
    return found

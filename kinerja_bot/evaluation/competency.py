"""The atasan's competency evaluation (PermenPANRB 6/2022, Format B.1.9): each competency of
a subordinate scored 1–5 with a reason, per period (a triwulan or a year, as /nilai).

The rule (`scored`) is pure; `save_competency_scores` and `competency_scores` work on a session.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import CompetencyAssessment, CompetencyType, Employee, id_of, utcnow

COMPETENCIES: tuple[CompetencyType, ...] = tuple(CompetencyType)
SCORES = range(1, 6)
REASON_MAX_CHARS = 1000


class IncompleteAssessment(ValueError):
    """Not every competency has a score from 1 to 5 and a reason."""


@dataclass(frozen=True)
class CompetencyScore:
    kompetensi: CompetencyType
    score: int
    reason: str


def scored(scores: Mapping[str, int], reasons: Mapping[str, str]) -> list[CompetencyScore]:
    """Every competency with its score (1–5) and reason (not blank, at most REASON_MAX_CHARS),
    in the fixed order; IncompleteAssessment when one is missing or out of range."""
    result = []
    for kompetensi in COMPETENCIES:
        score = scores.get(kompetensi.value)
        reason = (reasons.get(kompetensi.value) or "").strip()
        if score is None or score not in SCORES or not reason or len(reason) > REASON_MAX_CHARS:
            raise IncompleteAssessment(kompetensi.value)
        result.append(CompetencyScore(kompetensi, score, reason))
    return result


async def save_competency_scores(
    session: AsyncSession,
    employee: Employee,
    atasan: Employee,
    period_label: str,
    scores: list[CompetencyScore],
) -> list[CompetencyAssessment]:
    """Replace the employee's competency scores of the period with `scores`."""
    await session.exec(
        delete(CompetencyAssessment).where(
            col(CompetencyAssessment.employee_id) == id_of(employee),
            col(CompetencyAssessment.period) == period_label,
        )
    )
    rows = [
        CompetencyAssessment(
            employee_id=id_of(employee),
            period=period_label,
            kompetensi=item.kompetensi.value,
            score=item.score,
            reason=item.reason,
            decided_by_id=id_of(atasan),
            decided_at=utcnow(),
        )
        for item in scores
    ]
    session.add_all(rows)
    await session.flush()
    return rows


async def competency_scores(
    session: AsyncSession, employee_id: int, period_label: str
) -> list[CompetencyAssessment]:
    return (await competency_scores_for(session, [employee_id], period_label)).get(employee_id, [])


async def competency_scores_for(
    session: AsyncSession, employee_ids: Collection[int], period_label: str
) -> dict[int, list[CompetencyAssessment]]:
    """The period's scores per person, each in the fixed order of the competencies."""
    statement = select(CompetencyAssessment).where(
        col(CompetencyAssessment.employee_id).in_(list(employee_ids)),
        CompetencyAssessment.period == period_label,
    )
    order = {kind.value: index for index, kind in enumerate(COMPETENCIES)}
    found: dict[int, list[CompetencyAssessment]] = {}
    for row in sorted((await session.exec(statement)).all(), key=lambda r: order[r.kompetensi]):
        found.setdefault(row.employee_id, []).append(row)
    return found

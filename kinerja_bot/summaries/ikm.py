"""IKM of a set of services or units over a date range, from the stored survey answers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.models import Service, SurveyAnswer, SurveyResponse
from kinerja_bot.rules.periods import WIB
from kinerja_bot.rules.skm import IkmResult, compute_ikm


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants that open `start` and close `end` (inclusive days, WIB)."""
    return (
        datetime.combine(start, time(), tzinfo=WIB),
        datetime.combine(end + timedelta(days=1), time(), tzinfo=WIB),
    )


async def responses_by_service(
    session: AsyncSession, service_ids: Iterable[int], start: date, end: date
) -> dict[int, list[dict[str, int]]]:
    """Each service's responses (unsur code → score) submitted between the two dates."""
    since, until = day_bounds(start, end)
    rows = (
        await session.exec(
            select(
                SurveyResponse.id, SurveyResponse.service_id, SurveyAnswer.unsur, SurveyAnswer.score
            )
            .join(SurveyAnswer, col(SurveyAnswer.response_id) == col(SurveyResponse.id))
            .where(
                col(SurveyResponse.service_id).in_(list(service_ids)),
                col(SurveyResponse.submitted_at) >= since,
                col(SurveyResponse.submitted_at) < until,
            )
        )
    ).all()
    answers: dict[int, dict[str, int]] = defaultdict(dict)
    service_of: dict[int, int] = {}
    for response_id, service_id, unsur, score in rows:
        if response_id is None:
            continue
        answers[response_id][unsur] = score
        service_of[response_id] = service_id
    grouped: dict[int, list[dict[str, int]]] = defaultdict(list)
    for response_id, scores in answers.items():
        grouped[service_of[response_id]].append(scores)
    return dict(grouped)


async def unit_ikm(
    session: AsyncSession, unit_ids: Iterable[int], start: date, end: date
) -> IkmResult:
    """One IKM over every service of these units between the two dates."""
    services = (
        await session.exec(select(Service.id).where(col(Service.unit_id).in_(list(unit_ids))))
    ).all()
    grouped = await responses_by_service(
        session, [s for s in services if s is not None], start, end
    )
    return compute_ikm([scores for responses in grouped.values() for scores in responses])

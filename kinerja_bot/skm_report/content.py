"""Everything the Laporan Hasil SKM says, read from the database for one unit tree and period."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    Employee,
    FollowUpAction,
    Service,
    SurveyAnswer,
    SurveyResponse,
    Unit,
    UnitRole,
    UnitRoleKind,
    id_of,
)
from kinerja_bot.core.organisation import unit_tree_ids
from kinerja_bot.core.rules.periods import Period, previous_period
from kinerja_bot.core.rules.skm import UNSUR_CODES
from kinerja_bot.ikm import Rating, Tally, period_bounds, rating, tallies
from kinerja_bot.ikm.followup import actions_of


@dataclass(frozen=True)
class Signatory:
    """Who signs: the unit's head (name, NIP, position)."""

    nama: str
    nip: str
    jabatan: str


@dataclass(frozen=True)
class ReportContent:
    unit: Unit
    period: Period
    previous: Period
    total: Rating
    previous_total: Rating
    services: list[Rating]
    channels: dict[str, int]  # responses per channel
    matrix: list[tuple[int | None, ...]]  # per response: scores U1…U9, None when unanswered
    actions: list[FollowUpAction]
    signatory: Signatory | None


async def _signatory(session: AsyncSession, unit: Unit) -> Signatory | None:
    statement = (
        select(Employee)
        .join(UnitRole, col(UnitRole.employee_id) == col(Employee.id))
        .where(UnitRole.unit_id == unit.id, UnitRole.role == UnitRoleKind.HEAD)
        .order_by(col(Employee.id))
    )
    head = (await session.exec(statement)).first()
    return Signatory(head.nama, head.nip, head.jabatan) if head is not None else None


async def _matrix(
    session: AsyncSession, service_ids: list[int], period: Period, tz: ZoneInfo
) -> tuple[list[tuple[int | None, ...]], dict[str, int]]:
    start, end = period_bounds(period, tz)
    in_period = (
        col(SurveyResponse.service_id).in_(service_ids),
        col(SurveyResponse.submitted_at) >= start,
        col(SurveyResponse.submitted_at) < end,
    )
    responses = (
        await session.exec(
            select(col(SurveyResponse.id), SurveyResponse.channel)
            .where(*in_period)
            .order_by(col(SurveyResponse.submitted_at), col(SurveyResponse.id))
        )
    ).all()
    answers = (
        await session.exec(
            select(SurveyAnswer.response_id, SurveyAnswer.unsur, SurveyAnswer.score)
            .join(SurveyResponse, col(SurveyResponse.id) == col(SurveyAnswer.response_id))
            .where(*in_period)
        )
    ).all()
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    for response_id, unsur, score in answers:
        scores[response_id][unsur] = score
    matrix = [
        tuple(scores[rid].get(code) for code in UNSUR_CODES)
        for rid, _ in responses
        if rid is not None
    ]
    channels = Counter(channel for _, channel in responses)
    return matrix, dict(sorted(channels.items()))


async def report_content(
    session: AsyncSession, unit: Unit, period: Period, tz: ZoneInfo
) -> ReportContent:
    """The unit with all its sub-units: each service, the total, the previous period, every
    response's scores, the RTL of the period and the unit head who signs."""
    tree = await unit_tree_ids(session, id_of(unit))
    services = list(
        (
            await session.exec(
                select(Service).where(col(Service.unit_id).in_(tree)).order_by(col(Service.nama))
            )
        ).all()
    )
    ids = [id_of(s) for s in services]
    before = previous_period(period)

    async def total_of(each: Period) -> tuple[Rating, dict[int, Tally]]:
        by_service = await tallies(session, each, ids, tz)
        total = Tally()
        for tally in by_service.values():
            total.add(tally)
        return rating(unit.kode, unit.nama, total, services), by_service

    total, by_service = await total_of(period)
    previous_total, _ = await total_of(before)
    matrix, channels = await _matrix(session, ids, period, tz)
    return ReportContent(
        unit=unit,
        period=period,
        previous=before,
        total=total,
        previous_total=previous_total,
        services=[rating(s.kode, s.nama, by_service.get(id_of(s), Tally()), [s]) for s in services],
        channels=channels,
        matrix=matrix,
        actions=await actions_of(session, tree, period.label),
        signatory=await _signatory(session, unit),
    )

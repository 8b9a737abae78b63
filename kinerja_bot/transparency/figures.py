"""What the public site shows, read from the database: aggregated figures only.

A page is about a *scope* — the city, a unit with its sub-units, or one service — and a period.
For it: the SKM result (respondents, NRR per unsur, IKM, mutu, the sample the respondents are
measured against), the trend over the previous periods of the same kind, the weakest unsur and
the unit's RTL actions, and complaint figures. Nothing here carries a name, a NIP, a Telegram
id, a suggestion or a complaint's text: those never leave the database through the site.

Complaint figures of a period: tickets received in it; of those already answered or past their
due date, the share answered on or before the due date ("dijawab tepat waktu").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    Complaint,
    FollowUpAction,
    FollowUpStatus,
    Service,
    Unit,
    id_of,
)
from kinerja_bot.core.organisation import unit_tree_ids
from kinerja_bot.core.rules.periods import Period, previous_period
from kinerja_bot.ikm import Rating, Tally, period_bounds, rating, tallies
from kinerja_bot.ikm.followup import Progress, actions_of, progress_of

TREND_LENGTH = 6


@dataclass(frozen=True)
class Scope:
    """The services a page is about, and who owns them (None: the whole city)."""

    kode: str
    nama: str
    services: list[Service]
    unit_ids: set[int] | None
    # A service's page counts its own tickets; a unit's counts every ticket of its tree, also
    # those filed without a service ("lainnya" in /adu).
    of_service: bool = False

    @property
    def service_ids(self) -> list[int]:
        return [id_of(s) for s in self.services]


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    ikm: float | None


@dataclass(frozen=True)
class ComplaintFigures:
    received: int
    judged: int  # answered, or past the due date
    on_time: int

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.judged if self.judged else None


@dataclass(frozen=True)
class PublicAction:
    """An RTL action as the public sees it: no owner's name."""

    unsur: str
    tindakan: str
    tenggat: date
    status: str
    late: bool


@dataclass(frozen=True)
class Page:
    scope: Scope
    period: Period
    rating: Rating
    trend: list[TrendPoint]
    actions: list[PublicAction]
    followup: Progress
    complaints: ComplaintFigures


async def city_scope(session: AsyncSession, nama: str) -> Scope:
    services = list((await session.exec(select(Service).order_by(col(Service.nama)))).all())
    return Scope("KOTA", nama, services, None)


async def unit_scope(session: AsyncSession, unit: Unit) -> Scope:
    tree = await unit_tree_ids(session, id_of(unit))
    statement = select(Service).where(col(Service.unit_id).in_(tree)).order_by(col(Service.nama))
    return Scope(unit.kode, unit.nama, list((await session.exec(statement)).all()), tree)


def service_scope(service: Service) -> Scope:
    return Scope(service.kode, service.nama, [service], {service.unit_id}, of_service=True)


async def scope_rating(session: AsyncSession, scope: Scope, period: Period, tz: ZoneInfo) -> Rating:
    """Every response to a service of the scope counts once, from every channel."""
    total = Tally()
    for tally in (await tallies(session, period, scope.service_ids, tz)).values():
        total.add(tally)
    return rating(scope.kode, scope.nama, total, scope.services)


async def trend(
    session: AsyncSession, scope: Scope, period: Period, tz: ZoneInfo
) -> list[TrendPoint]:
    """The IKM of this period and the TREND_LENGTH − 1 before it, oldest first."""
    periods = [period]
    while len(periods) < TREND_LENGTH:
        periods.append(previous_period(periods[-1]))
    points = []
    for each in reversed(periods):
        result = (await scope_rating(session, scope, each, tz)).result
        points.append(TrendPoint(each, result.ikm))
    return points


async def complaint_figures(
    session: AsyncSession, scope: Scope, period: Period, tz: ZoneInfo, today: date
) -> ComplaintFigures:
    start, end = period_bounds(period, tz)
    statement = select(col(Complaint.due_date), col(Complaint.answered_at)).where(
        col(Complaint.created_at) >= start, col(Complaint.created_at) < end
    )
    if scope.of_service:
        statement = statement.where(col(Complaint.service_id).in_(scope.service_ids))
    elif scope.unit_ids is not None:
        statement = statement.where(col(Complaint.unit_id).in_(scope.unit_ids))
    received = judged = on_time = 0
    for due, answered_at in (await session.exec(statement)).all():
        received += 1
        if answered_at is not None:
            judged += 1
            on_time += answered_at.astimezone(tz).date() <= due
        elif due < today:
            judged += 1
    return ComplaintFigures(received, judged, on_time)


def public_actions(actions: Sequence[FollowUpAction], today: date) -> list[PublicAction]:
    return [
        PublicAction(
            unsur=a.unsur,
            tindakan=a.tindakan,
            tenggat=a.tenggat,
            status=a.status,
            late=a.status != FollowUpStatus.DONE and a.tenggat < today,
        )
        for a in actions
    ]


async def page(
    session: AsyncSession, scope: Scope, period: Period, tz: ZoneInfo, today: date
) -> Page:
    units = scope.unit_ids
    if units is None:
        units = {id_of(u) for u in (await session.exec(select(Unit))).all()}
    return Page(
        scope=scope,
        period=period,
        rating=await scope_rating(session, scope, period, tz),
        trend=await trend(session, scope, period, tz),
        actions=public_actions(await actions_of(session, units, period.label), today),
        followup=await progress_of(session, units, period.start.year),
        complaints=await complaint_figures(session, scope, period, tz, today),
    )

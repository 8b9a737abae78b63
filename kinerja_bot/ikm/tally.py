"""IKM per service and per unit over a period, from the running tallies of the responses.

The database sums the tallies (per service and unsur: sum and count, kept per quarter-hour as
responses arrive, see `core.survey_tally`) so that a year of a city's answers is never read;
the rules of `rules.skm` turn the sums into NRR, IKM, mutu and sample adequacy. A unit's result
pools the responses of all its services (each response counts once, as in the regulation's
unit-level IKM); sample adequacy is judged against the yearly number of service users
(`Service.pengguna_per_tahun`), summed over the services, and unknown when any service has none
(then the large-population minimum, 384, applies).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import Service, SurveyScoreTally, SurveyTally, Unit, id_of
from kinerja_bot.core.organisation import descendants, unit_parents
from kinerja_bot.core.rules.periods import Period
from kinerja_bot.core.rules.skm import (
    UNSUR_CODES,
    IkmResult,
    required_sample,
    result_from_means,
    sample_adequate,
)


@dataclass
class Tally:
    """Respondents and, per unsur code, the sum and the number of scores."""

    respondents: int = 0
    sums: dict[str, int] = field(default_factory=lambda: dict.fromkeys(UNSUR_CODES, 0))
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(UNSUR_CODES, 0))

    def add(self, other: Tally) -> None:
        self.respondents += other.respondents
        for code in UNSUR_CODES:
            self.sums[code] += other.sums[code]
            self.counts[code] += other.counts[code]


def result_from_tally(tally: Tally) -> IkmResult:
    """The SKM result of summed scores: NRR = sum / count per unsur, then `result_from_means`."""
    means = {
        code: tally.sums[code] / tally.counts[code] for code in UNSUR_CODES if tally.counts[code]
    }
    return result_from_means(tally.respondents, means)


@dataclass(frozen=True)
class Rating:
    """The SKM result of one service or a group of services, with its sample requirement."""

    kode: str
    nama: str
    result: IkmResult
    population: int | None
    required: int

    @property
    def adequate(self) -> bool:
        return sample_adequate(self.result.respondents, self.population)


@dataclass(frozen=True)
class UnitRatings:
    """One unit: each of its own services, and all of them together."""

    unit: Unit
    services: list[Rating]
    total: Rating


def _population(services: Iterable[Service]) -> int | None:
    values = [s.pengguna_per_tahun for s in services]
    if not values or any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


def rating(kode: str, nama: str, tally: Tally, services: list[Service]) -> Rating:
    population = _population(services)
    return Rating(kode, nama, result_from_tally(tally), population, required_sample(population))


def period_bounds(period: Period, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants [start, end) of a period of WIB dates."""
    start = datetime.combine(period.start, time(0), tzinfo=tz)
    end = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


async def tallies(
    session: AsyncSession,
    period: Period,
    service_ids: Iterable[int],
    tz: ZoneInfo,
    *,
    channel: str | None = None,
) -> dict[int, Tally]:
    """Per service: respondents in the period and score sums per unsur (two grouped queries).

    Every channel counts together (the bot, paper, other tools), unless `channel` names one.
    Read from the running tallies (`core.survey_tally`), never from the answers: this is the
    one function through which every IKM (report, digest, summaries, analysis, transparency,
    SKM report) gets its sums.
    """
    ids = list(service_ids)
    found: dict[int, Tally] = defaultdict(Tally)
    if not ids:
        return found
    start, end = period_bounds(period, tz)

    def in_period(model: type[SurveyTally] | type[SurveyScoreTally]) -> list[Any]:
        conditions = [
            col(model.service_id).in_(ids),
            col(model.bucket) >= start,
            col(model.bucket) < end,
        ]
        if channel is not None:
            conditions.append(col(model.channel) == channel)
        return conditions

    respondents = await session.exec(
        select(SurveyTally.service_id, func.sum(SurveyTally.respondents))
        .where(*in_period(SurveyTally))
        .group_by(col(SurveyTally.service_id))
    )
    for service_id, count in respondents.all():
        found[service_id].respondents = int(count)
    scores = await session.exec(
        select(
            SurveyScoreTally.service_id,
            SurveyScoreTally.unsur,
            func.sum(SurveyScoreTally.score_sum),
            func.sum(SurveyScoreTally.score_count),
        )
        .where(*in_period(SurveyScoreTally))
        .group_by(col(SurveyScoreTally.service_id), col(SurveyScoreTally.unsur))
    )
    for service_id, unsur, total, count in scores.all():
        if unsur in UNSUR_CODES:
            found[service_id].sums[unsur] = int(total)
            found[service_id].counts[unsur] = int(count)
    return found


async def ikm_by_unit(
    session: AsyncSession,
    period: Period,
    tz: ZoneInfo,
    *,
    unit_ids: set[int] | None = None,
    service_kode: str | None = None,
    channel: str | None = None,
) -> list[UnitRatings]:
    """IKM of every service and of every unit that owns services (those in `unit_ids`).

    Units by name, services by name; a unit without responses in the period is listed with
    0 respondents ("belum cukup data"). `service_kode` narrows the report to one service.
    """
    statement = select(Service, Unit).join(Unit, col(Unit.id) == Service.unit_id)
    if unit_ids is not None:
        statement = statement.where(col(Service.unit_id).in_(unit_ids))
    if service_kode is not None:
        statement = statement.where(Service.kode == service_kode)
    rows = (await session.exec(statement.order_by(col(Unit.nama), col(Service.nama)))).all()
    by_service = await tallies(session, period, (id_of(s) for s, _ in rows), tz, channel=channel)
    grouped: dict[int, tuple[Unit, list[Service]]] = {}
    for service, unit in rows:
        grouped.setdefault(id_of(unit), (unit, []))[1].append(service)
    report: list[UnitRatings] = []
    for unit, services in grouped.values():
        total = Tally()
        ratings = []
        for service in services:
            tally = by_service.get(id_of(service), Tally())
            total.add(tally)
            ratings.append(rating(service.kode, service.nama, tally, [service]))
        report.append(UnitRatings(unit, ratings, rating(unit.kode, unit.nama, total, services)))
    return report


async def ikm_for_unit_tree(
    session: AsyncSession,
    period: Period,
    unit_id: int,
    tz: ZoneInfo,
    *,
    channel: str | None = None,
) -> Rating | None:
    """The IKM of a unit together with all its sub-units (e.g. an OPD with its puskesmas).

    Every response to a service anywhere in the tree counts once. None if the unit is unknown.
    For the monthly digest to unit heads and for `kinerja-bot ikm --unit`.
    """
    return (await ikm_for_unit_trees(session, period, [unit_id], tz, channel=channel)).get(unit_id)


async def ikm_for_unit_trees(
    session: AsyncSession,
    period: Period,
    unit_ids: Iterable[int],
    tz: ZoneInfo,
    *,
    channel: str | None = None,
) -> dict[int, Rating]:
    """`ikm_for_unit_tree` of many units at once, in four statements whatever their number
    (the weekly summary asks for the unit of every atasan). Unknown units are left out."""
    roots = set(unit_ids)
    parents = await unit_parents(session)
    units = {
        id_of(u): u for u in (await session.exec(select(Unit).where(col(Unit.id).in_(roots)))).all()
    }
    trees = {root: descendants(parents, root) for root in units}
    everywhere = set().union(*trees.values())
    services = list(
        (await session.exec(select(Service).where(col(Service.unit_id).in_(everywhere)))).all()
    )
    by_service = await tallies(session, period, (id_of(s) for s in services), tz, channel=channel)
    found: dict[int, Rating] = {}
    for root, unit in units.items():
        in_tree = [s for s in services if s.unit_id in trees[root]]
        total = Tally()
        for service in in_tree:
            total.add(by_service.get(id_of(service), Tally()))
        found[root] = rating(unit.kode, unit.nama, total, in_tree)
    return found

"""Reading what the needs analysis and the exports are built from, per period and unit scope.

- Progress reports belong to the period that contains their week's Monday (`week_start`).
- Survey responses and complaints belong to the period that contains their time in WIB.
- A scope is a set of unit ids (a unit and its sub-units), or None for every unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    Employee,
    ProgressReport,
    Service,
    SurveyAnswer,
    SurveyResponse,
    Unit,
    id_of,
)
from kinerja_bot.core.organisation import unit_tree_ids
from kinerja_bot.core.outbox import JobServices
from kinerja_bot.core.rules.periods import WIB, Period, PeriodKind, current_period
from kinerja_bot.core.rules.skm import UNSUR_CODES, IkmResult, compute_ikm

# Scores of 1 and 2 ("tidak/kurang …") are the dissatisfied answers of an unsur.
LOW_SCORE_MAX = 2

Scope = Collection[int] | None


def period_window(period: Period) -> tuple[datetime, datetime]:
    """The period as aware instants [start, end): from 00:00 WIB of its first day to 00:00 WIB
    after its last day."""
    start = datetime.combine(period.start, time(), tzinfo=WIB)
    end = datetime.combine(period.end + timedelta(days=1), time(), tzinfo=WIB)
    return start, end


async def scope_of(session: AsyncSession, unit_id: int | None) -> set[int] | None:
    """The unit and its sub-units, or None (every unit) when no unit is given."""
    return None if unit_id is None else await unit_tree_ids(session, unit_id)


async def units_in(session: AsyncSession, scope: Scope) -> list[Unit]:
    statement = select(Unit).order_by(col(Unit.kode))
    if scope is not None:
        statement = statement.where(col(Unit.id).in_(list(scope)))
    return list((await session.exec(statement)).all())


async def employees_in(session: AsyncSession, scope: Scope) -> list[Employee]:
    """Active employees of the units in scope, by unit and name."""
    statement = (
        select(Employee)
        .where(Employee.active)
        .order_by(col(Employee.unit_id), col(Employee.nama), col(Employee.nip))
    )
    if scope is not None:
        statement = statement.where(col(Employee.unit_id).in_(list(scope)))
    return list((await session.exec(statement)).all())


async def reports_in(
    session: AsyncSession, period: Period, employee_ids: Iterable[int]
) -> list[ProgressReport]:
    """Progress reports of these employees whose week starts within the period."""
    ids = list(employee_ids)
    if not ids:
        return []
    statement = (
        select(ProgressReport)
        .where(
            col(ProgressReport.employee_id).in_(ids),
            col(ProgressReport.week_start) >= period.start,
            col(ProgressReport.week_start) <= period.end,
        )
        .order_by(col(ProgressReport.week_start), col(ProgressReport.id))
    )
    return list((await session.exec(statement)).all())


# --- SKM ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedResponse:
    """One survey response with its service and its scores by unsur code."""

    response: SurveyResponse
    service: Service
    scores: Mapping[str, int]


@dataclass(frozen=True)
class SkmSummary:
    """The SKM result of a group of responses (a service or a unit), with the number of
    dissatisfied answers (score 1–2) and of all answers per unsur."""

    result: IkmResult
    low_answers: Mapping[str, int] = field(default_factory=dict)
    answers: Mapping[str, int] = field(default_factory=dict)

    def low_share(self, code: str) -> float:
        """Share (0–1) of the answers to an unsur that scored 1 or 2."""
        total = self.answers.get(code, 0)
        return self.low_answers.get(code, 0) / total if total else 0.0


async def load_responses(
    session: AsyncSession, period: Period, scope: Scope
) -> list[LoadedResponse]:
    """Survey responses submitted within the period (WIB) to services of units in scope."""
    start, end = period_window(period)
    statement = (
        select(SurveyResponse, Service)
        .join(Service, col(Service.id) == col(SurveyResponse.service_id))
        .where(col(SurveyResponse.submitted_at) >= start, col(SurveyResponse.submitted_at) < end)
        .order_by(col(SurveyResponse.submitted_at), col(SurveyResponse.id))
    )
    if scope is not None:
        statement = statement.where(col(Service.unit_id).in_(list(scope)))
    pairs = (await session.exec(statement)).all()
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    ids = [id_of(response) for response, _ in pairs]
    # Chunked, so a year of a whole city stays under every backend's parameter limit.
    for chunk in range(0, len(ids), 5000):
        answers = (
            await session.exec(
                select(SurveyAnswer).where(
                    col(SurveyAnswer.response_id).in_(ids[chunk : chunk + 5000])
                )
            )
        ).all()
        for answer in answers:
            if answer.unsur in UNSUR_CODES:
                scores[answer.response_id][answer.unsur] = answer.score
    return [
        LoadedResponse(response, service, scores[id_of(response)]) for response, service in pairs
    ]


def summarise_skm(responses: Iterable[LoadedResponse]) -> SkmSummary:
    """IKM, mutu and NRR (rules/skm.py) of a group of responses, with dissatisfied answers."""
    group = list(responses)
    low: dict[str, int] = defaultdict(int)
    answers: dict[str, int] = defaultdict(int)
    for item in group:
        for code, score in item.scores.items():
            answers[code] += 1
            if score <= LOW_SCORE_MAX:
                low[code] += 1
    return SkmSummary(compute_ikm(item.scores for item in group), dict(low), dict(answers))


def group_by_service(responses: Iterable[LoadedResponse]) -> dict[int, list[LoadedResponse]]:
    groups: dict[int, list[LoadedResponse]] = defaultdict(list)
    for item in responses:
        groups[id_of(item.service)].append(item)
    return dict(groups)


def group_by_unit(responses: Iterable[LoadedResponse]) -> dict[int, list[LoadedResponse]]:
    groups: dict[int, list[LoadedResponse]] = defaultdict(list)
    for item in responses:
        groups[item.service.unit_id].append(item)
    return dict(groups)


def wib_date(moment: datetime) -> date:
    """The WIB calendar date of an aware instant."""
    return moment.astimezone(WIB).date()


def previous_quarter(now: datetime, services: JobServices) -> Period:
    """The quarter that ended before `now` (local time): what the quarterly jobs report on."""
    today = now.astimezone(services.settings.tz).date()
    return current_period(
        PeriodKind.QUARTER, current_period(PeriodKind.QUARTER, today).start - timedelta(days=1)
    )

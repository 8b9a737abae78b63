"""The running tallies give exactly the IKM of the raw answers: for responses written by the
bot's path and by the import's bulk path, and for responses already stored when the migration
backfills the tallies; any period, time zone and channel."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlmodel import SQLModel

from kinerja_bot.core.db import Database
from kinerja_bot.core.migrate import upgrade
from kinerja_bot.core.models import SurveyAnswer, SurveyChannel, SurveyResponse, id_of
from kinerja_bot.core.rules.formatting import format_number_id
from kinerja_bot.core.rules.periods import WIB, Period, parse_period
from kinerja_bot.core.rules.skm import UNSUR_CODES
from kinerja_bot.core.survey_tally import Counted, add_to_tallies, record_response
from kinerja_bot.ikm.tally import Tally, result_from_tally, tallies
from tests.conftest import ON_POSTGRES
from tests.factories import add_unit
from tests.survey.conftest import add_service

PERIODS = ("2026", "2026-Q1", "2026-02", "2026-03", "2026-W09", "2026-S1")
ZONES = (WIB, ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Kathmandu"))


@dataclass(frozen=True)
class Generated:
    service_id: int
    at: datetime
    channel: str
    scores: dict[str, int]


def generate(service_ids: list[int], count: int, seed: int) -> list[Generated]:
    """Responses at any minute of January–April 2026 (many near local midnight), some unsur
    unanswered, a few not in the regulation's list (ignored by the IKM)."""
    rng = random.Random(seed)
    start = datetime(2025, 12, 31, 16, 0, tzinfo=UTC)
    found = []
    for _ in range(count):
        at = start + timedelta(minutes=rng.randrange(120 * 24 * 60))
        if rng.random() < 0.3:
            at = at.replace(hour=rng.choice((16, 17, 18)), minute=rng.choice((0, 14, 15, 59)))
        scores = {c: rng.randint(1, 4) for c in UNSUR_CODES if rng.random() < 0.9}
        if rng.random() < 0.05:
            scores["X1"] = rng.randint(1, 4)
        channel = rng.choice(list(SurveyChannel))
        found.append(Generated(rng.choice(service_ids), at, channel, scores))
    return found


def expected(
    responses: list[Generated], period: Period, tz: ZoneInfo, channel: str | None
) -> dict[int, Tally]:
    """Summed straight from the generated answers, without the database."""
    found: dict[int, Tally] = {}
    for r in responses:
        if not period.start <= r.at.astimezone(tz).date() <= period.end:
            continue
        if channel is not None and r.channel != channel:
            continue
        tally = found.setdefault(r.service_id, Tally())
        tally.respondents += 1
        for code, score in r.scores.items():
            if code in UNSUR_CODES:
                tally.sums[code] += score
                tally.counts[code] += 1
    return found


def ikm_text(tally: Tally) -> str:
    result = result_from_tally(tally)
    return "-" if result.ikm is None else format_number_id(result.ikm, 2)


async def assert_tallies_exact(
    database: Database, responses: list[Generated], service_ids: list[int]
) -> None:
    for label in PERIODS:
        period = parse_period(label)
        for tz in ZONES:
            for channel in (None, SurveyChannel.PAPER.value):
                want = expected(responses, period, tz, channel)
                async with database.session() as session:
                    got = await tallies(session, period, service_ids, tz, channel=channel)
                assert {k: v for k, v in got.items() if v.respondents} == want, (label, tz)
                assert [ikm_text(got[s]) for s in want] == [ikm_text(want[s]) for s in want]


async def services(database: Database) -> list[int]:
    unit = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    return [id_of(await add_service(database, unit, f"L-{n}")) for n in range(3)]


async def test_tallies_kept_by_both_write_paths_equal_the_answers(database: Database) -> None:
    service_ids = await services(database)
    responses = generate(service_ids, 600, seed=14)
    one_by_one, in_bulk = responses[:300], responses[300:]
    async with database.session() as session:
        for r in one_by_one:
            response = SurveyResponse(service_id=r.service_id, submitted_at=r.at, channel=r.channel)
            await record_response(session, response, r.scores)
    async with database.session() as session:
        await add_to_tallies(
            session, (Counted(r.service_id, r.at, r.channel, r.scores) for r in in_bulk)
        )
    await assert_tallies_exact(database, responses, service_ids)


async def test_migration_backfills_the_tallies_of_stored_responses(
    database: Database, settings
) -> None:  # type: ignore[no-untyped-def]
    async with database.engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await asyncio.to_thread(upgrade, settings.database_url, "0009_leave_kind")
    service_ids = await services(database)
    responses = generate(service_ids, 800, seed=9)
    async with database.engine.begin() as connection:
        for r in responses:
            result = await connection.execute(
                insert(SurveyResponse.__table__).returning(SurveyResponse.__table__.c.id),  # type: ignore[attr-defined]
                {"service_id": r.service_id, "submitted_at": r.at, "channel": r.channel},
            )
            response_id = result.scalar_one()
            await connection.execute(
                insert(SurveyAnswer.__table__),  # type: ignore[attr-defined]
                [{"response_id": response_id, "unsur": c, "score": s} for c, s in r.scores.items()],
            )
    await asyncio.to_thread(upgrade, settings.database_url)
    await assert_tallies_exact(database, responses, service_ids)
    if ON_POSTGRES:
        # Leave the schema as the other tests expect it (created from the models).
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP TABLE alembic_version"))

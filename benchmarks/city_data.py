"""Generated city-sized data for the summary and IKM benchmarks (never committed).

Rows are written in bulk with explicit ids: `executemany` in one transaction on SQLite, COPY on
PostgreSQL, so that a million survey responses take seconds, not the bot's code path.
PostgreSQL databases are temporary (`kinerja_bench_<pid>_<name>` on the server of
BENCH_DATABASE_URL), created and dropped here.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kinerja_bot.core.migrate import alembic_config, upgrade
from kinerja_bot.core.models import SurveyChannel
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.core.rules.skm import UNSUR_CODES
from kinerja_bot.core.survey_tally import bucket_of

TODAY = date(2026, 11, 27)  # a Friday: the summary's week has its reports
YEAR_START = date(2025, 11, 28)  # a year of survey responses up to TODAY
UNITS = 30
SERVICES_PER_UNIT = 2
TALLY_REVISION = "0010_ikm_daily_tally"


def postgres_server() -> str | None:
    return os.environ.get("BENCH_DATABASE_URL") or None


def revision_before_tallies() -> str:
    """The schema the raw answers are written into, so the tally migration backfills them
    (on a branch without that migration: the newest schema)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        before = scripts.get_revision(TALLY_REVISION)
    except Exception:
        return "head"
    assert before is not None and isinstance(before.down_revision, str)
    return before.down_revision


class Writer:
    """Bulk rows into one database, SQLite or PostgreSQL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite")

    async def rows(self, table: str, columns: Sequence[str], records: Iterable[tuple[Any, ...]]):  # type: ignore[no-untyped-def]
        if self.sqlite:
            await asyncio.to_thread(self._sqlite_rows, table, columns, records)
        else:
            await self._postgres_rows(table, columns, records)

    def _sqlite_rows(
        self, table: str, columns: Sequence[str], records: Iterable[tuple[Any, ...]]
    ) -> None:
        path = make_url(self.url).database
        assert path is not None
        connection = sqlite3.connect(path)
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        with connection:
            connection.executemany(statement, (tuple(map(_sqlite_value, r)) for r in records))
        connection.close()

    async def _postgres_rows(
        self, table: str, columns: Sequence[str], records: Iterable[tuple[Any, ...]]
    ) -> None:
        import asyncpg

        url = make_url(self.url).set(drivername="postgresql")
        connection = await asyncpg.connect(url.render_as_string(hide_password=False))
        try:
            batch: list[tuple[Any, ...]] = []
            for record in records:
                batch.append(record)
                if len(batch) == 200_000:
                    await connection.copy_records_to_table(table, records=batch, columns=columns)
                    batch = []
            if batch:
                await connection.copy_records_to_table(table, records=batch, columns=columns)
            if "id" in columns:
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            await connection.execute(f"ANALYZE {table}")
        finally:
            await connection.close()


def _sqlite_value(value: Any) -> Any:
    """How SQLAlchemy stores the value on SQLite (datetimes as naive UTC text)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


@asynccontextmanager
async def fresh_database(backend: str, name: str) -> AsyncIterator[str]:
    """A new empty database: a temporary SQLite file, or a temporary PostgreSQL database."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    server = postgres_server()
    assert server is not None
    database = f"kinerja_bench_{os.getpid()}_{name}"
    await _postgres_admin(server, f'CREATE DATABASE "{database}"')
    try:
        yield make_url(server).set(database=database).render_as_string(hide_password=False)
    finally:
        await _postgres_admin(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


async def _postgres_admin(server: str, sql: str) -> None:
    import asyncpg

    url = make_url(server).set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def migrate(url: str, revision: str = "head") -> float:
    started = time.perf_counter()
    await asyncio.to_thread(upgrade, url, revision)
    return time.perf_counter() - started


def now() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC)


def units() -> range:
    return range(1, UNITS + 1)


def parent_of(unit: int) -> int | None:
    """The city (1), nine OPD under it, and two sub-units under each OPD."""
    if unit == 1:
        return None
    return 1 if unit <= 10 else 2 + (unit - 11) % 9


async def write_units_and_services(writer: Writer) -> list[int]:
    """30 units under one root, two services each (with yearly users); the service ids."""
    created = now()
    await writer.rows(
        "unit",
        ("id", "kode", "nama", "parent_id", "created_at", "updated_at"),
        [(n, f"U{n:02d}", f"Unit {n}", parent_of(n), created, created) for n in units()],
    )
    services = [
        (len(units()) * s + u, f"L{u}-{s}", f"Layanan {u}-{s}", u, 5000, created, created)
        for u in units()
        for s in range(SERVICES_PER_UNIT)
    ]
    columns = ("id", "kode", "nama", "unit_id", "pengguna_per_tahun", "created_at", "updated_at")
    await writer.rows("service", columns, services)
    return [s[0] for s in services]


def survey_rows(
    service_ids: list[int], count: int, seed: int = 14
) -> Iterable[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """`count` responses spread over the year, at noon WIB like the bot's, with all nine
    answers each: (response row, answer rows)."""
    rng = random.Random(seed)
    days = (TODAY - YEAR_START).days + 1
    channels = [SurveyChannel.TELEGRAM.value] * 4 + [SurveyChannel.PAPER.value]
    answer_id = 0
    for response_id in range(1, count + 1):
        day = YEAR_START + timedelta(days=rng.randrange(days))
        at = datetime(day.year, day.month, day.day, 12, tzinfo=WIB)
        leaning = rng.random()
        answers = []
        for code in UNSUR_CODES:
            answer_id += 1
            answers.append((answer_id, response_id, code, 4 if rng.random() < leaning else 3))
        yield (response_id, rng.choice(service_ids), at, rng.choice(channels)), answers


async def write_survey(writer: Writer, service_ids: list[int], count: int) -> None:
    """Responses and their answers (the raw data the tally migration backfills from)."""
    responses: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    for response, its_answers in survey_rows(service_ids, count):
        responses.append(response)
        answers.extend(its_answers)
    await writer.rows("surveyresponse", ("id", "service_id", "submitted_at", "channel"), responses)
    del responses
    await writer.rows("surveyanswer", ("id", "response_id", "unsur", "score"), answers)


async def write_survey_tallies(writer: Writer, service_ids: list[int], count: int) -> None:
    """Only the tallies of `count` generated responses (what the summary reads of them)."""
    respondents: dict[tuple[Any, ...], int] = {}
    scores: dict[tuple[Any, ...], list[int]] = {}
    for (_, service_id, at, channel), answers in survey_rows(service_ids, count):
        key = (bucket_of(at), service_id, channel)
        respondents[key] = respondents.get(key, 0) + 1
        for _, _, code, score in answers:
            pair = scores.setdefault((*key, code), [0, 0])
            pair[0] += score
            pair[1] += 1
    await writer.rows(
        "surveytally",
        ("bucket", "service_id", "channel", "respondents"),
        [(*k, n) for k, n in respondents.items()],
    )
    await writer.rows(
        "surveyscoretally",
        ("bucket", "service_id", "channel", "unsur", "score_sum", "score_count"),
        [(*k, s, c) for k, (s, c) in scores.items()],
    )

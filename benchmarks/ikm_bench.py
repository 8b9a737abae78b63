"""IKM benchmark: every service over a year of 1,000,000 survey responses (9,000,000 answers).

The raw responses are written into the schema before the tally migration, which then backfills
the tallies (`ikm_backfill_s_*`). Then, in process, the IKM of every service and unit for one
month and for the whole year, as `/ikm` and `kinerja-bot ikm` compute it (`ikm_month_s`,
`ikm_year_s`, on SQLite; with BENCH_DATABASE_URL also `*_postgres`); and the start-up of the
CLI: `kinerja-bot ikm --help` in a new process (`cli_ikm_start_s`, CPU seconds; `_wall_s`).
Goals: a month < 2 s, a year < 1 s.

    .venv/bin/python benchmarks/ikm_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from city_data import (
    TODAY,
    Writer,
    fresh_database,
    migrate,
    postgres_server,
    revision_before_tallies,
    write_survey,
    write_units_and_services,
)

from kinerja_bot.core.db import Database
from kinerja_bot.core.rules.periods import WIB, PeriodKind, current_period
from kinerja_bot.ikm.tally import ikm_by_unit

ROOT = Path(__file__).resolve().parent.parent
RESPONSES = 1_000_000
QUICK_RESPONSES = 50_000


async def best_of(database: Database, kind: PeriodKind, times: int = 3) -> tuple[float, float]:
    """The fastest of a few runs, wall and CPU seconds: the IKM of every service and unit in
    the period (CPU includes SQLite's work, which runs in this process; not PostgreSQL's)."""
    period = current_period(kind, TODAY)
    wall = cpu = float("inf")
    for _ in range(times):
        started, used = time.perf_counter(), time.process_time()
        async with database.session() as session:
            report = await ikm_by_unit(session, period, WIB)
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - used)
    assert report and any(r.total.result.respondents for r in report)
    return wall, cpu


async def measure(backend: str, responses: int) -> dict[str, float | int]:
    async with fresh_database(backend, "ikm") as url:
        await migrate(url, revision_before_tallies())
        writer = Writer(url)
        services = await write_units_and_services(writer)
        await write_survey(writer, services, responses)
        backfill = await migrate(url)
        database = Database(url)
        try:
            month, month_cpu = await best_of(database, PeriodKind.MONTH)
            year, year_cpu = await best_of(database, PeriodKind.YEAR)
        finally:
            await database.dispose()
    figures = {
        f"ikm_backfill_s_{backend}": round(backfill, 2),
        f"ikm_month_s_{backend}": round(month, 3),
        f"ikm_year_s_{backend}": round(year, 3),
    }
    if backend == "sqlite":
        figures["ikm_month_cpu_s_sqlite"] = round(month_cpu, 3)
        figures["ikm_year_cpu_s_sqlite"] = round(year_cpu, 3)
    return figures


def cli_start(source: Path = ROOT) -> tuple[float, float]:
    """CPU and wall seconds until `kinerja-bot ikm --help` has answered, in a fresh
    interpreter (best of three; CPU is the child's user + system time)."""
    cpu = wall = float("inf")
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kinerja_bot", "ikm", "--help"],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=source,
            env={**os.environ, "PYTHONPATH": str(source)},
        )
        wall = min(wall, time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        cpu = min(cpu, used)
    return cpu, wall


def run(quick: bool = False) -> dict[str, float | int]:
    responses = QUICK_RESPONSES if quick else RESPONSES
    figures: dict[str, float | int] = {"ikm_responses": responses}
    figures.update(asyncio.run(measure("sqlite", responses)))
    if postgres_server() is None:
        print("ikm PostgreSQL figures skipped: BENCH_DATABASE_URL is not set")
    else:
        figures.update(asyncio.run(measure("postgres", responses)))
    # The headline figures are SQLite's (the slower backend here).
    figures["ikm_month_s"] = figures["ikm_month_s_sqlite"]
    figures["ikm_year_s"] = figures["ikm_year_s_sqlite"]
    cpu, wall = cli_start()
    figures["cli_ikm_start_s"], figures["cli_ikm_start_wall_s"] = round(cpu, 3), round(wall, 3)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="50,000 responses instead")
    for name, value in run(quick=parser.parse_args().quick).items():
        print(f"{name}: {value}")

"""Weekly summary benchmark: all 1,000 atasan's summaries over 15,000 staff, 45,000 indicators,
a year of weekly reports and the tallies of a year of 1,000,000 survey responses.

Measures building and rendering every summary the way the scheduled job does (one session,
`atasan_with_team` then `build_summaries`), without sending: `summary_s_sqlite` and, with
BENCH_DATABASE_URL, `summary_s_postgres`; the SQL statements per atasan; the time ratio when
staff, atasan, indicators and reports double (`summary_scaling`, SQLite); and the mean time to
draw one summary chart (`chart_ms`). Goals: < 10 s, O(1) statements, ≤ 2.2, ≤ 50 ms.

    .venv/bin/python benchmarks/summary_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from city_data import (
    TODAY,
    Writer,
    fresh_database,
    migrate,
    postgres_server,
    units,
    write_survey_tallies,
    write_units_and_services,
)

from kinerja_bot.core.charts import bar_chart_png
from kinerja_bot.core.db import Database
from kinerja_bot.core.rules.periods import WIB, week_start
from kinerja_bot.summaries.weekly import atasan_with_team, build_summaries, chart_bars, render

TEAM = 14  # staff per atasan: 1,000 atasan and 14,000 staff make 15,000
INDICATORS = 3
RESPONSES = 1_000_000
KENDALA = ("sdm", "anggaran", "sarana", "koordinasi")


def people_rows(atasan: int, seed: int = 48) -> dict[str, list[tuple[Any, ...]]]:
    """Atasan (linked to Telegram) with their teams, three indicators each, and one report a
    week since January on one of them (nine in ten weeks), some with obstacles or needs."""
    rng = random.Random(seed)
    created = datetime(2026, 1, 1, tzinfo=UTC)
    employees, indicators, reports = [], [], []
    staff = atasan * (TEAM + 1)
    for number in range(1, staff + 1):
        boss = None if number <= atasan else 1 + (number - atasan - 1) // TEAM
        unit = 1 + (boss or number) % len(units())
        employees.append(
            (
                number,
                f"{number:018d}",
                f"Pegawai {number}",
                "Analis",
                unit,
                boss,
                80_000_000 + number if boss is None else None,
                True,
                created,
                created,
            )
        )
    for employee in range(atasan + 1, staff + 1):
        for n in range(INDICATORS):
            indicator = (employee - atasan - 1) * INDICATORS + n + 1
            indicators.append(
                (
                    indicator,
                    f"IKI-{indicator}",
                    employee,
                    2026,
                    "RHK",
                    f"Indikator {indicator}",
                    "kuantitas",
                    "dokumen",
                    float(rng.randint(12, 200)),
                    "naik",
                    "kumulatif",
                    "utama",
                    created,
                    created,
                )
            )
    monday = week_start(datetime(2026, 1, 5).date())
    last = week_start(TODAY)
    report_id = 0
    while monday <= last:
        at = datetime(monday.year, monday.month, monday.day, 10, tzinfo=WIB) + timedelta(days=3)
        for employee in range(atasan + 1, staff + 1):
            if rng.random() < 0.1:
                continue
            report_id += 1
            indicator = (employee - atasan - 1) * INDICATORS + rng.randrange(INDICATORS) + 1
            kendala = rng.choice(KENDALA) if rng.random() < 0.1 else None
            dukungan = "pelatihan" if rng.random() < 0.05 else None
            reports.append(
                (
                    report_id,
                    indicator,
                    employee,
                    monday,
                    float(rng.randint(1, 6)),
                    kendala,
                    "Kendala di lapangan" if kendala else None,
                    dukungan,
                    "Pelatihan aplikasi" if dukungan else None,
                    1,
                    at,
                    at,
                )
            )
        monday += timedelta(weeks=1)
    return {"employee": employees, "indicator": indicators, "progressreport": reports}


COLUMNS = {
    "employee": (
        "id",
        "nip",
        "nama",
        "jabatan",
        "unit_id",
        "atasan_id",
        "telegram_id",
        "active",
        "created_at",
        "updated_at",
    ),
    "indicator": (
        "id",
        "kode",
        "employee_id",
        "tahun",
        "rhk",
        "nama",
        "aspek",
        "satuan",
        "target",
        "arah",
        "cara_hitung",
        "jenis",
        "created_at",
        "updated_at",
    ),
    "progressreport": (
        "id",
        "indicator_id",
        "employee_id",
        "week_start",
        "realisasi",
        "kendala_kategori",
        "kendala",
        "dukungan_kategori",
        "dukungan",
        "version",
        "submitted_at",
        "updated_at",
    ),
}


async def summaries_once(database: Database) -> tuple[float, float, int, int, list[Any]]:
    """Wall and CPU seconds and statements for every summary (built and rendered), and the
    summaries (CPU counts SQLite's work too: it runs in this process)."""
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        async with database.session() as session:
            summaries = await build_summaries(session, await atasan_with_team(session), TODAY)
        for summary in summaries:
            render(summary)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)
    return seconds, cpu, statements, len(summaries), summaries


async def measure(backend: str, atasan: int, responses: int) -> dict[str, Any]:
    async with fresh_database(backend, f"summary{atasan}") as url:
        await migrate(url)
        writer = Writer(url)
        services = await write_units_and_services(writer)
        await write_survey_tallies(writer, services, responses)
        for table, rows in people_rows(atasan).items():
            await writer.rows(table, COLUMNS[table], rows)
        database = Database(url)
        try:
            await summaries_once(database)  # warm: caches, statistics, imports
            seconds, cpu, statements, count, summaries = await summaries_once(database)
        finally:
            await database.dispose()
    assert count == atasan, (count, atasan)
    return {"seconds": seconds, "cpu": cpu, "statements": statements, "summaries": summaries}


def chart_ms(summaries: list[Any], count: int) -> tuple[float, float]:
    """CPU and wall milliseconds per summary chart (CPU is what a chart costs; on a shared
    machine the wall clock also counts the other processes)."""
    bars, options = chart_bars(summaries[0])
    bar_chart_png(bars, **options)  # the first chart pays for importing the renderer
    cpu, wall = time.process_time(), time.perf_counter()
    for summary in summaries[:count]:
        bars, options = chart_bars(summary)
        bar_chart_png(bars, **options)
    return (
        (time.process_time() - cpu) / count * 1000,
        (time.perf_counter() - wall) / count * 1000,
    )


def run(quick: bool = False) -> dict[str, float | int]:
    atasan = 100 if quick else 1000
    responses = RESPONSES // 20 if quick else RESPONSES
    figures: dict[str, float | int] = {"summary_atasan": atasan}
    base = asyncio.run(measure("sqlite", atasan, responses))
    figures["summary_s_sqlite"] = round(base["seconds"], 2)
    figures["summary_cpu_s_sqlite"] = round(base["cpu"], 2)
    figures["summary_queries_per_atasan"] = round(base["statements"] / atasan, 3)
    figures["summary_statements"] = base["statements"]
    cpu, wall = chart_ms(base["summaries"], 20 if quick else 50)
    figures["chart_ms"], figures["chart_wall_ms"] = round(cpu, 1), round(wall, 1)
    double = asyncio.run(measure("sqlite", 2 * atasan, responses))
    figures["summary_scaling"] = round(double["seconds"] / base["seconds"], 2)
    figures["summary_scaling_cpu"] = round(double["cpu"] / base["cpu"], 2)
    if postgres_server() is None:
        print("summary PostgreSQL figures skipped: BENCH_DATABASE_URL is not set")
    else:
        postgres = asyncio.run(measure("postgres", atasan, responses))
        figures["summary_s_postgres"] = round(postgres["seconds"], 2)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 atasan instead of 1,000")
    for name, value in run(quick=parser.parse_args().quick).items():
        print(f"{name}: {value}")

"""What the benchmarks share: generated staff, a bot on the in-process fake Bot API, figures.

Every benchmark module exposes `run(quick: bool = False) -> dict[str, float | int]` and prints
`name: value` lines when run as a script (`report`). Data is generated here, never committed.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchmarks.postgres import wipe
from kinerja_bot.core.db import Database
from kinerja_bot.core.migrate import upgrade
from kinerja_bot.core.models import Employee, Indicator, Unit
from kinerja_bot.core.settings import Settings, load_settings
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from kinerja_bot.testing.transports import FakeRequest

Figures = dict[str, float | int]
TOKEN = "123456:BENCH"
FIRST_USER = 70_000_000
# Rows per INSERT batch while generating staff: big enough to be quick, small enough for
# PostgreSQL's parameter limit.
BATCH = 2_000


def postgres_url() -> str | None:
    """The PostgreSQL database the benchmarks may wipe (BENCH_DATABASE_URL), if any."""
    return os.environ.get("BENCH_DATABASE_URL") or None


def bench_settings(database_url: str) -> Settings:
    return load_settings(
        _env_file=None,
        database_url=database_url,
        telegram_bot_token=TOKEN,
        bot_username="KinerjaBenchBot",
    )


async def add_staff(database: Database, count: int, *, first_user: int = FIRST_USER) -> None:
    """`count` linked ASN in one unit, each with one indicator of this year (target 100)."""
    async with database.session() as session:
        unit = Unit(kode="BENCH", nama="Unit Benchmark")
        session.add(unit)
        await session.flush()
        unit_id = unit.id
    for start in range(0, count, BATCH):
        async with database.session() as session:
            employees = [
                Employee(
                    nip=f"1980{n:014d}",
                    nama=f"Pegawai {n}",
                    jabatan="Staf",
                    unit_id=unit_id,
                    telegram_id=first_user + n,
                )
                for n in range(start, min(count, start + BATCH))
            ]
            session.add_all(employees)
            await session.flush()
            session.add_all(
                Indicator(
                    kode=f"B-{e.id}",
                    employee_id=e.id,
                    tahun=2026,
                    rhk="-",
                    nama="Indikator",
                    aspek="kuantitas",
                    satuan="dokumen",
                    target=100,
                )
                for e in employees
            )


class LatentRequest(FakeRequest):
    """The in-process fake Bot API, every call taking `latency` seconds of round-trip: half
    on the way there (the fake sees the call then, as Telegram would), half on the way back."""

    def __init__(self, api: FakeBotAPI, latency: float = 0.0) -> None:
        super().__init__(api, read_timeout=None)
        self.latency = latency

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        if self.latency:
            await asyncio.sleep(self.latency / 2)
        answer = await super().do_request(url, method, *args, **kwargs)
        if self.latency:
            await asyncio.sleep(self.latency / 2)
        return answer


def fresh_sqlite(folder: Path, name: str) -> str:
    """A new SQLite database file in `folder`, migrated."""
    url = f"sqlite:///{folder / name}.db"
    upgrade(url)
    return url


def fresh_postgres(url: str) -> str:
    """The benchmarks' PostgreSQL database, emptied and migrated."""
    wipe(url)
    upgrade(url)
    return url


def percentile(values: Iterable[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(figures: Figures) -> None:
    for name, value in figures.items():
        print(f"{name}: {value}")


def main(run: Any) -> None:
    """The script entry of a benchmark: `--quick` for a smaller run."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    report(run(quick="--quick" in sys.argv[1:]))

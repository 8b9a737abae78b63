"""What every atasan receives in the weekly summary (texts, buttons, chart bars) stays exactly
what it was when the summaries were made faster: the rendered summaries of a fixed data set
(the demo city plus a seeded team with fractional, late, revised and future reports) are
compared with a snapshot taken from the code before that work (`golden/weekly.txt`)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, Indicator, ProgressReport, Unit, id_of
from kinerja_bot.core.rules.periods import WIB, week_start
from kinerja_bot.demo import load_demo
from kinerja_bot.summaries.weekly import build_summaries, buttons, chart_bars, render

GOLDEN = Path(__file__).parent / "golden" / "weekly.txt"
TODAY = date(2026, 11, 27)  # a Friday in the fourth quarter: the JP nudge is on
VALUES = (0.1, 0.2, 0.35, 1.15, 2.5, 3.3, 7.05, 12.0)


async def add_seeded_team(database: Database, seed: int = 14) -> None:
    """An atasan and six staff with indicators of both aggregations and directions, and
    reports with fractional values: some filed late for an earlier week, some revised in the
    same week (the later one counts as the latest), one for a week after today."""
    rng = random.Random(seed)
    created = datetime(2026, 1, 1, tzinfo=UTC)
    async with database.session() as session:
        unit = Unit(kode="GOLDEN", nama="Bidang Uji")
        session.add(unit)
        await session.flush()
        boss = Employee(
            nip="198001012005011999", nama="Atasan Uji", jabatan="Kepala Bidang",
            unit_id=id_of(unit), telegram_id=7700001,
        )  # fmt: skip
        session.add(boss)
        await session.flush()
        for n in range(6):
            member = Employee(
                nip=f"19900101201501{n + 1:04d}", nama=f"Staf Uji {n}", jabatan="Analis",
                unit_id=id_of(unit), atasan_id=id_of(boss),
            )  # fmt: skip
            session.add(member)
            await session.flush()
            for k in range(3):
                indicator = Indicator(
                    kode=f"GOLD-{n}-{k}", employee_id=id_of(member), tahun=TODAY.year,
                    rhk="RHK uji", nama=f"Indikator {n}-{k}", aspek="kuantitas",
                    satuan="dokumen", target=rng.choice((3.5, 40.0, 95.5, 250.0)),
                    arah=rng.choice(("naik", "turun")),
                    cara_hitung=rng.choice(("kumulatif", "terakhir")),
                    created_at=created, updated_at=created,
                )  # fmt: skip
                session.add(indicator)
                await session.flush()
                monday = week_start(date(2026, 1, 5))
                while monday <= week_start(TODAY) + timedelta(weeks=1):
                    for _ in range(rng.choice((0, 1, 1, 1, 2))):
                        late = rng.random() < 0.15
                        day = monday + timedelta(days=rng.randrange(5) + (7 if late else 0))
                        at = datetime.combine(day, datetime.min.time(), WIB) + timedelta(
                            hours=8, minutes=rng.randrange(600)
                        )
                        kendala = rng.random() < 0.2
                        session.add(
                            ProgressReport(
                                indicator_id=id_of(indicator), employee_id=id_of(member),
                                week_start=monday, realisasi=rng.choice(VALUES),
                                kendala_kategori="sdm" if kendala else None,
                                kendala="Kurang petugas" if kendala else None,
                                submitted_at=at, updated_at=at,
                            )
                        )  # fmt: skip
                    monday += timedelta(weeks=1)
        await session.flush()


async def rendered(database: Database) -> str:
    """Every atasan's summary (linked or not) as the atasan gets it: the text blocks, the
    buttons, the chart's bars."""
    async with database.session() as session:
        atasan = await session.exec(
            select(Employee)
            .where(col(Employee.id).in_(select(Employee.atasan_id)))
            .order_by(col(Employee.id))
        )
        summaries = await build_summaries(session, list(atasan.all()), TODAY)
    parts = []
    for summary in summaries:
        bars, options = chart_bars(summary)
        keys = [(b.text, b.callback_data) for row in buttons(summary).inline_keyboard for b in row]
        parts += [f"=== {summary.atasan.nama}", *render(summary), repr(keys)]
        parts += [repr(options), *(repr(bar) for bar in bars)]
    return "\n".join(parts) + "\n"


async def test_weekly_summaries_are_what_they_were(database: Database) -> None:
    await load_demo(database, TODAY)
    await add_seeded_team(database)
    got = await rendered(database)
    assert "Atasan Uji" in got and got.count("=== ") > 10
    assert got == GOLDEN.read_text(encoding="utf-8")

"""ASN berprestasi candidates: the rule, the quarterly job to each unit head (exactly their
unit's list, once) and the export checked cell by cell."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import select

from kinerja_bot.analysis.berprestasi import (
    PersonEvidence,
    is_candidate,
    run_berprestasi,
    unit_candidates,
)
from kinerja_bot.analysis.effect import development_effects
from kinerja_bot.analysis.render import TEXTS
from kinerja_bot.cli import main
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, Unit, UnitRole, UnitRoleKind, id_of
from kinerja_bot.core.rules.periods import WIB, parse_period
from kinerja_bot.core.settings import Settings
from kinerja_bot.reporting import indicator_progress
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from tests.analysis.test_command import cli_env
from tests.analysis.test_effect_and_thanks import complete, thank
from tests.conftest import FakeClock, counted_statements, job_services
from tests.factories import add_employee, add_indicator, add_report, add_unit

__all__ = ["cli_env"]  # a fixture, used by name

HEAD_A, HEAD_B = 7100001, 7100002
ON_TIME = PersonEvidence(
    nama="Ani",
    nip="198504122010011001",
    unit="Bidang A",
    indicators=2,
    on_track=2,
    lowest_pct=104.0,
    appreciation=1,
    developments=0,
    jp=0,
    unit_ikm=None,
)


def test_a_candidate_is_on_track_everywhere_and_recognised_or_developed() -> None:
    assert is_candidate(ON_TIME)
    assert is_candidate(replace(ON_TIME, appreciation=0, developments=1, jp=8))
    assert not is_candidate(replace(ON_TIME, appreciation=0))  # achievement alone
    assert not is_candidate(replace(ON_TIME, on_track=1))  # one indicator behind
    assert not is_candidate(replace(ON_TIME, indicators=0, on_track=0))  # nothing measured


async def on_track(database: Database, person: Employee, realisasi: float) -> None:
    indicator = await add_indicator(
        database, person, nama="Jumlah dokumen", target=365, tahun=2026, satuan="dokumen"
    )
    await add_report(database, indicator, realisasi, at=datetime(2026, 9, 1, 10, tzinfo=WIB))


async def two_units(database: Database) -> None:
    """Bidang A: Ani (on track, thanked) and Dodi (on track, trained) are candidates; Budi (on
    track only) and Citra (behind, thanked) are not. Bidang B: Eka (on track, thanked)."""
    dinas = await add_unit(database, "DINAS", "Dinas Percontohan")
    bidang_a = await add_unit(database, "BID-A", "Bidang A", parent=dinas)
    bidang_b = await add_unit(database, "BID-B", "Bidang B", parent=dinas)
    head_a = await add_employee(database, bidang_a, nama="Kepala A", telegram_id=HEAD_A)
    head_b = await add_employee(database, bidang_b, nama="Kepala B", telegram_id=HEAD_B)
    async with database.session() as session:
        for head, unit in ((head_a, bidang_a), (head_b, bidang_b)):
            session.add(
                UnitRole(unit_id=id_of(unit), employee_id=id_of(head), role=UnitRoleKind.HEAD)
            )
    ani, budi, citra, dodi = [
        await add_employee(database, bidang_a, nama=name, atasan=head_a)
        for name in ("Ani Lestari", "Budi Santoso", "Citra Dewi", "Dodi Saputra")
    ]
    eka = await add_employee(database, bidang_b, nama="Eka Putri", atasan=head_b)
    for person in (ani, budi, dodi, eka):
        await on_track(database, person, 400)
    await on_track(database, citra, 100)
    for person in (ani, citra):
        await thank(database, head_a, person, date(2026, 8, 10), "Terima kasih")
    await thank(database, head_b, eka, date(2026, 9, 2), "Mantap")
    await thank(database, head_a, budi, date(2026, 6, 1), "Triwulan lalu")  # not Q3
    await complete(database, dodi, "Pelayanan Prima", date(2026, 8, 20))


async def test_each_unit_head_gets_exactly_their_units_candidates_once(
    settings: Settings, database: Database, api: FakeBotAPI
) -> None:
    await two_units(database)
    api.user(HEAD_A)
    api.user(HEAD_B)
    first_working_day = datetime(2026, 10, 1, 8, tzinfo=WIB)
    async with job_services(settings, database, api, FakeClock()) as services:
        report = await run_berprestasi(services, first_working_day)
        again = await run_berprestasi(services, first_working_day + timedelta(hours=2))
    assert (report.sent, report.failed, again.sent) == (2, 0, 0)
    (to_a,) = api.sent_to(HEAD_A)
    (to_b,) = api.sent_to(HEAD_B)
    heading = TEXTS.get("berprestasi_judul", unit="Bidang A", periode="Triwulan III 2026")
    assert to_a.plain_text.startswith(
        heading.splitlines()[0].replace("<b>", "").replace("</b>", "")
    )
    for name in ("Ani Lestari", "Dodi Saputra"):
        assert name in to_a.plain_text
    for name in ("Budi Santoso", "Citra Dewi", "Eka Putri"):
        assert name not in to_a.plain_text
    assert to_a.plain_text.index("Ani Lestari") < to_a.plain_text.index("Dodi Saputra")
    assert "Eka Putri" in to_b.plain_text and "Ani Lestari" not in to_b.plain_text
    assert "bukan peringkat" in to_a.plain_text


async def test_export_lists_the_candidates_cell_by_cell(
    database: Database, cli_env: None, tmp_path: Path
) -> None:
    await two_units(database)
    target = tmp_path / "berprestasi.xlsx"
    await asyncio.to_thread(
        main, ["ekspor", "berprestasi", "--periode", "2026-Q3", "-o", str(target)]
    )
    sheet = load_workbook(target).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header, *body = rows
    assert header == [
        "Unit Kerja",
        "Nama",
        "NIP",
        "Indikator Sesuai Jadwal",
        "Capaian Pro-rata Terendah (%)",
        "Apresiasi Diterima",
        "Pengembangan Selesai (tahun ini)",
        "JP",
        "IKM Unit",
    ]
    assert [(r[0], r[1], r[3], r[5], r[6], r[7]) for r in body] == [
        ("Bidang A", "Ani Lestari", 1, 1, 0, 0),
        ("Bidang A", "Dodi Saputra", 1, 0, 1, 8),
        ("Bidang B", "Eka Putri", 1, 1, 0, 0),
    ]
    assert all(r[4] is not None and r[4] >= 100 for r in body)
    assert all(r[8] is None for r in body)


async def statements_for_unit(database: Database) -> int:
    """How many statements the candidates and the development effects of BID-A take."""
    quarter = parse_period("2026-Q3")
    async with database.session() as session:
        unit = (await session.exec(select(Unit).where(Unit.kode == "BID-A"))).one()
        staff = (await session.exec(select(Employee).where(Employee.unit_id == unit.id))).all()
        with counted_statements(database) as statements:
            await unit_candidates(session, unit, quarter, today=date(2026, 10, 1))
            after = await indicator_progress(session, [id_of(e) for e in staff], 2026, quarter.end)
            await development_effects(session, staff, after, quarter, quarter.end)
    return len(statements)


async def test_candidates_and_effects_take_the_same_queries_for_four_or_twelve_people(
    database: Database,
) -> None:
    await two_units(database)
    few = await statements_for_unit(database)
    async with database.session() as session:
        unit = (await session.exec(select(Unit).where(Unit.kode == "BID-A"))).one()
        head = (await session.exec(select(Employee).where(Employee.nama == "Kepala A"))).one()
    for number in range(8):
        person = await add_employee(database, unit, nama=f"Staf {number}", atasan=head)
        await on_track(database, person, 400)
        await thank(database, head, person, date(2026, 8, 11), "Terima kasih")
        await complete(database, person, "Pelayanan Prima", date(2026, 8, 21))
    assert await statements_for_unit(database) == few

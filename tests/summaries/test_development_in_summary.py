"""From the third quarter the weekly summary names the team members under 20 JP."""

from __future__ import annotations

from datetime import date

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import LearningRecord, LearningStatus, id_of
from kinerja_bot.summaries.weekly import TEXTS, build_summary, render
from tests.factories import add_employee, add_unit


async def test_under_20_jp_from_the_third_quarter(database: Database) -> None:
    unit = await add_unit(database, "BAPPEDA", "Badan Perencanaan Pembangunan Daerah")
    atasan = await add_employee(database, unit, nama="Hendra Gunawan", telegram_id=8500001)
    siti = await add_employee(database, unit, nama="Siti Rahmawati", atasan=atasan)
    budi = await add_employee(database, unit, nama="Budi Santoso", atasan=atasan)
    async with database.session() as session:
        for employee, jp, status in (
            (siti, 24.0, LearningStatus.VERIFIED),
            (budi, 2.22, LearningStatus.VERIFIED),
            (budi, 30.0, LearningStatus.PENDING),  # not verified: does not count
        ):
            session.add(
                LearningRecord(
                    employee_id=id_of(employee),
                    nama="Pelatihan",
                    jenis="klasikal",
                    jp=jp,
                    completed_on=date(2026, 3, 2),
                    certificate_file_id="x",
                    certificate_kind="photo",
                    status=status,
                )
            )
    async with database.session() as session:
        june = await build_summary(session, atasan, date(2026, 6, 26))
        july = await build_summary(session, atasan, date(2026, 7, 3))
    assert june is not None and july is not None
    expected = TEXTS.get("jp_kurang", daftar=TEXTS.get("jp_orang", nama="Budi Santoso", jp="2,22"))
    assert expected in render(july)
    assert not any("JP" in block for block in render(june))
